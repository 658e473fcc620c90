"""A monthly AWS Budget on the team's `DomainName` cost-allocation tag, with alerts.

The budget's template carries no notifications: `AWS::Budgets::Budget` replaces the budget
when `NotificationsWithSubscribers` changes, and the replacement fails on the fixed
`BudgetName` (and would lose the budget's history if it did not). A custom resource keeps
the alerts instead (lambda/budget_notifications), so a new threshold, e-mail or limit
updates the same budget in place.

One `BudgetNotificationsProvider` serves every team (in the infrastructure stack), for the
same reason as the lifecycle-config and teardown providers.
"""

from __future__ import annotations

from typing import Any, Sequence

import aws_cdk as cdk
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_kms as kms
from constructs import Construct

from studio_constructs.alert_topic import AlertTopic
from studio_constructs.policy import Statement, add_statements
from studio_constructs.python_function import PythonCustomResourceProvider
from studio_platform import names
from studio_runtime.contracts.budget_notifications import (
    CODE_DIR,
    MAX_EMAIL_SUBSCRIBERS,
    RESOURCE_TYPE,
    Notification,
    Properties,
    Subscriber,
)

FORECAST_THRESHOLD_PERCENT = 100.0


class BudgetNotificationsProvider(Construct):
    """Keeps the notifications of every team budget. Attribute: `service_token`."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        provider = PythonCustomResourceProvider(
            self,
            "Provider",
            code_dir=CODE_DIR,
            description="Keeps the alerts and subscribers of the team budgets as the teams file says",
            # Throttled Budgets calls are retried with waits of up to a minute in all.
            timeout=cdk.Duration.minutes(2),
        )
        self.service_token = provider.service_token
        stack = cdk.Stack.of(self)
        # Budgets are global: no region in the ARN. ViewBudget covers DescribeNotificationsForBudget
        # and DescribeSubscribersForNotification; ModifyBudget the notification and subscriber
        # creates and deletes. Both act on the budget resource only.
        statement = Statement(
            actions=["budgets:ViewBudget", "budgets:ModifyBudget"],
            resources=[
                stack.format_arn(
                    service="budgets",
                    region="",
                    resource="budget",
                    resource_name=f"{names.BUDGET_NAME_PREFIX}*",
                    arn_format=cdk.ArnFormat.SLASH_RESOURCE_NAME,
                )
            ],
        )
        reason = (
            "Team budgets are added by team stacks after this one is deployed; only budgets named "
            f"{names.BUDGET_NAME_PREFIX}<team> of this account, only the two budget actions (Budgets has "
            "no narrower action for notifications)."
        )
        add_statements(provider.handler.role, [(statement, reason)])


class TeamBudget(Construct):
    """Actual-spend alerts at each threshold and a forecast alert at 100 %.

    Needs the `DomainName` tag activated as a cost-allocation tag in Billing (once per
    account). Attributes: `budget`, `topic` (for chat or ticket integrations),
    `notifications` (the custom resource).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        team: str,
        monthly_limit_usd: float,
        thresholds_percent: Sequence[float],
        encryption_key: kms.IKey,
        notifications_service_token: str,
        emails: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        if monthly_limit_usd <= 0:
            raise ValueError(f"TeamBudget {team}: monthly_limit_usd must be > 0")
        if len(emails) > MAX_EMAIL_SUBSCRIBERS:
            raise ValueError(f"TeamBudget {team}: at most {MAX_EMAIL_SUBSCRIBERS} e-mail subscribers")
        self.topic = AlertTopic(
            self, "Alerts", publisher="budgets.amazonaws.com", encryption_key=encryption_key
        ).topic
        name = names.budget_name(team)
        # Limit and filters update in place; only BudgetName (fixed per team) would replace it.
        self.budget = budgets.CfnBudget(
            self,
            "Budget",
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_name=name,
                budget_type="COST",
                time_unit="MONTHLY",
                budget_limit=budgets.CfnBudget.SpendProperty(amount=monthly_limit_usd, unit="USD"),
                cost_filters={"TagKeyValue": [f"user:{names.TEAM_TAG_KEY}${team}"]},
            ),
        )
        subscribers = [Subscriber.cfn(SubscriptionType="SNS", Address=self.topic.topic_arn)]
        subscribers += [Subscriber.cfn(SubscriptionType="EMAIL", Address=email) for email in emails]
        alerts = [("ACTUAL", threshold) for threshold in thresholds_percent]
        alerts.append(("FORECASTED", FORECAST_THRESHOLD_PERCENT))
        notifications: list[dict[str, Any]] = [
            Notification.cfn(
                NotificationType=kind,
                ComparisonOperator="GREATER_THAN",
                Threshold=threshold,
                ThresholdType="PERCENTAGE",
                Subscribers=subscribers,
            )
            for kind, threshold in alerts
        ]
        # The logical id must stay: a new one would create the new resource, then delete the
        # old one, and that delete removes the notifications both manage.
        self.notifications = cdk.CustomResource(
            self,
            "Notifications",
            service_token=notifications_service_token,
            resource_type=RESOURCE_TYPE,
            properties=Properties.cfn(
                AccountId=cdk.Stack.of(self).account, BudgetName=name, Notifications=notifications
            ),
        )
        # The budget must exist, and Budgets checks that it may publish to the topic when a
        # notification names it: the topic policy (the topic itself and its key come with the
        # topic ARN, a reference CloudFormation already orders by).
        self.notifications.node.add_dependency(self.budget, self.topic.node.find_child("Policy"))
