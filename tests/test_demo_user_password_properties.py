"""The demo-user password contract (studio_runtime/contracts/demo_user_password.py): what
DemoUser sends is what the handler parses, a missing location is refused by name, and the
failure line the handler logs carries the request's facts, never the password."""

from __future__ import annotations

import io
import json

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from lambda_context import LambdaContext
from lambda_loader import load_lambda_module
from studio_runtime.contracts.demo_user_password import Properties
from studio_runtime.custom_resource import InvalidProperties, parse_properties

handler = load_lambda_module("demo_user_password", "handler")

POOL = "eu-central-1_AbCdEf123"
SECRET_ARN = "arn:aws:secretsmanager:eu-central-1:111111111111:secret:DemoUserPassword-AbCdEf"
GIVEN = {"ServiceToken": "arn:aws:lambda:x", "UserPoolId": POOL, "Username": "demo-user", "SecretId": SECRET_ARN}
FILE = {"Bucket": "cdk-hnb659fds-assets-111111111111-eu-central-1", "Key": "0f" * 32 + ".txt"}


def test_the_password_file_is_optional():
    assert parse_properties(Properties, GIVEN).PasswordObject is None
    assert parse_properties(Properties, {**GIVEN, "PasswordObject": FILE}).PasswordObject.Key == FILE["Key"]


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({k: v for k, v in GIVEN.items() if k != "UserPoolId"}, "UserPoolId: Field required"),
        ({k: v for k, v in GIVEN.items() if k != "Username"}, "Username: Field required"),
        ({k: v for k, v in GIVEN.items() if k != "SecretId"}, "SecretId: Field required"),
        ({**GIVEN, "PasswordObject": {"Bucket": FILE["Bucket"]}}, "PasswordObject.Key: Field required"),
        ({**GIVEN, "PasswordObject": "s3://bucket/key"}, "PasswordObject: Input should be a valid dictionary"),
        ({**GIVEN, "Password": "Qq8-Never.In-A-Template"}, "Password: Extra inputs are not permitted"),
    ],
)
def test_a_missing_or_unknown_property_is_refused_by_name(props, message):
    with pytest.raises(InvalidProperties) as refused:
        parse_properties(Properties, props)
    assert str(refused.value).startswith(message)


def test_a_failure_is_logged_once_with_the_request_facts(capsys):
    event = {"RequestType": "Create", "RequestId": "req-1", "ResourceProperties": {**GIVEN, "PasswordObject": FILE}}
    s3 = boto3.client("s3", region_name="eu-central-1")
    clients = handler.aws.AwsClients(s3=s3, secretsmanager=None, cognito=None)
    with Stubber(s3) as stub:
        stub.add_response("get_object", {"Body": StreamingBody(io.BytesIO(b""), 0)}, FILE)  # an empty file
        with pytest.raises(handler.PasswordSetupError):
            handler.on_event(event, LambdaContext(), clients=clients)
    request, failed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert request["message"] == "demo user password request"
    assert failed["message"] == "failed" and failed["level"] == "ERROR"
    assert failed["error"] == "the password file is empty or too large to be a password"
    for line in (request, failed):
        assert (line["userPoolId"], line["username"], line["passwordSource"]) == (POOL, "demo-user", "asset")
        assert line["correlation_id"] == "req-1" and line["request_type"] == "Create"


def test_the_facts_of_one_invocation_do_not_reach_the_next(capsys):
    delete = {"RequestType": "Delete", "RequestId": "req-1", "PhysicalResourceId": "id", "ResourceProperties": GIVEN}
    handler.on_event(delete, LambdaContext())
    broken = {**delete, "RequestId": "req-2", "ResourceProperties": {"ServiceToken": "arn:aws:lambda:x"}}
    with pytest.raises(InvalidProperties):
        handler.on_event(broken, LambdaContext())
    first, failed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert first["userPoolId"] == POOL
    assert failed["correlation_id"] == "req-2" and "userPoolId" not in failed
