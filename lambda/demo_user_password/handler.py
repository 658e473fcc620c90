"""Custom resource: give the Cognito demo user its password, permanently.

The password comes from the stack's Secrets Manager secret, or, when the operator chose it
(`-c password=...`), from a file asset in the CDK bootstrap bucket; then it is first
written into the secret so that the secret is always the one place to read it from.
The password is never logged, returned as data or used as the physical resource id.
Delete does nothing: CloudFormation deletes the user and the secret itself.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Mapping

from botocore.exceptions import ClientError

from demo_password import aws

# Cognito and S3 answers worth a sentence of their own in the CloudFormation event.
ERROR_EXPLANATIONS = {
    "InvalidPasswordException": "the password does not satisfy the user pool's password policy",
    "UserNotFoundException": "the Cognito user does not exist",
    "ResourceNotFoundException": "the user pool or the secret does not exist",
    "NoSuchKey": "the password file is not in the CDK bootstrap bucket; run cdk deploy again",
    # S3 answers 403, not 404, for a missing key when the caller may not list the bucket.
    "AccessDenied": (
        "access denied: the password file is gone from the bootstrap bucket (run cdk deploy again) "
        "or the bucket uses a customer managed KMS key this function may not use"
    ),
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"level": record.levelname, "message": record.getMessage(), "logger": record.name}
        line.update(getattr(record, "fields", {}))
        return json.dumps(line, default=str)


def _logger() -> logging.Logger:
    log = logging.getLogger("demo_user_password")
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        log.addHandler(handler)
        log.propagate = False
        log.setLevel(logging.INFO)
    return log


LOG = _logger()


class PasswordSetupError(RuntimeError):
    """A failure reported to CloudFormation as the resource's status reason."""


@dataclass(frozen=True)
class PasswordObject:
    bucket: str
    key: str


@dataclass(frozen=True)
class PasswordRequest:
    request_type: str
    user_pool_id: str
    username: str
    secret_id: str
    password_object: PasswordObject | None
    physical_resource_id: str | None

    @property
    def resource_id(self) -> str:
        return f"{self.user_pool_id}/{self.username}/demo-password"


def parse_event(event: Mapping[str, Any]) -> PasswordRequest:
    props = event.get("ResourceProperties") or {}
    try:
        source = props.get("PasswordObject")
        return PasswordRequest(
            request_type=str(event["RequestType"]),
            user_pool_id=str(props["UserPoolId"]),
            username=str(props["Username"]),
            secret_id=str(props["SecretId"]),
            password_object=PasswordObject(bucket=str(source["Bucket"]), key=str(source["Key"])) if source else None,
            physical_resource_id=event.get("PhysicalResourceId"),
        )
    except (KeyError, TypeError) as missing:
        raise PasswordSetupError(f"custom resource property missing: {missing}") from None


def apply_password(request: PasswordRequest, clients: aws.AwsClients) -> None:
    if request.password_object is not None:
        password = aws.read_password_object(
            clients, bucket=request.password_object.bucket, key=request.password_object.key
        )
        if not password or len(password.encode("utf-8")) > aws.MAX_PASSWORD_BYTES:
            raise PasswordSetupError("the password file is empty or too large to be a password")
        aws.write_secret(clients, secret_id=request.secret_id, value=password)
    else:
        password = aws.read_secret(clients, secret_id=request.secret_id)
    aws.set_permanent_password(
        clients, user_pool_id=request.user_pool_id, username=request.username, password=password
    )


def explain(error: ClientError) -> PasswordSetupError:
    """AWS error messages never echo request parameters, so the password cannot leak here."""
    code = error.response.get("Error", {}).get("Code", "Unknown")
    operation = error.operation_name
    reason = ERROR_EXPLANATIONS.get(code, error.response.get("Error", {}).get("Message", ""))
    return PasswordSetupError(f"{operation} failed ({code}): {reason}")


_clients: aws.AwsClients | None = None


def _aws_clients() -> aws.AwsClients:
    global _clients
    if _clients is None:
        _clients = aws.AwsClients.from_environment()
    return _clients


def on_event(event: Mapping[str, Any], context: Any = None, *, clients: aws.AwsClients | None = None) -> dict:
    request = parse_event(event)
    fields = {
        "requestType": request.request_type,
        "userPoolId": request.user_pool_id,
        "username": request.username,
        "passwordSource": "asset" if request.password_object else "secret",
    }
    LOG.info("demo user password request", extra={"fields": fields})
    if request.request_type == "Delete":
        return {"PhysicalResourceId": request.physical_resource_id or request.resource_id}
    if request.request_type not in ("Create", "Update"):
        raise PasswordSetupError(f"unknown RequestType {request.request_type!r}")
    try:
        apply_password(request, clients or _aws_clients())
    except ClientError as error:
        failure = explain(error)
        LOG.error("demo user password not set", extra={"fields": {**fields, "reason": str(failure)}})
        raise failure from None
    LOG.info("demo user password set", extra={"fields": fields})
    return {"PhysicalResourceId": request.resource_id}
