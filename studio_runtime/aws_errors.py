"""One classifier for AWS SDK errors: every function maps `ErrorKind` to its own outcome.

botocore's standard retry mode already retried throttled and transient calls before an
error reaches us; what is classified here is what was left after those retries.
"""

from __future__ import annotations

import enum

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotocoreConnectionError


class ErrorKind(enum.Enum):
    THROTTLED = "throttled"
    TRANSIENT = "transient"
    UNREACHABLE = "unreachable"
    NOT_FOUND = "not_found"
    IN_USE = "in_use"
    ALREADY_EXISTS = "already_exists"
    ACCESS_DENIED = "access_denied"
    OTHER = "other"


# The codes botocore's retry handler treats as throttling, plus those of the services we call.
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "SlowDown",
        "EC2ThrottledException",
        "PriorRequestNotComplete",
        "TransactionInProgressException",
    }
)
TRANSIENT_CODES = frozenset(
    {
        "InternalServerError",
        "InternalFailure",
        "InternalError",
        "InternalErrorException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
        "DependencyTimeout",
    }
)
NOT_FOUND_CODES = frozenset(
    {
        "ResourceNotFound",
        "ResourceNotFoundException",
        "NotFoundException",
        "NoSuchKey",
        "UserNotFoundException",
        "FileSystemNotFound",
        "MountTargetNotFound",
        "InvalidGroup.NotFound",
        "InvalidPermission.NotFound",
    }
)
IN_USE_CODES = frozenset(
    {
        "ResourceInUse",
        "DependencyViolation",
        "FileSystemInUse",
        "IncorrectFileSystemLifeCycleState",
        "IncorrectMountTargetState",
    }
)
# Budgets, Secrets Manager and Cognito answers for a name that is taken.
ALREADY_EXISTS_CODES = frozenset({"DuplicateRecordException", "ResourceExistsException", "UsernameExistsException"})
ACCESS_DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})


def error_code(error: BaseException) -> str:
    """The AWS error code of a ClientError, '' for anything else."""
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", ""))
    return ""


def error_message(error: BaseException) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Message", ""))
    return str(error)


def http_status(error: BaseException) -> int | None:
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return status if isinstance(status, int) else None
    return None


def classify(error: BaseException) -> ErrorKind:
    """What kind of failure an exception from a boto3 call is."""
    if isinstance(error, (BotocoreConnectionError, HTTPClientError)):
        return ErrorKind.UNREACHABLE
    if not isinstance(error, ClientError):
        # Parameter validation, missing credentials, a defect: retrying would not help.
        return ErrorKind.OTHER
    code, status = error_code(error), http_status(error)
    if code in THROTTLING_CODES or status == 429:
        return ErrorKind.THROTTLED
    if code in NOT_FOUND_CODES:
        return ErrorKind.NOT_FOUND
    if code in IN_USE_CODES:
        return ErrorKind.IN_USE
    if code in ALREADY_EXISTS_CODES:
        return ErrorKind.ALREADY_EXISTS
    if code in ACCESS_DENIED_CODES:
        return ErrorKind.ACCESS_DENIED
    if code in TRANSIENT_CODES or (status is not None and status >= 500):
        return ErrorKind.TRANSIENT
    return ErrorKind.OTHER
