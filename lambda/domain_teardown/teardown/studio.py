"""Steps 1-4: apps, spaces, user profiles and the SageMaker domain itself.

Each step returns True once nothing of its kind is left, so the next step may start.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from . import logger
from .actions import DeleteOutcome, request_delete
from .aws import Aws, ResourceGone
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
    pending = []
    for app in _list(aws, "list_apps", "Apps", domain_id=domain_id):
        if app.get("Status", "") in SETTLED_APP_STATUSES:
            continue
        owner = _app_owner(app)
        pending.append(_Pending(
            resource=f"app {app['AppType']}/{app['AppName']} of {domain_id}/{'/'.join(owner.values())}",
            params={"AppType": app["AppType"], "AppName": app["AppName"], **owner},
            status=app.get("Status", ""),
        ))
    return _delete_each(aws, "apps", "delete_app", domain_id=domain_id, pending=pending)


def delete_spaces(aws: Aws, *, domain_id: str) -> bool:
    return _delete_named(aws, "spaces", "list_spaces", "Spaces", "delete_space",
                         name_key="SpaceName", label="space", domain_id=domain_id)


def delete_user_profiles(aws: Aws, *, request: TeardownRequest) -> bool:
    """Profiles owned by CloudFormation go too: DeleteDomain refuses while any profile exists,
    and CloudFormation treats a profile that is already gone as deleted."""
    return _delete_named(aws, "user_profiles", "list_user_profiles", "UserProfiles", "delete_user_profile",
                         name_key="UserProfileName", label="user profile", domain_id=request.domain_id)


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


@dataclasses.dataclass(frozen=True)
class _Pending:
    """One app, space or profile of the domain that still blocks the next layer."""

    resource: str
    params: dict[str, Any]
    status: str


def _delete_named(
    aws: Aws, kind: str, list_operation: str, items_key: str, delete_operation: str, *,
    name_key: str, label: str, domain_id: str,
) -> bool:
    """Spaces and profiles: each is deleted by its name."""
    pending = [
        _Pending(
            resource=f"{label} {domain_id}/{item[name_key]}",
            params={name_key: item[name_key]},
            status=item.get("Status", ""),
        )
        for item in _list(aws, list_operation, items_key, domain_id=domain_id)
    ]
    return _delete_each(aws, kind, delete_operation, domain_id=domain_id, pending=pending)


def _delete_each(aws: Aws, kind: str, operation: str, *, domain_id: str, pending: list[_Pending]) -> bool:
    """Requests the delete of each one not being deleted yet; True once none is left."""
    remaining = 0
    for item in pending:
        remaining += 1
        if item.status == DELETE_IN_PROGRESS:
            continue
        outcome = request_delete(
            aws,
            action=operation,
            service="sagemaker",
            operation=operation,
            resource=item.resource,
            DomainId=domain_id,
            **item.params,
        )
        if outcome is DeleteOutcome.ALREADY_GONE:
            remaining -= 1
    return _settled(kind, domain_id=domain_id, remaining=remaining)


def _app_owner(app: dict[str, Any]) -> dict[str, str]:
    if app.get("SpaceName"):
        return {"SpaceName": app["SpaceName"]}
    if app.get("UserProfileName"):
        return {"UserProfileName": app["UserProfileName"]}
    return {}


def _settled(kind: str, *, domain_id: str, remaining: int) -> bool:
    logger.info(f"{kind}_checked", domain_id=domain_id, remaining=remaining)
    return remaining == 0

