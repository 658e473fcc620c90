"""The Delete state machine: each poll reads AWS's state and does the next step.

No state is kept between polls except what AWS reports, so a poll cut short by a Lambda
timeout or throttling is simply repeated.
"""

from __future__ import annotations

from datetime import datetime

from . import logger, network, studio
from .aws import Aws, RetryLater, TeardownFailed
from .request import HomeEfsRetention, TeardownRequest


def advance_teardown(*, aws: Aws, request: TeardownRequest) -> bool:
    """True once the domain, the home EFS's mount targets (with Delete: the EFS itself) and the
    NFS groups are gone, so nothing of the domain is left in the Studio subnets."""
    try:
        return _advance(aws, request)
    except RetryLater as reason:
        logger.info("poll_deferred", domain_id=request.domain_id, reason=str(reason))
        return False


def _advance(aws: Aws, request: TeardownRequest) -> bool:
    domain = studio.describe_domain(aws, domain_id=request.domain_id)
    if domain is not None:
        _remove_domain_step(aws, request=request, domain=domain)
        return False
    file_systems = network.find_home_file_systems(aws, domain_arn=request.domain_arn)
    retain = request.home_efs_retention is HomeEfsRetention.RETAIN
    if retain:
        released = network.unmount_retained_file_systems(aws, file_systems=file_systems)
    else:
        released = network.remove_home_file_systems(aws, file_systems=file_systems)
    # The mount targets' interfaces use the inbound NFS group: the groups go only after them.
    if not released:
        return False
    if not network.delete_nfs_security_groups(aws, vpc_id=request.vpc_id, domain_id=request.domain_id):
        return False
    if retain:
        # The data stays in the account: say where, for whoever restores or deletes it later.
        logger.info(
            "home_efs_retained",
            domain_id=request.domain_id,
            file_system_ids=[
                fs.file_system_id for fs in file_systems if fs.life_cycle_state not in network.GONE_OR_GOING_STATES
            ],
            owner_tag=f"{network.SAGEMAKER_OWNER_TAG}={request.domain_arn}",
        )
    logger.info("teardown_complete", domain_id=request.domain_id, home_efs=request.home_efs_retention.value)
    return True


def _remove_domain_step(aws: Aws, *, request: TeardownRequest, domain: studio.DomainState) -> None:
    if domain.status == "Deleting":
        logger.info("domain_deleting", domain_id=request.domain_id)
        return
    if domain.status == "Delete_Failed" and not _failed_before(domain.last_modified, request.started_at):
        raise TeardownFailed(
            f"SageMaker domain {request.domain_id} failed to delete: {domain.failure_reason or 'no reason given'}"
        )
    # Apps block their spaces and profiles, which block the domain: one layer per poll at most.
    if not studio.delete_apps(aws, domain_id=request.domain_id):
        return
    if not studio.delete_spaces(aws, domain_id=request.domain_id):
        return
    if not studio.delete_user_profiles(aws, request=request):
        return
    studio.delete_domain(aws, request=request)


def _failed_before(last_modified: datetime | None, started_at: datetime | None) -> bool:
    """A Delete_Failed from an earlier stack delete is retried, not reported again.

    Without both timestamps the failure is taken as this attempt's own.
    """
    if last_modified is None or last_modified.tzinfo is None or started_at is None:
        return False
    return last_modified < started_at
