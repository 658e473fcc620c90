"""The one module that talks to AWS: S3 (password file), Secrets Manager, Cognito."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3

# A password file is a few dozen bytes; refuse anything that is clearly not one.
MAX_PASSWORD_BYTES = 1024


@dataclass(frozen=True)
class AwsClients:
    s3: Any
    secretsmanager: Any
    cognito: Any

    @classmethod
    def from_environment(cls) -> "AwsClients":
        return cls(
            s3=boto3.client("s3"),
            secretsmanager=boto3.client("secretsmanager"),
            cognito=boto3.client("cognito-idp"),
        )


def read_password_object(clients: AwsClients, *, bucket: str, key: str) -> str:
    response = clients.s3.get_object(Bucket=bucket, Key=key)
    return response["Body"].read(MAX_PASSWORD_BYTES + 1).decode("utf-8")


def read_secret(clients: AwsClients, *, secret_id: str) -> str:
    return clients.secretsmanager.get_secret_value(SecretId=secret_id)["SecretString"]


def write_secret(clients: AwsClients, *, secret_id: str, value: str) -> None:
    clients.secretsmanager.put_secret_value(SecretId=secret_id, SecretString=value)


def set_permanent_password(clients: AwsClients, *, user_pool_id: str, username: str, password: str) -> None:
    clients.cognito.admin_set_user_password(
        UserPoolId=user_pool_id, Username=username, Password=password, Permanent=True
    )
