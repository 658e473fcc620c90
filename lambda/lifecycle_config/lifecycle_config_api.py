"""The SageMaker calls of the lifecycle-config custom resource, with AWS errors mapped in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError


class ConfigExists(Exception):
    """A config of that name exists already."""


class ConfigNotFound(Exception):
    """No config of that name exists."""


class ConfigInUse(Exception):
    """The config is still attached to a domain, user profile or space."""


@dataclass(frozen=True)
class ExistingConfig:
    arn: str
    app_type: str
    content_base64: str


def _error(error: ClientError) -> tuple[str, str]:
    details = error.response.get("Error", {})
    return details.get("Code", ""), details.get("Message", "")


def _map_error(error: ClientError) -> Exception:
    code, message = _error(error)
    if code == "ResourceNotFound":
        return ConfigNotFound(message)
    if code == "ResourceInUse":
        return ConfigInUse(message)
    if code == "ValidationException" and "already exist" in message.lower():
        return ConfigExists(message)
    return error


def create_config(client: Any, *, name: str, app_type: str, content_base64: str, tags: list[dict]) -> str:
    """Create the config and return its ARN; raises ConfigExists when the name is taken."""
    params: dict[str, Any] = {
        "StudioLifecycleConfigName": name,
        "StudioLifecycleConfigContent": content_base64,
        "StudioLifecycleConfigAppType": app_type,
    }
    if tags:
        params["Tags"] = tags
    try:
        return client.create_studio_lifecycle_config(**params)["StudioLifecycleConfigArn"]
    except ClientError as error:
        # CreateStudioLifecycleConfig models only ResourceInUse: a taken name, whatever the message.
        if _error(error)[0] == "ResourceInUse":
            raise ConfigExists(_error(error)[1]) from None
        raise _map_error(error) from None


def describe_config(client: Any, *, name: str) -> ExistingConfig:
    try:
        response = client.describe_studio_lifecycle_config(StudioLifecycleConfigName=name)
    except ClientError as error:
        raise _map_error(error) from None
    return ExistingConfig(
        arn=response["StudioLifecycleConfigArn"],
        app_type=response.get("StudioLifecycleConfigAppType", ""),
        content_base64=response.get("StudioLifecycleConfigContent", ""),
    )


def delete_config(client: Any, *, name: str) -> None:
    """Raises ConfigNotFound when it is gone already, ConfigInUse while something uses it."""
    try:
        client.delete_studio_lifecycle_config(StudioLifecycleConfigName=name)
    except ClientError as error:
        raise _map_error(error) from None
