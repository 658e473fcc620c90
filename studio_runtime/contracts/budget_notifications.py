"""The budget-notifications custom resource: what TeamBudget sends and lambda/budget_notifications parses.

CloudFormation hands every scalar property over as a string (a threshold of 80 arrives as
"80"), so the model reads them in lax mode; every rule the Budgets API would refuse is
checked before the first call: a half-applied change is worse than a clear failure. Error
messages name the rule broken, never a subscriber's address (personal data).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, field_validator, model_validator
from pydantic_core import PydanticCustomError

from studio_runtime.contracts import EnvironmentVariables
from studio_runtime.resource_properties import ResourceProperties

CODE_DIR = "budget_notifications"
RESOURCE_TYPE = "Custom::BudgetNotifications"

# AWS Budgets quotas: 5 notifications per budget; per notification 10 e-mail and 1 SNS subscriber.
MAX_NOTIFICATIONS = 5
MAX_EMAIL_SUBSCRIBERS = 10
MAX_SNS_SUBSCRIBERS = 1
# Threshold comparison: the API stores a double; 6 decimals are far finer than any alert.
THRESHOLD_DIGITS = 6
# The API's BudgetName rule, less its script-tag clause: no ':' or '\', not an action path.
BUDGET_NAME_PATTERN = r"^(?![^:\\]*/action/)[^:\\]{1,100}$"


class Environment(EnvironmentVariables):
    """The function reads no environment variables."""


class Subscriber(ResourceProperties):
    SubscriptionType: Literal["SNS", "EMAIL"]
    Address: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _rounded(threshold: float) -> float:
    return round(threshold, THRESHOLD_DIGITS)


class Notification(ResourceProperties):
    NotificationType: Literal["ACTUAL", "FORECASTED"]
    ComparisonOperator: Literal["GREATER_THAN", "LESS_THAN", "EQUAL_TO"]
    # The AWS::Budgets::Budget schema's bounds for a notification threshold.
    Threshold: Annotated[float, Field(ge=0.1, le=1_000_000_000, allow_inf_nan=False), AfterValidator(_rounded)]
    # The API's default when a notification is created without one.
    ThresholdType: Literal["PERCENTAGE", "ABSOLUTE_VALUE"] = "PERCENTAGE"
    Subscribers: list[Subscriber] = Field(min_length=1)

    @model_validator(mode="after")
    def _within_subscriber_quotas(self) -> "Notification":
        distinct = {(subscriber.SubscriptionType, subscriber.Address) for subscriber in self.Subscribers}
        emails = sum(kind == "EMAIL" for kind, _ in distinct)
        topics = sum(kind == "SNS" for kind, _ in distinct)
        if emails > MAX_EMAIL_SUBSCRIBERS or topics > MAX_SNS_SUBSCRIBERS:
            raise PydanticCustomError(
                "subscriber_quota",
                "at most {emails_allowed} e-mail and {topics_allowed} SNS subscribers per notification, "
                "got {emails} and {topics}",
                {"emails_allowed": MAX_EMAIL_SUBSCRIBERS, "topics_allowed": MAX_SNS_SUBSCRIBERS,
                 "emails": emails, "topics": topics},
            )
        return self

    @property
    def identity(self) -> tuple[str, str, float, str]:
        """What identifies a notification in the Budgets API: it has no id of its own."""
        return (self.NotificationType, self.ComparisonOperator, self.Threshold, self.ThresholdType)

    def describe(self) -> str:
        """What the alert is, for messages: never an address."""
        return f"{self.NotificationType} {self.ComparisonOperator} {self.Threshold:g} {self.ThresholdType}"


class Properties(ResourceProperties):
    # The BudgetName rule needs a look-ahead, which pydantic's default (Rust) engine lacks.
    model_config = ConfigDict(regex_engine="python-re")

    AccountId: str = Field(pattern=r"^\d{12}$")
    BudgetName: str = Field(pattern=BUDGET_NAME_PATTERN)
    Notifications: list[Notification]

    @field_validator("Notifications")
    @classmethod
    def _distinct_and_within_quota(cls, notifications: list[Notification]) -> list[Notification]:
        if not 1 <= len(notifications) <= MAX_NOTIFICATIONS:
            raise PydanticCustomError(
                "notification_quota",
                "a budget takes 1..{allowed} notifications, got {count}",
                {"allowed": MAX_NOTIFICATIONS, "count": len(notifications)},
            )
        seen: dict[tuple[str, str, float, str], int] = {}
        for index, notification in enumerate(notifications):
            if notification.identity in seen:
                raise PydanticCustomError(
                    "repeated_notification",
                    "entry {index} repeats the notification {notification} of entry {first}",
                    {"index": index, "notification": notification.describe(), "first": seen[notification.identity]},
                )
            seen[notification.identity] = index
        return notifications
