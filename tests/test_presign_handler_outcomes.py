"""PreSignUrlGenerator end to end: AWS failures, URL settings and CORS, SageMaker behind Stubber."""

from __future__ import annotations

import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from lambda_loader import load_lambda_module
from presign_fakes import (  # aws: shared fixture
    OWN_TAGS,
    TEAM1,
    aws,
    DOMAIN_ID,
    SUB,
    USERNAME,
    body_of,
    headers_of,
    make_context,
    make_event,
    own_profile_name,
)

handler_module = load_lambda_module("presign_url_generator", "handler")

PROFILE = own_profile_name()


def invoke(event):
    return handler_module.handler(event, make_context())


@pytest.mark.parametrize(
    "code", ["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"]
)
def test_aws_throttling_is_429(aws, code):
    aws.stubber.add_client_error("list_domains", service_error_code=code, http_status_code=400)

    response = invoke(make_event())

    assert response["statusCode"] == 429
    assert body_of(response)["code"] == "throttled"
    assert headers_of(response)["Retry-After"] == "2"


def test_other_aws_error_is_502_without_aws_details(aws):
    aws.list_domains(TEAM1)
    aws.stubber.add_client_error(
        "describe_user_profile",
        service_error_code="AccessDeniedException",
        service_message="User: arn:aws:sts::111122223333:assumed-role/x is not authorized",
        http_status_code=400,
    )

    response = invoke(make_event())

    assert response["statusCode"] == 502
    assert body_of(response) == {"message": "Upstream service error", "code": "upstream_error"}


def test_domain_gone_at_presign_time_is_404(aws):
    aws.list_domains(TEAM1)
    aws.describe_profile(PROFILE)
    aws.list_tags(PROFILE, OWN_TAGS)
    aws.stubber.add_client_error("create_presigned_domain_url", service_error_code="ResourceNotFound")

    response = invoke(make_event())

    assert (response["statusCode"], body_of(response)["code"]) == (404, "domain_not_found")
    aws.stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    "error",
    [
        EndpointConnectionError(endpoint_url="https://api.sagemaker.eu-central-1.amazonaws.com"),
        ReadTimeoutError(endpoint_url="https://api.sagemaker.eu-central-1.amazonaws.com"),
    ],
)
def test_unreachable_aws_is_503(aws, error):
    def refuse(**_):
        raise error

    aws.list_domains(TEAM1)
    # Raised inside the client call, where botocore raises it when the endpoint is unreachable.
    aws.client.meta.events.register("before-parameter-build.sagemaker.ListDomains", refuse)

    response = invoke(make_event())

    assert response["statusCode"] == 503
    assert body_of(response)["code"] == "unavailable"
    assert "Retry-After" in headers_of(response)


def test_unexpected_exception_is_500_with_a_generic_body(aws, monkeypatch):
    def explode(**_):
        raise RuntimeError("secret internals /var/task/handler.py line 42")

    monkeypatch.setattr(handler_module.container().gateway, "list_domains", explode)

    response = invoke(make_event())

    assert response["statusCode"] == 500
    assert body_of(response) == {"message": "Internal error", "code": "internal_error"}
    assert "Traceback" not in response["body"] and "internals" not in response["body"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, {"expires": 60, "session": 28800, "landing": "studio::"}),
        ({"URL_EXPIRES_SECONDS": "1", "SESSION_DURATION_SECONDS": "60"}, {"expires": 5, "session": 1800}),
        ({"URL_EXPIRES_SECONDS": "100000", "SESSION_DURATION_SECONDS": "99999"}, {"expires": 300, "session": 43200}),
        ({"URL_EXPIRES_SECONDS": "abc", "LANDING_URI": "app:JupyterLab:"}, {"landing": "app:JupyterLab:"}),
    ],
)
def test_url_and_session_lifetimes_are_clamped(aws, monkeypatch, env, expected):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    aws.list_domains(TEAM1)
    aws.describe_profile(PROFILE)
    aws.list_tags(PROFILE, OWN_TAGS)
    aws.presign(PROFILE, **expected)

    assert invoke(make_event())["statusCode"] == 200
    aws.stubber.assert_no_pending_responses()


def test_cors_header_only_for_configured_origins(aws, monkeypatch):
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://portal.example.com, https://other.example.com")

    allowed = invoke(make_event(groups="nope", origin="https://portal.example.com"))
    foreign = invoke(make_event(groups="nope", origin="https://evil.example.com"))

    assert headers_of(allowed)["Access-Control-Allow-Origin"] == "https://portal.example.com"
    assert "Access-Control-Allow-Origin" not in headers_of(foreign)


def test_cors_applies_to_every_answer_and_a_wildcard_grants_nothing(aws, monkeypatch):
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://portal.example.com")
    aws.list_domains(TEAM1)
    aws.describe_profile(PROFILE)
    aws.list_tags(PROFILE, OWN_TAGS)
    aws.presign(PROFILE)

    granted = headers_of(invoke(make_event(origin="https://portal.example.com")))
    refused = headers_of(invoke(make_event(claims={}, origin="https://portal.example.com")))
    monkeypatch.setenv("ALLOWED_ORIGINS", "*")
    wildcard = headers_of(invoke(make_event(claims={}, origin="https://portal.example.com")))

    assert granted["Access-Control-Allow-Origin"] == "https://portal.example.com"
    assert refused["Access-Control-Allow-Origin"] == "https://portal.example.com"
    assert "Access-Control-Allow-Origin" not in wildcard
    assert granted["Vary"] == refused["Vary"] == wildcard["Vary"] == "Origin"


def test_a_full_api_gateway_event_is_routed_to_the_url(aws, monkeypatch):
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://portal.example.com")
    aws.list_domains(TEAM1)
    aws.describe_profile(PROFILE)
    aws.list_tags(PROFILE, OWN_TAGS)
    aws.presign(PROFILE)
    event = make_event(origin="https://portal.example.com")
    event.update(path="/domainName/team1/getPresignedUrl", httpMethod="GET")
    event["headers"]["Origin"] = event["headers"].pop("origin")  # browsers' spelling

    response = invoke(event)

    assert response["statusCode"] == 200
    assert headers_of(response)["Access-Control-Allow-Origin"] == "https://portal.example.com"


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/domainName/team1/getPresignedUrl"), ("GET", "/domainName/team1"), ("GET", "/x/team1/getPresignedUrl")],
)
def test_another_method_or_path_is_404_without_aws_calls(aws, method, path):
    event = make_event()
    event.update(httpMethod=method, path=path)

    response = invoke(event)

    assert (response["statusCode"], body_of(response)) == (404, {"message": "Not found", "code": "route_not_found"})
    assert aws.attempts == []


def test_the_page_may_read_retry_after_on_a_cross_origin_answer(aws, monkeypatch):
    # The login page waits as long as Retry-After says; a browser hides the header from a
    # cross-origin page unless the response exposes it.
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://portal.example.com")
    refused = headers_of(invoke(make_event(claims={}, origin="https://portal.example.com")))
    assert "Retry-After" in refused["Access-Control-Expose-Headers"].split(",")
