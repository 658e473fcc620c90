"""Approve and reject: the decision reaches the waiting workflow once, with its token, and the
token reaches nothing else (no response body, no log line) whatever happens."""

from __future__ import annotations

import dataclasses
import json

import pytest
from stubbed_client import stubbed_client
from test_ordering_api import REGION, TOKEN, handler_module, order_body, world  # noqa: F401  (fixture)

from studio_runtime import order_records as records

ORDER = "33333333-3333-4333-8333-333333333333"


def decision_output(decision: str, by: str, reason: str = "") -> str:
    return json.dumps({"decision": decision, "by": by, "reason": reason})


@pytest.fixture
def waiting(world):
    world.put_order(order_id=ORDER, requester="alice", team="team-a")
    return world


@pytest.fixture
def stubbed_sfn(waiting, monkeypatch):
    """Step Functions under the Stubber, for the answers moto never gives (it accepts any token)."""
    with stubbed_client("stepfunctions", REGION) as (client, stubber):
        monkeypatch.setattr(handler_module, "_clients", dataclasses.replace(waiting.clients, sfn=client))
        yield stubber


def test_an_approval_reaches_the_workflow_and_the_history(world):
    order_id = world.call("requester", "POST", "/orders", body=order_body("team-a"))[1]["order"]["order_id"]
    # The workflow's steps function, waiting for approval, leaves its token on the order.
    world.clients.dynamodb.update_item(
        TableName="orders",
        Key={"pk": {"S": f"ORDER#{order_id}"}, "sk": {"S": "ORDER"}},
        UpdateExpression="SET #s = :s, task_token = :t",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "AWAITING_APPROVAL"}, ":t": {"S": TOKEN}},
    )

    status, answer = world.call("approver", "POST", f"/orders/{order_id}/approve", body={"reason": " fine "})

    assert status == 200
    assert world.send_task_success == [{"taskToken": TOKEN, "output": decision_output("approved", "bob", "fine")}]
    assert answer["order"]["status"] == "APPROVED" and answer["order"]["decided_by"] == "bob"
    assert answer["order"]["decision_reason"] == "fine" and "task_token" not in answer["order"]
    shown = world.call("requester", "GET", f"/orders/{order_id}")[1]
    assert shown["status"] == "APPROVED" and "task_token" not in shown
    assert [(event["step"], event["status"], event["by"]) for event in shown["history"]] == [
        ("Submitted", "SUBMITTED", "alice"), ("Approved", "APPROVED", "bob")]
    assert "task_token" not in world.item(records.order_key(order_id))


def test_a_rejection_needs_a_reason(waiting):
    for body in (None, {}, {"reason": "   "}, {"reason": "x" * 1001}, {"reason": 7}):
        status, answer = waiting.call("approver", "POST", f"/orders/{ORDER}/reject", body=body)
        assert (status, answer["code"]) == (400, "reason_required"), body
    assert waiting.send_task_success == []

    status, answer = waiting.call("approver", "POST", f"/orders/{ORDER}/reject", body={"reason": "x" * 1000})

    assert status == 200 and answer["order"]["status"] == "REJECTED"
    assert waiting.send_task_success == [{"taskToken": TOKEN, "output": decision_output("rejected", "bob", "x" * 1000)}]
    assert waiting.item(records.event_key(ORDER, "Rejected"))["status"] == "REJECTED"


def test_an_approval_reason_is_optional_but_bounded(waiting):
    status, answer = waiting.call("approver", "POST", f"/orders/{ORDER}/approve", body={"reason": "x" * 1001})
    assert (status, answer["code"]) == (400, "invalid_reason")
    status, answer = waiting.call("approver", "POST", f"/orders/{ORDER}/approve", body="[1]")
    assert (status, answer["code"]) == (400, "invalid_json")
    assert waiting.call("approver", "POST", f"/orders/{ORDER}/approve")[0] == 200
    assert waiting.send_task_success == [{"taskToken": TOKEN, "output": decision_output("approved", "bob")}]


def test_a_second_decision_finds_the_order_decided(waiting):
    assert waiting.call("approver", "POST", f"/orders/{ORDER}/approve")[0] == 200

    for role, verb in (("both", "approve"), ("approver", "reject")):
        status, answer = waiting.call(role, "POST", f"/orders/{ORDER}/{verb}", body={"reason": "late"})
        assert (status, answer["code"]) == (409, "not_awaiting_approval")
        past = "approved" if verb == "approve" else "rejected"
        assert answer["message"] == f"order is APPROVED; only an order awaiting approval can be {past}"
    assert len(waiting.send_task_success) == 1


@pytest.mark.parametrize("status", ["SUBMITTED", "READY", "EXPIRED"])
def test_only_an_order_awaiting_approval_can_be_decided(world, status):
    world.put_order(order_id=ORDER, requester="alice", team="team-a", status=status, token=None)
    answer = world.call("approver", "POST", f"/orders/{ORDER}/approve")
    assert answer == (409, {"message": f"order is {status}; only an order awaiting approval can be approved",
                            "code": "not_awaiting_approval"})


def test_a_missing_order_or_a_bad_id_is_not_decided(world):
    missing = "abcdef00-1111-4222-8333-444455556666"
    assert world.call("approver", "POST", f"/orders/{missing}/approve")[1]["code"] == "order_not_found"
    assert world.call("approver", "POST", "/orders/not-a-uuid/approve")[1]["code"] == "invalid_order_id"
    assert world.call("approver", "POST", f"/orders/{missing.upper()}/approve")[1]["code"] == "invalid_order_id"


@pytest.mark.parametrize("code", ["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"])
def test_an_approval_the_workflow_closed_is_a_conflict(waiting, stubbed_sfn, code, capsys):
    stubbed_sfn.add_client_error(
        "send_task_success",
        service_error_code=code,
        service_message=f"Invalid token {TOKEN}",
        expected_params={"taskToken": TOKEN, "output": decision_output("approved", "bob")},
    )

    status, answer = waiting.call("approver", "POST", f"/orders/{ORDER}/approve")

    assert (status, answer["code"]) == (409, "approval_closed")
    assert TOKEN not in json.dumps(answer) and TOKEN not in capsys.readouterr().out


def test_a_decision_the_workflow_never_got_can_be_sent_again(waiting, stubbed_sfn, capsys):
    stubbed_sfn.add_client_error(
        "send_task_success",
        service_error_code="InvalidOutput",
        service_message=f"bad output for {TOKEN}",
        http_status_code=400,
    )
    expected = {"taskToken": TOKEN, "output": decision_output("approved", "bob")}
    stubbed_sfn.add_response("send_task_success", {}, expected)

    status, answer = waiting.call("approver", "POST", f"/orders/{ORDER}/approve")

    assert (status, answer["code"]) == (502, "upstream_error")
    reopened = waiting.item(records.order_key(ORDER))
    assert reopened["status"] == "AWAITING_APPROVAL" and reopened["task_token"] == TOKEN
    assert "decided_by" not in reopened
    logs = capsys.readouterr().out
    assert '"reason":"aws_error:SendTaskSuccess:InvalidOutput"' in logs and TOKEN not in logs
    assert waiting.call("approver", "POST", f"/orders/{ORDER}/approve")[0] == 200


def test_the_task_token_is_in_no_response_and_no_log_line(waiting, capsys):
    bodies = [
        waiting.call("requester", "GET", f"/orders/{ORDER}"),
        waiting.call("approver", "GET", f"/orders/{ORDER}"),
        waiting.call("requester", "GET", "/orders"),
        waiting.call("approver", "GET", "/orders"),
        waiting.call("approver", "GET", "/orders", query={"status": "AWAITING_APPROVAL"}),
        waiting.call("requester", "POST", f"/orders/{ORDER}/approve"),
        waiting.call("requester", "POST", f"/orders/{ORDER}/reject", body={"reason": "no"}),
        waiting.call("approver", "POST", f"/orders/{ORDER}/approve"),
        waiting.call("approver", "POST", f"/orders/{ORDER}/approve"),
        waiting.call("approver", "GET", f"/orders/{ORDER}"),
    ]
    assert [status for status, _ in bodies] == [200, 200, 200, 200, 200, 403, 403, 200, 409, 200]
    assert bodies[0][1]["status"] == "AWAITING_APPROVAL" and waiting.send_task_success[0]["taskToken"] == TOKEN
    logs = capsys.readouterr().out
    assert len(logs.splitlines()) == len(bodies)
    assert all(TOKEN not in json.dumps(body) and "task_token" not in json.dumps(body) for _, body in bodies)
    assert TOKEN not in logs and "task_token" not in logs
