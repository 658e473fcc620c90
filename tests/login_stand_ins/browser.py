"""Debian's Chromium driven by Playwright, and what the browser test watches in every tab.

No `page.route` anywhere: with request interception on, Playwright answers CORS preflights
itself, and the API's real CORS answer would go untested. Studio's URL is caught as the
navigation request it is instead; its host never resolves (no request leaves the machine).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Studio's presigned URL is followed by a real navigation that must end here, offline.
    "--host-resolver-rules=MAP *.sagemaker.aws ~NOTFOUND",
]
STUDIO_HOST_SUFFIX = ".sagemaker.aws"
LAST_TEAM_KEY = "studio-login:last-team"
TOKEN_PATTERN = r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\."
# Runs before the page's own scripts. Every CSP violation, and any JWT written to localStorage
# at any moment (not only what is left at the end), becomes a console error the test fails on.
PAGE_WATCH = """(() => {
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
const setItem = Storage.prototype.setItem;
Storage.prototype.setItem = function (key, value) {
  if (this === window.localStorage && /%s/.test(String(value))) {
    console.error(`a token was written to localStorage under ${key}`);
  }
  return setItem.call(this, key, value);
};
})();""" % TOKEN_PATTERN

def launch(playwright: Any) -> Any:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)


def is_studio_navigation(request: Any) -> bool:
    return request.is_navigation_request() and (urlsplit(request.url).hostname or "").endswith(STUDIO_HOST_SUFFIX)


@dataclass
class Tab:
    """One page with its problems recorded: console errors, uncaught errors, CSP violations."""

    page: Any
    api_origin: str
    site_origin: str
    problems: list[str] = field(default_factory=list)
    # Chromium's own /favicon.ico request for a page that declares no icon: one test
    # (test_the_page_declares_an_icon_that_loads) owns that check, so it fails alone.
    icon_misses: list[str] = field(default_factory=list)
    studio_navigations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.add_init_script(PAGE_WATCH)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        self.page.on("request", lambda request: is_studio_navigation(request)
                     and self.studio_navigations.append(request.url))

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        location = message.location.get("url", "")
        # Chromium logs every non-2xx fetch ("Failed to load resource"); the API's refusals and
        # outages are what several tests ask for, so those alone are expected.
        if message.text.startswith("Failed to load resource") and location.startswith(self.api_origin):
            return
        if "net::ERR" in message.text and location.startswith(self.api_origin):
            return
        if location == f"{self.site_origin}/favicon.ico":
            self.icon_misses.append(message.text)
            return
        self.problems.append(f"console error: {message.text} ({location})")


def sign_in(page: Any, user: Any) -> None:
    """Fills the stand-in's hosted-UI form, as a user types it."""
    page.wait_for_selector("#username", timeout=10_000)
    page.fill("#username", user.username)
    page.fill("#password", user.password)
    page.click("button[name=signInSubmitButton]")


def session_user(page: Any) -> dict[str, Any]:
    """The user oidc-client-ts keeps in sessionStorage (tokens included)."""
    stored = page.evaluate(
        "Object.keys(sessionStorage).filter((key) => key.startsWith('oidc.user:')).map((key) => sessionStorage[key])"
    )
    assert len(stored) == 1, stored
    return json.loads(stored[0])


def local_storage(context: Any) -> dict[str, dict[str, str]]:
    """origin -> localStorage items of every origin the context has visited."""
    return {entry["origin"]: {item["name"]: item["value"] for item in entry["localStorage"]}
            for entry in context.storage_state()["origins"]}
