"""What the budget-notifications function logs through its Lambda entry point: one JSON line
per action with the CloudFormation RequestId as correlation id, counts and alert
descriptions, and never a subscriber's address (personal data), not even when it fails."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber
from budget_notification_events import ACCOUNT, BUDGET, FORECAST, LEAD, event, properties, subscribers

from lambda_context import LambdaContext
from lambda_loader import load_lambda_module

handler = load_lambda_module("budget_notifications", "handler")
SCOPE = {"AccountId": ACCOUNT, "BudgetName": BUDGET}
SECOND = "second.subscriber@example.com"


@pytest.fixture
def stubber(monkeypatch):
    client = boto3.client("budgets", region_name="eu-central-1")
    monkeypatch.setattr(handler, "aws_client", lambda service: client)
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


def log_lines(capsys) -> list[dict]:
    output = capsys.readouterr().out
    assert "@example.com" not in output
    return [json.loads(line) for line in output.splitlines()]


def test_a_converge_logs_the_request_and_what_changed(stubber, capsys):
    stubber.add_response("describe_notifications_for_budget", {"Notifications": []}, {**SCOPE, "MaxResults": 100})
    ordered = sorted(subscribers(LEAD, SECOND), key=lambda s: (s["SubscriptionType"], s["Address"]))
    stubber.add_response("create_notification", {}, {**SCOPE, "Notification": FORECAST, "Subscribers": ordered})
    evt = event("Create", properties(thresholds=(), emails=(LEAD, SECOND)))
    handler.on_event(evt, LambdaContext())
    request, converged = log_lines(capsys)
    assert request["message"] == "request" and request["request_type"] == "Create"
    assert converged["message"] == "converged"
    assert converged["notifications_created"] == ["FORECASTED GREATER_THAN 100 PERCENTAGE"]
    assert converged["api_calls"] == 2 and converged["budget_name"] == BUDGET
    assert {line["correlation_id"] for line in (request, converged)} == {evt["RequestId"]}
    assert {line["service"] for line in (request, converged)} == {"budget_notifications"}


def test_a_failure_is_logged_once_without_addresses(stubber, capsys):
    stubber.add_response("describe_notifications_for_budget", {"Notifications": []}, {**SCOPE, "MaxResults": 100})
    stubber.add_client_error("create_notification", service_error_code="AccessDeniedException",
                             service_message="not authorized to perform budgets:ModifyBudget")
    with pytest.raises(Exception, match="budgets:ModifyBudget"):
        handler.on_event(event("Create", properties(thresholds=(), emails=(LEAD, SECOND))), LambdaContext())
    failures = [line for line in log_lines(capsys) if line["level"] == "ERROR"]
    assert [line["message"] for line in failures] == ["failed"]
    assert failures[0]["error_type"] == "AccessDeniedException"  # botocore's modeled error class


def test_refused_properties_are_logged_by_rule_not_by_address(stubber, capsys):
    too_many = tuple(f"user{i}@example.com" for i in range(11))
    with pytest.raises(Exception, match="at most 10 e-mail"):
        handler.on_event(event("Create", properties(emails=too_many)), LambdaContext())
    assert [line["message"] for line in log_lines(capsys)] == ["failed"]
    # A Delete of such properties calls nothing and says why.
    handler.on_event(event("Delete", properties(emails=too_many)), LambdaContext())
    [skipped] = log_lines(capsys)
    assert skipped["message"] == "delete_skipped" and "at most 10 e-mail" in skipped["reason"]
