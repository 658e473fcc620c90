"""Every failure becomes one (status, public message, code, log reason): the mapping lives here only.

Public messages and codes are fixed strings: nothing from an exception (stack, ARN, AWS message)
reaches the caller. The code is the login page's contract (what to tell the scientist, whether to
retry); the log reason is a finer machine-readable tag for operators.
"""

from __future__ import annotations

from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from botocore.exceptions import BotoCoreError, ClientError

from studio_runtime.api_failures import (
    RETRY_AFTER_UNAVAILABLE_SECONDS,
    THROTTLED,
    UNAVAILABLE,
    Failure,
    transient_failure,
)
from studio_runtime.aws_errors import ErrorKind, classify, error_code


# The codes of error bodies. The page (login_page/) and API stand-ins switch on these, never on
# `message`, so a code is renamed only together with them.
UNAUTHORIZED = "unauthorized"
INVALID_DOMAIN_NAME = "invalid_domain_name"
NOT_A_MEMBER = "not_a_member"
PROFILE_OWNED_BY_OTHER = "profile_owned_by_other"
DOMAIN_NOT_FOUND = "domain_not_found"
PROFILE_NOT_READY = "profile_not_ready"
UPSTREAM_ERROR = "upstream_error"
INTERNAL_ERROR = "internal_error"
# Only a direct invoke with another method or path gets it: API Gateway integrates the one route.
ROUTE_NOT_FOUND = "route_not_found"
ERROR_CODES = frozenset(
    {
        UNAUTHORIZED,
        INVALID_DOMAIN_NAME,
        NOT_A_MEMBER,
        PROFILE_OWNED_BY_OTHER,
        DOMAIN_NOT_FOUND,
        THROTTLED,
        PROFILE_NOT_READY,
        UNAVAILABLE,
        UPSTREAM_ERROR,
        INTERNAL_ERROR,
        ROUTE_NOT_FOUND,
    }
)


class PresignError(Exception):
    """A decided outcome: the request cannot get a URL, for a reason the caller may know."""

    status = 500
    public_message = "Internal error"
    code = INTERNAL_ERROR
    retry_after_seconds: int | None = None

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unauthorized(PresignError):
    status = 401
    public_message = "Unauthorized"
    code = UNAUTHORIZED


class InvalidDomainName(PresignError):
    status = 400
    public_message = "Invalid domain name"
    code = INVALID_DOMAIN_NAME


class NotAMember(PresignError):
    """The caller's token has no Cognito group named like the domain."""

    status = 403
    public_message = "Forbidden"
    code = NOT_A_MEMBER


class ProfileOwnedByOther(PresignError):
    """The profile this caller maps to carries another sub, or no owner tag at all."""

    status = 403
    public_message = "Forbidden"
    code = PROFILE_OWNED_BY_OTHER


class DomainNotFound(PresignError):
    status = 404
    public_message = "Domain not found or not in service"
    code = DOMAIN_NOT_FOUND


class ProfileNotReady(PresignError):
    status = 503
    public_message = "Your Studio user profile is being prepared; retry in a few seconds"
    code = PROFILE_NOT_READY
    retry_after_seconds = RETRY_AFTER_UNAVAILABLE_SECONDS


def failure_for(error: BaseException) -> Failure:
    """Map any exception raised while serving a request to the response the caller gets."""
    if isinstance(error, PresignError):
        return Failure(error.status, error.public_message, error.code, error.reason, error.retry_after_seconds)
    if isinstance(error, NotFoundError):
        # Another method or path than the one route (API Gateway itself sends only that one).
        return Failure(404, "Not found", ROUTE_NOT_FOUND, "route_not_found")
    operation = getattr(error, "operation_name", "")
    kind = classify(error)
    transient = transient_failure(kind, operation=operation, code=error_code(error), unreachable=type(error).__name__)
    if transient is not None:
        return transient
    if kind is ErrorKind.NOT_FOUND:
        # The domain vanished between lookup and use (the cache is bounded, not exact).
        return Failure(404, DomainNotFound.public_message, DOMAIN_NOT_FOUND, f"aws_not_found:{operation}")
    if isinstance(error, ClientError):
        return Failure(502, "Upstream service error", UPSTREAM_ERROR, f"aws_error:{operation}:{error_code(error)}")
    if isinstance(error, BotoCoreError):
        # Parameter validation, credentials, ...: a defect of this function, not of the caller.
        return Failure(500, "Internal error", INTERNAL_ERROR, f"botocore:{type(error).__name__}")
    return Failure(500, "Internal error", INTERNAL_ERROR, f"unexpected:{type(error).__name__}")
