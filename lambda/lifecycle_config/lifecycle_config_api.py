"""The SageMaker calls of the lifecycle-config custom resource and its sweeper, with AWS errors
mapped onto this function's outcomes in one place (classified by studio_runtime.aws_errors).

A config that is still in use when CloudFormation deletes it carries the tag
DELETE_WHEN_UNUSED_TAG (studio_runtime.contracts.lifecycle_config; value: the UTC time it was
marked); the sweeper deletes only configs with that tag, and its IAM policy allows
DeleteStudioLifecycleConfig only on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

from botocore.exceptions import ClientError

from studio_runtime.aws_clients import aws_client
from studio_runtime.aws_errors import ErrorKind, classify, error_code, error_message
from studio_runtime.contracts.lifecycle_config import DELETE_WHEN_UNUSED_TAG
from studio_runtime.log import service_logger

# One logger for both functions of this code directory (each has its own log group).
logger = service_logger("lifecycle_config")


class ConfigExists(Exception):
    """A config of that name exists already."""


class ConfigNotFound(Exception):
    """No config of that name exists."""


class ConfigInUse(Exception):
    """The config is still attached to a domain, user profile or space."""


class Throttled(Exception):
    """SageMaker kept throttling the call after botocore's retries."""


@dataclass(frozen=True)
class ExistingConfig:
    arn: str
    app_type: str
    content_base64: str


@dataclass(frozen=True)
class ConfigSummary:
    name: str
    arn: str


def sagemaker_client() -> Any:
    return aws_client("sagemaker")


def _outcome(error: ClientError) -> Exception:
    """What an AWS error means here; errors without a meaning of their own pass on unchanged."""
    kind = classify(error)
    if kind is ErrorKind.NOT_FOUND:
        return ConfigNotFound(error_message(error))
    if kind is ErrorKind.IN_USE:
        return ConfigInUse(error_message(error))
    if kind is ErrorKind.THROTTLED:
        return Throttled(f"{error_code(error)}: {error_message(error)}")
    return error


def _creation_outcome(error: ClientError) -> Exception:
    # CreateStudioLifecycleConfig models only ResourceInUse: a taken name, whatever the message.
    # A ValidationException that says the config already exists means the same.
    code, message = error_code(error), error_message(error)
    taken = classify(error) in (ErrorKind.IN_USE, ErrorKind.ALREADY_EXISTS) or (
        code == "ValidationException" and "already exist" in message.lower()
    )
    return ConfigExists(message) if taken else _outcome(error)


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
        raise _creation_outcome(error) from None


def describe_config(client: Any, *, name: str) -> ExistingConfig:
    try:
        response = client.describe_studio_lifecycle_config(StudioLifecycleConfigName=name)
    except ClientError as error:
        raise _outcome(error) from None
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
        raise _outcome(error) from None


def _no_budget() -> None:
    """The handler's calls are few and fixed; only the sweeper counts its calls."""


def _pages(client: Any, operation: str, spend: Callable[[], None], **params: Any) -> Iterator[dict]:
    """botocore's paginator, calling `spend()` before each request it makes (a budget may raise).

    A hand loop over the paginator rather than a plain `for page in paginate(...)`: the
    sweeper's call and time budget must be checked before every request, not per listing.
    """
    pages = iter(client.get_paginator(operation).paginate(**params))
    while True:
        spend()
        try:
            page = next(pages)
        except StopIteration:
            return
        except ClientError as error:
            raise _outcome(error) from None
        yield page
        if not page.get("NextToken"):
            return  # the paginator would stop without a request: do not spend for it


def list_configs(client: Any, *, spend: Callable[[], None] = _no_budget) -> Iterator[ConfigSummary]:
    for page in _pages(client, "list_studio_lifecycle_configs", spend, PaginationConfig={"PageSize": 100}):
        for config in page.get("StudioLifecycleConfigs", []):
            yield ConfigSummary(name=config["StudioLifecycleConfigName"], arn=config["StudioLifecycleConfigArn"])


def config_tags(client: Any, *, arn: str, spend: Callable[[], None] = _no_budget) -> dict[str, str]:
    tags: dict[str, str] = {}
    for page in _pages(client, "list_tags", spend, ResourceArn=arn, PaginationConfig={"PageSize": 100}):
        tags.update({tag["Key"]: tag.get("Value", "") for tag in page.get("Tags", [])})
    return tags


def mark_for_deletion(client: Any, *, name: str, marked_at: str) -> str:
    """Tag the config for the sweeper and return its ARN; ConfigNotFound when it is gone."""
    arn = describe_config(client, name=name).arn
    try:
        client.add_tags(ResourceArn=arn, Tags=[{"Key": DELETE_WHEN_UNUSED_TAG, "Value": marked_at}])
    except ClientError as error:
        raise _outcome(error) from None
    return arn


def clear_deletion_mark(client: Any, *, arn: str) -> bool:
    """Remove the sweeper's mark from a config that is needed again; True when it had one.

    Reads the tags first: DeleteTags is called only for a mark that is really there.
    """
    if DELETE_WHEN_UNUSED_TAG not in config_tags(client, arn=arn):
        return False
    try:
        client.delete_tags(ResourceArn=arn, TagKeys=[DELETE_WHEN_UNUSED_TAG])
    except ClientError as error:
        raise _outcome(error) from None
    return True
