"""Custom resource: give the Cognito demo user its password, permanently.

The password comes from the stack's Secrets Manager secret, or, when the operator chose it
(`-c password=...`), from a file asset in the CDK bootstrap bucket. The secret and Cognito
stay equal whatever step fails: a new password is staged in the secret as AWSPENDING, set in
Cognito, and only then made AWSCURRENT; a refused one is unstaged again.
A password equal to the secret's current value, for the same pool, user and secret as before,
is not set again: every deploy sends an Update (the asset key is random each synth), and
Cognito's password history (size 5) refuses re-setting a recent password.
The password is never logged, returned as data or used as the physical resource id.
Delete does nothing: CloudFormation deletes the user and the secret itself.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any, Mapping

from aws_lambda_powertools.utilities.data_classes import CloudFormationCustomResourceEvent
from botocore.exceptions import ClientError

from demo_password import aws
from studio_runtime.aws_errors import error_code, error_message
from studio_runtime.contracts.demo_user_password import CODE_DIR, Properties
from studio_runtime.custom_resource import custom_resource_event, parse_properties, run
from studio_runtime.log import service_logger

# Cognito and S3 answers worth a sentence of their own in the CloudFormation event.
ERROR_EXPLANATIONS = {
    "InvalidPasswordException": (
        "Cognito refused the password: it breaks the user pool's password policy or is one of "
        "the user's recent passwords (password history)"
    ),
    "UserNotFoundException": "the Cognito user does not exist",
    "ResourceNotFoundException": "the user pool or the secret does not exist",
    "NoSuchKey": "the password file is not in the CDK bootstrap bucket; run cdk deploy again",
    # S3 answers 403, not 404, for a missing key when the caller may not list the bucket.
    "AccessDenied": (
        "access denied: the password file is gone from the bootstrap bucket (run cdk deploy again) "
        "or the bucket uses a customer managed KMS key this function may not use"
    ),
}

logger = service_logger(CODE_DIR)


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
    # Pool, user and secret of the previous deploy (Update only).
    previous_target: tuple[str, str, str] | None = None

    @property
    def target(self) -> tuple[str, str, str]:
        return (self.user_pool_id, self.username, self.secret_id)

    @property
    def same_target_as_before(self) -> bool:
        return self.request_type == "Update" and self.previous_target == self.target

    @property
    def resource_id(self) -> str:
        return f"{self.user_pool_id}/{self.username}/demo-password"


def parse_event(event: Mapping[str, Any]) -> PasswordRequest:
    """The request of one event; InvalidProperties names a property that is missing or wrong."""
    return password_request(custom_resource_event(event))


def password_request(event: CloudFormationCustomResourceEvent) -> PasswordRequest:
    properties = parse_properties(Properties, event.resource_properties)
    source = properties.PasswordObject
    return PasswordRequest(
        request_type=event.request_type,
        user_pool_id=properties.UserPoolId,
        username=properties.Username,
        secret_id=properties.SecretId,
        password_object=PasswordObject(bucket=source.Bucket, key=source.Key) if source else None,
        physical_resource_id=event.physical_resource_id or None,
        previous_target=_target_of(event.old_resource_properties),
    )


def _target_of(old_props: Mapping[str, Any] | None) -> tuple[str, str, str] | None:
    if not old_props:
        return None
    return (str(old_props.get("UserPoolId")), str(old_props.get("Username")), str(old_props.get("SecretId")))


def apply_password(request: PasswordRequest, clients: aws.AwsClients) -> str:
    """Make Cognito and the secret's AWSCURRENT hold the password; "set" or "unchanged"."""
    if request.password_object is None:
        current = aws.read_current_secret(clients, secret_id=request.secret_id)
        password = current.value
    else:
        password = _read_password_file(request.password_object, clients)
        current = aws.read_current_secret(clients, secret_id=request.secret_id)
    in_secret_already = hmac.compare_digest(password.encode("utf-8"), current.value.encode("utf-8"))
    if in_secret_already and request.same_target_as_before:
        return "unchanged"
    if in_secret_already:  # a new user or pool, or the generated password
        _set_in_cognito(request, clients, password)
        return "set"
    pending_version = aws.stage_pending_secret(clients, secret_id=request.secret_id, value=password)
    try:
        _set_in_cognito(request, clients, password)
    except ClientError:
        _withdraw_refused(request, clients, pending_version)
        raise
    try:
        aws.promote_to_current(
            clients, secret_id=request.secret_id, version_id=pending_version, current_version_id=current.version_id
        )
    except ClientError as error:
        raise PasswordSetupError(
            f"{explain(error)}; Cognito already has the new password, which is secret version "
            f"{pending_version} (label AWSPENDING) while AWSCURRENT is still {current.version_id}: run "
            f"aws secretsmanager update-secret-version-stage --secret-id {request.secret_id} --version-stage "
            f"AWSCURRENT --move-to-version-id {pending_version} --remove-from-version-id {current.version_id}"
        ) from None
    return "set"


def _read_password_file(source: PasswordObject, clients: aws.AwsClients) -> str:
    password = aws.read_password_object(clients, bucket=source.bucket, key=source.key)
    if not password or len(password.encode("utf-8")) > aws.MAX_PASSWORD_BYTES:
        raise PasswordSetupError("the password file is empty or too large to be a password")
    return password


def _set_in_cognito(request: PasswordRequest, clients: aws.AwsClients, password: str) -> None:
    aws.set_permanent_password(clients, user_pool_id=request.user_pool_id, username=request.username, password=password)


def _withdraw_refused(request: PasswordRequest, clients: aws.AwsClients, pending_version: str) -> None:
    """Unstage the refused password; AWSCURRENT never moved, so a failure here changes nothing."""
    try:
        aws.withdraw_pending(clients, secret_id=request.secret_id, version_id=pending_version)
    except ClientError as error:
        logger.warning(
            "refused password still labelled AWSPENDING", versionId=pending_version, reason=str(explain(error))
        )


def explain(error: ClientError) -> PasswordSetupError:
    """AWS error messages never echo request parameters, so the password cannot leak here."""
    code = error_code(error) or "Unknown"
    operation = error.operation_name
    reason = ERROR_EXPLANATIONS.get(code, error_message(error))
    return PasswordSetupError(f"{operation} failed ({code}): {reason}")


_clients: aws.AwsClients | None = None


def _aws_clients() -> aws.AwsClients:
    global _clients
    if _clients is None:
        _clients = aws.AwsClients.from_environment()
    return _clients


# clear_state: the keys handle() appends must not reach the next invocation's lines.
@logger.inject_lambda_context(correlation_id_path="RequestId", clear_state=True)
def on_event(event: Mapping[str, Any], context: Any, *, clients: aws.AwsClients | None = None) -> dict:
    return run(logger, event, lambda request: handle(request, clients))


def handle(event: CloudFormationCustomResourceEvent, clients: aws.AwsClients | None) -> dict:
    request = password_request(event)
    # On every line of this invocation, the failure that run() logs included.
    logger.append_keys(
        userPoolId=request.user_pool_id,
        username=request.username,
        passwordSource="asset" if request.password_object else "secret",
    )
    logger.info("demo user password request")
    if request.request_type == "Delete":
        return {"PhysicalResourceId": request.physical_resource_id or request.resource_id}
    try:
        outcome = apply_password(request, clients or _aws_clients())
    except ClientError as error:
        raise explain(error) from None
    logger.info(f"demo user password {outcome}", outcome=outcome)
    return {"PhysicalResourceId": request.resource_id}
