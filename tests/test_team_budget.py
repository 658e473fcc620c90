"""TeamBudget and its shared provider: a budget that a changed alert never replaces."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import cfnlint
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks

from studio_constructs.team_budget import RESOURCE_TYPE, BudgetNotificationsProvider, TeamBudget
from studio_platform.config import BudgetConfig

TOKEN = "arn:aws:lambda:eu-central-1:111111111111:function:budget-notifications-provider"


def synth(budget: BudgetConfig) -> Template:
    app = cdk.App()
    stack = cdk.Stack(app, "BudgetTest", env=cdk.Environment(account="111111111111", region="eu-central-1"))
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    TeamBudget(
        stack,
        "TeamBudget",
        team="team1",
        monthly_limit_usd=budget.monthly_limit_usd,
        thresholds_percent=budget.thresholds_percent,
        emails=budget.emails,
        encryption_key=key,
        notifications_service_token=TOKEN,
    )
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return Template.from_stack(stack)


def only(template: Template, resource_type: str) -> tuple[str, dict]:
    [(logical_id, resource)] = template.find_resources(resource_type).items()
    return logical_id, resource


def create_only_pointers(resource_type: str) -> list[str]:
    """The resource schema's createOnlyProperties (a change there replaces the resource),
    from the registry schemas cfn-lint bundles."""
    schemas = Path(cfnlint.__file__).parent / "data" / "schemas"
    providers = json.loads((schemas / "providers" / "eu-central-1.json").read_text())
    schema = json.loads((schemas / "resources" / f"{providers[resource_type]}.json").read_text())
    return schema.get("createOnlyProperties", [])


def at_pointer(resource: dict, pointer: str):
    value = resource
    for part in pointer.strip("/").split("/"):
        if not isinstance(value, dict) or part not in value:
            return None  # absent counts as a value: adding or removing it replaces too
        value = value[part]
    return value


BUDGET = BudgetConfig(monthly_limit_usd=1500, thresholds_percent=(50, 90), emails=("lead@example.com",))


@pytest.fixture(scope="module")
def template():
    return synth(BUDGET)


def test_budget_filters_on_the_team_tag(template):
    _, budget = only(template, "AWS::Budgets::Budget")
    props = budget["Properties"]["Budget"]
    assert props["BudgetName"] == "sagemaker-studio-team1"
    assert props["BudgetLimit"] == {"Amount": 1500, "Unit": "USD"}
    assert props["TimeUnit"] == "MONTHLY" and props["BudgetType"] == "COST"
    assert props["CostFilters"] == {"TagKeyValue": ["user:DomainName$team1"]}


def test_budget_has_no_notifications_that_would_replace_it(template):
    # NotificationsWithSubscribers is a create-only property of AWS::Budgets::Budget.
    _, budget = only(template, "AWS::Budgets::Budget")
    assert set(budget["Properties"]) == {"Budget"}


def test_custom_resource_has_alerts_at_each_threshold_and_forecast(template):
    _, resource = only(template, RESOURCE_TYPE)
    props = resource["Properties"]
    assert props["ServiceToken"] == TOKEN
    assert props["AccountId"] == "111111111111" and props["BudgetName"] == "sagemaker-studio-team1"
    kinds = sorted((n["NotificationType"], n["Threshold"]) for n in props["Notifications"])
    assert kinds == [("ACTUAL", 50), ("ACTUAL", 90), ("FORECASTED", 100)]
    topic_id, _ = only(template, "AWS::SNS::Topic")
    for notification in props["Notifications"]:
        assert notification["ComparisonOperator"] == "GREATER_THAN" and notification["ThresholdType"] == "PERCENTAGE"
        assert notification["Subscribers"] == [
            {"SubscriptionType": "SNS", "Address": {"Ref": topic_id}},
            {"SubscriptionType": "EMAIL", "Address": "lead@example.com"},
        ]


def test_custom_resource_waits_for_the_budget_and_the_topic_policy(template):
    budget_id, _ = only(template, "AWS::Budgets::Budget")
    policy_id, _ = only(template, "AWS::SNS::TopicPolicy")
    _, resource = only(template, RESOURCE_TYPE)
    assert {budget_id, policy_id} <= set(resource["DependsOn"])


def test_a_threshold_email_or_limit_change_replaces_nothing(template):
    changed = synth(BudgetConfig(monthly_limit_usd=2500, thresholds_percent=(60, 95), emails=("new@example.com",)))
    before, after = template.to_json()["Resources"], changed.to_json()["Resources"]
    assert set(before) == set(after)  # no logical id changed
    assert create_only_pointers("AWS::Budgets::Budget") == [
        "/properties/Budget/BudgetName",
        "/properties/NotificationsWithSubscribers",
    ]
    for logical_id, resource in before.items():
        if resource["Type"].startswith("Custom::"):
            continue  # no schema: the handler keeps the physical id (test_budget_notifications_handler.py)
        for pointer in create_only_pointers(resource["Type"]):
            path = pointer.replace("/properties", "/Properties", 1)
            assert at_pointer(resource, path) == at_pointer(after[logical_id], path), (logical_id, pointer)
    budget_id, _ = only(template, "AWS::Budgets::Budget")
    assert after[budget_id]["Properties"]["Budget"]["BudgetName"] == "sagemaker-studio-team1"
    assert after[budget_id]["Properties"]["Budget"]["BudgetLimit"] == {"Amount": 2500, "Unit": "USD"}  # in place
    resource_id, _ = only(template, RESOURCE_TYPE)
    assert before[resource_id]["Properties"]["Notifications"] != after[resource_id]["Properties"]["Notifications"]

def test_topic_is_encrypted_and_only_budgets_of_this_account_publish(template):
    _, topic = only(template, "AWS::SNS::Topic")
    assert "KmsMasterKeyId" in topic["Properties"]
    _, policy = only(template, "AWS::SNS::TopicPolicy")
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    publish = [s for s in statements if s.get("Sid") == "ServicePublishesAlerts"]
    assert publish[0]["Principal"] == {"Service": "budgets.amazonaws.com"}
    assert publish[0]["Action"] == "sns:Publish"
    assert publish[0]["Condition"] == {"StringEquals": {"aws:SourceAccount": "111111111111"}}


def test_more_than_ten_emails_is_refused():
    with pytest.raises(ValueError, match="at most 10"):
        synth(BudgetConfig(monthly_limit_usd=10, emails=tuple(f"u{i}@example.com" for i in range(11))))


@pytest.fixture(scope="module")
def provider_template():
    app = cdk.App()
    stack = cdk.Stack(app, "ProviderTest", env=cdk.Environment(account="111111111111", region="eu-central-1"))
    BudgetNotificationsProvider(stack, "BudgetNotificationsProvider")
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))  # fails synth on an open finding
    return Template.from_stack(stack)


def test_provider_may_only_view_and_modify_the_platform_budgets(provider_template):
    statements = [
        statement
        for policy in provider_template.find_resources("AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if "budgets:" in json.dumps(statement["Action"])
    ]
    assert statements == [
        {
            "Effect": "Allow",
            "Action": ["budgets:ViewBudget", "budgets:ModifyBudget"],
            "Resource": {
                "Fn::Join": [
                    "",
                    ["arn:", {"Ref": "AWS::Partition"}, ":budgets::111111111111:budget/sagemaker-studio-*"],
                ]
            },
        }
    ]


def test_provider_runs_the_budget_notifications_handler(provider_template):
    functions = provider_template.find_resources("AWS::Lambda::Function")
    handlers = [f["Properties"] for f in functions.values() if f["Properties"]["Handler"] == "handler.on_event"]
    assert len(handlers) == 1
    assert handlers[0]["Timeout"] == 120
