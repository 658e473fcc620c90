"""Steps 1-4: apps, spaces, user profiles and the SageMaker domain itself.

Each step returns True once nothing of its kind is left, so the next step may start.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from .actions import DeleteOutcome, request_delete
from .aws import Aws, ResourceGone
from .logs import log_action
from .request import TeardownRequest

# Deleted and Failed apps stay listed for a while but no longer block their space or profile.
SETTLED_APP_STATUSES = frozenset({"Deleted", "Failed"})
DELETE_IN_PROGRESS = "Deleting"
PAGE_SIZE = 100


@dataclasses.dataclass(frozen=True)
class DomainState:
    domain_id: str
    status: str
    failure_reason: str
    last_modified: datetime | None
    home_efs_file_system_id: str | None


def describe_domain(aws: Aws, *, domain_id: str) -> DomainState | None:
    """None once the domain is gone."""
    try:
        described = aws.call("sagemaker", "describe_domain", resource=f"domain {domain_id}", DomainId=domain_id)
    except ResourceGone:
        return None
    return DomainState(
        domain_id=domain_id,
        status=described.get("Status", ""),
        failure_reason=described.get("FailureReason", ""),
        last_modified=described.get("LastModifiedTime"),
        home_efs_file_system_id=described.get("HomeEfsFileSystemId"),
    )


def delete_apps(aws: Aws, *, domain_id: str) -> bool:
    remaining = 0
    for app in _list(aws, "list_apps", "Apps", domain_id=domain_id):
        status = app.get("Status", "")
        if status in SETTLED_APP_STATUSES:
            continue
        remaining += 1
        if status == DELETE_IN_PROGRESS:
            continue
        owner = _app_owner(app)
        outcome = request_delete(
            aws,
            action="delete_app",
            service="sagemaker",
            operation="delete_app",
            resource=f"app {app['AppType']}/{app['AppName']} of {domain_id}/{'/'.join(owner.values())}",
            DomainId=domain_id,
            AppType=app["AppType"],
            AppName=app["AppName"],
            **owner,
        )
        if outcome is DeleteOutcome.ALREADY_GONE:
            remaining -= 1
    return _settled("apps", domain_id=domain_id, remaining=remaining)


def delete_spaces(aws: Aws, *, domain_id: str) -> bool:
    remaining = 0
    for space in _list(aws, "list_spaces", "Spaces", domain_id=domain_id):
        remaining += 1
        if space.get("Status") == DELETE_IN_PROGRESS:
            continue
        outcome = request_delete(
            aws,
            action="delete_space",
            service="sagemaker",
            operation="delete_space",
            resource=f"space {domain_id}/{space['SpaceName']}",
            DomainId=domain_id,
            SpaceName=space["SpaceName"],
        )
        if outcome is DeleteOutcome.ALREADY_GONE:
            remaining -= 1
    return _settled("spaces", domain_id=domain_id, remaining=remaining)


def delete_user_profiles(aws: Aws, *, request: TeardownRequest) -> bool:
    """Profiles owned by CloudFormation go too: DeleteDomain refuses while any profile exists,
    and CloudFormation treats a profile that is already gone as deleted."""
    domain_id = request.domain_id
    remaining = 0
    for profile in _list(aws, "list_user_profiles", "UserProfiles", domain_id=domain_id):
        remaining += 1
        name = profile["UserProfileName"]
        if profile.get("Status") == DELETE_IN_PROGRESS:
            continue
        outcome = request_delete(
            aws,
            action="delete_user_profile",
            service="sagemaker",
            operation="delete_user_profile",
            resource=f"user profile {domain_id}/{name}",
            DomainId=domain_id,
            UserProfileName=name,
        )
        if outcome is DeleteOutcome.ALREADY_GONE:
            remaining -= 1
    return _settled("user_profiles", domain_id=domain_id, remaining=remaining)


def delete_domain(aws: Aws, *, request: TeardownRequest) -> None:
    """Only requests the delete; the next poll's DescribeDomain tells how it went."""
    request_delete(
        aws,
        action="delete_domain",
        service="sagemaker",
        operation="delete_domain",
        resource=f"domain {request.domain_id}",
        DomainId=request.domain_id,
        RetentionPolicy={"HomeEfsFileSystem": request.home_efs_retention.value},
    )


def _list(aws: Aws, operation: str, items_key: str, *, domain_id: str) -> list[dict[str, Any]]:
    return list(
        aws.pages(
            "sagemaker",
            operation,
            resource=f"domain {domain_id}",
            items_key=items_key,
            DomainIdEquals=domain_id,
            MaxResults=PAGE_SIZE,
        )
    )


def _app_owner(app: dict[str, Any]) -> dict[str, str]:
    if app.get("SpaceName"):
        return {"SpaceName": app["SpaceName"]}
    if app.get("UserProfileName"):
        return {"UserProfileName": app["UserProfileName"]}
    return {}


def _settled(kind: str, *, domain_id: str, remaining: int) -> bool:
    log_action(f"{kind}_checked", domain_id=domain_id, remaining=remaining)
    return remaining == 0

