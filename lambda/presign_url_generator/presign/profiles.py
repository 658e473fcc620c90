"""The caller's user profile: found and checked for ownership, or created on first login."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from presign.errors import ProfileNotReady, ProfileOwnedByOther
from presign.identity import tag_value
from presign.request import Caller
from presign.sagemaker import IN_SERVICE, Domain, SageMakerGateway, UserProfile
from studio_runtime.contracts.presign import OWNER_SUB_TAG, OWNER_USERNAME_TAG, PROFILE_TEAM_TAG

# States a profile leaves by itself; anything else (Failed, Update_Failed, Deleting, ...) will not
# become usable by waiting a few seconds.
TRANSIENT_STATES = frozenset({"Pending", "Updating"})


@dataclass(frozen=True)
class WaitPolicy:
    deadline: float  # on the clock below
    poll_interval_seconds: float
    clock: Callable[[], float]
    sleep: Callable[[float], None]


def profile_tags(*, domain: Domain, caller: Caller) -> dict[str, str]:
    return {
        PROFILE_TEAM_TAG: domain.name,
        OWNER_SUB_TAG: caller.sub,  # already a valid tag value (checked when parsing claims)
        OWNER_USERNAME_TAG: tag_value(caller.username),
    }


def ensure_profile(
    *,
    gateway: SageMakerGateway,
    domain: Domain,
    caller: Caller,
    profile_name: str,
    wait: WaitPolicy,
) -> UserProfile:
    """An InService profile owned by `caller`; ProfileOwnedByOther if not provably theirs."""
    profile = gateway.describe_user_profile(domain_id=domain.domain_id, profile_name=profile_name)
    if profile is None:
        created = gateway.create_user_profile(
            domain_id=domain.domain_id,
            profile_name=profile_name,
            tags=profile_tags(domain=domain, caller=caller),
        )
        if not created:
            # A concurrent first login won the race: use its profile, after the same check.
            profile = gateway.describe_user_profile(domain_id=domain.domain_id, profile_name=profile_name)
            if profile is None:
                raise ProfileNotReady("profile_in_use_but_not_found")
            _check_owner(gateway=gateway, profile=profile, caller=caller)
    else:
        _check_owner(gateway=gateway, profile=profile, caller=caller)
    if profile is not None and profile.status == IN_SERVICE:
        return profile
    return _wait_until_in_service(gateway=gateway, domain=domain, profile_name=profile_name, wait=wait)


def _check_owner(*, gateway: SageMakerGateway, profile: UserProfile, caller: Caller) -> None:
    owner = gateway.list_tags(resource_arn=profile.arn).get(OWNER_SUB_TAG)
    if owner is None:
        # Made outside this function (console, CloudFormation): nobody can prove it is theirs.
        raise ProfileOwnedByOther("profile_owner_tag_missing")
    if owner != caller.sub:
        raise ProfileOwnedByOther("profile_owned_by_other_sub")


def _wait_until_in_service(
    *, gateway: SageMakerGateway, domain: Domain, profile_name: str, wait: WaitPolicy
) -> UserProfile:
    # botocore has no waiter for user profiles, hence this loop.
    while True:
        profile = gateway.describe_user_profile(domain_id=domain.domain_id, profile_name=profile_name)
        if profile is None:
            raise ProfileNotReady("profile_vanished")
        if profile.status == IN_SERVICE:
            return profile
        if profile.status not in TRANSIENT_STATES:
            raise ProfileNotReady(f"profile_status:{profile.status or 'unknown'}")
        remaining = wait.deadline - wait.clock()
        if remaining <= 0:
            raise ProfileNotReady(f"profile_wait_timeout:{profile.status}")
        wait.sleep(min(wait.poll_interval_seconds, remaining))
