"""The login page's build (login_page/build.mjs) and its pins, read from real builds.

Each test builds into its own directory (never login_page/dist, which a parallel synth may be
reading): the output is the same bytes every time, only index.html and content-hashed assets,
nothing inline for the CSP to allow, no origin in the bundle but the ones config.json supplies,
and the page agrees with studio_constructs/login_page_contract.py on the config keys and scopes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from studio_constructs import login_page_contract as contract
from studio_runtime.contracts.ordering_api import PLATFORM_GROUPS
from studio_runtime.contracts.pre_token_generation import OVERAGE_CLAIM

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "login_page"
NODE = ROOT / ".venv" / "node" / "bin" / "node"
ASSET = re.compile(r"^app-[A-Z0-9]{8}\.(js|css)$")
URL_IN_TEXT = re.compile(r"https?://[^\s\"'`)<>]*")
# oidc-client-ts parses relative URLs against this base (`new URL(url, "http://127.0.0.1")`);
# nothing is ever fetched from it.
URL_PARSE_BASE = 'new URL(e,"http://127.0.0.1")'
PINS = {"dependencies": {"oidc-client-ts": "3.5.0"}, "devDependencies": {"esbuild": "0.28.2"}}


def build(out: Path, page: Path = PAGE) -> dict[str, bytes]:
    if not (PAGE / "node_modules" / "esbuild").is_dir():
        pytest.fail("login_page/node_modules is missing: run `make test` (it installs the page's tools)")
    result = subprocess.run([str(NODE), str(page / "build.mjs"), str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert re.search(r"app-\w+\.js \d+\.\d KiB \(gzip \d+\.\d KiB\)", result.stdout), "the build reports the bundle size"
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, bytes]:
    return build(tmp_path_factory.mktemp("dist"))


def asset(files: dict[str, bytes], suffix: str) -> tuple[str, bytes]:
    [(name, content)] = [(n, c) for n, c in files.items() if n.endswith(suffix)]
    return name, content


class Markup(HTMLParser):
    """Every start tag with its attributes, and the text inside <script>/<style> elements."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag):
        self._open = None

    def handle_data(self, data):
        if self._open and data.strip():
            self.inline.append(data)

    def by_id(self, element_id: str) -> tuple[str, dict]:
        [found] = [(tag, attrs) for tag, attrs in self.tags if attrs.get("id") == element_id]
        return found


def parse(html: bytes) -> Markup:
    markup = Markup()
    markup.feed(html.decode("utf-8"))
    return markup


def test_same_sources_give_the_same_bytes(dist, tmp_path):
    assert build(tmp_path / "again") == dist


def test_dist_holds_the_page_and_its_hashed_assets_only(dist):
    assert "index.html" in dist
    others = sorted(name for name in dist if name != "index.html")
    assert len(others) == 2 and all(ASSET.match(name) for name in others), others
    assert {name.rsplit(".", 1)[1] for name in others} == {"js", "css"}


def test_asset_names_change_with_their_content(dist, tmp_path):
    """CloudFront caches hashed assets for long: a changed stylesheet must get a new name."""
    copy = tmp_path / "login_page"
    shutil.copytree(PAGE / "src", copy / "src")
    shutil.copy2(PAGE / "build.mjs", copy / "build.mjs")
    (copy / "node_modules").symlink_to(PAGE / "node_modules")
    with (copy / "src" / "style.css").open("a") as css:
        css.write("\nh1 { letter-spacing: 0.01em; }\n")
    changed = build(tmp_path / "changed", page=copy)
    assert asset(changed, ".css")[0] != asset(dist, ".css")[0]
    assert asset(changed, ".css")[0].encode() in changed["index.html"]


def test_index_html_has_nothing_inline_and_no_external_url(dist):
    html = dist["index.html"]
    markup = parse(html)
    assert markup.inline == []
    assert [tag for tag, _ in markup.tags if tag == "style"] == []
    for tag, attrs in markup.tags:
        assert "style" not in attrs, f"<{tag} style=...> needs style-src 'unsafe-inline'"
        assert not [name for name in attrs if name.startswith("on")], f"<{tag}> has an inline handler"
    assert URL_IN_TEXT.findall(html.decode()) == []


def test_index_html_loads_each_asset_once_with_its_integrity(dist):
    markup = parse(dist["index.html"])
    references = {
        attrs.get("src") or attrs.get("href"): attrs
        for tag, attrs in markup.tags
        if tag == "script" or (tag == "link" and attrs.get("rel") != "icon")
    }
    assert set(references) == {f"/{name}" for name in dist if name != "index.html"}
    # An empty inline icon: without one the browser asks for /favicon.ico, which the private
    # bucket refuses (a console error on every visit).
    assert [attrs["href"] for tag, attrs in markup.tags if tag == "link" and attrs.get("rel") == "icon"] == ["data:,"]
    for reference, attrs in references.items():
        digest = base64.b64encode(hashlib.sha384(dist[reference.lstrip("/")]).digest()).decode()
        assert attrs["integrity"] == f"sha384-{digest}"
    [script] = [attrs for tag, attrs in markup.tags if tag == "script"]
    assert script["type"] == "module"  # deferred: the markup paints before the bundle runs


def test_index_html_carries_the_dom_contract(dist):
    markup = parse(dist["index.html"])
    tags = dict((tag, attrs) for tag, attrs in reversed(markup.tags))
    assert tags["html"]["lang"] == "en"
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in [
        attrs for tag, attrs in markup.tags if tag == "meta"]
    assert markup.by_id("app")[0] == "main"
    assert "h1" in tags and "noscript" in tags
    status, message = markup.by_id("status")[1], markup.by_id("message")[1]
    assert (status["role"], status["aria-live"]) == ("status", "polite")
    assert (message["role"], message["tabindex"]) == ("alert", "-1")  # focusable by script only


def test_bundle_reaches_no_origin_but_the_configs(dist):
    script = asset(dist, ".js")[1].decode()
    found = URL_IN_TEXT.findall(script)
    assert found == ["http://127.0.0.1"] and script.count(URL_PARSE_BASE) == 1, found
    assert '"/config.json"' in script
    stylesheet = asset(dist, ".css")[1].decode()
    assert "url(" not in stylesheet and "@import" not in stylesheet


def test_the_check_above_sees_a_hard_coded_origin(tmp_path):
    """The origin check can fail: a page that calls a fixed host is caught."""
    copy = tmp_path / "login_page"
    shutil.copytree(PAGE / "src", copy / "src")
    shutil.copy2(PAGE / "build.mjs", copy / "build.mjs")
    (copy / "node_modules").symlink_to(PAGE / "node_modules")
    with (copy / "src" / "main.js").open("a") as main:
        main.write('\nfetch("https://tracker.example.com/pixel");\n')
    script = asset(build(tmp_path / "dist", page=copy), ".js")[1].decode()
    assert "https://tracker.example.com/pixel" in URL_IN_TEXT.findall(script)


def source(name: str) -> str:
    """A page module without its comments (no string of the page's sources holds `//`)."""
    text = (PAGE / "src" / name).read_text()
    return re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.DOTALL)


def js_strings(text: str) -> list[str]:
    return re.findall(r'"([^"]*)"', text)


def test_page_reads_the_config_keys_and_asks_for_the_scopes_of_the_contract():
    [keys] = re.findall(r"const CONFIG_KEYS = \[([^\]]*)\]", source("config.js"))
    assert tuple(js_strings(keys)) == contract.CONFIG_KEYS
    [scopes] = re.findall(r"const SCOPES = \[([^\]]*)\]", source("auth.js"))
    assert tuple(js_strings(scopes)) == contract.SCOPES


def test_page_leaves_out_exactly_the_ordering_apis_groups():
    [groups] = re.findall(r"const PLATFORM_GROUPS = \[([^\]]*)\]", source("auth.js"))
    assert tuple(js_strings(groups)) == PLATFORM_GROUPS


def test_page_reads_the_optional_config_keys_and_the_overage_claim_of_the_contracts():
    [keys] = re.findall(r"const OPTIONAL_CONFIG_KEYS = \[([^\]]*)\]", source("config.js"))
    assert tuple(js_strings(keys)) == contract.OPTIONAL_CONFIG_KEYS
    [claim] = re.findall(r'const OVERAGE_CLAIM = "([^"]*)"', source("auth.js"))
    assert claim == OVERAGE_CLAIM


CONFIG = {"apiUrl": "https://api.example/prod/", "cognitoDomain": "https://auth.example", "clientId": "c",
          "issuer": "https://cognito-idp.example/pool"}


@pytest.mark.parametrize(("identity_provider", "parsed"), [
    (None, None), ("EntraID", "EntraID"), ("Okta-Corp.1", "Okta-Corp.1"), ("x" * 32, "x" * 32),
    ("", "invalid"), ("Entra ID", "invalid"), ("_Entra", "invalid"), ("Entra_", "invalid"), ("x" * 33, "invalid"),
    (42, "invalid"),
])
def test_identity_provider_in_config_is_a_provider_name_or_refused(identity_provider, parsed):
    """Cognito's ProviderName rule; anything else is a page not set up correctly, not a guess."""
    raw = CONFIG if identity_provider is None else {**CONFIG, "identityProvider": identity_provider}
    script = ("import { parseConfig, ConfigInvalid } from './src/config.js';"
              "try { console.log(JSON.stringify(parseConfig(JSON.parse(process.argv[1])).identityProvider)); }"
              "catch (e) { console.log(e instanceof ConfigInvalid ? '\"invalid\"' : `unexpected ${e}`); }")
    result = subprocess.run([str(NODE), "--input-type=module", "-e", script, json.dumps(raw)],
                            cwd=PAGE, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == parsed


def test_tokens_stay_out_of_local_storage():
    """Only the last team's name may outlive the tab; oidc-client-ts gets sessionStorage stores."""
    users = {path.name for path in (PAGE / "src").glob("*.js") if "localStorage" in source(path.name)}
    assert users == {"last-team.js"}
    auth = source("auth.js")
    assert "new WebStorageStateStore({ store: window.sessionStorage })" in auth
    assert re.search(r"userStore: store\(\),\s*stateStore: store\(\),", auth)


def test_package_pins_are_exact_and_equal_the_lock():
    package = json.loads((PAGE / "package.json").read_text())
    lock = json.loads((PAGE / "package-lock.json").read_text())
    assert package["private"] is True
    assert {kind: package.get(kind) for kind in PINS} == PINS
    assert {kind: lock["packages"][""].get(kind) for kind in PINS} == PINS
    for name, version in {**PINS["dependencies"], **PINS["devDependencies"]}.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    # What ships in the bundle is the dependency's closure; the bundler's packages are all dev.
    shipped = {path for path, entry in lock["packages"].items() if path and not entry.get("dev")}
    assert shipped == {"node_modules/oidc-client-ts", "node_modules/jwt-decode"}
    assert all(entry.get("integrity", "").startswith("sha512-") for path, entry in lock["packages"].items() if path)
