"""The ordering workflow's steps function against moto's S3 (versioned), DynamoDB and SNS.

The handler runs unmodified with the events a lambda:invoke Task sends. What the approvers
are mailed is read from an SQS queue subscribed to their topic. moto 5.2.5 honours PutObject's
IfMatch / IfNoneMatch (412), so a concurrent write is a real second PutObject between the
step's read and its write; S3's 409 (a conditional write under way) only the Stubber can give.
"""

from __future__ import annotations

import io
import json
import os
from datetime import datetime, timezone
from types import SimpleNamespace

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from lambda_context import LambdaContext
from moto import mock_aws

from lambda_loader import load_lambda_module
from studio_platform import names, orders
from studio_platform.data_file import parse_document
from studio_platform.errors import ConfigError, problems_of
from studio_platform.teams_file import check_teams_document
from studio_runtime import order_records as records
from studio_runtime.order_records import Status, WorkflowInput, event_key, order_key

handler = load_lambda_module("ordering_steps", "handler")
from order_steps.actions import Clients  # noqa: E402  (importable once the loader put the function on sys.path)
from order_steps.approval_mail import approval_subject  # noqa: E402
from order_steps.errors import OrderInvalid, OrderNotApproved, TeamsFileChanged, TeamsFileUnreadable  # noqa: E402
from order_steps.settings import Settings  # noqa: E402

REGION, ACCOUNT, TABLE, BUCKET, KEY = "eu-central-1", "123456789012", "orders", "teams-of-record", "teams.json"
PATH = f"s3://{BUCKET}/{KEY}"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:approvers"
ORDER_ID = "0b8f0c2e-3d1a-4c55-9a57-2f1f5d3a6b70"
TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAS-very-secret-task-token"
NOW = datetime(2025, 3, 1, 9, 30, 15, tzinfo=timezone.utc)
# Any part of the token: pydantic's error text shortens long inputs to their two ends.
TOKEN_PARTS = (TOKEN[:12], TOKEN[-12:])
ENV = {"AWS_REGION": REGION, "ACCOUNT_ID": ACCOUNT, "ORDERS_TABLE": TABLE, "TEAMS_BUCKET": BUCKET,
       "TEAMS_FILE_KEY": KEY, "APPROVERS_TOPIC_ARN": TOPIC, "APPROVAL_TIMEOUT_HOURS": "72"}


def entry(name="team-a", **fields):
    order = {"name": name, "owner": "alice@example.com", "cost_centre": "cc-17", "budget": {"monthly_limit_usd": 1500}}
    return orders.check_order(order | fields, region=REGION, account=ACCOUNT)


def event(action, team_entry=None, token=None, **extra):
    team_entry = team_entry or entry()
    order = {WorkflowInput.ORDER_ID: ORDER_ID, WorkflowInput.TEAM: team_entry["name"], WorkflowInput.ENTRY: team_entry,
             WorkflowInput.REQUESTER: "bob", WorkflowInput.REQUESTER_EMAIL: "bob@example.com",
             WorkflowInput.API_URL: "https://api.example.com/prod/"}
    return {"action": action, "order": order, **({"task_token": token} if token else {}), **extra}


def key_schema(*names):
    return [{"AttributeName": name, "KeyType": kind} for name, kind in zip(names, ("HASH", "RANGE"))]


def index(name, *key):
    return {"IndexName": name, "KeySchema": key_schema(*key), "Projection": {"ProjectionType": "ALL"}}


def create_orders_table(dynamodb):
    """The table as order_records lays it out."""
    key_names = (records.PARTITION_KEY, records.SORT_KEY, "requester", "status", records.CREATED_AT)
    dynamodb.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=key_schema(records.PARTITION_KEY, records.SORT_KEY),
        AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"} for name in key_names],
        GlobalSecondaryIndexes=[
            index(records.REQUESTER_INDEX, "requester", records.CREATED_AT),
            index(records.STATUS_INDEX, "status", records.CREATED_AT),
        ],
    )


@pytest.fixture
def aws(monkeypatch):
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        s3, dynamodb = boto3.client("s3", region_name=REGION), boto3.client("dynamodb", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        create_orders_table(dynamodb)
        sns, sqs = boto3.client("sns", region_name=REGION), boto3.client("sqs", region_name=REGION)
        assert sns.create_topic(Name="approvers")["TopicArn"] == TOPIC
        queue = sqs.create_queue(QueueName="approvers-mail")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=TOPIC, Protocol="sqs", Endpoint=queue_arn)
        clients = Clients(s3=s3, dynamodb=dynamodb, sns=sns)
        monkeypatch.setattr(handler, "_clients", clients)
        yield SimpleNamespace(s3=s3, dynamodb=dynamodb, sqs=sqs, queue=queue, clients=clients)


def leaks_token(text):
    return any(part in text for part in TOKEN_PARTS)


def invoke(evt):
    return handler.handler(evt, LambdaContext())


def step_at(aws, evt, now=NOW):
    return handler.handle_step(evt, settings=Settings.from_env(os.environ), clients=aws.clients, now=now)


def put_order(aws, status, team="team-a"):
    aws.dynamodb.put_item(TableName=TABLE, Item={**{k: {"S": v} for k, v in order_key(ORDER_ID).items()},
                                                 "order_id": {"S": ORDER_ID}, "team": {"S": team},
                                                 "status": {"S": status}, "created_at": {"S": "2025-03-01T09:00:00Z"}})


def item(aws, key):
    found = aws.dynamodb.get_item(TableName=TABLE, Key={k: {"S": v} for k, v in key.items()}).get("Item", {})
    return {name: next(iter(value.values())) for name, value in found.items()}


def put_teams_file(aws, document):
    return aws.s3.put_object(Bucket=BUCKET, Key=KEY, Body=json.dumps(document).encode())["VersionId"]


def teams_file(aws):
    got = aws.s3.get_object(Bucket=BUCKET, Key=KEY)
    return got["Body"].read().decode(), got["VersionId"], got["ContentType"]


def versions(aws):
    return len(aws.s3.list_object_versions(Bucket=BUCKET).get("Versions", []))


def mails(aws):
    received = aws.sqs.receive_message(QueueUrl=aws.queue, MaxNumberOfMessages=10, WaitTimeSeconds=0)
    bodies = [json.loads(message["Body"]) for message in received.get("Messages", [])]
    return [(body["Subject"], body["Message"]) for body in bodies]


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


def test_register_creates_the_teams_file_when_there_is_none(aws):
    put_order(aws, Status.APPROVED)
    result = step_at(aws, event("register"))
    text, version, content_type = teams_file(aws)
    assert result == {"teams_file_version": version, "changed": True}
    assert text == json.dumps({"teams": [entry()]}, indent=2) + "\n" and content_type == "application/json"
    assert item(aws, order_key(ORDER_ID))["teams_file_version"] == version
    assert item(aws, order_key(ORDER_ID))["status"] == Status.APPROVED
    registered = item(aws, event_key(ORDER_ID, "Registered"))
    assert (registered["status"], registered["teams_file_version"]) == (Status.APPROVED, version)
    assert registered["changed"] is True


def test_register_appends_to_the_file_and_the_result_passes_every_synth_check(aws):
    before = {"defaults": {"idle_timeout_minutes": 90}, "teams": [entry("team-b")], "retired_teams": ["team-z"]}
    first = put_teams_file(aws, before)
    put_order(aws, Status.APPROVED)
    result = invoke(event("register"))
    text, version, _ = teams_file(aws)
    assert result == {"teams_file_version": version, "changed": True} and version != first
    written = parse_document(text, PATH)
    assert written == {**before, "teams": [entry("team-b"), entry()]} and list(written) == list(before)
    checked = check_teams_document(written, path=PATH, defaults={}, region=REGION, account=ACCOUNT)
    assert [team.name for team in checked.teams] == ["team-b", "team-a"]


def test_register_again_changes_nothing_and_names_the_same_version(aws):
    put_order(aws, Status.APPROVED)
    first = invoke(event("register"))
    text, _, _ = teams_file(aws)
    second = invoke(event("register"))
    assert second == {"teams_file_version": first["teams_file_version"], "changed": False}
    assert teams_file(aws)[0] == text and versions(aws) == 1


def test_register_refuses_a_name_taken_with_another_entry(aws):
    put_teams_file(aws, {"teams": [entry(owner="carol@example.com")]})
    put_order(aws, Status.APPROVED)
    with pytest.raises(OrderInvalid, match="team 'team-a' is already in the teams file"):
        invoke(event("register"))
    assert versions(aws) == 1 and "teams_file_version" not in item(aws, order_key(ORDER_ID))


ENTRA_GROUP = "5e3c0a4b-8d2f-4f6a-9b1c-7d8e9f0a1b2c"
PROVIDER = {"type": "oidc", "name": "EntraID", "issuer": "https://login.microsoftonline.com/tenant/v2.0",
            "client_id": "11111111-2222-3333-4444-555555555555", "client_secret_name": "platform/entra-client"}


def test_register_gives_the_entry_the_entra_group_the_workflow_made(aws):
    put_teams_file(aws, {"identity_provider": PROVIDER, "teams": [entry("team-b")]})
    put_order(aws, Status.APPROVED)
    first = invoke(event("register", idp_groups=[ENTRA_GROUP]))
    written = parse_document(teams_file(aws)[0], PATH)
    assert written["teams"][-1] == {**entry(), "idp_groups": [ENTRA_GROUP]}
    checked = check_teams_document(written, path=PATH, defaults={}, region=REGION, account=ACCOUNT)
    assert checked.teams[-1].entry_groups == (ENTRA_GROUP,)
    # A retry with the same group changes nothing.
    assert invoke(event("register", idp_groups=[ENTRA_GROUP])) == {**first, "changed": False}


def test_an_entra_group_without_the_files_identity_provider_is_refused_by_its_rule(aws):
    put_order(aws, Status.APPROVED)
    with pytest.raises(OrderInvalid, match="idp_groups: has no effect without an identity_provider"):
        invoke(event("register", idp_groups=[ENTRA_GROUP]))
    assert versions(aws) == 0


def test_idp_groups_belong_to_register_only(aws):
    with pytest.raises(ValueError, match="idp_groups is only for register"):
        invoke(event("validate", idp_groups=[ENTRA_GROUP]))


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.AWAITING_APPROVAL, Status.REJECTED, None])
def test_register_only_adds_an_approved_order(aws, status):
    if status:
        put_order(aws, status)
    with pytest.raises(OrderNotApproved):
        invoke(event("register"))
    assert versions(aws) == 0


def test_register_only_adds_the_team_the_order_was_approved_for(aws):
    put_order(aws, Status.APPROVED, team="team-b")
    with pytest.raises(OrderNotApproved, match="not the order for team 'team-a'"):
        invoke(event("register"))
    assert versions(aws) == 0


@pytest.mark.parametrize("existing", [True, False], ids=["file-changed", "file-created"])
def test_register_loses_to_a_write_between_its_read_and_its_write(aws, existing):
    if existing:
        put_teams_file(aws, {"teams": [entry("team-b")]})
    put_order(aws, Status.APPROVED)
    other_order = {"teams": [entry("team-b"), entry("team-c")]}
    written = []

    def other_order_writes(**_):
        if not written:
            written.append(boto3.client("s3", region_name=REGION).put_object(
                Bucket=BUCKET, Key=KEY, Body=json.dumps(other_order).encode()))

    aws.s3.meta.events.register("after-call.s3.GetObject", other_order_writes)
    with pytest.raises(TeamsFileChanged):
        invoke(event("register"))
    assert json.loads(teams_file(aws)[0]) == other_order and "teams_file_version" not in item(aws, order_key(ORDER_ID))


def test_a_conditional_write_under_way_is_a_change_too(aws):
    put_order(aws, Status.APPROVED)
    s3 = boto3.client("s3", region_name=REGION)
    body = json.dumps({"teams": [entry("team-b")]}).encode()
    with Stubber(s3) as stub:
        stub.add_response("get_object", {"Body": StreamingBody(io.BytesIO(body), len(body)), "ContentLength": len(body),
                                         "ETag": '"abc"', "VersionId": "v1"}, {"Bucket": BUCKET, "Key": KEY})
        stub.add_client_error("put_object", "ConditionalRequestConflict", http_status_code=409)
        clients = Clients(s3=s3, dynamodb=aws.dynamodb, sns=None)
        with pytest.raises(TeamsFileChanged):
            handler.handle_step(event("register"), settings=Settings.from_env(os.environ), clients=clients, now=NOW)
        stub.assert_no_pending_responses()


def test_register_needs_a_versioned_bucket(aws):
    aws.s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    put_order(aws, Status.APPROVED)
    with pytest.raises(RuntimeError, match="must be versioned"):
        invoke(event("register"))


# --- the event and the logs -------------------------------------------------------------------


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
