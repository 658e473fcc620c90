"""The one place that calls the Budgets API: pagination, throttling waits, error mapping.

AWS Budgets has a low request rate per account and deploying many team stacks at once
may hit it. botocore's standard retries give up after three attempts within a second or
two, so throttled calls are tried again here with longer waits while the Lambda's time lasts.
"""

from __future__ import annotations

from typing import Any, Callable

from botocore.exceptions import ClientError

from budget_alerts.request import NotificationKey, Subscriber

THROTTLING_CODES = frozenset({"ThrottlingException", "TooManyRequestsException", "Throttling"})
THROTTLE_DELAYS_SECONDS = (2.0, 4.0, 8.0, 16.0, 30.0)
# Never start a wait the Lambda timeout would cut short: the failure message must get out.
RESERVE_SECONDS = 15.0
PAGE_SIZE = 100


class NotFound(Exception):
    """NotFoundException: the budget, or the notification or subscriber named in the call."""


class AlreadyExists(Exception):
    """DuplicateRecordException: what the call would create exists already."""


class StillThrottled(RuntimeError):
    """Throttled on every attempt that fitted into the time left."""


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


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

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        for attempt, delay in enumerate((*THROTTLE_DELAYS_SECONDS, None), start=1):
            self.calls_made += 1
            try:
                return getattr(self._client, operation)(**self._budget, **params)
            except ClientError as error:
                code = _code(error)
                if code == "NotFoundException":
                    raise NotFound(str(error)) from None
                if code == "DuplicateRecordException":
                    raise AlreadyExists(str(error)) from None
                if code not in THROTTLING_CODES:
                    raise
                if delay is None or self._seconds_left() < delay + RESERVE_SECONDS:
                    raise StillThrottled(
                        f"AWS Budgets throttled {operation} on {attempt} attempts; retry the stack operation"
                    ) from None
                self._sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def notifications(self) -> list[NotificationKey]:
        """The budget's notifications; NotFound when the budget does not exist."""
        keys: list[NotificationKey] = []
        token: str | None = None
        while True:
            page = self._call(
                "describe_notifications_for_budget", MaxResults=PAGE_SIZE, **({"NextToken": token} if token else {})
            )
            keys += [NotificationKey.from_api(n) for n in page.get("Notifications", [])]
            token = page.get("NextToken")
            if not token:
                return keys

    def subscribers(self, key: NotificationKey) -> set[Subscriber]:
        found: set[Subscriber] = set()
        token: str | None = None
        while True:
            page = self._call(
                "describe_subscribers_for_notification",
                Notification=key.to_api(),
                MaxResults=PAGE_SIZE,
                **({"NextToken": token} if token else {}),
            )
            found |= {Subscriber.from_api(s) for s in page.get("Subscribers", [])}
            token = page.get("NextToken")
            if not token:
                return found

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
