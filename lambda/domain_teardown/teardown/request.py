"""The custom resource event, parsed into typed data once at the edge."""

from __future__ import annotations

import dataclasses
import enum
from datetime import datetime
from typing import Any, Mapping

STARTED_AT_KEY = "TeardownStartedAt"


class RequestType(enum.Enum):
    CREATE = "Create"
    UPDATE = "Update"
    DELETE = "Delete"


class HomeEfsRetention(enum.Enum):
    RETAIN = "Retain"
    DELETE = "Delete"


class InvalidRequest(ValueError):
    """The custom resource was wired with properties this handler cannot act on."""


@dataclasses.dataclass(frozen=True)
class TeardownRequest:
    request_type: RequestType
    physical_resource_id: str | None
    domain_id: str
    vpc_id: str
    home_efs_retention: HomeEfsRetention
    domain_arn: str
    # Set by on_event on Delete; tells a Delete_Failed left over from an earlier attempt apart.
    started_at: datetime | None

    @property
    def expected_physical_resource_id(self) -> str:
        return physical_resource_id_for(self.domain_id)


def physical_resource_id_for(domain_id: str) -> str:
    return f"teardown-{domain_id}"


def parse_request(event: Mapping[str, Any]) -> TeardownRequest:
    try:
        request_type = RequestType(event["RequestType"])
    except (KeyError, ValueError) as error:
        raise InvalidRequest(f"unsupported RequestType {event.get('RequestType')!r}") from error
    properties = event.get("ResourceProperties") or {}
    domain_id = _required(properties, "DomainId")
    retention_text = _required(properties, "HomeEfsRetention")
    try:
        retention = HomeEfsRetention(retention_text)
    except ValueError as error:
        raise InvalidRequest(f"HomeEfsRetention must be Retain or Delete, not {retention_text!r}") from error
    return TeardownRequest(
        request_type=request_type,
        physical_resource_id=event.get("PhysicalResourceId"),
        domain_id=domain_id,
        vpc_id=_required(properties, "VpcId"),
        home_efs_retention=retention,
        domain_arn=domain_arn_from_stack_id(stack_id=_required(event, "StackId"), domain_id=domain_id),
        started_at=_started_at(event.get("Data") or {}),
    )


def domain_arn_from_stack_id(*, stack_id: str, domain_id: str) -> str:
    """The domain ARN without an API call, so the home EFS can be found after the domain is gone.

    SageMaker tags the home EFS with this ARN (tag ManagedByAmazonSageMakerResource).
    """
    parts = stack_id.split(":")
    if len(parts) < 6 or parts[0] != "arn":
        raise InvalidRequest(f"StackId {stack_id!r} is not an ARN")
    partition, region, account = parts[1], parts[3], parts[4]
    return f"arn:{partition}:sagemaker:{region}:{account}:domain/{domain_id}"


def _required(mapping: Mapping[str, Any], key: str) -> str:
    value = mapping.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(f"{key} is required and must be a non-empty string")
    return value.strip()



def _started_at(data: Mapping[str, Any]) -> datetime | None:
    text = data.get(STARTED_AT_KEY)
    if not isinstance(text, str):
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
