"""The ordering workflow's steps function and moto's S3 (versioned), DynamoDB and SNS, shared by
its test modules (tests/test_ordering_steps*.py).

The handler runs unmodified with the events a lambda:invoke Task sends. What the approvers
are mailed is read from an SQS queue subscribed to their topic.
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
