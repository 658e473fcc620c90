"""Provider-framework events for the budget-notifications custom resource, as CloudFormation
sends them (every scalar property a string), and the Budgets API shapes the handler expects."""

from __future__ import annotations

from typing import Any

ACCOUNT = "123456789012"
BUDGET = "sagemaker-studio-team1"
PHYSICAL_ID = f"budget-notifications:{BUDGET}"
TOPIC = f"arn:aws:sns:eu-central-1:{ACCOUNT}:sagemaker-studio-stack-team1-TeamBudgetAlertsTopic"
LEAD = "lead@example.com"


def subscribers(*emails: str, topic: str = TOPIC) -> list[dict[str, str]]:
    return [{"SubscriptionType": "SNS", "Address": topic}] + [
        {"SubscriptionType": "EMAIL", "Address": email} for email in emails
    ]


def properties(thresholds=("50", "90"), emails=(LEAD,), topic: str = TOPIC) -> dict[str, Any]:
    """What TeamBudget puts into the template, as the Provider framework hands it over."""
    alerts = [("ACTUAL", threshold) for threshold in thresholds] + [("FORECASTED", "100")]
    return {
        "ServiceToken": "arn:aws:lambda:eu-central-1:123456789012:function:provider",
        "AccountId": ACCOUNT,
        "BudgetName": BUDGET,
        "Notifications": [
            {
                "NotificationType": kind,
                "ComparisonOperator": "GREATER_THAN",
                "Threshold": threshold,
                "ThresholdType": "PERCENTAGE",
                "Subscribers": subscribers(*emails, topic=topic),
            }
            for kind, threshold in alerts
        ],
    }


def event(request_type: str, props: dict[str, Any], *, old: dict[str, Any] | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "RequestType": request_type,
        "ServiceToken": props["ServiceToken"],
        "ResponseURL": "https://cloudformation-custom-resource-response-eucentral1.s3.amazonaws.com/x",
        "StackId": f"arn:aws:cloudformation:eu-central-1:{ACCOUNT}:stack/sagemaker-studio-stack-team1/1",
        "RequestId": "5d4c0e6a-1111-4f6e-9d0a-000000000001",
        "LogicalResourceId": "TeamBudgetNotifications0A1B2C3D",
        "ResourceType": "Custom::BudgetNotifications",
        "ResourceProperties": props,
    }
    if request_type != "Create":
        result["PhysicalResourceId"] = PHYSICAL_ID
    if old is not None:
        result["OldResourceProperties"] = old
    return result


def notification(threshold: float, kind: str = "ACTUAL") -> dict[str, Any]:
    """A notification as the API takes it in calls (and returns it, plus a state)."""
    return {
        "NotificationType": kind,
        "ComparisonOperator": "GREATER_THAN",
        "Threshold": float(threshold),
        "ThresholdType": "PERCENTAGE",
    }


FORECAST = notification(100, "FORECASTED")
