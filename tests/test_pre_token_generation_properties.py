"""Properties of the pre-token-generation trigger over random claims and identities.

Whatever the IdP (or anything else) put into the user's attributes: the trigger never raises,
never grants a team whose mapped groups were not among the claimed ones, grants every team a
well-formed claim asks for, and leaves users not federated through the provider untouched.
"""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pre_token_events import (
    PROVIDER,
    access_token_claims,
    federated_attributes,
    groups_to_override,
    identities,
    invoke,
    local_attributes,
    staged_trigger,
    token_event,
)
from studio_runtime.contracts.pre_token_generation import (
    GROUPS_ATTRIBUTE,
    MAX_ATTRIBUTE_LENGTH,
    OVERAGE_ATTRIBUTE,
    OVERAGE_CLAIM,
)

TEAM_GROUPS = {
    "vision": ["7f1c2a9e-5b1d-4c3e-9a8f-0123456789ab", "shared-ml"],
    "nlp": ["nlp"],
    "forecasting": ["shared-ml", "c0ffee00-0000-4000-8000-000000000001"],
    "audio": ["audio"],
}
MAPPED_GROUPS = sorted({group for groups in TEAM_GROUPS.values() for group in groups})
TRIGGER_SOURCES = st.sampled_from(
    ["TokenGeneration_HostedAuth", "TokenGeneration_Authentication", "TokenGeneration_RefreshTokens",
     "TokenGeneration_NewPasswordChallenge", "TokenGeneration_AuthenticateDevice"]
)
RUNS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Group ids as an IdP sends them: Entra object ids, names, or anything else.
random_ids = st.one_of(st.uuids().map(str), st.text(min_size=1, max_size=30))
group_lists = st.lists(st.one_of(st.sampled_from(MAPPED_GROUPS), random_ids), max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)
claims = st.one_of(
    st.text(max_size=300),
    json_values.map(json.dumps),
    group_lists.map(json.dumps),
    group_lists.map(lambda groups: "[" + ", ".join(groups) + "]"),
    st.text(alphabet="[], \"", max_size=40),
)


@pytest.fixture(scope="module")
def trigger(tmp_path_factory):
    return staged_trigger(tmp_path_factory, TEAM_GROUPS)


def allowed_teams(claim: str) -> set[str]:
    """Teams at least one of whose mapped groups appears in the raw claim text: an upper bound
    for what any reading of the claim may grant."""
    return {team for team, groups in TEAM_GROUPS.items() if any(group in claim for group in groups)}


def teams_of(groups: list[str]) -> list[str]:
    return sorted({team for team, mapped in TEAM_GROUPS.items() if set(mapped) & set(groups)})


@RUNS
@given(claim=claims, overage=st.one_of(st.none(), st.text(max_size=50)), source=TRIGGER_SOURCES)
def test_random_claims_never_raise_and_never_grant_an_unclaimed_team(trigger, capsys, claim, overage, source):
    event = token_event(federated_attributes(claim, overage=overage), user_name=f"{PROVIDER}_x", trigger_source=source)
    result = invoke(trigger, event)
    capsys.readouterr()
    teams = groups_to_override(result)
    assert teams is not None
    assert teams == sorted(set(teams))
    assert set(teams) <= allowed_teams(claim)
    if len(claim) > MAX_ATTRIBUTE_LENGTH:
        assert teams == []
    if access_token_claims(result):
        assert access_token_claims(result) == {OVERAGE_CLAIM: "true"}
        assert teams == [] and (overage or "").strip()


@RUNS
@given(groups=group_lists, bracketed=st.booleans(), padding=st.sampled_from(["", " ", "  \t"]))
def test_well_formed_claims_grant_exactly_the_mapped_teams(trigger, capsys, groups, bracketed, padding):
    # Cognito's "[a, b]" rendering cannot carry commas, brackets or edge spaces inside a value.
    if bracketed:
        groups = [group for group in groups if group.strip() == group and not set(group) & set(",[]")]
        claim = "[" + f",{padding}".join(groups) + "]"
    else:
        claim = json.dumps(groups)
    event = token_event(federated_attributes(padding + claim + padding), user_name=f"{PROVIDER}_x")
    result = invoke(trigger, event)
    capsys.readouterr()
    assert groups_to_override(result) == teams_of([group.strip() for group in groups])
    assert access_token_claims(result) == {}


other_providers = st.one_of(
    st.text(min_size=1, max_size=32), st.sampled_from([PROVIDER.lower(), f"{PROVIDER} ", f" {PROVIDER}", "Google"])
).filter(lambda provider: provider != PROVIDER)
non_federating_identities = st.one_of(
    st.none(), st.text(max_size=80), json_values.map(json.dumps), other_providers.map(identities)
)


@RUNS
@given(
    claim=claims,
    identities_text=non_federating_identities,
    user_name=st.one_of(st.text(max_size=40), st.just(f"{PROVIDER}_impostor")),
    cognito_groups=st.one_of(st.none(), st.lists(st.sampled_from([*TEAM_GROUPS, "admins"]), max_size=3)),
)
def test_users_not_federated_through_the_provider_are_never_changed(
    trigger, capsys, claim, identities_text, user_name, cognito_groups
):
    assume(identities_text is None or not _names_provider(identities_text))
    attributes = local_attributes(**{GROUPS_ATTRIBUTE: claim, OVERAGE_ATTRIBUTE: "link"})
    if identities_text is not None:
        attributes["identities"] = identities_text
    event = token_event(attributes, user_name=user_name, cognito_groups=cognito_groups)
    original = copy.deepcopy(event)
    assert invoke(trigger, event) == original
    capsys.readouterr()


def _names_provider(identities_text: str) -> bool:
    try:
        parsed = json.loads(identities_text)
    except ValueError:
        return False
    return isinstance(parsed, list) and any(
        isinstance(entry, dict) and entry.get("providerName") == PROVIDER for entry in parsed
    )
