"""The one module that talks to AWS: S3 (password file), Secrets Manager, Cognito.

A new password reaches the secret through Secrets Manager's own staging labels: it is stored
as a version labelled AWSPENDING, and only once Cognito accepted it does AWSCURRENT move to
that version (AWSPREVIOUS follows to the old one). Readers of AWSCURRENT never see a password
Cognito refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from studio_runtime.aws_clients import aws_client

# A password file is a few dozen bytes; refuse anything that is clearly not one.
MAX_PASSWORD_BYTES = 1024
CURRENT = "AWSCURRENT"
PENDING = "AWSPENDING"


@dataclass(frozen=True)
class AwsClients:
    s3: Any
    secretsmanager: Any
    cognito: Any

    @classmethod
    def from_environment(cls) -> "AwsClients":
        return cls(
            s3=aws_client("s3"),
            secretsmanager=aws_client("secretsmanager"),
            cognito=aws_client("cognito-idp"),
        )


@dataclass(frozen=True)
class SecretVersion:
    version_id: str
    value: str = field(repr=False)


def read_password_object(clients: AwsClients, *, bucket: str, key: str) -> str:
    response = clients.s3.get_object(Bucket=bucket, Key=key)
    return response["Body"].read(MAX_PASSWORD_BYTES + 1).decode("utf-8")


def read_current_secret(clients: AwsClients, *, secret_id: str) -> SecretVersion:
    response = clients.secretsmanager.get_secret_value(SecretId=secret_id, VersionStage=CURRENT)
    return SecretVersion(version_id=response["VersionId"], value=response["SecretString"])


def stage_pending_secret(clients: AwsClients, *, secret_id: str, value: str) -> str:
    """A new version labelled AWSPENDING only (the label leaves any older version); its id."""
    response = clients.secretsmanager.put_secret_value(SecretId=secret_id, SecretString=value, VersionStages=[PENDING])
    return response["VersionId"]


def promote_to_current(clients: AwsClients, *, secret_id: str, version_id: str, current_version_id: str) -> None:
    clients.secretsmanager.update_secret_version_stage(
        SecretId=secret_id, VersionStage=CURRENT, MoveToVersionId=version_id, RemoveFromVersionId=current_version_id
    )


def withdraw_pending(clients: AwsClients, *, secret_id: str, version_id: str) -> None:
    clients.secretsmanager.update_secret_version_stage(
        SecretId=secret_id, VersionStage=PENDING, RemoveFromVersionId=version_id
    )


def set_permanent_password(clients: AwsClients, *, user_pool_id: str, username: str, password: str) -> None:
    clients.cognito.admin_set_user_password(
        UserPoolId=user_pool_id, Username=username, Password=password, Permanent=True
    )
