"""The budget-notifications custom resource against moto's stateful budgets.

moto 5.2.5 implements CreateBudget, DescribeNotificationsForBudget, CreateNotification and
DeleteNotification (not the subscriber calls: those paths are in
test_budget_notifications_handler.py with botocore's Stubber). The handler runs unmodified
with Provider-framework events; the result is read back through the Budgets API, and the
stored subscribers from moto's backend, which no API call of moto returns. moto answers a
DescribeNotificationsForBudget of a missing budget with a server-side KeyError where AWS
says NotFoundException, so "budget already gone" is proven with the Stubber too.
"""

from __future__ import annotations

import boto3
import pytest
from budget_notification_events import ACCOUNT, BUDGET, LEAD, PHYSICAL_ID, event, notification
from budget_notification_events import properties, subscribers
from moto import mock_aws
from moto.budgets.models import budgets_backends

from lambda_loader import load_lambda_module

handler = load_lambda_module("budget_notifications", "handler")


@pytest.fixture
def budgets():
    with mock_aws():
        yield boto3.client("budgets", region_name="eu-central-1")


def create_budget(client, notifications_with_subscribers=()):
    """The budget as CloudFormation creates it from TeamBudget's CfnBudget (or, with
    notifications, as the former template did)."""
    client.create_budget(
        AccountId=ACCOUNT,
        Budget={
            "BudgetName": BUDGET,
            "BudgetLimit": {"Amount": "1500", "Unit": "USD"},
            "CostFilters": {"TagKeyValue": ["user:DomainName$team1"]},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
        },
        NotificationsWithSubscribers=list(notifications_with_subscribers),
    )


def notifications_of(client):
    found = client.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName=BUDGET)["Notifications"]
    return sorted((n["NotificationType"], n["Threshold"]) for n in found)


def stored_subscribers(client):
    budget = budgets_backends[ACCOUNT]["aws"].budgets[ACCOUNT][BUDGET]
    return {
        (n.details["NotificationType"], n.details["Threshold"]): sorted(
            (s["SubscriptionType"], s["Address"]) for s in n.subscribers
        )
        for n in budget.notifications
    }


def run(client, evt):
    return handler.handle_event(evt, client=client, sleep=lambda seconds: None)


def test_create_gives_the_budget_every_alert_with_topic_and_emails(budgets):
    create_budget(budgets)
    assert run(budgets, event("Create", properties())) == {"PhysicalResourceId": PHYSICAL_ID}
    assert notifications_of(budgets) == [("ACTUAL", 50.0), ("ACTUAL", 90.0), ("FORECASTED", 100.0)]
    expected = sorted((s["SubscriptionType"], s["Address"]) for s in subscribers(LEAD))
    assert set(map(tuple, stored_subscribers(budgets).values())) == {tuple(expected)}


def test_create_replaces_the_alerts_the_former_template_gave_the_budget(budgets):
    # A budget from the template with NotificationsWithSubscribers at 80 and 100 %: after the
    # switch, the teams file's alerts are the budget's only ones.
    old = [{"Notification": notification(t), "Subscribers": subscribers("old@example.com")} for t in (80, 100)]
    create_budget(budgets, old)
    run(budgets, event("Create", properties(emails=("new@example.com",))))
    assert notifications_of(budgets) == [("ACTUAL", 50.0), ("ACTUAL", 90.0), ("FORECASTED", 100.0)]
    assert all(("EMAIL", "old@example.com") not in subs for subs in stored_subscribers(budgets).values())


def test_delete_removes_the_managed_notifications_and_keeps_one_added_by_hand(budgets):
    create_budget(budgets)
    run(budgets, event("Create", properties()))
    budgets.create_notification(
        AccountId=ACCOUNT, BudgetName=BUDGET, Notification=notification(150), Subscribers=subscribers()
    )
    assert run(budgets, event("Delete", properties())) == {"PhysicalResourceId": PHYSICAL_ID}
    assert notifications_of(budgets) == [("ACTUAL", 150.0)]


def test_create_then_delete_leaves_the_budget_itself(budgets):
    create_budget(budgets)
    run(budgets, event("Create", properties(thresholds=())))
    assert notifications_of(budgets) == [("FORECASTED", 100.0)]
    run(budgets, event("Delete", properties(thresholds=())))
    assert notifications_of(budgets) == []
    assert budgets.describe_budget(AccountId=ACCOUNT, BudgetName=BUDGET)["Budget"]["BudgetName"] == BUDGET

