"""The login page in a real browser: Debian's Chromium, driven by Playwright, against loopback stand-ins.

The built page (login_page/dist) is served with the headers CloudFront sends (the real CSP); a
real OpenID provider stands in for Cognito; API Gateway's authorizer and CORS stand in front of
the REAL presign handler with a fake SageMaker checked against botocore's model
(tests/login_stand_ins). Every test fails on a console error, an uncaught error, a CSP violation
or a token in localStorage. `WRITE_SCREENSHOTS=1` also writes docs/screenshots/*.png.
"""

from __future__ import annotations

import base64
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from login_stand_ins import world as stand_ins
from login_stand_ins.browser import LAST_TEAM_KEY, TOKEN_PATTERN, Tab, launch, local_storage, session_user, sign_in
from login_stand_ins.fake_sagemaker import domain_id_for
from studio_constructs import login_page_contract as contract

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 375, "height": 740}
# Long enough for a page that loops (each round trip here takes milliseconds) to show it.
QUIET_SECONDS = 1.5
TIMEOUT_MS = 10_000


def started_world(factory):
    """The stand-ins `factory` starts, around the built page (a module fixture's body)."""
    if not (contract.PAGE_DIST / "index.html").is_file():
        pytest.fail("login_page/dist/index.html is missing: `make test` builds the page (node login_page/build.mjs)")
    with factory() as started:
        yield started


@pytest.fixture(scope="module")
def world():
    yield from started_world(stand_ins.login_world)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


class Visit:
    """One browser profile (cookies, storage) and its tabs; `since` dates the stand-ins' records."""

    def __init__(self, browser, world) -> None:
        self.world = world
        self.browser = browser
        self.contexts = [browser.new_context(viewport=WIDE)]
        self.tabs: list[Tab] = []
        self.since = time.time()
        self.sagemaker_calls_before = len(world.sagemaker.calls)

    @property
    def context(self):
        return self.contexts[-1]

    def open(self, path: str = "/", *, new_profile: bool = False) -> Tab:
        """A new tab; in another browser profile (nobody signed in) when asked."""
        if new_profile:
            self.contexts.append(self.browser.new_context(viewport=WIDE))
        tab = Tab(self.context.new_page(), api_origin=self.world.api.origin, site_origin=self.world.site.origin)
        self.tabs.append(tab)
        response = tab.page.goto(self.world.site.origin + path)
        assert response.headers["content-security-policy"] == self.world.site.headers["Content-Security-Policy"]
        return tab

    def api_gets(self) -> list:
        return [r for r in self.world.api.presign_requests("GET") if r.at >= self.since]

    def api_requests(self) -> list:
        return [r for r in self.world.api.requests if r.at >= self.since]

    def sagemaker_calls(self) -> list[tuple[str, dict]]:
        return self.world.sagemaker.calls[self.sagemaker_calls_before:]

    def provider_events(self, kind: str) -> list[dict]:
        return [event for event in self.world.provider.events(kind) if event["at"] >= self.since]

    def studio(self, tab: Tab, action) -> str:
        """Runs `action` and returns the Studio URL the page then navigated to."""
        with tab.page.expect_request(lambda r: r.url in self.world.sagemaker.presigned_urls, timeout=TIMEOUT_MS) as r:
            action()
        assert r.value.is_navigation_request() and r.value.frame == tab.page.main_frame
        return r.value.url


@pytest.fixture
def visit(browser, world):
    world.api.down = False
    world.api.authorizer.clock_offset_seconds = 0
    world.sagemaker.unreachable = False
    world.provider.set_access_token_ttl(stand_ins.ACCESS_TOKEN_TTL_SECONDS)
    started = Visit(browser, world)
    yield started
    stored = [item for context in started.contexts for item in local_storage(context).items()]
    for context in started.contexts:
        context.close()
    problems = [problem for tab in started.tabs for problem in tab.problems]
    assert problems == [], "\n".join(problems)
    for origin, items in stored:
        assert set(items) <= {LAST_TEAM_KEY}, (origin, items)
        assert not any(re.search(TOKEN_PATTERN, value) for value in items.values()), (origin, items)


def wait_for_message(tab: Tab, action: str) -> str:
    tab.page.wait_for_selector(f"#message #{action}", timeout=TIMEOUT_MS)
    assert tab.page.evaluate("document.activeElement.id") == "message"  # read first by a screen reader
    return tab.page.inner_text("#message p")


def team_buttons(tab: Tab) -> list[str]:
    tab.page.wait_for_selector("#team-picker button.team", timeout=TIMEOUT_MS)
    return tab.page.eval_on_selector_all("#team-picker button.team", "buttons => buttons.map(b => b.dataset.team)")


def test_one_team_lands_on_studio(visit, world):
    tab = visit.open()
    url = visit.studio(tab, lambda: sign_in(tab.page, stand_ins.ONE_TEAM))
    assert urllib.parse.urlsplit(url).hostname.startswith(domain_id_for(stand_ins.TEAM_A) + ".studio.")
    assert [(r.status, r.origin) for r in visit.api_gets()] == [(200, world.site.origin)]
    assert [r.status for r in visit.api_requests() if r.method == "OPTIONS"] == [204]  # the browser's preflight
    presigned = [params for op, params in visit.sagemaker_calls() if op == "CreatePresignedDomainUrl"]
    assert [params["DomainId"] for params in presigned] == [domain_id_for(stand_ins.TEAM_A)]
    assert local_storage(visit.context)[world.site.origin] == {LAST_TEAM_KEY: stand_ins.TEAM_A}


def test_tokens_are_cognito_shaped_and_live_in_session_storage_only(visit, world):
    tab = visit.open()
    sign_in(tab.page, stand_ins.TWO_TEAMS)
    team_buttons(tab)
    assert tab.page.url == f"{world.site.origin}/"  # code and state left the address bar
    user = session_user(tab.page)
    payload = user["access_token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["cognito:groups"] == [stand_ins.TEAM_A, stand_ins.TEAM_B]
    assert (claims["token_use"], claims["username"], claims["client_id"], claims["iss"]) == (
        "access", stand_ins.TWO_TEAMS.username, stand_ins.CLIENT_ID, world.provider.issuer)
    assert claims["sub"] == stand_ins.TWO_TEAMS.sub and "openid" in claims["scope"].split()
    assert user["refresh_token"]
    # The positive control of the fixture's check: tokens exist, and localStorage holds none.
    assert tab.page.evaluate("Object.keys(localStorage)") == []
    # And the watch on localStorage writes sees one (a probe tab on the page's origin, not watched after).
    probe = Tab(visit.context.new_page(), api_origin=world.api.origin, site_origin=world.site.origin)
    probe.page.goto(f"{world.site.origin}/{contract.CONFIG_FILE}")
    probe.page.evaluate("token => { localStorage.setItem('probe', token); localStorage.removeItem('probe'); }",
                        user["access_token"])
    assert [problem.split(" (")[0] for problem in probe.problems] == [
        "console error: a token was written to localStorage under probe"]
    # Chromium settles localStorage across its renderers asynchronously: the fixture's snapshot
    # (another page) must not catch the probe between its write and its removal (seen once in CI).
    deadline = time.monotonic() + 5
    while "probe" in local_storage(visit.context).get(world.site.origin, {}) and time.monotonic() < deadline:
        time.sleep(0.05)


def test_two_teams_get_the_picker_and_the_last_choice_is_remembered(visit, world):
    tab = visit.open()
    sign_in(tab.page, stand_ins.TWO_TEAMS)
    assert team_buttons(tab) == [stand_ins.TEAM_A, stand_ins.TEAM_B]
    assert visit.api_gets() == []  # nothing asked before the scientist chose
    url = visit.studio(tab, lambda: tab.page.click(f"button.team[data-team='{stand_ins.TEAM_B}']"))
    assert domain_id_for(stand_ins.TEAM_B) in url
    # Tomorrow: a new tab, the hosted UI still knows the user, the picker offers team-b first.
    again = visit.open()
    assert team_buttons(again) == [stand_ins.TEAM_B, stand_ins.TEAM_A]
    assert "last used" in again.page.inner_text(f"button.team[data-team='{stand_ins.TEAM_B}']")
    assert again.page.evaluate("document.activeElement.dataset.team") == stand_ins.TEAM_B
    assert len(visit.provider_events("login")) == 1


def test_keyboard_only_path_through_the_picker(visit, world):
    tab = visit.open()
    sign_in(tab.page, stand_ins.TWO_TEAMS)
    team_buttons(tab)
    assert tab.page.evaluate("document.activeElement.dataset.team") == stand_ins.TEAM_A
    tab.page.keyboard.press("Tab")
    assert tab.page.evaluate("document.activeElement.dataset.team") == stand_ins.TEAM_B
    outline = tab.page.evaluate(
        "(style => [style.outlineStyle, parseFloat(style.outlineWidth)])(getComputedStyle(document.activeElement))")
    assert outline[0] != "none" and outline[1] > 0, f"no visible focus ring: {outline}"
    url = visit.studio(tab, lambda: tab.page.keyboard.press("Enter"))
    assert domain_id_for(stand_ins.TEAM_B) in url


def test_a_team_edited_into_the_url_is_refused_with_a_message(visit, world):
    tab = visit.open(f"/?team={stand_ins.TEAM_B}")
    sign_in(tab.page, stand_ins.ONE_TEAM)
    text = wait_for_message(tab, "sign-in")
    assert "not a member" in text and stand_ins.TEAM_B in text
    assert [r.status for r in visit.api_gets()] == [403]
    assert visit.sagemaker_calls() == []  # refused on the token's groups, before any AWS call
    assert tab.studio_navigations == []
    # The user's own team stays on offer beneath the message, and works.
    assert team_buttons(tab) == [stand_ins.TEAM_A]
    assert domain_id_for(stand_ins.TEAM_A) in visit.studio(tab, lambda: tab.page.click("button.team"))


def test_an_expired_token_returns_to_sign_in(visit, world):
    world.provider.set_access_token_ttl(2)
    tab = visit.open()
    sign_in(tab.page, stand_ins.TWO_TEAMS)
    team_buttons(tab)
    world.provider.set_access_token_ttl(stand_ins.ACCESS_TOKEN_TTL_SECONDS)
    time.sleep(max(0.0, session_user(tab.page)["expires_at"] - time.time()) + 0.3)
    url = visit.studio(tab, lambda: tab.page.click(f"button.team[data-team='{stand_ins.TEAM_B}']"))
    assert domain_id_for(stand_ins.TEAM_B) in url  # the chosen team survived the trip to sign-in
    assert len(visit.provider_events("authorize")) == 2
    assert len(visit.provider_events("login")) == 1  # the hosted-UI session answered the second time
    assert visit.api_gets()[-1].status == 200 and len(visit.api_gets()) <= 2


def test_a_token_the_api_keeps_refusing_shows_a_message_not_a_loop(visit, world):
    world.api.authorizer.clock_offset_seconds = 2 * stand_ins.ACCESS_TOKEN_TTL_SECONDS
    tab = visit.open()
    sign_in(tab.page, stand_ins.ONE_TEAM)
    text = wait_for_message(tab, "sign-in")
    time.sleep(QUIET_SECONDS)
    assert "sign in again" in text.lower()
    assert [r.status for r in visit.api_gets()] == [401, 401]  # one automatic sign-in, then the message
    assert len(visit.provider_events("authorize")) == 2
    world.api.authorizer.clock_offset_seconds = 0
    assert domain_id_for(stand_ins.TEAM_A) in visit.studio(tab, lambda: tab.page.click("#sign-in"))


@pytest.mark.parametrize("outage", ["api_unreachable", "sagemaker_unreachable"])
def test_the_api_down_gives_a_message_and_no_loop(visit, world, outage):
    world.api.down = outage == "api_unreachable"
    world.sagemaker.unreachable = outage == "sagemaker_unreachable"
    tab = visit.open()
    sign_in(tab.page, stand_ins.ONE_TEAM)
    text = wait_for_message(tab, "retry")
    assert "cannot reach" in text
    attempts = len(visit.api_requests())
    time.sleep(QUIET_SECONDS)
    assert len(visit.api_requests()) == attempts, "the page kept calling the API by itself"
    assert tab.studio_navigations == []
    world.api.down = world.sagemaker.unreachable = False
    assert domain_id_for(stand_ins.TEAM_A) in visit.studio(tab, lambda: tab.page.click("#retry"))


def test_no_team_and_a_domain_not_ready_explain_themselves(visit, world):
    tab = visit.open()
    sign_in(tab.page, stand_ins.NO_TEAM)
    assert "not in any team" in wait_for_message(tab, "sign-in")
    assert visit.api_gets() == []
    other = visit.open(new_profile=True)
    sign_in(other.page, stand_ins.NOT_READY)
    assert "not ready" in wait_for_message(other, "retry")
    assert [r.status for r in visit.api_gets()] == [404]


def test_sign_out_revokes_the_refresh_token_and_ends_the_session(visit, world):
    tab = visit.open()
    sign_in(tab.page, stand_ins.TWO_TEAMS)
    team_buttons(tab)
    refresh_token = session_user(tab.page)["refresh_token"]
    tab.page.click("#sign-out")
    tab.page.wait_for_selector("#username", timeout=TIMEOUT_MS)  # the hosted UI asks for the password again
    assert [(e["status"], e["tokenTypeHint"]) for e in visit.provider_events("revoke")] == [(200, "refresh_token")]
    assert len(visit.provider_events("grant_revoked")) == 1
    assert [e["hadSession"] for e in visit.provider_events("logout")] == [True]
    refresh = urllib.parse.urlencode({"grant_type": "refresh_token", "refresh_token": refresh_token,
                                      "client_id": stand_ins.CLIENT_ID}).encode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(world.provider.token_url, data=refresh, timeout=5)
    assert json.load(refused.value)["error"] == "invalid_grant"


def test_the_page_declares_an_icon_that_loads(visit, world):
    """Otherwise Chromium asks for /favicon.ico, which S3 behind OAC refuses (a red console line)."""
    tab = visit.open()
    sign_in(tab.page, stand_ins.TWO_TEAMS)
    team_buttons(tab)
    icon = tab.page.evaluate("document.querySelector('link[rel~=icon]')?.href ?? null")
    assert icon, "index.html declares no <link rel=icon> (e.g. href=\"data:,\", which the CSP's img-src allows)"
    if not icon.startswith("data:"):
        assert tab.page.request.get(icon).status == 200, icon
    assert tab.icon_misses == []


def test_screens_fit_a_phone_and_screenshots_when_asked(visit, world):
    picker = visit.open()
    sign_in(picker.page, stand_ins.TWO_TEAMS)
    team_buttons(picker)
    refused = visit.open(f"/?team={stand_ins.TEAM_B}", new_profile=True)
    sign_in(refused.page, stand_ins.ONE_TEAM)
    wait_for_message(refused, "sign-in")
    for name, tab in (("picker", picker), ("message", refused)):
        for size, viewport in (("wide", WIDE), ("narrow", NARROW)):
            tab.page.set_viewport_size(viewport)
            overflow = tab.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways at {viewport['width']} px"
            if os.environ.get("WRITE_SCREENSHOTS") == "1":
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                tab.page.screenshot(path=str(SCREENSHOTS / f"login-{name}-{size}.png"), full_page=True)

