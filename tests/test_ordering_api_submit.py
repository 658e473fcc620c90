"""POST /orders: validation as check_order words it, names taken in the teams file or by an open
order, the requester's e-mail subscription, the workflow's input, and the take-back when it
cannot start."""

from __future__ import annotations

import json

import pytest
from test_ordering_api import ACCOUNT, REGION, TABLE, order_body, world  # noqa: F401  (fixture)

from studio_platform import orders
from studio_platform.errors import ConfigError, problems_of
from studio_runtime import order_records as records
from studio_runtime.contracts.ordering_api import Environment


def check_order_problems(body) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        orders.check_order(body, region=REGION, account=ACCOUNT)
    return [str(problem) for problem in problems_of(raised.value)]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Team_A"},
        order_body("team-a", budget={"monthly_limit_usd": -1}, colour="red"),
        order_body("x" * 70),
        ["not", "a", "mapping"],
        None,
    ],
    ids=["several-missing", "bad-budget-and-unknown-field", "name-too-long", "list", "no-body"],
)
def test_an_invalid_order_gets_check_orders_own_words(world, body):
    expected = check_order_problems(body)

    status, answer = world.call("requester", "POST", "/orders", body=body)

    assert status == 400 and answer["code"] == "invalid_order"
    assert answer["problems"] == expected and answer["message"] == "\n".join(expected)
    assert world.clients.dynamodb.scan(TableName=TABLE)["Items"] == []


@pytest.mark.parametrize("text", ["{", '{"name": 1, "name": 2}', '{"budget": NaN}', "[1,]"])
def test_a_body_that_is_not_json_is_refused(world, text):
    status, answer = world.call("requester", "POST", "/orders", body=text)
    assert (status, answer["code"]) == (400, "invalid_json")


def test_an_order_is_recorded_and_its_workflow_started_with_the_contracts_input(world):
    status, answer = world.call("requester", "POST", "/orders", body=order_body("team-a"))

    assert status == 201
    order = answer["order"]
    entry = orders.check_order(order_body("team-a"), region=REGION, account=ACCOUNT)
    assert order["entry"] == entry and order["status"] == "SUBMITTED" and order["requester"] == "alice"
    assert order["requester_email"] == "alice@example.com"
    assert order["created_at"].endswith("Z") and order["created_at"] == order["updated_at"]
    assert world.item(records.order_key(order["order_id"]))["status"] == "SUBMITTED"
    assert world.item(records.team_key("team-a")) == {"pk": "TEAM#team-a", "sk": "TEAM", "order_id": order["order_id"]}
    assert world.item(records.event_key(order["order_id"], "Submitted"))["by"] == "alice"
    execution_arn = world.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{order['order_id']}"
    started = json.loads(world.clients.sfn.describe_execution(executionArn=execution_arn)["input"])
    assert started == {
        "order_id": order["order_id"],
        "team": "team-a",
        "entry": entry,
        "requester": "alice",
        "requester_email": "alice@example.com",
        "api_url": "https://api.example.com/prod",
    }


def test_a_verified_address_is_subscribed_once_with_a_filter_on_itself(world):
    for name in ("team-a", "team-b"):
        assert world.call("requester", "POST", "/orders", body=order_body(name))[0] == 201

    subscriptions = world.clients.sns.list_subscriptions_by_topic(TopicArn=world.topic_arn)["Subscriptions"]
    assert [(sub["Protocol"], sub["Endpoint"]) for sub in subscriptions] == [("email", "alice@example.com")]
    attributes = world.clients.sns.get_subscription_attributes(SubscriptionArn=subscriptions[0]["SubscriptionArn"])
    assert json.loads(attributes["Attributes"]["FilterPolicy"]) == {"requester_email": ["alice@example.com"]}


def test_an_unverified_address_is_neither_stored_nor_subscribed(world):
    world.clients.cognito.admin_update_user_attributes(
        UserPoolId=world.pool_id, Username="alice", UserAttributes=[{"Name": "email_verified", "Value": "false"}]
    )
    status, answer = world.call("requester", "POST", "/orders", body=order_body("team-a"))

    assert status == 201 and answer["order"]["requester_email"] is None
    assert world.clients.sns.list_subscriptions_by_topic(TopicArn=world.topic_arn)["Subscriptions"] == []


def test_a_failed_subscription_does_not_stop_the_order(world, monkeypatch, capsys):
    monkeypatch.setenv(Environment.UPDATES_TOPIC_ARN, world.topic_arn + "-gone")

    status, _answer = world.call("requester", "POST", "/orders", body=order_body("team-a"))

    assert status == 201
    warnings = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"WARNING"' in line]
    assert [line["message"] for line in warnings] == ["requester not subscribed to updates"]


def test_a_name_in_the_teams_file_is_taken(world):
    existing = {**orders.check_order(order_body("team-a"), region=REGION, account=ACCOUNT), "owner": "Someone"}
    world.teams_file({"teams": [existing], "retired_teams": ["old-team"]})

    for name in ("team-a", "old-team"):
        entry = orders.check_order(order_body(name), region=REGION, account=ACCOUNT)
        with pytest.raises(ConfigError) as expected:
            orders.check_not_taken(entry, {"teams": [existing], "retired_teams": ["old-team"]}, region=REGION,
                                   account=ACCOUNT)
        status, answer = world.call("requester", "POST", "/orders", body=order_body(name))
        assert (status, answer) == (409, {"message": str(expected.value), "code": "team_taken"})
    assert world.call("requester", "POST", "/orders", body=order_body("team-b"))[0] == 201


def test_a_name_held_by_an_open_order_is_taken_until_released(world):
    first = world.call("requester", "POST", "/orders", body=order_body("team-a"))[1]["order"]["order_id"]

    status, answer = world.call("both", "POST", "/orders", body=order_body("team-a", owner="Carol"))

    assert (status, answer["code"]) == (409, "team_ordered")
    assert answer["message"] == f"team 'team-a' is already ordered (order {first})"
    assert len(world.clients.dynamodb.scan(TableName=TABLE)["Items"]) == 3  # the first order's three items


def test_a_workflow_that_cannot_start_takes_the_order_back(world, monkeypatch):
    monkeypatch.setenv(Environment.STATE_MACHINE_ARN, world.state_machine_arn + "-gone")

    status, answer = world.call("requester", "POST", "/orders", body=order_body("team-a"))

    assert (status, answer["code"]) == (503, "unavailable")
    [order] = [item for item in world.clients.dynamodb.scan(TableName=TABLE)["Items"] if item["sk"]["S"] == "ORDER"]
    stored = world.item({"pk": order["pk"]["S"], "sk": "ORDER"})
    assert stored["status"] == "FAILED" and stored["failure"]["step"] == "Submit"
    assert stored["failure"]["error"] == "StateMachineDoesNotExist"
    assert world.item(records.team_key("team-a")) is None
    monkeypatch.setenv(Environment.STATE_MACHINE_ARN, world.state_machine_arn)
    assert world.call("requester", "POST", "/orders", body=order_body("team-a"))[0] == 201


def test_an_unreadable_teams_file_is_the_platforms_fault_and_says_nothing(world, capsys):
    world.clients.s3.put_object(Bucket="platform-teams", Key="teams/teams.json", Body=b"{not json")

    status, answer = world.call("requester", "POST", "/orders", body=order_body("team-a"))

    assert (status, answer) == (500, {"message": "Internal error", "code": "internal_error"})
    assert '"reason":"unexpected:TeamsFileUnreadable"' in capsys.readouterr().out
