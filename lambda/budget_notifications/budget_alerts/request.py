"""The custom resource's properties, parsed into the desired notifications of one budget.

CloudFormation hands every scalar property over as a string (a threshold of 80 arrives as
"80"), so numbers are parsed here, and every rule the Budgets API would refuse is checked
before the first call: a half-applied change is worse than a clear failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

NOTIFICATION_TYPES = ("ACTUAL", "FORECASTED")
COMPARISON_OPERATORS = ("GREATER_THAN", "LESS_THAN", "EQUAL_TO")
THRESHOLD_TYPES = ("PERCENTAGE", "ABSOLUTE_VALUE")
SUBSCRIPTION_TYPES = ("SNS", "EMAIL")
# AWS Budgets quotas: 5 notifications per budget; per notification 10 e-mail and 1 SNS subscriber.
MAX_NOTIFICATIONS = 5
MAX_EMAIL_SUBSCRIBERS = 10
MAX_SNS_SUBSCRIBERS = 1
ACCOUNT_PATTERN = re.compile(r"^\d{12}$")
# The API's BudgetName rule, less its script-tag clause: no ':' or '\', not an action path.
BUDGET_NAME_PATTERN = re.compile(r"^(?![^:\\]*/action/)[^:\\]{1,100}$")
# Threshold comparison: the API stores a double; 6 decimals are far finer than any alert.
THRESHOLD_DIGITS = 6


class RequestError(ValueError):
    """The properties describe something the Budgets API would refuse."""


@dataclass(frozen=True, order=True)
class NotificationKey:
    """What identifies a notification in the Budgets API (it has no id of its own)."""

    notification_type: str
    comparison_operator: str
    threshold: float
    threshold_type: str

    @classmethod
    def from_api(cls, notification: dict[str, Any]) -> "NotificationKey":
        return cls(
            notification_type=notification["NotificationType"],
            comparison_operator=notification["ComparisonOperator"],
            threshold=round(float(notification["Threshold"]), THRESHOLD_DIGITS),
            # The API's default when a notification was created without one.
            threshold_type=notification.get("ThresholdType") or "PERCENTAGE",
        )

    def to_api(self) -> dict[str, Any]:
        return {
            "NotificationType": self.notification_type,
            "ComparisonOperator": self.comparison_operator,
            "Threshold": self.threshold,
            "ThresholdType": self.threshold_type,
        }

    def describe(self) -> str:
        """For logs: never an address, only what the alert is."""
        return f"{self.notification_type} {self.comparison_operator} {self.threshold:g} {self.threshold_type}"


@dataclass(frozen=True, order=True)
class Subscriber:
    subscription_type: str
    address: str

    @classmethod
    def from_api(cls, subscriber: dict[str, Any]) -> "Subscriber":
        return cls(subscription_type=subscriber["SubscriptionType"], address=subscriber["Address"])

    def to_api(self) -> dict[str, str]:
        return {"SubscriptionType": self.subscription_type, "Address": self.address}


@dataclass(frozen=True)
class DesiredNotification:
    key: NotificationKey
    subscribers: frozenset[Subscriber]


@dataclass(frozen=True)
class Request:
    request_type: str
    physical_resource_id: str | None
    account_id: str
    budget_name: str
    notifications: tuple[DesiredNotification, ...]
    old_budget_name: str | None = None

    @property
    def physical_resource_id_to_return(self) -> str:
        """Stable for the life of the budget: a new id would make CloudFormation send a Delete
        for the old one, which would remove the very notifications just converged."""
        same_budget = self.request_type != "Create" and self.old_budget_name in (None, self.budget_name)
        if self.physical_resource_id and same_budget:
            return self.physical_resource_id
        return f"budget-notifications:{self.budget_name}"


def _choice(value: Any, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise RequestError(f"{field} {value!r} must be one of {', '.join(allowed)}")
    return str(value)


def _threshold(value: Any, field: str) -> float:
    try:
        threshold = float(value)
    except (TypeError, ValueError):
        raise RequestError(f"{field} {value!r} is not a number") from None
    # The AWS::Budgets::Budget schema's bounds for a notification threshold.
    if not 0.1 <= threshold <= 1_000_000_000:
        raise RequestError(f"{field} {threshold:g} is outside 0.1..1000000000")
    return round(threshold, THRESHOLD_DIGITS)


def _subscribers(raw: Any, field: str) -> frozenset[Subscriber]:
    if not isinstance(raw, list) or not raw:
        raise RequestError(f"{field} must be a non-empty list of {{SubscriptionType, Address}}")
    subscribers = set()
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not str(item.get("Address", "")).strip():
            raise RequestError(f"{field}[{index}] needs a SubscriptionType and a non-empty Address")
        kind = _choice(item.get("SubscriptionType"), SUBSCRIPTION_TYPES, f"{field}[{index}].SubscriptionType")
        subscribers.add(Subscriber(subscription_type=kind, address=str(item["Address"]).strip()))
    emails = sum(s.subscription_type == "EMAIL" for s in subscribers)
    topics = sum(s.subscription_type == "SNS" for s in subscribers)
    if emails > MAX_EMAIL_SUBSCRIBERS or topics > MAX_SNS_SUBSCRIBERS:
        raise RequestError(
            f"{field}: at most {MAX_EMAIL_SUBSCRIBERS} e-mail and {MAX_SNS_SUBSCRIBERS} SNS subscribers "
            f"per notification, got {emails} and {topics}"
        )
    return frozenset(subscribers)


def parse_notifications(raw: Any) -> tuple[DesiredNotification, ...]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_NOTIFICATIONS:
        raise RequestError(f"Notifications must be a list of 1..{MAX_NOTIFICATIONS} notifications")
    desired: dict[NotificationKey, DesiredNotification] = {}
    for index, item in enumerate(raw):
        field = f"Notifications[{index}]"
        if not isinstance(item, dict):
            raise RequestError(f"{field} must be an object")
        key = NotificationKey(
            notification_type=_choice(item.get("NotificationType"), NOTIFICATION_TYPES, f"{field}.NotificationType"),
            comparison_operator=_choice(
                item.get("ComparisonOperator"), COMPARISON_OPERATORS, f"{field}.ComparisonOperator"
            ),
            threshold=_threshold(item.get("Threshold"), f"{field}.Threshold"),
            threshold_type=_choice(item.get("ThresholdType", "PERCENTAGE"), THRESHOLD_TYPES, f"{field}.ThresholdType"),
        )
        if key in desired:
            raise RequestError(f"{field} repeats the notification {key.describe()}")
        subscribers = _subscribers(item.get("Subscribers"), f"{field}.Subscribers")
        desired[key] = DesiredNotification(key=key, subscribers=subscribers)
    return tuple(desired.values())


def parse_request(event: dict[str, Any]) -> Request:
    request_type = event.get("RequestType")
    if request_type not in ("Create", "Update", "Delete"):
        raise RequestError(f"unknown RequestType {request_type!r}")
    properties = event.get("ResourceProperties") or {}
    account_id = str(properties.get("AccountId", ""))
    budget_name = str(properties.get("BudgetName", ""))
    if not ACCOUNT_PATTERN.match(account_id):
        raise RequestError(f"AccountId {account_id!r} must be 12 digits")
    if not BUDGET_NAME_PATTERN.match(budget_name):
        raise RequestError(f"BudgetName {budget_name!r} is not a valid budget name")
    return Request(
        request_type=request_type,
        physical_resource_id=event.get("PhysicalResourceId"),
        account_id=account_id,
        budget_name=budget_name,
        notifications=parse_notifications(properties.get("Notifications")),
        old_budget_name=(event.get("OldResourceProperties") or {}).get("BudgetName"),
    )
