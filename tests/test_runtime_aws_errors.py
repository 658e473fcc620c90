"""The one ClientError classifier every function maps its outcomes from."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ParamValidationError, ReadTimeoutError

from studio_runtime.aws_errors import (
    THROTTLING_CODES,
    ErrorKind,
    classify,
    error_code,
    error_message,
    http_status,
)


def client_error(code: str, status: int = 400, message: str = "m") -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Op"
    )


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        ("ThrottlingException", 400, ErrorKind.THROTTLED),
        ("TooManyRequestsException", 400, ErrorKind.THROTTLED),
        ("RequestLimitExceeded", 400, ErrorKind.THROTTLED),  # EC2
        ("SlowDown", 503, ErrorKind.THROTTLED),  # S3
        ("SomethingNew", 429, ErrorKind.THROTTLED),  # any 429 is throttling
        ("ResourceNotFound", 400, ErrorKind.NOT_FOUND),  # SageMaker
        ("InvalidGroup.NotFound", 400, ErrorKind.NOT_FOUND),  # EC2
        ("NotFoundException", 404, ErrorKind.NOT_FOUND),  # Budgets
        ("ResourceInUse", 400, ErrorKind.IN_USE),
        ("DependencyViolation", 400, ErrorKind.IN_USE),
        ("DuplicateRecordException", 400, ErrorKind.ALREADY_EXISTS),
        ("AccessDeniedException", 403, ErrorKind.ACCESS_DENIED),
        ("InternalFailure", 500, ErrorKind.TRANSIENT),
        ("Unmodelled", 503, ErrorKind.TRANSIENT),  # any 5xx is transient
        ("ValidationException", 400, ErrorKind.OTHER),
    ],
)
def test_client_errors_are_classified_by_code_then_status(code: str, status: int, kind: ErrorKind) -> None:
    assert classify(client_error(code, status)) is kind


def test_throttling_beats_a_5xx_status() -> None:
    # S3's SlowDown arrives as 503; it must be waited out like throttling, not retried at once.
    assert classify(client_error("SlowDown", 503)) is ErrorKind.THROTTLED


def test_network_failures_are_unreachable_and_defects_are_other() -> None:
    assert classify(EndpointConnectionError(endpoint_url="https://x")) is ErrorKind.UNREACHABLE
    assert classify(ReadTimeoutError(endpoint_url="https://x")) is ErrorKind.UNREACHABLE
    assert classify(ParamValidationError(report="bad")) is ErrorKind.OTHER
    assert classify(ValueError("bug")) is ErrorKind.OTHER


def test_the_throttling_list_covers_botocores_own() -> None:
    from botocore.retries.standard import ThrottledRetryableChecker

    assert set(ThrottledRetryableChecker._THROTTLED_ERROR_CODES) <= THROTTLING_CODES


def test_error_fields_are_read_safely() -> None:
    error = client_error("ResourceInUse", 400, "in use by app x")
    assert (error_code(error), error_message(error), http_status(error)) == ("ResourceInUse", "in use by app x", 400)
    assert (error_code(ValueError("v")), error_message(ValueError("v")), http_status(ValueError("v"))) == ("", "v", None)
    bare = ClientError({}, "Op")
    assert (error_code(bare), http_status(bare), classify(bare)) == ("", None, ErrorKind.OTHER)
