"""The steps from an authenticated request to a presigned Studio URL, in order.

Warm path of a returning user: the domain id and the profile's verification come from this
container's caches, so the request makes one SageMaker call, CreatePresignedDomainUrl. Otherwise
(first request, TTL over, or SageMaker no longer knows the profile) the profile is found or
created and its owner checked before the URL: DescribeUserProfile, ListTags, CreatePresignedDomainUrl.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from presign.config import Settings
from presign.domains import DomainDirectory
from presign.errors import DomainNotFound
from presign.identity import profile_name_for
from presign.profiles import WaitPolicy, ensure_profile
from presign.request import PresignRequest
from presign.sagemaker import Domain, SageMakerGateway
from presign.verified_profiles import ProfileKey, VerifiedProfiles

# Time kept back from the Lambda deadline for CreatePresignedDomainUrl and the response.
DEADLINE_RESERVE_SECONDS = 4.0


@dataclass
class Dependencies:
    """What one warm container keeps between requests; tests build their own."""

    gateway: SageMakerGateway
    clock: Callable[[], float]
    sleep: Callable[[float], None]
    directory: DomainDirectory = field(init=False)
    verified_profiles: VerifiedProfiles = field(init=False)

    def __post_init__(self) -> None:
        self.directory = DomainDirectory(clock=self.clock)
        self.verified_profiles = VerifiedProfiles(clock=self.clock)


@dataclass
class Progress:
    """What is known so far, for the log line even when a later step fails."""

    profile_name: str | None = None
    domain_id: str | None = None
    # "hit": verified earlier, one call; "miss": verified now; "gone": a hit SageMaker refused
    # (profile deleted), verified again in the same request.
    profile_cache: str | None = None


@dataclass
class RequestState:
    """One request's settings and what it has learnt, for the route, the error mapping and the log line."""

    settings: Settings
    seconds_left: Callable[[], float]
    progress: Progress = field(default_factory=Progress)
    reason: str = "ok"


def presigned_url(
    *,
    request: PresignRequest,
    settings: Settings,
    deps: Dependencies,
    remaining_seconds: float,
    progress: Progress,
) -> str:
    """The URL for an authorized request (see request.authorize): the caller is a member.

    `remaining_seconds`: the Lambda time left (infinite outside Lambda); the profile wait ends in time.
    """
    caller = request.caller
    domain = deps.directory.find_in_service(
        name=request.domain_name,
        list_domains=deps.gateway.list_domains,
        ttl_seconds=settings.domain_cache_ttl_seconds,
    )
    if domain is None:
        raise DomainNotFound("domain_unknown_or_not_in_service")
    progress.domain_id = domain.domain_id
    profile_name = profile_name_for(username=caller.username, sub=caller.sub)
    progress.profile_name = profile_name
    key = ProfileKey(domain_id=domain.domain_id, profile_name=profile_name, sub=caller.sub)
    ttl_seconds = settings.profile_cache_ttl_seconds
    progress.profile_cache = "miss"
    if deps.verified_profiles.is_verified(key, ttl_seconds=ttl_seconds):
        url = _create_url(deps=deps, settings=settings, domain=domain, profile_name=profile_name)
        if url is not None:
            progress.profile_cache = "hit"
            return url
        # Deleted since it was verified: forget it and verify (or create) it again, once.
        deps.verified_profiles.forget(key)
        progress.profile_cache = "gone"
    ensure_profile(
        gateway=deps.gateway,
        domain=domain,
        caller=caller,
        profile_name=profile_name,
        wait=_wait_policy(settings=settings, deps=deps, remaining_seconds=remaining_seconds),
    )
    url = _create_url(deps=deps, settings=settings, domain=domain, profile_name=profile_name)
    if url is None:
        # Verified a moment ago, so it is the domain that went (the domain cache is bounded, not exact).
        raise DomainNotFound("presign_target_not_found")
    deps.verified_profiles.remember(key, ttl_seconds=ttl_seconds)
    return url


def _create_url(*, deps: Dependencies, settings: Settings, domain: Domain, profile_name: str) -> str | None:
    return deps.gateway.create_presigned_domain_url(
        domain_id=domain.domain_id,
        profile_name=profile_name,
        expires_in_seconds=settings.url_expires_seconds,
        session_duration_seconds=settings.session_duration_seconds,
        landing_uri=settings.landing_uri,
    )


def _wait_policy(*, settings: Settings, deps: Dependencies, remaining_seconds: float) -> WaitPolicy:
    budget = min(settings.profile_ready_timeout_seconds, remaining_seconds - DEADLINE_RESERVE_SECONDS)
    return WaitPolicy(
        deadline=deps.clock() + max(budget, 0.0),
        poll_interval_seconds=settings.profile_poll_interval_seconds,
        clock=deps.clock,
        sleep=deps.sleep,
    )
