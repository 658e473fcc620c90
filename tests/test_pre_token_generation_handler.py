"""The pre-token-generation trigger on Cognito-shaped V2 events (lambda/pre_token_generation/)."""

from __future__ import annotations

import copy
import json

import pytest

from lambda_context import LambdaContext
from pre_token_events import (
    PROVIDER,
    access_token_claims,
    federated_attributes,
    groups_to_override,
    identities,
    invoke,
    load_trigger,
    local_attributes,
    staged_trigger,
    token_event,
)
from studio_runtime.contracts.pre_token_generation import (
    GROUPS_ATTRIBUTE,
    MAX_ATTRIBUTE_LENGTH,
    OVERAGE_CLAIM,
    TEAM_GROUPS_FILE,
)

VISION_GROUP = "7f1c2a9e-5b1d-4c3e-9a8f-0123456789ab"
SHARED_GROUP = "0d9e8f7a-6b5c-4d3e-2f1a-abcdefabcdef"
TEAM_GROUPS = {
    "vision": [VISION_GROUP, SHARED_GROUP],
    "nlp": ["nlp"],  # a team without idp_groups: entered by the group named like it
    "forecasting": [SHARED_GROUP],
}
FEDERATED_USER = f"{PROVIDER}_b2c4e6f8a0"
# Mapped groups, but longer than Cognito lets the attribute be: not a claim the IdP could send.
OVERSIZED_CLAIM = json.dumps([VISION_GROUP] + ["x" * 40] * 60)


@pytest.fixture(scope="module")
def trigger(tmp_path_factory):
    return staged_trigger(tmp_path_factory, TEAM_GROUPS)


def test_hosted_ui_sign_in_maps_json_array_of_groups_to_sorted_distinct_teams(trigger):
    groups = json.dumps([SHARED_GROUP, "unmapped-group", VISION_GROUP, "nlp"])
    result = invoke(trigger, token_event(federated_attributes(groups), user_name=FEDERATED_USER))
    assert groups_to_override(result) == ["forecasting", "nlp", "vision"]
    assert access_token_claims(result) == {}


def test_refresh_maps_cognitos_bracket_rendering_with_whitespace(trigger):
    event = token_event(
        federated_attributes(f"  [ {VISION_GROUP} ,nlp,  ]  "),
        user_name=FEDERATED_USER,
        trigger_source="TokenGeneration_RefreshTokens",
    )
    assert groups_to_override(invoke(trigger, event)) == ["nlp", "vision"]


def test_a_single_bare_group_value_enters_its_team(trigger):
    result = invoke(trigger, token_event(federated_attributes(" nlp "), user_name=FEDERATED_USER))
    assert groups_to_override(result) == ["nlp"]


def test_federated_user_loses_cognito_groups_the_idp_does_not_grant(trigger):
    event = token_event(
        federated_attributes(json.dumps(["unmapped-group"])),
        user_name=FEDERATED_USER,
        cognito_groups=["vision", "admins"],
    )
    assert groups_to_override(invoke(trigger, event)) == []


def test_a_federated_requester_or_approver_keeps_that_cognito_group(trigger):
    event = token_event(
        federated_attributes(json.dumps([VISION_GROUP])),
        user_name=FEDERATED_USER,
        cognito_groups=["nlp", "platform-admins", "platform-requesters"],
    )
    # The IdP's team, then the ordering API's roles; a Cognito team group is still not kept.
    assert groups_to_override(invoke(trigger, event)) == ["vision", "platform-admins", "platform-requesters"]


def test_an_idp_group_named_like_a_platform_role_grants_nothing(trigger):
    event = token_event(federated_attributes(json.dumps(["platform-admins"])), user_name=FEDERATED_USER)
    assert groups_to_override(invoke(trigger, event)) == []


@pytest.mark.parametrize(
    "claim",
    [
        None,
        "",
        "   ",
        "[",
        f"[{VISION_GROUP}",
        json.dumps({"groups": [VISION_GROUP]}),
        json.dumps([VISION_GROUP, 7]),
        json.dumps([[VISION_GROUP]]),
        OVERSIZED_CLAIM,
    ],
    ids=["absent", "empty", "blank", "open-bracket", "unclosed", "object", "non-string", "nested", "oversized"],
)
def test_missing_malformed_or_oversized_claims_give_no_team_and_no_error(trigger, claim):
    assert len(OVERSIZED_CLAIM) > MAX_ATTRIBUTE_LENGTH
    result = invoke(trigger, token_event(federated_attributes(claim), user_name=FEDERATED_USER))
    assert groups_to_override(result) == []
    assert OVERAGE_CLAIM not in access_token_claims(result)


def test_a_claim_of_exactly_the_attribute_limit_is_read(trigger):
    claim = json.dumps(["nlp", "y" * (MAX_ATTRIBUTE_LENGTH - 11)])
    assert len(claim) == MAX_ATTRIBUTE_LENGTH
    result = invoke(trigger, token_event(federated_attributes(claim), user_name=FEDERATED_USER))
    assert groups_to_override(result) == ["nlp"]


def test_overage_without_groups_marks_the_access_token_only(trigger):
    overage = json.dumps({"groups": "src1"})
    result = invoke(trigger, token_event(federated_attributes(None, overage=overage), user_name=FEDERATED_USER))
    assert groups_to_override(result) == []
    assert access_token_claims(result) == {OVERAGE_CLAIM: "true"}
    assert "idTokenGeneration" not in result["response"]["claimsAndScopeOverrideDetails"]


def test_overage_marker_is_ignored_when_groups_arrived(trigger):
    attributes = federated_attributes(json.dumps(["nlp"]), overage='{"groups":"src1"}')
    result = invoke(trigger, token_event(attributes, user_name=FEDERATED_USER))
    assert groups_to_override(result) == ["nlp"]
    assert access_token_claims(result) == {}


def test_existing_response_fields_are_kept(trigger):
    response = {
        "claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {"claimsToAddOrOverride": {"department": "r&d"}, "claimsToSuppress": []},
            "accessTokenGeneration": {"claimsToAddOrOverride": {"tier": "gold"}, "scopesToAdd": ["x"]},
            "groupOverrideDetails": {"groupsToOverride": ["admins"], "iamRolesToOverride": [], "preferredRole": None},
        }
    }
    attributes = federated_attributes(None, overage="link")
    result = invoke(trigger, token_event(attributes, user_name=FEDERATED_USER, response=response))
    details = result["response"]["claimsAndScopeOverrideDetails"]
    assert details["idTokenGeneration"] == {"claimsToAddOrOverride": {"department": "r&d"}, "claimsToSuppress": []}
    assert details["accessTokenGeneration"] == {
        "claimsToAddOrOverride": {"tier": "gold", OVERAGE_CLAIM: "true"},
        "scopesToAdd": ["x"],
    }
    assert details["groupOverrideDetails"] == {"groupsToOverride": [], "iamRolesToOverride": [], "preferredRole": None}


@pytest.mark.parametrize(
    "attributes, user_name",
    [
        (local_attributes(), "breakglass"),
        # The attribute is never a source of groups for a local user, whoever set it, and a
        # username shaped like a federated one proves nothing.
        (local_attributes(**{GROUPS_ATTRIBUTE: json.dumps([VISION_GROUP])}), f"{PROVIDER}_impostor"),
        # Federated, but through another provider than the configured one.
        (federated_attributes(json.dumps([VISION_GROUP]), provider="Google"), "Google_123"),
        (local_attributes(identities="not json", **{GROUPS_ATTRIBUTE: "nlp"}), "breakglass"),
    ],
    ids=["local", "local-with-groups-attribute", "other-provider", "garbled-identities"],
)
def test_users_not_federated_through_the_provider_keep_their_tokens_untouched(trigger, attributes, user_name):
    event = token_event(attributes, user_name=user_name, cognito_groups=["nlp"])
    original = copy.deepcopy(event)
    assert invoke(trigger, event) == original


def test_a_linked_user_whose_identities_name_the_provider_is_federated(trigger):
    attributes = local_attributes(identities=identities(PROVIDER), **{GROUPS_ATTRIBUTE: "[nlp]"})
    result = invoke(trigger, token_event(attributes, user_name="jane", cognito_groups=["vision"]))
    assert groups_to_override(result) == ["nlp"]


def test_v1_event_is_refused(trigger):
    event = token_event(federated_attributes("nlp"), user_name=FEDERATED_USER, version="1")
    with pytest.raises(ValueError, match="V2_0"):
        invoke(trigger, event)


def test_log_holds_counts_and_teams_but_no_identity_or_group_ids(trigger, capsys):
    attributes = federated_attributes(json.dumps([VISION_GROUP, "unmapped-group"]))
    invoke(trigger, token_event(attributes, user_name=FEDERATED_USER))
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["message"] for line in lines] == ["federated groups mapped"]
    (line,) = lines
    assert (line["idp_group_count"], line["team_count"], line["teams"]) == (2, 1, ["vision"])
    assert line["correlation_id"] == LambdaContext().aws_request_id
    assert line["trigger_source"] == "TokenGeneration_HostedAuth"
    text = json.dumps(lines)
    for secret in (VISION_GROUP, "unmapped-group", FEDERATED_USER, "jane.doe@example.com", "b2c4e6f8a0"):
        assert secret not in text


def test_without_a_configured_provider_nobody_is_federated(tmp_path, monkeypatch):
    trigger = load_trigger(tmp_path, monkeypatch, team_groups=TEAM_GROUPS, provider="")
    event = token_event(federated_attributes(json.dumps(["nlp"])), user_name=FEDERATED_USER)
    original = copy.deepcopy(event)
    assert invoke(trigger, event) == original


@pytest.mark.parametrize(
    "content, problem",
    [
        (None, "cannot read"),
        ("{not json", "invalid team groups file"),
        ('["vision"]', "invalid team groups file"),
        ('{"vision": "7f1c"}', "vision: Input should be a valid array"),
        ('{"vision": [7]}', "vision.0: Input should be a valid string"),
        ('{"vision": [""]}', "vision.0: String should have at least 1 character"),
        ("{}", "lists no team"),
        ('{"vision": []}', "teams without IdP groups: vision"),
    ],
    ids=["missing", "not-json", "not-object", "not-list", "not-string", "empty-group", "no-team", "team-without-groups"],
)
def test_a_missing_or_invalid_mapping_file_fails_the_import(tmp_path, monkeypatch, content, problem):
    with pytest.raises(Exception, match=problem) as failure:
        load_trigger(tmp_path, monkeypatch, raw_file=content)
    assert type(failure.value).__name__ == "TeamGroupsFileError"
    assert TEAM_GROUPS_FILE in str(failure.value)
