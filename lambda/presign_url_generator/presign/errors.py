"""Every failure becomes one (status, public message, log reason): the mapping lives here only.

Public messages are fixed strings: nothing from an exception (stack, ARN, AWS message) reaches
the caller. The log reason is a short machine-readable tag.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from botocore.exceptions import BotoCoreError, ClientError

from studio_runtime.aws_errors import ErrorKind, classify, error_code

RETRY_AFTER_THROTTLED_SECONDS = 2
RETRY_AFTER_UNAVAILABLE_SECONDS = 5


class PresignError(Exception):
    """A decided outcome: the request cannot get a URL, for a reason the caller may know."""

    status = 500
    public_message = "Internal error"
    retry_after_seconds: int | None = None

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unauthorized(PresignError):
    status = 401
    public_message = "Unauthorized"


class InvalidDomainName(PresignError):
    status = 400
    public_message = "Invalid domain name"


class Forbidden(PresignError):
    status = 403
    public_message = "Forbidden"


class DomainNotFound(PresignError):
    status = 404
    public_message = "Domain not found or not in service"


class ProfileNotReady(PresignError):
    status = 503
    public_message = "Your Studio user profile is being prepared; retry in a few seconds"
    retry_after_seconds = RETRY_AFTER_UNAVAILABLE_SECONDS


@dataclass(frozen=True)
class Failure:
    status: int
    message: str
    reason: str
    retry_after_seconds: int | None = None


def failure_for(error: BaseException) -> Failure:
    """Map any exception raised while serving a request to the response the caller gets."""
    if isinstance(error, PresignError):
        return Failure(error.status, error.public_message, error.reason, error.retry_after_seconds)
    if isinstance(error, NotFoundError):
        # Another method or path than the one route (API Gateway itself sends only that one).
        return Failure(404, "Not found", "route_not_found")
    operation = getattr(error, "operation_name", "")
    kind = classify(error)
    if kind is ErrorKind.THROTTLED:
        return Failure(
            429,
            "Too many requests; retry later",
            f"aws_throttled:{operation}:{error_code(error)}",
            RETRY_AFTER_THROTTLED_SECONDS,
        )
    if kind is ErrorKind.UNREACHABLE:
        # Connect/read timeouts, DNS or endpoint failures: AWS may be fine a moment later.
        return Failure(
            503,
            "Service temporarily unavailable; retry later",
            f"aws_unreachable:{type(error).__name__}",
            RETRY_AFTER_UNAVAILABLE_SECONDS,
        )
    if kind is ErrorKind.NOT_FOUND:
        # The domain vanished between lookup and use (the cache is bounded, not exact).
        return Failure(404, DomainNotFound.public_message, f"aws_not_found:{operation}")
    if isinstance(error, ClientError):
        return Failure(502, "Upstream service error", f"aws_error:{operation}:{error_code(error)}")
    if isinstance(error, BotoCoreError):
        # Parameter validation, credentials, ...: a defect of this function, not of the caller.
        return Failure(500, "Internal error", f"botocore:{type(error).__name__}")
    return Failure(500, "Internal error", f"unexpected:{type(error).__name__}")
