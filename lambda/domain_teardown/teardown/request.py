"""The custom resource event, parsed into typed data once at the edge."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any, Mapping

from studio_runtime.contracts.domain_teardown import HomeEfsRetention, Properties
from studio_runtime.custom_resource import InvalidProperties, custom_resource_event, parse_properties

STARTED_AT_KEY = "TeardownStartedAt"
DELETE = "Delete"


@dataclasses.dataclass(frozen=True)
class TeardownRequest:
    request_type: str
    physical_resource_id: str
    domain_id: str
    vpc_id: str
    home_efs_retention: HomeEfsRetention
    domain_arn: str
    # Set by on_event on Delete; tells a Delete_Failed left over from an earlier attempt apart.
    started_at: datetime | None

    @property
    def is_delete(self) -> bool:
        return self.request_type == DELETE

    @property
    def expected_physical_resource_id(self) -> str:
        return physical_resource_id_for(self.domain_id)


def physical_resource_id_for(domain_id: str) -> str:
    return f"teardown-{domain_id}"


def parse_request(event: Mapping[str, Any]) -> TeardownRequest:
    """The request of an event as Lambda passes it (or as the core's data class wraps it:
    both on_event and is_complete read the same event)."""
    request = custom_resource_event(event)
    properties = parse_properties(Properties, request.resource_properties)
    stack_id = request.get("StackId")
    if not isinstance(stack_id, str) or not stack_id.strip():
        raise InvalidProperties("StackId is required and must be a non-empty string")
    return TeardownRequest(
        request_type=request.request_type,
        physical_resource_id=request.physical_resource_id,
        domain_id=properties.DomainId,
        vpc_id=properties.VpcId,
        home_efs_retention=properties.HomeEfsRetention,
        domain_arn=domain_arn_from_stack_id(stack_id=stack_id.strip(), domain_id=properties.DomainId),
        # The Provider framework merges on_event's Data into the event it hands is_complete.
        started_at=_started_at(request.get("Data") or {}),
    )


def domain_arn_from_stack_id(*, stack_id: str, domain_id: str) -> str:
    """The domain ARN without an API call, so the home EFS can be found after the domain is gone.

    SageMaker tags the home EFS with this ARN (tag ManagedByAmazonSageMakerResource).
    """
    parts = stack_id.split(":")
    if len(parts) < 6 or parts[0] != "arn":
        raise InvalidProperties(f"StackId {stack_id!r} is not an ARN")
    partition, region, account = parts[1], parts[3], parts[4]
    return f"arn:{partition}:sagemaker:{region}:{account}:domain/{domain_id}"


def _started_at(data: Mapping[str, Any]) -> datetime | None:
    text = data.get(STARTED_AT_KEY)
    if not isinstance(text, str):
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
