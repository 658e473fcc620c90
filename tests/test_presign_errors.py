"""The single mapping from exceptions to status codes and public messages."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
)
from lambda_loader import load_lambda_module
from presign_fakes import client_error

load_lambda_module("presign_url_generator", "handler")
from presign.errors import (  # noqa: E402
    DomainNotFound,
    Forbidden,
    InvalidDomainName,
    ProfileNotReady,
    Unauthorized,
    failure_for,
)

ENDPOINT = "https://api.sagemaker.eu-central-1.amazonaws.com"


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (Unauthorized("x"), 401),
        (InvalidDomainName("x"), 400),
        (Forbidden("x"), 403),
        (DomainNotFound("x"), 404),
        (ProfileNotReady("x"), 503),
        (client_error("ThrottlingException", "ListDomains"), 429),
        (client_error("Throttling", "ListDomains"), 429),
        (client_error("TooManyRequestsException", "ListDomains"), 429),
        (client_error("RequestLimitExceeded", "ListDomains"), 429),
        (client_error("SomethingNew", "ListDomains", status=429), 429),
        (client_error("ResourceNotFound", "CreatePresignedDomainUrl"), 404),
        (client_error("AccessDeniedException", "ListTags"), 502),
        (client_error("ValidationException", "CreateUserProfile"), 502),
        (client_error("ResourceLimitExceeded", "CreateUserProfile"), 502),
        (EndpointConnectionError(endpoint_url=ENDPOINT), 503),
        (ConnectTimeoutError(endpoint_url=ENDPOINT), 503),
        (ReadTimeoutError(endpoint_url=ENDPOINT), 503),
        (NoCredentialsError(), 500),
        (ParamValidationError(report="bad"), 500),
        (KeyError("AuthorizedUrl"), 500),
        (RuntimeError("boom"), 500),
    ],
)
def test_status_for_each_failure(error, status):
    assert failure_for(error).status == status


def test_public_messages_never_carry_exception_details():
    error = client_error("AccessDeniedException", "ListTags")
    error.response["Error"]["Message"] = "arn:aws:iam::111122223333:role/secret-role is not authorized"

    failure = failure_for(error)

    assert failure.message == "Upstream service error"
    assert failure.reason == "aws_error:ListTags:AccessDeniedException"


def test_retry_hints_for_transient_failures():
    assert failure_for(client_error("ThrottlingException", "ListDomains")).retry_after_seconds == 2
    assert failure_for(EndpointConnectionError(endpoint_url=ENDPOINT)).retry_after_seconds == 5
    assert failure_for(ProfileNotReady("x")).retry_after_seconds == 5
    assert failure_for(client_error("ValidationException", "ListDomains")).retry_after_seconds is None
