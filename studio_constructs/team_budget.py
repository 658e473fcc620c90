"""A monthly AWS Budget on the team's `DomainName` cost-allocation tag, with alerts."""

from __future__ import annotations

from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_kms as kms
from constructs import Construct

from studio_constructs.alert_topic import AlertTopic
from studio_platform.config import BudgetConfig

# AWS Budgets accepts at most 10 e-mail subscribers (plus one SNS topic) per notification.
MAX_EMAIL_SUBSCRIBERS = 10


class TeamBudget(Construct):
    """Actual-spend alerts at each threshold and a forecast alert at 100 %.

    Needs the `DomainName` tag activated as a cost-allocation tag in Billing (once per
    account). Attributes: `budget`, `topic` (for chat or ticket integrations).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, team: str, budget: BudgetConfig, encryption_key: kms.IKey
    ) -> None:
        super().__init__(scope, construct_id)
        if budget.monthly_limit_usd <= 0:
            raise ValueError(f"TeamBudget {team}: monthly_limit_usd must be > 0")
        if len(budget.emails) > MAX_EMAIL_SUBSCRIBERS:
            raise ValueError(f"TeamBudget {team}: at most {MAX_EMAIL_SUBSCRIBERS} e-mail subscribers")
        self.topic = AlertTopic(
            self, "Alerts", publisher="budgets.amazonaws.com", encryption_key=encryption_key
        ).topic
        subscribers = [budgets.CfnBudget.SubscriberProperty(subscription_type="SNS", address=self.topic.topic_arn)]
        subscribers += [
            budgets.CfnBudget.SubscriberProperty(subscription_type="EMAIL", address=email) for email in budget.emails
        ]
        alerts = [("ACTUAL", threshold) for threshold in budget.thresholds_percent] + [("FORECASTED", 100.0)]
        self.budget = budgets.CfnBudget(
            self,
            "Budget",
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_name=f"sagemaker-studio-{team}",
                budget_type="COST",
                time_unit="MONTHLY",
                budget_limit=budgets.CfnBudget.SpendProperty(amount=budget.monthly_limit_usd, unit="USD"),
                cost_filters={"TagKeyValue": [f"user:DomainName${team}"]},
            ),
            notifications_with_subscribers=[
                budgets.CfnBudget.NotificationWithSubscribersProperty(
                    notification=budgets.CfnBudget.NotificationProperty(
                        comparison_operator="GREATER_THAN",
                        notification_type=kind,
                        threshold=threshold,
                        threshold_type="PERCENTAGE",
                    ),
                    subscribers=subscribers,
                )
                for kind, threshold in alerts
            ],
        )
