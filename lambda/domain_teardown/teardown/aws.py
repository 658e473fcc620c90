"""The one place that calls boto3: a per-poll call budget, pagination and error classification.

Every AWS error is mapped here into one of four outcomes the steps understand:
ResourceGone (already deleted), ResourceBusy (in use / dependency still releasing),
RetryLater (throttled, transient, or this poll's budget spent) and TeardownFailed.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Iterator

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotocoreConnectionError

THROTTLING_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
    }
)
TRANSIENT_CODES = frozenset(
    {
        "InternalServerError",
        "InternalFailure",
        "InternalError",
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
        "FileSystemNotFound",
        "MountTargetNotFound",
        "InvalidGroup.NotFound",
        "InvalidPermission.NotFound",
    }
)
BUSY_CODES = frozenset(
    {
        "ResourceInUse",
        "DependencyViolation",
        "FileSystemInUse",
        "IncorrectFileSystemLifeCycleState",
        "IncorrectMountTargetState",
    }
)


class RetryLater(Exception):
    """Stop this poll without failing; the next is_complete call continues from AWS's state."""


class ResourceGone(Exception):
    """The resource does not exist (any more): a delete of it is done."""


class ResourceBusy(Exception):
    """The resource cannot be deleted yet (in use, dependency still releasing)."""


class TeardownFailed(RuntimeError):
    """Unexpected error: fail the custom resource with a message naming the resource."""


@dataclasses.dataclass(frozen=True)
class Clients:
    sagemaker: Any
    efs: Any
    ec2: Any


@dataclasses.dataclass
class CallBudget:
    """Bounds one poll well under the Lambda timeout, whatever the number of resources."""

    max_calls: int
    seconds_left: Callable[[], float]
    reserve_seconds: float = 20.0
    calls_made: int = 0

    def spend(self, description: str) -> None:
        if self.calls_made >= self.max_calls or self.seconds_left() < self.reserve_seconds:
            raise RetryLater(f"poll budget used up before {description}")
        self.calls_made += 1


@dataclasses.dataclass
class Aws:
    clients: Clients
    budget: CallBudget

    def call(self, service: str, operation: str, *, resource: str, **params: Any) -> dict[str, Any]:
        self.budget.spend(f"{operation} on {resource}")
        client = getattr(self.clients, service)
        try:
            return getattr(client, operation)(**params)
        except ClientError as error:
            raise _classify(error, operation=operation, resource=resource) from error
        except (BotocoreConnectionError, HTTPClientError) as error:
            raise RetryLater(f"{operation} on {resource}: {error}") from error

    def pages(
        self,
        service: str,
        operation: str,
        *,
        resource: str,
        items_key: str,
        token_in: str = "NextToken",
        token_out: str = "NextToken",
        **params: Any,
    ) -> Iterator[dict[str, Any]]:
        """Every item of every page; each page is one budgeted call."""
        token: str | None = None
        while True:
            page_params = dict(params, **({token_in: token} if token else {}))
            page = self.call(service, operation, resource=resource, **page_params)
            yield from page.get(items_key, [])
            token = page.get(token_out)
            if not token:
                return


def _classify(error: ClientError, *, operation: str, resource: str) -> Exception:
    details = error.response.get("Error", {})
    code = str(details.get("Code", ""))
    message = f"{operation} on {resource}: {code}: {details.get('Message', '')}"
    if code in NOT_FOUND_CODES:
        return ResourceGone(message)
    if code in BUSY_CODES:
        return ResourceBusy(message)
    if code in THROTTLING_CODES or code in TRANSIENT_CODES:
        return RetryLater(message)
    return TeardownFailed(message)
