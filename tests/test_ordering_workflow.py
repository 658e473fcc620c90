"""The synthesized ordering workflow, run by moto's Step Functions interpreter.

Orders arrive through the real ordering API handler, the workflow's Lambda tasks run the real
steps function, and its SDK integrations act on moto's DynamoDB, S3, SNS, Cognito and CodeBuild
(tests/ordering_world.py says what stands in for what moto lacks). Each case checks where the
order ends: the execution's status, the order's record and history, the team name's
reservation, the group, the teams file, the deploy, and who was told.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.codebuild.models import CodeBuildBackend

from iam_model import ACCOUNT
from lambda_context import LambdaContext
from lambda_loader import load_lambda_module
from ordering_world import LOGIN_PAGE, OrderingWorld, build_world
from studio_platform.names import APPROVERS_GROUP, REQUESTERS_GROUP
from studio_runtime import order_records as records
from studio_runtime.aws_clients import aws_client

Status = records.Status
TEAM = "fraud-ml"
ORDER = {"name": TEAM, "owner": "Dana", "cost_centre": "CC-4711", "budget": {"monthly_limit_usd": 800}}
REQUESTER, APPROVER = "dana", "alex"


@pytest.fixture
def make_world(monkeypatch):
    monkeypatch.setenv("MOTO_ACCOUNT_ID", ACCOUNT)
    config = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
    with mock_aws(config=config):
        aws_client.cache_clear()
        for code_dir in ("ordering_api", "ordering_steps"):
            monkeypatch.setattr(load_lambda_module(code_dir), "_clients", None)

        def make(approval_seconds: int = 60) -> OrderingWorld:
            world = build_world(monkeypatch, approval_seconds=approval_seconds)
            cognito = world.client("cognito-idp")
            for username in (REQUESTER, APPROVER):
                cognito.admin_create_user(
                    UserPoolId=world.pool_id,
                    Username=username,
                    UserAttributes=[
                        {"Name": "email", "Value": f"{username}@example.com"},
                        {"Name": "email_verified", "Value": "true"},
                    ],
                )
            return world

        yield make
        aws_client.cache_clear()


def api(method: str, path: str, *, user: str, groups: list[str], body: Any = None) -> tuple[int, dict]:
    """The ordering API's handler, called as API Gateway calls it after the Cognito authorizer."""
    segments = path.strip("/").split("/")
    resource = "/" + "/".join("{order_id}" if index == 1 else part for index, part in enumerate(segments))
    event = {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {"Authorization": "Bearer token"},
        "queryStringParameters": None,
        "pathParameters": {"order_id": segments[1]} if len(segments) > 1 else None,
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "domainName": "orders.example.com",
            "stage": "prod",
            "authorizer": {
                "claims": {"sub": f"sub-{user}", "username": user, "cognito:groups": " ".join(groups), "token_use": "access"}
            },
        },
    }
    response = load_lambda_module("ordering_api").handler(event, LambdaContext())
    return response["statusCode"], json.loads(response["body"])


def submit(world: OrderingWorld, order: dict = ORDER) -> tuple[str, str]:
    status, body = api("POST", "/orders", user=REQUESTER, groups=[REQUESTERS_GROUP], body=order)
    assert status == 201, body
    order_id = body["order"]["order_id"]
    return order_id, f"{world.state_machine_arn.replace(':stateMachine:', ':execution:')}:{order_id}"


def awaiting_approval(world: OrderingWorld, order_id: str) -> dict:
    return world.wait_for(
        lambda: (lambda order: order if order["status"] == Status.AWAITING_APPROVAL else None)(world.order(order_id)),
        what="the approval request",
    )


def decide(order_id: str, decision: str, reason: str | None = None) -> tuple[int, dict]:
    return api(
        "POST", f"/orders/{order_id}/{decision}", user=APPROVER, groups=[APPROVERS_GROUP], body={"reason": reason} if reason else None
    )


def test_an_approved_order_is_delivered_to_its_requester(make_world):
    world = make_world()
    order_id, execution = submit(world)
    waiting = awaiting_approval(world, order_id)
    assert waiting["task_token"]
    (mail,) = world.mail("approvers_queue")
    assert f"https://orders.example.com/prod/orders/{order_id}/approve" in mail["Message"]
    assert waiting["task_token"] not in mail["Message"]
    assert decide(order_id, "approve")[0] == 200

    described = world.finished(execution)
    assert described["status"] == "SUCCEEDED", world.order(order_id)
    order = world.order(order_id)
    assert order["status"] == Status.READY and "task_token" not in order
    assert order["login_url"] == f"{LOGIN_PAGE}?team={TEAM}"
    assert order["decided_by"] == APPROVER
    assert set(world.history(order_id)) >= {"Submitted", "AwaitingApproval", "Approved", "Deploying", "Ready"}
    # The team's group exists, with the requester in it: their first sign-in lands in the team.
    cognito = world.client("cognito-idp")
    cognito.get_group(UserPoolId=world.pool_id, GroupName=TEAM)
    members = cognito.list_users_in_group(UserPoolId=world.pool_id, GroupName=TEAM)["Users"]
    assert [user["Username"] for user in members] == [REQUESTER]
    # The teams file of record holds the team, marked as having the workflow's group.
    entry = next(team for team in world.teams_file()["teams"] if team["name"] == TEAM)
    assert entry["cognito_group"] == "ordering" and entry["budget"]["monthly_limit_usd"] == 800
    # The deploy built exactly that team from exactly that version of the teams file.
    codebuild = world.client("codebuild")
    (build,) = codebuild.batch_get_builds(ids=codebuild.list_builds_for_project(projectName=world.names["project"])["ids"])["builds"]
    assert build["id"] == order["build_id"]
    latest = world.client("s3").head_object(Bucket=world.names["teams_bucket"], Key="teams.json")["VersionId"]
    assert order["teams_file_version"] == latest
    step_input = next(event for code_dir, event in world.invocations if event.get("action") == "register")
    assert step_input["order"]["team"] == TEAM
    # Only the requester hears about it, with the address of the login page.
    (ready,) = world.mail("requester_queue")
    assert order["login_url"] in ready["Message"] and "ready" in ready["Subject"]
    assert world.messages("other_requester_queue") == []
    # A second approval changes nothing.
    assert decide(order_id, "approve")[1]["code"] == "not_awaiting_approval"
    assert world.order(order_id)["status"] == Status.READY


def test_a_rejected_order_ends_with_the_reason_and_frees_the_name(make_world):
    world = make_world()
    order_id, execution = submit(world)
    awaiting_approval(world, order_id)
    assert decide(order_id, "reject", "Use the shared fraud team's domain")[0] == 200

    described = world.finished(execution)
    assert described["status"] == "SUCCEEDED"
    assert world.visited(execution)[-1] == "Rejected"
    order = world.order(order_id)
    assert order["status"] == Status.REJECTED and order["decided_by"] == APPROVER
    assert world.holder_of(TEAM) is None
    assert world.teams_file() is None
    assert world.client("codebuild").list_builds_for_project(projectName=world.names["project"])["ids"] == []
    with pytest.raises(world.client("cognito-idp").exceptions.ResourceNotFoundException):
        world.client("cognito-idp").get_group(UserPoolId=world.pool_id, GroupName=TEAM)
    (rejected,) = world.mail("requester_queue")
    assert "Use the shared fraud team's domain" in rejected["Message"] and APPROVER in rejected["Message"]


def test_an_order_nobody_answers_expires(make_world):
    world = make_world(approval_seconds=1)
    order_id, execution = submit(world)

    described = world.finished(execution)
    assert described["status"] == "FAILED" and described["error"] == "ApprovalExpired"
    order = world.order(order_id)
    assert order["status"] == Status.EXPIRED and "task_token" not in order
    assert world.holder_of(TEAM) is None
    (expired,) = world.mail("requester_queue")
    assert "expired" in expired["Message"]
    # An approver who answers late is told the order is closed.
    assert decide(order_id, "approve")[1]["code"] == "not_awaiting_approval"
    assert world.teams_file() is None


def start_directly(world: OrderingWorld, entry: dict) -> tuple[str, str]:
    """An order the API accepted earlier, started as the API starts it (record, name, execution)."""
    order_id = str(uuid.uuid4())
    now = "2030-01-01T00:00:00.000Z"
    serialize = boto3.dynamodb.types.TypeSerializer().serialize
    item = {
        **records.order_key(order_id), "order_id": order_id, "team": entry["name"], "entry": entry, "requester": REQUESTER,
        "requester_email": "dana@example.com", "status": Status.SUBMITTED, "created_at": now, "updated_at": now,
    }
    table = world.names["table"]
    world.client("dynamodb").put_item(TableName=table, Item={k: serialize(v) for k, v in item.items()})
    world.client("dynamodb").put_item(
        TableName=table, Item={k: serialize(v) for k, v in {**records.team_key(entry["name"]), "order_id": order_id}.items()}
    )
    world.start(
        {"order_id": order_id, "team": entry["name"], "entry": entry, "requester": REQUESTER,
         "requester_email": "dana@example.com", "api_url": "https://orders.example.com/prod"}
    )
    return order_id, f"{world.state_machine_arn.replace(':stateMachine:', ':execution:')}:{order_id}"


@pytest.mark.parametrize(
    "entry, teams_file, problem",
    [
        # The team was delivered by an earlier order (or added by hand) after this order was accepted.
        ({**ORDER, "cognito_group": "ordering"}, {"teams": [{"name": TEAM}]}, f"team '{TEAM}' is already in the teams file"),
        # A rule the API did not know when it accepted the order (or an entry written around it).
        ({**ORDER, "instance_types": ["ml.t3.mediun"]}, None, "'ml.t3.mediun' is not a SageMaker instance type"),
    ],
    ids=["duplicate-team", "invalid-setting"],
)
def test_an_order_the_teams_file_refuses_is_invalid_before_anyone_is_asked(make_world, entry, teams_file, problem):
    world = make_world()
    if teams_file:
        world.client("s3").put_object(Bucket=world.names["teams_bucket"], Key="teams.json", Body=json.dumps(teams_file))
    order_id, execution = start_directly(world, entry)

    described = world.finished(execution)
    assert described["status"] == "FAILED" and described["error"] == records.ORDER_INVALID_ERROR
    order = world.order(order_id)
    assert order["status"] == Status.INVALID
    assert order["failure"]["step"] == "Validate" and problem in order["failure"]["cause"]
    assert world.holder_of(TEAM) is None
    assert world.messages("approvers_queue") == []
    (told,) = world.mail("requester_queue")
    assert problem in told["Message"]
    # The problems as the rules word them, not Lambda's error report around them.
    assert order["failure"]["cause"].startswith("order.") and "stackTrace" not in told["Message"] + order["failure"]["cause"]
    assert world.teams_file() == teams_file


def test_a_failed_deploy_marks_the_order_and_tells_requester_and_approvers(make_world, monkeypatch):
    world = make_world()
    original = CodeBuildBackend.batch_get_builds

    def failing(backend, ids):
        builds = original(backend, ids)
        for build in builds:
            build["buildStatus"] = "FAILED"
        return builds

    monkeypatch.setattr(CodeBuildBackend, "batch_get_builds", failing)
    order_id, execution = submit(world)
    awaiting_approval(world, order_id)
    world.mail("approvers_queue")
    decide(order_id, "approve")

    described = world.finished(execution)
    assert described["status"] == "FAILED" and described["error"] == "OrderFailed"
    order = world.order(order_id)
    assert order["status"] == Status.FAILED
    assert order["failure"]["step"] == "Deploy" and order["failure"]["error"] == "DeployFailed"
    assert order["build_id"] in order["failure"]["cause"] and "FAILED" in order["failure"]["cause"]
    # The team stays in the teams file and keeps its name: a re-run of the build can finish it.
    assert world.holder_of(TEAM) == order_id
    assert any(team["name"] == TEAM for team in world.teams_file()["teams"])
    (to_approvers,) = world.mail("approvers_queue")
    (to_requester,) = world.mail("requester_queue")
    for message in (to_approvers, to_requester):
        assert "failed at step Deploy: DeployFailed" in message["Message"]
    # The approvers get the cause (which build); the requester does not need it.
    assert order["build_id"] in to_approvers["Message"] and order["build_id"] not in to_requester["Message"]


def test_a_concurrent_teams_file_change_is_retried_and_both_teams_stay(make_world):
    world = make_world()
    world.client("s3").put_object(
        Bucket=world.names["teams_bucket"], Key="teams.json", Body=json.dumps({"teams": [{"name": "team1"}]})
    )
    s3 = world.client("s3")
    raced = []

    def another_writer_first(params, **_):
        # The first time the workflow writes the file, someone else has just changed it.
        if params.get("Key") == "teams.json" and not raced:
            raced.append(True)
            s3.put_object(Bucket=world.names["teams_bucket"], Key="teams.json", Body=json.dumps({"teams": [{"name": "team1"}, {"name": "team2"}]}))

    load_lambda_module("ordering_steps").clients().s3.meta.events.register("before-parameter-build.s3.PutObject", another_writer_first)
    order_id, execution = submit(world)
    awaiting_approval(world, order_id)
    decide(order_id, "approve")

    assert world.finished(execution)["status"] == "SUCCEEDED"
    assert raced
    registers = [event for _, event in world.invocations if event.get("action") == "register"]
    assert len(registers) == 2
    assert [team["name"] for team in world.teams_file()["teams"]] == ["team1", "team2", TEAM]


def test_a_group_that_already_exists_is_the_teams_group(make_world):
    world = make_world()
    world.client("cognito-idp").create_group(UserPoolId=world.pool_id, GroupName=TEAM)
    order_id, execution = submit(world)
    awaiting_approval(world, order_id)
    decide(order_id, "approve")

    assert world.finished(execution)["status"] == "SUCCEEDED"
    visited = world.visited(execution)
    assert visited.index("CreateGroup") < visited.index("RegisterTeam")
    assert "CreateGroupFailed" not in visited
    assert world.order(order_id)["status"] == Status.READY
