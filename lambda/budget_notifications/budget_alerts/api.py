"""The one place that calls the Budgets API: pagination, throttling waits, error mapping.

AWS Budgets has a low request rate per account and deploying many team stacks at once
may hit it. botocore's standard retries give up after three attempts within a second or
two, so throttled calls are tried again here with longer waits while the Lambda's time lasts.
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar

from botocore.exceptions import ClientError

from budget_alerts.request import NotificationKey, Subscriber
from studio_runtime.aws_errors import ErrorKind, classify

THROTTLE_DELAYS_SECONDS = (2.0, 4.0, 8.0, 16.0, 30.0)
# Never start a wait the Lambda timeout would cut short: the failure message must get out.
RESERVE_SECONDS = 15.0
PAGE_SIZE = 100

Result = TypeVar("Result")


class NotFound(Exception):
    """NotFoundException: the budget, or the notification or subscriber named in the call."""


class AlreadyExists(Exception):
    """DuplicateRecordException: what the call would create exists already."""


class StillThrottled(RuntimeError):
    """Throttled on every attempt that fitted into the time left."""


class BudgetsApi:
    """The notification and subscriber calls for one budget. Attribute: `calls_made`."""

    def __init__(
        self,
        client: Any,
        *,
        account_id: str,
        budget_name: str,
        sleep: Callable[[float], None],
        seconds_left: Callable[[], float],
    ) -> None:
        self._client = client
        self._budget = {"AccountId": account_id, "BudgetName": budget_name}
        self._sleep = sleep
        self._seconds_left = seconds_left
        self.calls_made = 0

    def _attempts(self, operation: str, attempt: Callable[[], Result]) -> Result:
        """`attempt()`, again after a throttle while the Lambda's time allows the wait.

        A hand loop, not botocore's retry config: botocore knows neither the Lambda's time
        left nor waits this long, and a wait cut short by the timeout would lose the message
        that tells the operator what happened.
        """
        for attempt_number, delay in enumerate((*THROTTLE_DELAYS_SECONDS, None), start=1):
            try:
                return attempt()
            except ClientError as error:
                kind = classify(error)
                if kind is ErrorKind.NOT_FOUND:
                    raise NotFound(str(error)) from None
                if kind is ErrorKind.ALREADY_EXISTS:
                    raise AlreadyExists(str(error)) from None
                if kind is not ErrorKind.THROTTLED:
                    raise
                if delay is None or self._seconds_left() < delay + RESERVE_SECONDS:
                    raise StillThrottled(
                        f"AWS Budgets throttled {operation} on {attempt_number} attempts; retry the stack operation"
                    ) from None
                self._sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        def once() -> dict[str, Any]:
            self.calls_made += 1
            return getattr(self._client, operation)(**self._budget, **params)

        return self._attempts(operation, once)

    def _every_page(self, operation: str, items: str, **params: Any) -> list[dict[str, Any]]:
        """All `items` of a paginated describe call. A throttled page restarts the listing:
        a budget holds at most 5 notifications and 11 subscribers each, one page of 100."""

        def once() -> list[dict[str, Any]]:
            found: list[dict[str, Any]] = []
            paginator = self._client.get_paginator(operation)
            pages = paginator.paginate(**self._budget, **params, PaginationConfig={"PageSize": PAGE_SIZE})
            try:
                for page in pages:
                    self.calls_made += 1
                    found += page.get(items, [])
            except ClientError:
                self.calls_made += 1  # the call that failed
                raise
            return found

        return self._attempts(operation, once)

    def notifications(self) -> list[NotificationKey]:
        """The budget's notifications; NotFound when the budget does not exist."""
        found = self._every_page("describe_notifications_for_budget", "Notifications")
        return [NotificationKey.from_api(notification) for notification in found]

    def subscribers(self, key: NotificationKey) -> set[Subscriber]:
        found = self._every_page("describe_subscribers_for_notification", "Subscribers", Notification=key.to_api())
        return {Subscriber.from_api(subscriber) for subscriber in found}

    def create_notification(self, key: NotificationKey, subscribers: frozenset[Subscriber]) -> None:
        self._call(
            "create_notification", Notification=key.to_api(), Subscribers=[s.to_api() for s in sorted(subscribers)]
        )

    def delete_notification(self, key: NotificationKey) -> None:
        self._call("delete_notification", Notification=key.to_api())

    def create_subscriber(self, key: NotificationKey, subscriber: Subscriber) -> None:
        self._call("create_subscriber", Notification=key.to_api(), Subscriber=subscriber.to_api())

    def delete_subscriber(self, key: NotificationKey, subscriber: Subscriber) -> None:
        self._call("delete_subscriber", Notification=key.to_api(), Subscriber=subscriber.to_api())
