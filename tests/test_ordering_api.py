"""The ordering API function against moto: who may do what (the authorization matrix), and the
shared world the other test_ordering_api_*.py modules use.

Each test gets its own moto account: the orders table exactly as order_records lays it out, the
teams bucket, the updates topic, a user pool with one user per role and a state machine. The
handler runs unmodified on API Gateway REST proxy events carrying the authorizer's claims.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from lambda_context import LambdaContext
from lambda_loader import load_lambda_module
from moto import mock_aws
from moto_user_pool import create_studio_user_pool

handler_module = load_lambda_module("ordering_api", "handler")
from orders_api.service import Clients  # noqa: E402  (importable once the function is loaded)
from orders_api.views import from_dynamo, to_dynamo  # noqa: E402

from studio_platform.names import APPROVERS_GROUP, REQUESTERS_GROUP  # noqa: E402
from studio_runtime import order_records as records  # noqa: E402
from studio_runtime.contracts.ordering_api import Environment  # noqa: E402

REGION = "eu-central-1"
ACCOUNT = "123456789012"  # moto's account
TABLE, BUCKET, TEAMS_KEY = "orders", "platform-teams", "teams/teams.json"
TOKEN = "AQB8AAAAKgAAAAMAAAAAAAAAAS3cr3t-Task-Token-Value"
# role -> (username, groups); "no claims" has none.
USERS = {
    "requester": ("alice", [REQUESTERS_GROUP]),
    "approver": ("bob", [APPROVERS_GROUP]),
    "both": ("carol", [REQUESTERS_GROUP, APPROVERS_GROUP]),
    "neither": ("dave", ["team1"]),
    "other": ("erin", [REQUESTERS_GROUP]),
}


def order_body(name: str = "team-a", **changes: Any) -> dict[str, Any]:
    return {"name": name, "owner": "Alice", "cost_centre": "CC-1", "budget": {"monthly_limit_usd": 500}, **changes}


@dataclass
class World:
    clients: Clients
    pool_id: str
    topic_arn: str
    state_machine_arn: str
    send_task_success: list[dict[str, Any]]

    def call(
        self, role: str | None, method: str, path: str, *, body: Any = None, query: dict | None = None
    ) -> tuple[int, Any]:
        """The handler's (status, JSON body) for one request by a user of `role` (None: no claims)."""
        event = api_event(role, method, path, body=body, query=query)
        response = handler_module.handler(event, LambdaContext())
        return response["statusCode"], json.loads(response["body"])

    def item(self, key: dict[str, str]) -> dict[str, Any] | None:
        found = self.clients.dynamodb.get_item(TableName=TABLE, Key=to_dynamo(key))
        return from_dynamo(found["Item"]) if "Item" in found else None

    def put_order(
        self,
        *,
        order_id: str,
        requester: str,
        team: str,
        status: str = records.Status.AWAITING_APPROVAL,
        token: str | None = TOKEN,
    ) -> None:
        """An order as the workflow leaves it while it waits for approval (token on the item)."""
        item = {
            **records.order_key(order_id),
            "order_id": order_id,
            "team": team,
            "entry": order_body(team),
            "requester": requester,
            "requester_email": None,
            "status": status,
            "created_at": "2030-01-01T00:00:00.000Z",
            "updated_at": "2030-01-01T00:00:00.000Z",
        }
        if token is not None:
            item["task_token"] = token
        self.clients.dynamodb.put_item(TableName=TABLE, Item=to_dynamo(item))
        held = {**records.team_key(team), "order_id": order_id}
        self.clients.dynamodb.put_item(TableName=TABLE, Item=to_dynamo(held))

    def teams_file(self, document: Any) -> None:
        self.clients.s3.put_object(Bucket=BUCKET, Key=TEAMS_KEY, Body=json.dumps(document).encode())


def api_event(role: str | None, method: str, path: str, *, body: Any = None, query: dict | None = None) -> dict:
    """A REST proxy event as API Gateway sends it past the user pool's authorizer."""
    segments = path.strip("/").split("/")
    resource = "/" + "/".join("{order_id}" if index == 1 else part for index, part in enumerate(segments))
    authorizer = {}
    if role in USERS:
        username, groups = USERS[role]
        authorizer["claims"] = {
            "sub": f"sub-{username}",
            "username": username,
            "cognito:groups": " ".join(groups),
            "token_use": "access",
            "client_id": "client123",
        }
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {"Authorization": "Bearer eyJ-ACCESS-TOKEN"},
        "multiValueHeaders": {"Authorization": ["Bearer eyJ-ACCESS-TOKEN"]},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {name: [value] for name, value in query.items()} if query else None,
        "pathParameters": {"order_id": segments[1]} if len(segments) > 1 else None,
        "body": body if body is None or isinstance(body, str) else json.dumps(body),
        "isBase64Encoded": False,
        "requestContext": {
            "requestId": "api-req-1",
            "domainName": "api.example.com",
            "stage": "prod",
            "authorizer": authorizer,
        },
    }


_SENT: list[dict[str, Any]] = []  # SendTaskSuccess requests (moto accepts any token and keeps none)


@functools.cache
def shared_clients() -> Clients:
    """One client per service for the whole run (building them is most of a test's cost);
    moto answers them whenever a mock is active, each test with fresh state."""
    services = ("dynamodb", "s3", "cognito-idp", "sns", "stepfunctions")
    clients = Clients(*(boto3.client(service, region_name=REGION) for service in services))
    clients.sfn.meta.events.register(
        "before-parameter-build.sfn.SendTaskSuccess", lambda params, **_: _SENT.append(dict(params))
    )
    return clients


@pytest.fixture
def world(monkeypatch) -> World:
    with mock_aws():
        clients = shared_clients()
        _SENT.clear()
        create_orders_table(clients.dynamodb)
        clients.s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        topic_arn = clients.sns.create_topic(Name="order-updates")["TopicArn"]
        pool_id = create_studio_user_pool(clients.cognito, "platform")
        for username, _groups in USERS.values():
            email = [{"Name": "email", "Value": f"{username}@example.com"}, {"Name": "email_verified", "Value": "true"}]
            clients.cognito.admin_create_user(UserPoolId=pool_id, Username=username, UserAttributes=email)
        machine_arn = clients.sfn.create_state_machine(
            name="ordering",
            roleArn=f"arn:aws:iam::{ACCOUNT}:role/ordering",
            definition=json.dumps({"StartAt": "Wait", "States": {"Wait": {"Type": "Pass", "End": True}}}),
        )["stateMachineArn"]
        environment = {
            "AWS_REGION": REGION,
            Environment.ACCOUNT_ID: ACCOUNT,
            Environment.ORDERS_TABLE: TABLE,
            Environment.STATE_MACHINE_ARN: machine_arn,
            Environment.TEAMS_BUCKET: BUCKET,
            Environment.TEAMS_FILE_KEY: TEAMS_KEY,
            Environment.USER_POOL_ID: pool_id,
            Environment.UPDATES_TOPIC_ARN: topic_arn,
        }
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(handler_module, "_clients", clients)
        yield World(clients, pool_id, topic_arn, machine_arn, _SENT)


def create_orders_table(dynamodb: Any) -> None:
    """The table as order_records lays it out: string keys, two GSIs on created_at, ALL projected."""

    def index(name: str, key: str) -> dict:
        return {
            "IndexName": name,
            "Projection": {"ProjectionType": "ALL"},
            "KeySchema": [
                {"AttributeName": key, "KeyType": "HASH"},
                {"AttributeName": records.CREATED_AT, "KeyType": "RANGE"},
            ],
        }

    attributes = (records.PARTITION_KEY, records.SORT_KEY, records.Attribute.REQUESTER, records.Attribute.STATUS,
                  records.CREATED_AT)
    dynamodb.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[
            {"AttributeName": records.PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": records.SORT_KEY, "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"} for name in attributes],
        GlobalSecondaryIndexes=[
            index(records.REQUESTER_INDEX, records.Attribute.REQUESTER),
            index(records.STATUS_INDEX, records.Attribute.STATUS),
        ],
    )


# ---- the authorization matrix ----------------------------------------------------------------
OWN, OTHER = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
ACTIONS = {
    "POST /orders": ("POST", "/orders", order_body("team-new")),
    "GET /orders": ("GET", "/orders", None),
    "GET own order": ("GET", f"/orders/{OWN}", None),
    "GET other's order": ("GET", f"/orders/{OTHER}", None),
    "approve": ("POST", f"/orders/{OTHER}/approve", None),
    "reject": ("POST", f"/orders/{OTHER}/reject", {"reason": "over the budget"}),
    "approve own order": ("POST", f"/orders/{OWN}/approve", None),
}
NOT_APPROVER, FORBIDDEN, UNAUTHORIZED = (403, "not_an_approver"), (403, "forbidden"), (401, "unauthorized")
EXPECTED = {  # role -> one (status, code) per action, in ACTIONS' order; code None for a success
    "requester": [(201, None), (200, None), (200, None), (404, "order_not_found"), NOT_APPROVER, NOT_APPROVER,
                  NOT_APPROVER],
    "approver": [(403, "not_a_requester"), (200, None), (200, None), (200, None), (200, None), (200, None),
                 (403, "own_order")],
    "both": [(201, None), (200, None), (200, None), (200, None), (200, None), (200, None), (403, "own_order")],
    "neither": [(403, "not_a_requester"), FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_APPROVER, NOT_APPROVER,
                NOT_APPROVER],
    "no claims": [UNAUTHORIZED] * len(ACTIONS),
}
CELLS = [(role, action, expected) for role, row in EXPECTED.items() for action, expected in zip(ACTIONS, row)]


@pytest.mark.parametrize(("role", "action", "expected"), CELLS, ids=[f"{r}|{a}" for r, a, _ in CELLS])
def test_authorization_matrix(world, role, action, expected):
    owner = USERS.get(role, USERS["requester"])[0]
    world.put_order(order_id=OWN, requester=owner, team="own-team")
    world.put_order(order_id=OTHER, requester=USERS["other"][0], team="other-team", token=TOKEN + "-other")
    method, path, body = ACTIONS[action]

    status, answer = world.call(role, method, path, body=body)

    assert (status, answer.get("code")) == expected, answer
    decided = [call["taskToken"] for call in world.send_task_success]
    if action in ("approve", "reject", "approve own order"):
        order = world.item(records.order_key(OWN if action == "approve own order" else OTHER))
        if status == 200:
            assert decided == [TOKEN + "-other"] and "task_token" not in order
        else:  # refused: the workflow heard nothing and the order still waits, token and all
            assert decided == [] and order["status"] == "AWAITING_APPROVAL" and "task_token" in order
    if action == "GET /orders" and status == 200:
        seen = {order["order_id"] for order in answer["orders"]}
        assert seen == ({OWN} if role == "requester" else {OWN, OTHER})
    if action == "POST /orders":
        created = world.item(records.team_key("team-new"))
        assert (created is not None) == (status == 201)
