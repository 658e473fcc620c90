"""The single mapping from exceptions to status codes, public messages and error codes."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
)
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from lambda_loader import load_lambda_module
from presign_fakes import client_error

load_lambda_module("presign_url_generator", "handler")
from presign.errors import (  # noqa: E402
    ERROR_CODES,
    DomainNotFound,
    InvalidDomainName,
    NotAMember,
    ProfileNotReady,
    ProfileOwnedByOther,
    Unauthorized,
    failure_for,
)

ENDPOINT = "https://api.sagemaker.eu-central-1.amazonaws.com"


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (Unauthorized("x"), 401, "unauthorized"),
        (InvalidDomainName("x"), 400, "invalid_domain_name"),
        (NotAMember("x"), 403, "not_a_member"),
        (ProfileOwnedByOther("x"), 403, "profile_owned_by_other"),
        (DomainNotFound("x"), 404, "domain_not_found"),
        (ProfileNotReady("x"), 503, "profile_not_ready"),
        (client_error("ThrottlingException", "ListDomains"), 429, "throttled"),
        (client_error("Throttling", "ListDomains"), 429, "throttled"),
        (client_error("TooManyRequestsException", "ListDomains"), 429, "throttled"),
        (client_error("RequestLimitExceeded", "ListDomains"), 429, "throttled"),
        (client_error("SomethingNew", "ListDomains", status=429), 429, "throttled"),
        (client_error("ResourceNotFound", "CreatePresignedDomainUrl"), 404, "domain_not_found"),
        (client_error("AccessDeniedException", "ListTags"), 502, "upstream_error"),
        (client_error("ValidationException", "CreateUserProfile"), 502, "upstream_error"),
        (client_error("ResourceLimitExceeded", "CreateUserProfile"), 502, "upstream_error"),
        (client_error("InternalFailure", "ListTags", status=500), 502, "upstream_error"),
        (EndpointConnectionError(endpoint_url=ENDPOINT), 503, "unavailable"),
        (ConnectTimeoutError(endpoint_url=ENDPOINT), 503, "unavailable"),
        (ReadTimeoutError(endpoint_url=ENDPOINT), 503, "unavailable"),
        (NoCredentialsError(), 500, "internal_error"),
        (ParamValidationError(report="bad"), 500, "internal_error"),
        (KeyError("AuthorizedUrl"), 500, "internal_error"),
        (RuntimeError("boom"), 500, "internal_error"),
        (NotFoundError(), 404, "route_not_found"),
    ],
)
def test_status_and_code_for_each_failure(error, status, code):
    failure = failure_for(error)

    assert (failure.status, failure.code) == (status, code)
    assert failure.code in ERROR_CODES


def test_the_codes_are_the_login_pages_list_plus_the_unroutable_404():
    # The page (login_page/) switches on exactly these; route_not_found only reaches direct invokes.
    assert ERROR_CODES == {
        "unauthorized",
        "invalid_domain_name",
        "not_a_member",
        "profile_owned_by_other",
        "domain_not_found",
        "throttled",
        "profile_not_ready",
        "unavailable",
        "upstream_error",
        "internal_error",
        "route_not_found",
    }


def test_both_refusals_keep_the_same_public_message():
    # The code tells them apart; the message stays what clients have always received.
    assert failure_for(NotAMember("x")).message == failure_for(ProfileOwnedByOther("x")).message == "Forbidden"


def test_public_messages_never_carry_exception_details():
    error = client_error("AccessDeniedException", "ListTags")
    error.response["Error"]["Message"] = "arn:aws:iam::111122223333:role/secret-role is not authorized"

    failure = failure_for(error)

    assert failure.message == "Upstream service error"
    assert failure.code == "upstream_error"
    assert failure.reason == "aws_error:ListTags:AccessDeniedException"


def test_retry_hints_for_transient_failures():
    assert failure_for(client_error("ThrottlingException", "ListDomains")).retry_after_seconds == 2
    assert failure_for(EndpointConnectionError(endpoint_url=ENDPOINT)).retry_after_seconds == 5
    assert failure_for(ProfileNotReady("x")).retry_after_seconds == 5
    assert failure_for(client_error("ValidationException", "ListDomains")).retry_after_seconds is None
