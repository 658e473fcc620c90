"""PreSignUrlGenerator end to end (identity, membership, profiles), SageMaker behind botocore's Stubber."""

from __future__ import annotations

import pytest
from lambda_loader import load_lambda_module
from presign_fakes import (  # aws: shared fixture
    OWN_TAGS,
    TEAM1,
    own_profile_name,
    aws,
    DOMAIN_ID,
    OTHER_SUB,
    PRESIGNED_URL,
    SUB,
    USERNAME,
    body_of,
    headers_of,
    make_context,
    make_event,
)

handler_module = load_lambda_module("presign_url_generator", "handler")

PROFILE = own_profile_name()


def invoke(event, remaining_ms: int = 20_000):
    return handler_module.handler(event, make_context(remaining_ms))


def test_existing_profile_gets_a_url_with_default_settings(aws):
    aws.list_domains(TEAM1)
    aws.describe_profile(PROFILE)
    aws.list_tags(PROFILE, OWN_TAGS)
    aws.presign(PROFILE)

    response = invoke(make_event())

    assert response["statusCode"] == 200
    assert body_of(response) == {"url": PRESIGNED_URL}
    assert headers_of(response)["Content-Type"] == "application/json"
    assert headers_of(response)["Cache-Control"] == "no-store"
    assert "Access-Control-Allow-Origin" not in headers_of(response)
    assert aws.attempts == ["ListDomains", "DescribeUserProfile", "ListTags", "CreatePresignedDomainUrl"]
    aws.stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    "claims",
    [
        None,
        "not-a-mapping",
        {},
        {"sub": SUB},
        {"username": USERNAME},
        {"username": "", "sub": SUB},
        {"username": USERNAME, "sub": ""},
        {"username": USERNAME, "sub": 123},
        {"username": ["alice"], "sub": SUB},
        {"username": USERNAME, "sub": "has<angle>brackets"},
    ],
)
def test_missing_identity_is_401_without_aws_calls(aws, claims):
    response = invoke(make_event(claims=claims))

    assert response["statusCode"] == 401
    assert body_of(response) == {"message": "Unauthorized", "code": "unauthorized"}
    assert aws.attempts == []


def test_event_without_request_context_is_401(aws):
    for event in ({}, {"pathParameters": {"domainName": "team1"}}, None, "garbage"):
        response = invoke(event)
        assert (response["statusCode"], body_of(response)["code"]) == (401, "unauthorized")
    assert aws.attempts == []


def test_authentication_is_checked_before_the_domain_name(aws):
    assert body_of(invoke(make_event(claims={}, domain_name="bad_name")))["code"] == "unauthorized"


@pytest.mark.parametrize(
    "name", ["", "-team1", "team1-", "team_1", "team 1", "team1\n", "tëam1", "a" * 64, "../x", None, 7, ["team1"]]
)
def test_bad_domain_name_is_400_without_aws_calls(aws, name):
    response = invoke(make_event(domain_name=name, groups=[name] if isinstance(name, str) else "team1"))

    assert response["statusCode"] == 400
    assert body_of(response) == {"message": "Invalid domain name", "code": "invalid_domain_name"}
    assert aws.attempts == []


@pytest.mark.parametrize(
    "groups",
    [["team1"], ["other", "team1"], "team1", "other,team1", "other, team1", "[other team1]", '["other","team1"]'],
)
def test_every_group_claim_format_admits_a_member(aws, groups):
    aws.list_domains(TEAM1)
    aws.describe_profile(PROFILE)
    aws.list_tags(PROFILE, OWN_TAGS)
    aws.presign(PROFILE)

    assert invoke(make_event(groups=groups))["statusCode"] == 200


@pytest.mark.parametrize(
    "groups",
    [["team10"], "team10", "team10,team11", "[team10 xteam1]", "Team1", "team", "", "[]", None, 42, {"team1": 1}],
)
def test_non_member_is_403_without_aws_calls(aws, groups):
    response = invoke(make_event(groups=groups))

    assert response["statusCode"] == 403
    assert body_of(response) == {"message": "Forbidden", "code": "not_a_member"}
    assert aws.attempts == []


def test_profile_tagged_for_another_sub_is_403_and_no_url(aws):
    aws.list_domains(TEAM1)
    aws.describe_profile(PROFILE)
    aws.list_tags(PROFILE, {"CognitoSub": OTHER_SUB})

    response = invoke(make_event())

    assert response["statusCode"] == 403
    assert body_of(response) == {"message": "Forbidden", "code": "profile_owned_by_other"}
    assert "CreatePresignedDomainUrl" not in aws.attempts


def test_profile_without_owner_tag_is_403(aws):
    aws.list_domains(TEAM1)
    aws.describe_profile(PROFILE)
    aws.list_tags(PROFILE, {"DomainName": "team1"})

    response = invoke(make_event())

    assert (response["statusCode"], body_of(response)["code"]) == (403, "profile_owned_by_other")
    assert "CreatePresignedDomainUrl" not in aws.attempts


def test_first_login_creates_a_tagged_profile_and_waits_until_in_service(aws):
    aws.list_domains(TEAM1)
    aws.describe_profile_missing(PROFILE)
    aws.create_profile(PROFILE)
    aws.describe_profile(PROFILE, status="Pending")
    aws.describe_profile(PROFILE, status="InService")
    aws.presign(PROFILE)

    response = invoke(make_event())

    assert response["statusCode"] == 200
    assert aws.clock.sleeps == [1.0]
    aws.stubber.assert_no_pending_responses()


def test_concurrent_first_login_uses_the_profile_the_other_request_made(aws):
    aws.list_domains(TEAM1)
    aws.describe_profile_missing(PROFILE)
    aws.stubber.add_client_error("create_user_profile", service_error_code="ResourceInUse", http_status_code=400)
    aws.describe_profile(PROFILE, status="Pending")
    aws.list_tags(PROFILE, OWN_TAGS)
    aws.describe_profile(PROFILE, status="InService")
    aws.presign(PROFILE)

    assert invoke(make_event())["statusCode"] == 200
    aws.stubber.assert_no_pending_responses()


def test_concurrent_creation_by_another_identity_is_403(aws):
    aws.list_domains(TEAM1)
    aws.describe_profile_missing(PROFILE)
    aws.stubber.add_client_error("create_user_profile", service_error_code="ResourceInUse", http_status_code=400)
    aws.describe_profile(PROFILE, status="Pending")
    aws.list_tags(PROFILE, {"CognitoSub": OTHER_SUB})

    response = invoke(make_event())

    assert (response["statusCode"], body_of(response)["code"]) == (403, "profile_owned_by_other")


def test_profile_not_ready_in_time_is_503_with_retry_hint(aws, monkeypatch):
    monkeypatch.setenv("PROFILE_READY_TIMEOUT_SECONDS", "3")
    aws.list_domains(TEAM1)
    aws.describe_profile(PROFILE, status="Pending")
    aws.list_tags(PROFILE, OWN_TAGS)
    for _ in range(4):  # t = 0, 1, 2, 3 s after the start of the wait
        aws.describe_profile(PROFILE, status="Pending")

    response = invoke(make_event())

    assert response["statusCode"] == 503
    assert "retry" in body_of(response)["message"]
    assert body_of(response)["code"] == "profile_not_ready"
    assert headers_of(response)["Retry-After"] == "5"
    assert aws.clock.sleeps == [1.0, 1.0, 1.0]
    aws.stubber.assert_no_pending_responses()


def test_wait_is_cut_to_the_lambda_time_left(aws):
    aws.list_domains(TEAM1)
    aws.describe_profile(PROFILE, status="Pending")
    aws.list_tags(PROFILE, OWN_TAGS)
    aws.describe_profile(PROFILE, status="Pending")
    aws.describe_profile(PROFILE, status="Pending")

    response = invoke(make_event(), remaining_ms=5_000)  # 5 s left - 4 s reserve = 1 s of waiting

    assert response["statusCode"] == 503
    assert aws.clock.sleeps == [1.0]


def test_failed_profile_is_503(aws):
    aws.list_domains(TEAM1)
    aws.describe_profile(PROFILE, status="Failed")
    aws.list_tags(PROFILE, OWN_TAGS)
    aws.describe_profile(PROFILE, status="Failed")

    response = invoke(make_event())

    assert (response["statusCode"], body_of(response)["code"]) == (503, "profile_not_ready")
    assert aws.clock.sleeps == []
