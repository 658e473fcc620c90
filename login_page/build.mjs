// Builds the login page into dist/: app-<hash>.js and app-<hash>.css (esbuild, minified, names
// from their content) and an index.html that references them with subresource integrity. Nothing
// inline, so the CSP can stay script-src 'self' / style-src 'self'. Same sources, same bytes.
//   node login_page/build.mjs [outdir]   (from any directory; `make synth` and `make test` run it;
//   outdir defaults to login_page/dist, the tests build elsewhere so they never empty it under
//   a parallel synth)
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.argv[2] ?? join(here, "dist"));

// Old hashed files go, so dist/ holds exactly one build; anything else there means a wrong outdir.
const BUILD_OUTPUT = /^(index\.html|app-[A-Z0-9]+\.(js|css))$/;
await mkdir(dist, { recursive: true });
const strangers = (await readdir(dist)).filter((name) => !BUILD_OUTPUT.test(name));
if (strangers.length) throw new Error(`refusing to build into ${dist}: it holds ${strangers.join(", ")}`);
await Promise.all((await readdir(dist)).map((name) => rm(join(dist, name))));

const result = await build({
  absWorkingDir: here,
  entryPoints: { app: "src/main.js" },
  entryNames: "[name]-[hash]",
  outdir: dist,
  bundle: true,
  format: "esm",
  target: "es2020",
  minify: true,
  sourcemap: false,
  // Licences stay with the code they cover, at the end of the bundle.
  legalComments: "eof",
  charset: "utf8",
  metafile: true,
  logLevel: "warning",
});

const outputs = Object.keys(result.metafile.outputs).map((path) => resolve(here, path));
const script = outputs.find((path) => path.endsWith(".js"));
const stylesheet = outputs.find((path) => path.endsWith(".css"));
if (!script || !stylesheet || outputs.length !== 2) {
  throw new Error(`expected one .js and one .css output, got ${outputs.map((p) => relative(here, p))}`);
}

async function integrity(path) {
  const digest = createHash("sha384").update(await readFile(path)).digest("base64");
  return `sha384-${digest}`;
}

// Module scripts are deferred: the markup below is parsed (and painted) before app.js runs.
const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<title>Open your team's SageMaker Studio</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/${basename(stylesheet)}" integrity="${await integrity(stylesheet)}">
<script type="module" src="/${basename(script)}" integrity="${await integrity(script)}"></script>
</head>
<body>
<header class="bar">
<span class="brand">SageMaker Studio</span>
<div id="account"></div>
</header>
<main id="app">
<h1>Open your team's Studio</h1>
<p id="status" role="status" aria-live="polite">Loading…</p>
<div id="message" role="alert" tabindex="-1"></div>
<div id="choices"></div>
<noscript><p>This page needs JavaScript to sign you in. Allow JavaScript for this site, then reload the page.</p></noscript>
</main>
</body>
</html>
`;
await writeFile(join(dist, "index.html"), html);

function size(bytes) {
  return `${(bytes.length / 1024).toFixed(1)} KiB (gzip ${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1)} KiB)`;
}
for (const path of [script, stylesheet]) {
  console.log(`login page: ${relative(process.cwd(), path)} ${size(await readFile(path))}`);
}
