"""The custom resource's request as the reconciliation works with it: the desired
notifications of one budget, in the shapes the Budgets API takes and returns.

The properties are validated by their contract (studio_runtime/contracts/budget_notifications.py)
before anything here runs; this module only turns them into hashable identities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities.data_classes import CloudFormationCustomResourceEvent

from studio_runtime.contracts.budget_notifications import THRESHOLD_DIGITS, Notification, Properties


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

    @classmethod
    def from_properties(cls, notification: Notification) -> "NotificationKey":
        return cls(*notification.identity)

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

    @classmethod
    def from_properties(cls, notification: Notification) -> "DesiredNotification":
        return cls(
            key=NotificationKey.from_properties(notification),
            subscribers=frozenset(
                Subscriber(subscription_type=s.SubscriptionType, address=s.Address) for s in notification.Subscribers
            ),
        )


@dataclass(frozen=True)
class Request:
    request_type: str
    physical_resource_id: str
    account_id: str
    budget_name: str
    notifications: tuple[DesiredNotification, ...]
    old_budget_name: str | None = None

    @classmethod
    def of(cls, event: CloudFormationCustomResourceEvent, properties: Properties) -> "Request":
        return cls(
            request_type=event.request_type,
            physical_resource_id=event.physical_resource_id,
            account_id=properties.AccountId,
            budget_name=properties.BudgetName,
            notifications=tuple(DesiredNotification.from_properties(n) for n in properties.Notifications),
            old_budget_name=event.old_resource_properties.get("BudgetName"),
        )

    @property
    def physical_resource_id_to_return(self) -> str:
        """Stable for the life of the budget: a new id would make CloudFormation send a Delete
        for the old one, which would remove the very notifications just converged."""
        same_budget = self.request_type != "Create" and self.old_budget_name in (None, self.budget_name)
        if self.physical_resource_id and same_budget:
            return self.physical_resource_id
        return f"budget-notifications:{self.budget_name}"
