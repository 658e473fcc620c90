"""The returning user's warm path end to end: one SageMaker call, SageMaker behind botocore's Stubber.

`aws.attempts` records every operation the code tried, stubbed or not, so "exactly one call"
is checked against what reached the (model-validating) client, not against the stubs queued.
"""

from __future__ import annotations

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
    make_context,
    make_event,
)

handler_module = load_lambda_module("presign_url_generator", "handler")
from presign.identity import profile_name_for  # noqa: E402  (importable once the function is loaded)

PROFILE = own_profile_name()
FULL_PATH = ["DescribeUserProfile", "ListTags", "CreatePresignedDomainUrl"]
WARM_PATH = ["CreatePresignedDomainUrl"]


def invoke(**event_args):
    return handler_module.handler(make_event(**event_args), make_context())


def first_request(aws) -> None:
    """A verified first request: fills the domain and the profile caches."""
    aws.list_domains(TEAM1)
    aws.describe_profile(PROFILE)
    aws.list_tags(PROFILE, OWN_TAGS)
    aws.presign(PROFILE)
    assert invoke()["statusCode"] == 200
    assert aws.attempts == ["ListDomains", *FULL_PATH]
    aws.attempts.clear()


def full_path(aws, profile: str = PROFILE, tags: dict[str, str] = OWN_TAGS) -> None:
    aws.describe_profile(profile)
    aws.list_tags(profile, tags)
    aws.presign(profile)


def test_a_verified_user_costs_exactly_one_call(aws):
    first_request(aws)
    aws.presign(PROFILE)

    response = invoke()

    assert (response["statusCode"], body_of(response)) == (200, {"url": PRESIGNED_URL})
    assert aws.attempts == WARM_PATH
    aws.stubber.assert_no_pending_responses()


def test_membership_is_still_checked_on_a_warm_request(aws):
    first_request(aws)

    response = invoke(groups="team2")

    assert (response["statusCode"], body_of(response)["code"]) == (403, "not_a_member")
    assert aws.attempts == []


def test_after_the_ttl_the_profile_is_verified_again(aws, monkeypatch):
    monkeypatch.setenv("PROFILE_CACHE_TTL_SECONDS", "120")
    monkeypatch.setenv("DOMAIN_CACHE_TTL_SECONDS", "3600")
    first_request(aws)
    aws.presign(PROFILE)
    aws.clock.now += 119
    assert invoke()["statusCode"] == 200
    assert aws.attempts == WARM_PATH

    aws.attempts.clear()
    aws.clock.now += 1  # 120 s after the verification: hits did not extend it
    full_path(aws)
    assert invoke()["statusCode"] == 200
    assert aws.attempts == FULL_PATH
    aws.stubber.assert_no_pending_responses()


def test_a_profile_deleted_since_is_recreated_in_the_same_request(aws):
    first_request(aws)
    aws.stubber.add_client_error(
        "create_presigned_domain_url", service_error_code="ResourceNotFound", http_status_code=400
    )
    aws.describe_profile_missing(PROFILE)
    aws.create_profile(PROFILE)
    aws.describe_profile(PROFILE, status="InService")
    aws.presign(PROFILE)

    response = invoke()

    assert (response["statusCode"], body_of(response)) == (200, {"url": PRESIGNED_URL})
    assert aws.attempts == [
        "CreatePresignedDomainUrl",
        "DescribeUserProfile",
        "CreateUserProfile",
        "DescribeUserProfile",
        "CreatePresignedDomainUrl",
    ]
    aws.stubber.assert_no_pending_responses()

    # The new profile was verified by that request: the next one is warm again.
    aws.attempts.clear()
    aws.presign(PROFILE)
    assert invoke()["statusCode"] == 200
    assert aws.attempts == WARM_PATH


def test_a_profile_re_owned_since_is_refused_after_the_refusal_from_sagemaker(aws):
    # Deleted and made again by someone else: the fresh verification sees the other owner.
    first_request(aws)
    aws.stubber.add_client_error("create_presigned_domain_url", service_error_code="ResourceNotFound")
    aws.describe_profile(PROFILE)
    aws.list_tags(PROFILE, {"CognitoSub": OTHER_SUB})

    response = invoke()

    assert (response["statusCode"], body_of(response)["code"]) == (403, "profile_owned_by_other")
    assert aws.attempts == ["CreatePresignedDomainUrl", "DescribeUserProfile", "ListTags"]

    # The old verification is gone for good: the next request is checked again, and refused again.
    aws.attempts.clear()
    aws.describe_profile(PROFILE)
    aws.list_tags(PROFILE, {"CognitoSub": OTHER_SUB})
    assert invoke()["statusCode"] == 403
    assert aws.attempts == ["DescribeUserProfile", "ListTags"]


def test_a_second_refusal_in_the_same_request_is_404_not_a_loop(aws):
    first_request(aws)
    aws.stubber.add_client_error("create_presigned_domain_url", service_error_code="ResourceNotFound")
    aws.describe_profile(PROFILE)
    aws.list_tags(PROFILE, OWN_TAGS)
    aws.stubber.add_client_error("create_presigned_domain_url", service_error_code="ResourceNotFound")

    response = invoke()

    assert (response["statusCode"], body_of(response)["code"]) == (404, "domain_not_found")
    assert aws.attempts == ["CreatePresignedDomainUrl", *FULL_PATH]
    aws.stubber.assert_no_pending_responses()

    aws.attempts.clear()
    full_path(aws)  # nothing was remembered from the failed request
    assert invoke()["statusCode"] == 200
    assert aws.attempts == FULL_PATH


def test_another_sub_never_uses_the_first_users_verification(aws):
    # Same username, another identity (the user was deleted and signed up again): another sub.
    first_request(aws)
    newcomer_claims = {"sub": OTHER_SUB, "username": USERNAME, "cognito:groups": "team1", "token_use": "access"}
    newcomer = profile_name_for(username=USERNAME, sub=OTHER_SUB)
    full_path(aws, profile=newcomer, tags={"CognitoSub": OTHER_SUB})

    assert invoke(claims=newcomer_claims)["statusCode"] == 200
    assert aws.attempts == FULL_PATH

    aws.attempts.clear()
    aws.presign(PROFILE)  # and the first user is still warm
    assert invoke()["statusCode"] == 200
    assert aws.attempts == WARM_PATH


def test_a_refused_owner_is_never_remembered(aws):
    aws.list_domains(TEAM1)
    aws.describe_profile(PROFILE)
    aws.list_tags(PROFILE, {"CognitoSub": OTHER_SUB})
    assert invoke()["statusCode"] == 403

    aws.attempts.clear()
    aws.describe_profile(PROFILE)
    aws.list_tags(PROFILE, {"CognitoSub": OTHER_SUB})
    assert invoke()["statusCode"] == 403
    assert aws.attempts == ["DescribeUserProfile", "ListTags"]


def test_ttl_zero_verifies_on_every_request(aws, monkeypatch):
    monkeypatch.setenv("PROFILE_CACHE_TTL_SECONDS", "0")
    first_request(aws)

    for _ in range(2):
        aws.attempts.clear()
        full_path(aws)
        assert invoke()["statusCode"] == 200
        assert aws.attempts == FULL_PATH
    assert len(handler_module.container().verified_profiles) == 0


def test_even_a_shared_profile_name_is_checked_against_the_owner_for_another_sub(aws, monkeypatch):
    # profile_name_for never maps two subs to one name; were it to (a collision), the cache must
    # still not hand the first user's profile to the second.
    import presign.service

    monkeypatch.setattr(presign.service, "profile_name_for", lambda **_: "shared-name")
    aws.list_domains(TEAM1)
    full_path(aws, profile="shared-name")
    assert invoke()["statusCode"] == 200
    aws.attempts.clear()
    aws.describe_profile("shared-name")
    aws.list_tags("shared-name", OWN_TAGS)  # owned by SUB, not by the caller

    other_claims = {"sub": OTHER_SUB, "username": "mallory", "cognito:groups": "team1", "token_use": "access"}
    response = invoke(claims=other_claims)

    assert (response["statusCode"], body_of(response)["code"]) == (403, "profile_owned_by_other")
    assert aws.attempts == ["DescribeUserProfile", "ListTags"]
