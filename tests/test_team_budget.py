"""TeamBudget: a monthly cost budget on the DomainName tag with SNS and e-mail alerts."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks

from studio_constructs.team_budget import TeamBudget
from studio_platform.config import BudgetConfig


def synth(budget: BudgetConfig) -> Template:
    app = cdk.App()
    stack = cdk.Stack(app, "BudgetTest", env=cdk.Environment(account="111111111111", region="eu-central-1"))
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    TeamBudget(stack, "TeamBudget", team="team1", budget=budget, encryption_key=key)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def template():
    return synth(BudgetConfig(monthly_limit_usd=1500, thresholds_percent=(50, 90), emails=("lead@example.com",)))


def test_budget_filters_on_the_team_tag(template):
    budget = template.find_resources("AWS::Budgets::Budget")
    [props] = [b["Properties"]["Budget"] for b in budget.values()]
    assert props["BudgetName"] == "sagemaker-studio-team1"
    assert props["BudgetLimit"] == {"Amount": 1500, "Unit": "USD"}
    assert props["TimeUnit"] == "MONTHLY" and props["BudgetType"] == "COST"
    assert props["CostFilters"] == {"TagKeyValue": ["user:DomainName$team1"]}


def test_alerts_at_each_threshold_and_forecast(template):
    [budget] = template.find_resources("AWS::Budgets::Budget").values()
    notifications = budget["Properties"]["NotificationsWithSubscribers"]
    kinds = sorted((n["Notification"]["NotificationType"], n["Notification"]["Threshold"]) for n in notifications)
    assert kinds == [("ACTUAL", 50), ("ACTUAL", 90), ("FORECASTED", 100)]
    for notification in notifications:
        types = sorted(s["SubscriptionType"] for s in notification["Subscribers"])
        assert types == ["EMAIL", "SNS"]
        assert {"SubscriptionType": "EMAIL", "Address": "lead@example.com"} in notification["Subscribers"]


def test_topic_is_encrypted_and_only_budgets_of_this_account_publish(template):
    [topic] = template.find_resources("AWS::SNS::Topic").values()
    assert "KmsMasterKeyId" in topic["Properties"]
    [policy] = template.find_resources("AWS::SNS::TopicPolicy").values()
    publish = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s.get("Sid") == "ServicePublishesAlerts"]
    assert publish[0]["Principal"] == {"Service": "budgets.amazonaws.com"}
    assert publish[0]["Condition"] == {"StringEquals": {"aws:SourceAccount": "111111111111"}}


def test_more_than_ten_emails_is_refused():
    with pytest.raises(ValueError, match="at most 10"):
        synth(BudgetConfig(monthly_limit_usd=10, emails=tuple(f"u{i}@example.com" for i in range(11))))
