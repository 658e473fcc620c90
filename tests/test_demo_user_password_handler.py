"""The demo-user password custom resource, against botocore-validated stubs."""

from __future__ import annotations

import io
import json
import logging

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from lambda_loader import load_lambda_module

handler = load_lambda_module("demo_user_password", "handler")
aws = handler.aws

PASSWORD = "Qq8-Stubbed.Password-909"
POOL = "eu-central-1_AbCdEf123"
SECRET_ARN = "arn:aws:secretsmanager:eu-central-1:111111111111:secret:DemoUserPassword-AbCdEf"
BUCKET = "cdk-hnb659fds-assets-111111111111-eu-central-1"
KEY = "0f" * 32 + ".txt"


def event(request_type: str, *, with_object: bool, physical_id: str | None = None) -> dict:
    props = {"ServiceToken": "arn:aws:lambda:x", "UserPoolId": POOL, "Username": "demo-user", "SecretId": SECRET_ARN}
    if with_object:
        props["PasswordObject"] = {"Bucket": BUCKET, "Key": KEY}
    result = {"RequestType": request_type, "ResourceProperties": props}
    if physical_id:
        result["PhysicalResourceId"] = physical_id
    return result


@pytest.fixture
def logged():
    """Everything the handler logs, as the JSON lines CloudWatch would receive."""
    buffer = io.StringIO()
    capture = logging.StreamHandler(buffer)
    capture.setFormatter(handler.JsonFormatter())
    handler.LOG.addHandler(capture)
    yield buffer
    handler.LOG.removeHandler(capture)


@pytest.fixture
def stubbed():
    clients = aws.AwsClients(
        s3=boto3.client("s3", region_name="eu-central-1"),
        secretsmanager=boto3.client("secretsmanager", region_name="eu-central-1"),
        cognito=boto3.client("cognito-idp", region_name="eu-central-1"),
    )
    stubs = {name: Stubber(getattr(clients, name)) for name in ("s3", "secretsmanager", "cognito")}
    for stub in stubs.values():
        stub.activate()
    yield clients, stubs
    for stub in stubs.values():
        stub.assert_no_pending_responses()
        stub.deactivate()


def expect_object(stubs, body: bytes = PASSWORD.encode()) -> None:
    stubs["s3"].add_response(
        "get_object", {"Body": StreamingBody(io.BytesIO(body), len(body))}, {"Bucket": BUCKET, "Key": KEY}
    )


def expect_set_password(stubs) -> None:
    stubs["cognito"].add_response(
        "admin_set_user_password",
        {},
        {"UserPoolId": POOL, "Username": "demo-user", "Password": PASSWORD, "Permanent": True},
    )


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_given_password_goes_from_the_asset_into_the_secret_and_cognito(stubbed, logged, request_type):
    clients, stubs = stubbed
    expect_object(stubs)
    stubs["secretsmanager"].add_response(
        "put_secret_value", {"ARN": SECRET_ARN}, {"SecretId": SECRET_ARN, "SecretString": PASSWORD}
    )
    expect_set_password(stubs)
    result = handler.on_event(event(request_type, with_object=True), None, clients=clients)
    assert result == {"PhysicalResourceId": f"{POOL}/demo-user/demo-password"}
    lines = [json.loads(line) for line in logged.getvalue().splitlines()]
    assert [line["message"] for line in lines] == ["demo user password request", "demo user password set"]
    assert lines[0]["passwordSource"] == "asset"
    assert PASSWORD not in logged.getvalue()


def test_generated_password_is_read_from_the_secret(stubbed, logged):
    clients, stubs = stubbed
    stubs["secretsmanager"].add_response(
        "get_secret_value", {"SecretString": PASSWORD}, {"SecretId": SECRET_ARN}
    )
    expect_set_password(stubs)
    result = handler.on_event(event("Create", with_object=False), None, clients=clients)
    assert PASSWORD not in str(result)
    assert '"passwordSource": "secret"' in logged.getvalue()
    assert PASSWORD not in logged.getvalue()


def test_delete_calls_nothing_and_keeps_the_physical_id(stubbed):
    clients, _ = stubbed
    result = handler.on_event(event("Delete", with_object=True, physical_id="old-id"), None, clients=clients)
    assert result == {"PhysicalResourceId": "old-id"}


def test_rejected_password_is_explained_without_echoing_it(stubbed, logged):
    clients, stubs = stubbed
    stubs["secretsmanager"].add_response("get_secret_value", {"SecretString": PASSWORD}, {"SecretId": SECRET_ARN})
    stubs["cognito"].add_client_error(
        "admin_set_user_password", "InvalidPasswordException", "Password does not conform to policy"
    )
    with pytest.raises(handler.PasswordSetupError, match="password policy") as failure:
        handler.on_event(event("Update", with_object=False), None, clients=clients)
    assert PASSWORD not in str(failure.value)
    assert "InvalidPasswordException" in logged.getvalue()
    assert PASSWORD not in logged.getvalue()


def test_missing_password_file_names_the_bootstrap_bucket(stubbed):
    clients, stubs = stubbed
    stubs["s3"].add_client_error("get_object", "NoSuchKey", "The specified key does not exist.", 404)
    with pytest.raises(handler.PasswordSetupError, match="GetObject failed \\(NoSuchKey\\).*bootstrap bucket"):
        handler.on_event(event("Create", with_object=True), None, clients=clients)


def test_empty_password_file_is_refused_before_any_write(stubbed):
    clients, stubs = stubbed
    expect_object(stubs, b"")
    with pytest.raises(handler.PasswordSetupError, match="empty or too large"):
        handler.on_event(event("Create", with_object=True), None, clients=clients)


def test_missing_property_is_reported():
    broken = event("Create", with_object=False)
    del broken["ResourceProperties"]["SecretId"]
    with pytest.raises(handler.PasswordSetupError, match="SecretId"):
        handler.parse_event(broken)


def test_unknown_request_type_is_refused(stubbed):
    clients, _ = stubbed
    with pytest.raises(handler.PasswordSetupError, match="RequestType"):
        handler.on_event(event("Replace", with_object=False), None, clients=clients)
