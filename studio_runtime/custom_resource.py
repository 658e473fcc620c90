"""Custom resources behind CDK's Provider framework: one way to read the event and fail.

The framework sends the CloudFormation responses; our `on_event` returns
{"PhysicalResourceId", "Data"} or raises, and the exception's message becomes the reason
CloudFormation shows. The event is read through Powertools' CloudFormationCustomResourceEvent
and the properties through the pydantic model of the resource's contract
(`studio_runtime.contracts`).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import CloudFormationCustomResourceEvent
from pydantic import BaseModel, ValidationError

Properties = TypeVar("Properties", bound=BaseModel)
# CloudFormation adds the provider's token to every resource's properties.
FRAMEWORK_PROPERTIES = ("ServiceToken",)
REQUEST_TYPES = ("Create", "Update", "Delete")


class InvalidProperties(ValueError):
    """The resource was given properties its handler cannot work with."""


def parse_properties(model: type[Properties], properties: Mapping[str, Any] | None) -> Properties:
    """`properties` validated by `model`; CloudFormation sends scalars as strings (lax mode)."""
    given = {key: value for key, value in (properties or {}).items() if key not in FRAMEWORK_PROPERTIES}
    try:
        return model.model_validate(given)
    except ValidationError as error:
        raise InvalidProperties("; ".join(_describe(problem) for problem in error.errors())) from None


def _describe(problem: Mapping[str, Any]) -> str:
    where = ".".join(str(part) for part in problem.get("loc", ())) or "properties"
    return f"{where}: {problem.get('msg', 'invalid')}"


def custom_resource_event(event: Mapping[str, Any]) -> CloudFormationCustomResourceEvent:
    """The event, refused unless it is a Create, Update or Delete."""
    request = CloudFormationCustomResourceEvent(dict(event))
    if request.request_type not in REQUEST_TYPES:
        raise InvalidProperties(f"unknown RequestType {event.get('RequestType')!r}")
    return request


def run(
    logger: Logger,
    event: Mapping[str, Any],
    handle: Callable[[CloudFormationCustomResourceEvent], dict[str, Any]],
) -> dict[str, Any]:
    """Log the request, call `handle`, log and re-raise its failure (the one place that does)."""
    logger.append_keys(
        request_type=event.get("RequestType"),
        logical_resource_id=event.get("LogicalResourceId"),
        physical_resource_id=event.get("PhysicalResourceId"),
    )
    try:
        return handle(custom_resource_event(event))
    except Exception as error:
        logger.error("failed", error=str(error), error_type=type(error).__name__)
        raise
