"""Benchmark of the login page: its bundle, and how soon it renders in Chromium with the stand-ins.

    python benchmarks/bench_login_page.py

Bundle: login_page/dist as built (`make bench` builds it), raw bytes and gzip -9 bytes (what a
compressing CDN sends). Render: the browser test's loopback stand-ins (tests/login_stand_ins),
Debian's Chromium through Playwright; a signed-in scientist with two teams reloads the page:
navigation start to the first contentful paint (#app's heading and #status) and to the team
picker (config.json fetched, token read, picker drawn), median of RUNS reloads after one warm-up.
Loopback has no network latency: this is the page's own cost, not a user's wait. `run()`
returns the rows for run_all.py.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import statistics
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
for directory in (PROJECT_ROOT, PROJECT_ROOT / "tests"):
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))

from studio_constructs.login_page_contract import PAGE_DIST  # noqa: E402

RUNS = 5
# Set by the page's own script, before any of it runs: when the picker first exists.
PICKER_WATCH = """
new MutationObserver((_, observer) => {
  if (document.getElementById("team-picker")) {
    window.__pickerAt = performance.now();
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });
"""


def bundle_sizes(dist: Path = PAGE_DIST) -> dict[str, int]:
    files = sorted(path for path in dist.iterdir() if path.is_file())
    if not any(path.name == "index.html" for path in files):
        raise SystemExit(f"error: {dist} has no index.html; build the page first (make bench does)")
    raw = b"".join(path.read_bytes() for path in files)
    return {
        "files": len(files),
        "bytes": len(raw),
        "gzip_bytes": sum(len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)) for path in files),
        "js_gzip_bytes": sum(len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))
                             for path in files if path.suffix == ".js"),
    }


def measure_render(runs: int = RUNS) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    from login_stand_ins import world as stand_ins
    from login_stand_ins.browser import launch, sign_in

    paints: list[float] = []
    pickers: list[float] = []
    # The presign handler's log lines (one per request) are not part of the table.
    with contextlib.redirect_stdout(io.StringIO()), stand_ins.login_world() as world, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.add_init_script(PICKER_WATCH)
        page.goto(world.site.origin + "/")
        sign_in(page, stand_ins.TWO_TEAMS)
        page.wait_for_selector("#team-picker")
        for run in range(runs + 1):
            page.reload()
            page.wait_for_selector("#team-picker")
            page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length > 0")
            paint, picker = page.evaluate(
                "[performance.getEntriesByName('first-contentful-paint')[0].startTime, window.__pickerAt]"
            )
            if run:  # the first reload warms Chromium's caches
                paints.append(paint)
                pickers.append(picker)
        browser.close()
    return {"first_paint_ms": statistics.median(paints), "picker_ms": statistics.median(pickers)}


def run() -> list[tuple[str, str]]:
    sizes = bundle_sizes()
    render = measure_render()
    return [
        (f"login page bundle: bytes ({sizes['files']} files: index.html, js, css)", f"{sizes['bytes']}"),
        ("login page bundle: gzip -9 bytes (js alone)", f"{sizes['gzip_bytes']} ({sizes['js_gzip_bytes']})"),
        (f"login page: navigation to first paint, ms (Chromium, loopback, median of {RUNS})",
         f"{render['first_paint_ms']:.0f}"),
        (f"login page: navigation to team picker, signed in, ms (median of {RUNS})", f"{render['picker_ms']:.0f}"),
    ]


def main() -> None:
    from table import markdown_table  # beside this script

    print(markdown_table(run()))


if __name__ == "__main__":
    main()
