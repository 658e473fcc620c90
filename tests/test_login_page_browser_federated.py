"""The login page with a corporate IdP, in a real browser: an Entra ID stand-in federated by the
Cognito stand-in, the REAL pre-token-generation trigger deciding the teams
(tests/login_stand_ins/federated_world.py). config.json names the provider, so the page sends
`identity_provider` and the user signs in at "Entra"; `/?account=local` keeps the hosted UI's
form for local (break-glass) users. The checks of test_login_page_browser.py's `visit` apply.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.parse

import pytest

from login_stand_ins import federated_world as federated
from login_stand_ins import world as stand_ins
from login_stand_ins.browser import Tab, session_user, sign_in
from login_stand_ins.fake_sagemaker import domain_id_for
from studio_runtime.contracts.pre_token_generation import OVERAGE_CLAIM
# `visit`: the local-user module's fixture, so the same after-checks (no console error, no CSP
# violation, no token in localStorage) hold here, on this module's world and browser.
from test_login_page_browser import (  # noqa: F401  (browser and visit are fixtures)
    SCREENSHOTS,
    TIMEOUT_MS,
    Visit,
    browser,
    started_world,
    team_buttons,
    visit,
    wait_for_message,
)


@pytest.fixture(scope="module")
def world():
    yield from started_world(federated.federated_login_world)


def sign_in_at_entra(tab: Tab, world, user: federated.EntraUser) -> None:
    """Types into the Entra stand-in's form: the page sent the browser there, past Cognito's form."""
    tab.page.wait_for_selector("#entra-user", timeout=TIMEOUT_MS)
    assert tab.page.url.startswith(world.entra.origin), tab.page.url
    tab.page.fill("#entra-user", user.email)
    tab.page.fill("#entra-password", user.password)
    tab.page.click("#idSIButton9")


def access_claims(tab: Tab) -> dict:
    payload = session_user(tab.page)["access_token"].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def trigger_decisions(visit: Visit, username: str) -> list[dict]:
    """What the real trigger answered for this user's tokens ({groups, accessClaims})."""
    return [event for event in visit.provider_events("trigger") if event["username"] == username]


def federated_name(user: federated.EntraUser) -> str:
    return f"{federated.PROVIDER_NAME}_{user.oid}"


def test_a_mapped_entra_group_lands_on_its_teams_studio(visit, world):
    tab = visit.open()
    url = visit.studio(tab, lambda: sign_in_at_entra(tab, world, federated.IN_TEAM_A))
    assert urllib.parse.urlsplit(url).hostname.startswith(domain_id_for(stand_ins.TEAM_A) + ".studio.")
    # The page asked Cognito for the IdP by name, and the hosted UI's own form was never shown.
    assert [event["identityProvider"] for event in visit.provider_events("federate")] == [federated.PROVIDER_NAME]
    assert visit.provider_events("login_failed") == []
    # The trigger kept team-a for the mapped object id and dropped the unmapped one.
    assert [event["username"] for event in visit.provider_events("federated_login")] == [
        federated_name(federated.IN_TEAM_A)]
    [decision] = trigger_decisions(visit, federated_name(federated.IN_TEAM_A))
    assert (decision["groups"], decision["accessClaims"]) == ([stand_ins.TEAM_A], {})
    presigned = [params for op, params in visit.sagemaker_calls() if op == "CreatePresignedDomainUrl"]
    assert [params["DomainId"] for params in presigned] == [domain_id_for(stand_ins.TEAM_A)]
    assert [r.status for r in visit.api_gets()] == [200]


def test_an_unmapped_entra_group_is_in_no_team(visit, world):
    tab = visit.open()
    sign_in_at_entra(tab, world, federated.UNMAPPED)
    assert "not in any team" in wait_for_message(tab, "sign-in")
    claims = access_claims(tab)
    assert "cognito:groups" not in claims and OVERAGE_CLAIM not in claims
    assert claims["username"] == federated_name(federated.UNMAPPED)
    assert visit.api_gets() == []
    # Someone who should have used a local account finds the way there beneath the message.
    assert tab.page.get_attribute("#local-account", "href") == "/?account=local"


def test_a_groups_overage_says_so(visit, world):
    tab = visit.open()
    sign_in_at_entra(tab, world, federated.OVERAGE)
    text = wait_for_message(tab, "sign-in")
    assert "too many groups" in text and "assign the Studio groups to the app" in text
    assert "not in any team" not in text
    claims = access_claims(tab)
    assert claims[OVERAGE_CLAIM] == "true" and "cognito:groups" not in claims
    [decision] = trigger_decisions(visit, federated_name(federated.OVERAGE))
    assert decision == {**decision, "groups": [], "accessClaims": {OVERAGE_CLAIM: "true"}}
    assert visit.api_gets() == []
    if os.environ.get("WRITE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.page.screenshot(path=str(SCREENSHOTS / "login-overage-wide.png"), full_page=True)


def test_a_local_account_still_signs_in_through_the_hosted_ui(visit, world):
    tab = visit.open("/?account=local")
    url = visit.studio(tab, lambda: sign_in(tab.page, stand_ins.ONE_TEAM))  # the hosted UI's own form
    assert domain_id_for(stand_ins.TEAM_A) in url
    assert visit.provider_events("federate") == []  # no identity_provider on this authorize request
    assert [event["username"] for event in visit.provider_events("login")] == [stand_ins.ONE_TEAM.username]


def test_a_local_user_with_two_teams_keeps_the_picker(visit, world):
    """A local user's groups come from the pool, untouched by the trigger (it runs for them too)."""
    tab = visit.open("/?account=local")
    sign_in(tab.page, stand_ins.TWO_TEAMS)
    assert team_buttons(tab) == [stand_ins.TEAM_A, stand_ins.TEAM_B]
    assert access_claims(tab)["cognito:groups"] == [stand_ins.TEAM_A, stand_ins.TEAM_B]
    [decision] = trigger_decisions(visit, stand_ins.TWO_TEAMS.username)
    assert decision["groups"] == [stand_ins.TEAM_A, stand_ins.TEAM_B]
