"""The steps from an authenticated request to a presigned Studio URL, in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from presign.config import Settings
from presign.domains import DomainDirectory
from presign.errors import DomainNotFound
from presign.identity import profile_name_for
from presign.profiles import WaitPolicy, ensure_profile
from presign.request import PresignRequest
from presign.sagemaker import SageMakerGateway

# Time kept back from the Lambda deadline for CreatePresignedDomainUrl and the response.
DEADLINE_RESERVE_SECONDS = 4.0


@dataclass
class Dependencies:
    """What one warm container keeps between requests; tests build their own."""

    gateway: SageMakerGateway
    clock: Callable[[], float]
    sleep: Callable[[float], None]
    directory: DomainDirectory = field(init=False)

    def __post_init__(self) -> None:
        self.directory = DomainDirectory(clock=self.clock)


@dataclass
class Progress:
    """What is known so far, for the log line even when a later step fails."""

    profile_name: str | None = None
    domain_id: str | None = None


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
    ensure_profile(
        gateway=deps.gateway,
        domain=domain,
        caller=caller,
        profile_name=profile_name,
        wait=_wait_policy(settings=settings, deps=deps, remaining_seconds=remaining_seconds),
    )
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
