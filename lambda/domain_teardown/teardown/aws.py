"""The one place that calls boto3: a per-poll call budget, pagination and error outcomes.

Every AWS error is classified by the runtime core (studio_runtime.aws_errors) and mapped here
into one of four outcomes the steps understand: ResourceGone (already deleted), ResourceBusy
(in use / dependency still releasing), RetryLater (throttled, transient, unreachable, or this
poll's budget spent) and TeardownFailed.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Iterator

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotocoreConnectionError

from studio_runtime.aws_errors import ErrorKind, classify, error_code, error_message


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
        # What AWS answered, or that it could not be reached; anything else (parameter
        # validation, missing credentials) is a defect and propagates as it is.
        except (ClientError, BotocoreConnectionError, HTTPClientError) as error:
            raise _outcome(error, operation=operation, resource=resource) from error

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
        """Every item of every page; each page is one budgeted call.

        A hand loop, not a botocore paginator: the budget must be spent (and may stop the
        poll) before each page's request, and each page's error classified like any call;
        a paginator makes its requests inside its own iteration.
        """
        token: str | None = None
        while True:
            page_params = dict(params, **({token_in: token} if token else {}))
            page = self.call(service, operation, resource=resource, **page_params)
            yield from page.get(items_key, [])
            token = page.get(token_out)
            if not token:
                return


OUTCOMES: dict[ErrorKind, type[Exception]] = {
    ErrorKind.NOT_FOUND: ResourceGone,
    ErrorKind.IN_USE: ResourceBusy,
    ErrorKind.THROTTLED: RetryLater,
    ErrorKind.TRANSIENT: RetryLater,
    ErrorKind.UNREACHABLE: RetryLater,
}


def _outcome(error: Exception, *, operation: str, resource: str) -> Exception:
    """The outcome of a failed call, its message naming the operation and the resource."""
    code = error_code(error)
    detail = f"{code}: {error_message(error)}" if code else str(error)
    return OUTCOMES.get(classify(error), TeardownFailed)(f"{operation} on {resource}: {detail}")
