"""The ordering workflow's steps function: validate, request_approval, its events and logs.

moto's S3 (versioned), DynamoDB and SNS behind it (tests/ordering_steps_world.py); the register
step has its own module, tests/test_ordering_steps_register.py.
"""

from __future__ import annotations

import json
import os

import pytest

from studio_platform import names, orders
from studio_platform.errors import ConfigError, problems_of
from studio_runtime import order_records as records
from studio_runtime.order_records import Status, event_key, order_key

from ordering_steps_world import (  # noqa: F401  (aws: the fixture)
    ACCOUNT,
    BUCKET,
    ENV,
    KEY,
    NOW,
    ORDER_ID,
    OrderInvalid,
    PATH,
    REGION,
    Settings,
    TOKEN,
    TeamsFileChanged,
    TeamsFileUnreadable,
    approval_subject,
    aws,
    entry,
    event,
    invoke,
    item,
    leaks_token,
    mails,
    put_order,
    put_teams_file,
    step_at,
)


def test_the_exception_classes_carry_the_names_the_workflow_catches():
    assert OrderInvalid.__name__ == records.ORDER_INVALID_ERROR
    assert TeamsFileChanged.__name__ == records.TEAMS_FILE_CHANGED_ERROR


# --- validate ---------------------------------------------------------------------------------


def test_validate_returns_the_entry_checked_again(aws):
    assert invoke(event("validate")) == {"entry": entry()}  # no teams file yet
    put_teams_file(aws, {"teams": [entry("team-b")]})
    assert invoke(event("validate", entry(instance_types=["system", "ml.t3.medium"]))) == {
        "entry": entry(instance_types=["system", "ml.t3.medium"])}


def test_validate_refuses_an_invalid_order_in_check_orders_own_words(aws):
    bad = {**entry(), "budget": {"monthly_limit_usd": -5}, "idle_timeout_minutes": 1, "colour": "red"}
    with pytest.raises(ConfigError) as checked:
        orders.check_order({k: v for k, v in bad.items() if k != "cognito_group"}, region=REGION, account=ACCOUNT)
    expected = [str(problem) for problem in problems_of(checked.value)]
    assert len(expected) == 3
    with pytest.raises(OrderInvalid) as refused:
        invoke(event("validate", bad))
    assert str(refused.value).split("\n") == expected


def test_validate_refuses_a_name_taken_in_the_teams_file(aws):
    put_teams_file(aws, {"teams": [entry(owner="someone-else@example.com")]})
    with pytest.raises(OrderInvalid) as refused:
        invoke(event("validate"))
    assert str(refused.value) == "order.name: team 'team-a' is already in the teams file; names must be unique"


def test_validate_refuses_a_retired_name(aws):
    put_teams_file(aws, {"teams": [entry("team-b")], "retired_teams": ["team-a"]})
    with pytest.raises(OrderInvalid) as refused:
        invoke(event("validate"))
    assert str(refused.value) == f"order.name: {names.retired_team_rule('team-a', REGION, ACCOUNT)}"


def test_a_broken_teams_file_is_the_operators_problem_not_an_invalid_order(aws):
    aws.s3.put_object(Bucket=BUCKET, Key=KEY, Body=b'{"teams": [')
    with pytest.raises(TeamsFileUnreadable, match=f"^{PATH}"):
        invoke(event("validate"))


# --- request_approval -------------------------------------------------------------------------


def test_request_approval_stores_the_token_and_deadline_and_mails_the_approvers(aws):
    put_order(aws, Status.SUBMITTED)
    assert step_at(aws, event("request_approval", token=TOKEN)) == {}
    order = item(aws, order_key(ORDER_ID))
    assert (order["status"], order["task_token"]) == (Status.AWAITING_APPROVAL, TOKEN)
    assert (order["approval_deadline"], order["updated_at"]) == ("2025-03-04T09:30:15Z", "2025-03-01T09:30:15Z")
    history = item(aws, event_key(ORDER_ID, "AwaitingApproval"))
    assert (history["status"], history["approval_deadline"]) == (Status.AWAITING_APPROVAL, "2025-03-04T09:30:15Z")
    assert "created_at" not in history  # stays out of the status index
    [(subject, message)] = mails(aws)
    assert subject == "SageMaker Studio order: team team-a awaits approval"
    for text in (f"POST https://api.example.com/prod/orders/{ORDER_ID}/approve",
                 f"POST https://api.example.com/prod/orders/{ORDER_ID}/reject", '{"reason": "..."}',
                 "bob <bob@example.com>", "alice@example.com", "cc-17", "1500 USD (alerts at 80 %, 100 %)",
                 "the platform's default: system, ml.t3.medium", "60 minutes", "2025-03-04T09:30:15Z", ORDER_ID):
        assert text in message
    assert not leaks_token(message)


def test_a_retried_request_replaces_its_own_token(aws):
    put_order(aws, Status.SUBMITTED)
    step_at(aws, event("request_approval", token=TOKEN))
    step_at(aws, event("request_approval", token="second-token"), now=NOW.replace(hour=10))
    order = item(aws, order_key(ORDER_ID))
    assert (order["status"], order["task_token"], order["approval_deadline"]) == (
        Status.AWAITING_APPROVAL, "second-token", "2025-03-04T10:30:15Z")


@pytest.mark.parametrize("status", [Status.APPROVED, Status.REJECTED, Status.EXPIRED, Status.READY, None])
def test_a_decided_or_missing_order_is_not_reopened(aws, status):
    if status:
        put_order(aws, status)
    with pytest.raises(RuntimeError, match="its approval is not requested again") as failed:
        invoke(event("request_approval", token=TOKEN))
    assert not leaks_token(str(failed.value))
    assert item(aws, order_key(ORDER_ID)).get("status") == status and "task_token" not in item(aws, order_key(ORDER_ID))
    assert item(aws, event_key(ORDER_ID, "AwaitingApproval")) == {} and mails(aws) == []


def test_the_subject_stays_printable_ascii_within_snss_limit():
    subject = approval_subject("é" + "x" * 120)
    assert len(subject) == 100 and subject.isascii() and subject.isprintable()


# --- register ---------------------------------------------------------------------------------


def with_order_field(**fields):
    valid = event("validate")
    return {**valid, "order": {**valid["order"], **fields}}


# id: (event, what the error names)
BAD_EVENTS = {
    "unknown-action": (event("deploy"), "action: Input should be 'validate', 'request_approval' or 'register'"),
    "token-elsewhere": (event("validate", token=TOKEN), "task_token is only for request_approval"),
    "token-missing": (event("request_approval"), "task_token is required for request_approval"),
    "token-too-long": (event("request_approval", token=TOKEN * 60), "task_token: Value should have at most 2048"),
    "extra-field": (event("validate", colour="red"), "colour: Extra inputs are not permitted"),
    "no-order": ({"action": "validate"}, "order: Field required"),
    "not-a-mapping": (["validate"], "event: Input should be a valid dictionary"),
    "team-not-entry": (with_order_field(team="team-b"), "team must be the entry's name"),
    "order-id": (with_order_field(order_id="../x"), "order.order_id: String should match pattern"),
    "plain-http": (with_order_field(api_url="http://api.example.com"), "order.api_url: String should match"),
}


@pytest.mark.parametrize(("evt", "problem"), BAD_EVENTS.values(), ids=BAD_EVENTS.keys())
def test_a_bad_event_is_a_value_error_that_never_quotes_the_token(aws, capsys, evt, problem):
    with pytest.raises(ValueError, match="^not a step event: ") as refused:
        invoke(evt)
    assert problem in str(refused.value)
    assert not leaks_token(str(refused.value)) and not leaks_token(capsys.readouterr().out)
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


def test_each_step_logs_its_action_order_and_team_and_never_the_token(aws, capsys):
    put_order(aws, Status.SUBMITTED)
    invoke(event("request_approval", token=TOKEN))
    put_order(aws, Status.APPROVED)  # decided meanwhile: the next request fails (and logs its traceback)
    with pytest.raises(RuntimeError):
        invoke(event("request_approval", token=TOKEN))
    output = capsys.readouterr().out
    assert not leaks_token(output)
    lines = [json.loads(line) for line in output.splitlines()]
    assert [(line["message"], line["action"], line["order_id"], line["team"]) for line in lines] == [
        ("step done", "request_approval", ORDER_ID, "team-a"), ("step failed", "request_approval", ORDER_ID, "team-a")]
    assert "is missing or no longer" in lines[1]["exception"]


def test_missing_settings_fail_the_step(monkeypatch):
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("APPROVAL_TIMEOUT_HOURS", "1000")
    with pytest.raises(ValueError, match="APPROVAL_TIMEOUT_HOURS must be a whole number of hours from 1 to 720"):
        Settings.from_env(os.environ)
    monkeypatch.delenv("TEAMS_BUCKET")
    with pytest.raises(ValueError, match="TEAMS_BUCKET is not set"):
        Settings.from_env(os.environ)
