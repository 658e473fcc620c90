"""Step 5: the home EFS and the NFS security groups SageMaker created for the domain.

Neither is in the stack, and neither is reachable through the domain once it is gone:
the EFS is found by SageMaker's tag (value = domain ARN), the groups by their fixed names.
Whatever the retention, nothing may stay in the Studio subnets: a retained EFS keeps its
data but loses its mount targets, and the NFS groups go, or the VPC cannot be deleted.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from . import logger
from .actions import DeleteOutcome, request_delete
from .aws import Aws

SAGEMAKER_OWNER_TAG = "ManagedByAmazonSageMakerResource"
GONE_OR_GOING_STATES = frozenset({"deleting", "deleted"})
NFS_GROUP_NAME_PREFIXES = ("security-group-for-inbound-nfs-", "security-group-for-outbound-nfs-")


@dataclasses.dataclass(frozen=True)
class HomeFileSystem:
    file_system_id: str
    life_cycle_state: str


def find_home_file_systems(aws: Aws, *, domain_arn: str) -> list[HomeFileSystem]:
    """DescribeFileSystems has no tag filter, but returns each file system's tags."""
    return [
        HomeFileSystem(file_system_id=fs["FileSystemId"], life_cycle_state=fs.get("LifeCycleState", ""))
        for fs in aws.pages(
            "efs",
            "describe_file_systems",
            resource="file systems of the account",
            items_key="FileSystems",
            token_in="Marker",
            token_out="NextMarker",
        )
        if any(t.get("Key") == SAGEMAKER_OWNER_TAG and t.get("Value") == domain_arn for t in fs.get("Tags", []))
    ]


def remove_home_file_systems(aws: Aws, *, file_systems: list[HomeFileSystem]) -> bool:
    """Retention Delete: True once every home EFS of the domain is gone or being deleted.

    SageMaker deletes it itself when RetentionPolicy is Delete; this only finishes what it left.
    """
    settled = True
    for file_system in file_systems:
        if file_system.life_cycle_state in GONE_OR_GOING_STATES:
            logger.info("home_efs_checked", file_system_id=file_system.file_system_id,
                        state=file_system.life_cycle_state)
            continue
        settled = _remove_file_system(aws, file_system_id=file_system.file_system_id) and settled
    return settled


def unmount_retained_file_systems(aws: Aws, *, file_systems: list[HomeFileSystem]) -> bool:
    """Retention Retain: True once no home EFS of the domain has a mount target left.

    The file system and its data stay; its mount targets are network interfaces in the
    Studio subnets (using the inbound NFS group), and they would block deleting both.
    """
    settled = True
    for file_system in file_systems:
        if file_system.life_cycle_state not in GONE_OR_GOING_STATES:
            settled = _delete_mount_targets(aws, file_system_id=file_system.file_system_id) and settled
    return settled


def _remove_file_system(aws: Aws, *, file_system_id: str) -> bool:
    # The file system cannot go while any mount target exists, even one being deleted.
    if not _delete_mount_targets(aws, file_system_id=file_system_id):
        return False
    outcome = request_delete(
        aws,
        action="delete_home_efs",
        service="efs",
        operation="delete_file_system",
        resource=f"file system {file_system_id}",
        FileSystemId=file_system_id,
    )
    return outcome is not DeleteOutcome.BUSY


def _delete_mount_targets(aws: Aws, *, file_system_id: str) -> bool:
    """Requests the delete of every mount target; True only once none is listed any more
    (DeleteMountTarget is asynchronous: a target stays listed while `deleting`)."""
    mount_targets = list(
        aws.pages(
            "efs",
            "describe_mount_targets",
            resource=f"mount targets of {file_system_id}",
            items_key="MountTargets",
            token_in="Marker",
            token_out="NextMarker",
            FileSystemId=file_system_id,
        )
    )
    for target in mount_targets:
        if target.get("LifeCycleState") not in GONE_OR_GOING_STATES:
            request_delete(
                aws,
                action="delete_mount_target",
                service="efs",
                operation="delete_mount_target",
                resource=f"mount target {target['MountTargetId']} of {file_system_id}",
                MountTargetId=target["MountTargetId"],
            )
    return not mount_targets


def find_nfs_security_groups(aws: Aws, *, vpc_id: str, domain_id: str) -> list[dict[str, Any]]:
    return list(
        aws.pages(
            "ec2",
            "describe_security_groups",
            resource=f"NFS security groups of {domain_id} in {vpc_id}",
            items_key="SecurityGroups",
            Filters=[
                {"Name": "vpc-id", "Values": [vpc_id]},
                {"Name": "group-name", "Values": [prefix + domain_id for prefix in NFS_GROUP_NAME_PREFIXES]},
            ],
        )
    )


def delete_nfs_security_groups(aws: Aws, *, vpc_id: str, domain_id: str) -> bool:
    """The two groups reference each other, so those rules go first; True once both are gone."""
    groups = find_nfs_security_groups(aws, vpc_id=vpc_id, domain_id=domain_id)
    group_ids = {group["GroupId"] for group in groups}
    for group in groups:
        _revoke_references(aws, group=group, referenced_ids=group_ids)
    settled = True
    for group in groups:
        outcome = request_delete(
            aws,
            action="delete_nfs_security_group",
            service="ec2",
            operation="delete_security_group",
            resource=f"security group {group['GroupId']} ({group.get('GroupName', '')})",
            GroupId=group["GroupId"],
        )
        # DependencyViolation: ENIs of the deleted mount targets are still being released.
        settled = settled and outcome is not DeleteOutcome.BUSY
    return settled


def _revoke_references(aws: Aws, *, group: dict[str, Any], referenced_ids: set[str]) -> None:
    for direction, rules_key, operation in (
        ("ingress", "IpPermissions", "revoke_security_group_ingress"),
        ("egress", "IpPermissionsEgress", "revoke_security_group_egress"),
    ):
        permissions = _permissions_referencing(group.get(rules_key, []), referenced_ids)
        if permissions:
            request_delete(
                aws,
                action=f"revoke_nfs_{direction}_references",
                service="ec2",
                operation=operation,
                resource=f"{direction} rules of {group['GroupId']}",
                GroupId=group["GroupId"],
                IpPermissions=permissions,
            )


def _permissions_referencing(rules: list[dict[str, Any]], referenced_ids: set[str]) -> list[dict[str, Any]]:
    """Only the group-to-group parts of each rule; CIDR parts never block a delete."""
    permissions = []
    for rule in rules:
        pairs = [
            {"GroupId": pair["GroupId"]}
            for pair in rule.get("UserIdGroupPairs", [])
            if pair.get("GroupId") in referenced_ids
        ]
        if not pairs:
            continue
        permission: dict[str, Any] = {"IpProtocol": rule["IpProtocol"], "UserIdGroupPairs": pairs}
        for port_key in ("FromPort", "ToPort"):
            if port_key in rule:
                permission[port_key] = rule[port_key]
        permissions.append(permission)
    return permissions
