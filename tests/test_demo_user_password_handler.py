"""The demo-user password custom resource, against botocore-validated stubs."""

from __future__ import annotations

import io
import json

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.response import StreamingBody
from botocore.stub import Stubber

from lambda_context import LambdaContext
from lambda_loader import load_lambda_module
from studio_runtime.custom_resource import InvalidProperties

handler = load_lambda_module("demo_user_password", "handler")
aws = handler.aws

PASSWORD = "Qq8-Stubbed.Password-909"
POOL = "eu-central-1_AbCdEf123"
SECRET_ARN = "arn:aws:secretsmanager:eu-central-1:111111111111:secret:DemoUserPassword-AbCdEf"
BUCKET = "cdk-hnb659fds-assets-111111111111-eu-central-1"
KEY = "0f" * 32 + ".txt"


OLD_VERSION = "a1b2c3d4-0000-4000-8000-000000000001"
NEW_VERSION = "a1b2c3d4-0000-4000-8000-000000000002"


def event(
    request_type: str, *, with_object: bool, physical_id: str | None = None, previous: dict | None = None
) -> dict:
    props = {"ServiceToken": "arn:aws:lambda:x", "UserPoolId": POOL, "Username": "demo-user", "SecretId": SECRET_ARN}
    if with_object:
        props["PasswordObject"] = {"Bucket": BUCKET, "Key": KEY}
    result = {"RequestType": request_type, "ResourceProperties": props}
    if physical_id:
        result["PhysicalResourceId"] = physical_id
    if previous is not None:
        result["OldResourceProperties"] = previous
    return result


class Logged:
    """Everything the handler logged so far, as the JSON lines CloudWatch would receive."""

    def __init__(self, capsys) -> None:
        self._capsys = capsys
        self._text = ""

    def getvalue(self) -> str:
        self._text += self._capsys.readouterr().out
        return self._text


@pytest.fixture
def logged(capsys):
    return Logged(capsys)


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


def expect_current_secret(stubs, value: str) -> None:
    stubs["secretsmanager"].add_response(
        "get_secret_value",
        {"ARN": SECRET_ARN, "VersionId": OLD_VERSION, "SecretString": value, "VersionStages": ["AWSCURRENT"]},
        {"SecretId": SECRET_ARN, "VersionStage": "AWSCURRENT"},
    )


def expect_pending_version(stubs) -> None:
    stubs["secretsmanager"].add_response(
        "put_secret_value",
        {"ARN": SECRET_ARN, "VersionId": NEW_VERSION, "VersionStages": ["AWSPENDING"]},
        {"SecretId": SECRET_ARN, "SecretString": PASSWORD, "VersionStages": ["AWSPENDING"]},
    )


def expect_promotion(stubs) -> dict:
    params = {
        "SecretId": SECRET_ARN,
        "VersionStage": "AWSCURRENT",
        "MoveToVersionId": NEW_VERSION,
        "RemoveFromVersionId": OLD_VERSION,
    }
    stubs["secretsmanager"].add_response("update_secret_version_stage", {"ARN": SECRET_ARN}, params)
    return params


def refuse_password(stubs, message: str = "Password does not conform to policy") -> None:
    stubs["cognito"].add_client_error("admin_set_user_password", "InvalidPasswordException", message)


def expect_withdrawal(stubs) -> None:
    stubs["secretsmanager"].add_response(
        "update_secret_version_stage",
        {"ARN": SECRET_ARN},
        {"SecretId": SECRET_ARN, "VersionStage": "AWSPENDING", "RemoveFromVersionId": NEW_VERSION},
    )


def log_lines(logged) -> list[dict]:
    return [json.loads(line) for line in logged.getvalue().splitlines()]


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_new_password_is_staged_set_in_cognito_then_made_current(stubbed, logged, request_type):
    clients, stubs = stubbed
    expect_object(stubs)
    expect_current_secret(stubs, "Generated-by-Secrets-Manager-1")
    expect_pending_version(stubs)
    expect_set_password(stubs)
    expect_promotion(stubs)
    previous = event("Create", with_object=True)["ResourceProperties"] if request_type == "Update" else None
    result = handler.on_event(event(request_type, with_object=True, previous=previous), LambdaContext(), clients=clients)
    assert result == {"PhysicalResourceId": f"{POOL}/demo-user/demo-password"}
    lines = log_lines(logged)
    assert [line["message"] for line in lines] == ["demo user password request", "demo user password set"]
    assert lines[0]["passwordSource"] == "asset"
    assert PASSWORD not in logged.getvalue()


def test_generated_password_is_read_from_the_secret(stubbed, logged):
    clients, stubs = stubbed
    expect_current_secret(stubs, PASSWORD)
    expect_set_password(stubs)
    result = handler.on_event(event("Create", with_object=False), LambdaContext(), clients=clients)
    assert PASSWORD not in str(result)
    assert [line["passwordSource"] for line in log_lines(logged)] == ["secret", "secret"]
    assert PASSWORD not in logged.getvalue()


@pytest.mark.parametrize("with_object", [True, False])
def test_unchanged_password_is_not_set_again_so_history_cannot_refuse_it(stubbed, logged, with_object):
    clients, stubs = stubbed
    if with_object:
        expect_object(stubs)  # the same password under this deploy's fresh asset key
    expect_current_secret(stubs, PASSWORD)
    # What Cognito answers to a password among the user's last five (PasswordHistorySize=5).
    refuse_password(stubs, "Password has previously been used")
    previous = event("Update", with_object=with_object)["ResourceProperties"]
    result = handler.on_event(event("Update", with_object=with_object, previous=previous), LambdaContext(), clients=clients)
    assert result == {"PhysicalResourceId": f"{POOL}/demo-user/demo-password"}
    assert log_lines(logged)[-1]["outcome"] == "unchanged"
    # The queued refusal is still there: the handler never called AdminSetUserPassword.
    with pytest.raises(ClientError, match="previously been used"):
        clients.cognito.admin_set_user_password(
            UserPoolId=POOL, Username="demo-user", Password=PASSWORD, Permanent=True
        )


@pytest.mark.parametrize("changed", ["UserPoolId", "Username", "SecretId"])
def test_same_password_is_set_again_for_another_pool_user_or_secret(stubbed, changed):
    clients, stubs = stubbed
    expect_object(stubs)
    expect_current_secret(stubs, PASSWORD)
    expect_set_password(stubs)
    previous = {**event("Update", with_object=True)["ResourceProperties"], changed: "something-else"}
    handler.on_event(event("Update", with_object=True, previous=previous), LambdaContext(), clients=clients)


def test_refused_password_is_unstaged_and_never_current(stubbed, logged):
    clients, stubs = stubbed
    expect_object(stubs)
    expect_current_secret(stubs, "Old-Password-Still-Current-1")
    expect_pending_version(stubs)
    refuse_password(stubs)
    expect_withdrawal(stubs)  # and no AWSCURRENT move: the stub would refuse an unexpected call
    with pytest.raises(handler.PasswordSetupError, match="password policy") as failure:
        handler.on_event(event("Update", with_object=True), LambdaContext(), clients=clients)
    assert PASSWORD not in str(failure.value)
    assert "InvalidPasswordException" in logged.getvalue()
    assert PASSWORD not in logged.getvalue()


def test_failed_unstaging_keeps_the_cognito_refusal_as_the_reason(stubbed, logged):
    clients, stubs = stubbed
    expect_object(stubs)
    expect_current_secret(stubs, "Old-Password-Still-Current-1")
    expect_pending_version(stubs)
    refuse_password(stubs)
    stubs["secretsmanager"].add_client_error("update_secret_version_stage", "InternalServiceError", "try again", 500)
    with pytest.raises(handler.PasswordSetupError, match="InvalidPasswordException"):
        handler.on_event(event("Update", with_object=True), LambdaContext(), clients=clients)
    warning = next(line for line in log_lines(logged) if line["level"] == "WARNING")
    assert warning["versionId"] == NEW_VERSION


def test_failed_promotion_says_which_version_cognito_has(stubbed, logged):
    clients, stubs = stubbed
    expect_object(stubs)
    expect_current_secret(stubs, "Old-Password-Still-Current-1")
    expect_pending_version(stubs)
    expect_set_password(stubs)
    stubs["secretsmanager"].add_client_error("update_secret_version_stage", "InternalServiceError", "try again", 500)
    with pytest.raises(handler.PasswordSetupError) as failure:
        handler.on_event(event("Update", with_object=True), LambdaContext(), clients=clients)
    message = str(failure.value)
    assert f"--move-to-version-id {NEW_VERSION} --remove-from-version-id {OLD_VERSION}" in message
    assert PASSWORD not in message and PASSWORD not in logged.getvalue()


def test_delete_calls_nothing_and_keeps_the_physical_id(stubbed):
    clients, _ = stubbed
    result = handler.on_event(event("Delete", with_object=True, physical_id="old-id"), LambdaContext(), clients=clients)
    assert result == {"PhysicalResourceId": "old-id"}


def test_rejected_generated_password_is_explained_without_echoing_it(stubbed, logged):
    clients, stubs = stubbed
    expect_current_secret(stubs, PASSWORD)
    refuse_password(stubs)
    with pytest.raises(handler.PasswordSetupError, match="password policy") as failure:
        handler.on_event(event("Create", with_object=False), LambdaContext(), clients=clients)
    assert PASSWORD not in str(failure.value)
    assert PASSWORD not in logged.getvalue()


def test_missing_password_file_names_the_bootstrap_bucket(stubbed):
    clients, stubs = stubbed
    stubs["s3"].add_client_error("get_object", "NoSuchKey", "The specified key does not exist.", 404)
    with pytest.raises(handler.PasswordSetupError, match="GetObject failed \\(NoSuchKey\\).*bootstrap bucket"):
        handler.on_event(event("Create", with_object=True), LambdaContext(), clients=clients)


def test_empty_password_file_is_refused_before_any_write(stubbed):
    clients, stubs = stubbed
    expect_object(stubs, b"")
    with pytest.raises(handler.PasswordSetupError, match="empty or too large"):
        handler.on_event(event("Create", with_object=True), LambdaContext(), clients=clients)


def test_missing_property_is_reported():
    broken = event("Create", with_object=False)
    del broken["ResourceProperties"]["SecretId"]
    with pytest.raises(InvalidProperties, match="SecretId"):
        handler.parse_event(broken)


def test_unknown_request_type_is_refused(stubbed):
    clients, _ = stubbed
    with pytest.raises(InvalidProperties, match="RequestType"):
        handler.on_event(event("Replace", with_object=False), LambdaContext(), clients=clients)
