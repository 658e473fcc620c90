"""Settings read from environment variables, clamped to what the SageMaker API accepts.

A malformed number falls back to the default instead of failing every request: a typo in
one variable must not lock every team out of Studio.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from studio_runtime.contracts.presign import Environment

URL_EXPIRES_RANGE = (5, 300)  # CreatePresignedDomainUrl.ExpiresInSeconds
SESSION_DURATION_RANGE = (1800, 43200)  # ...SessionExpirationDurationInSeconds
CACHE_TTL_RANGE = (0.0, 3600.0)
# Lambda times out at 20 s; the wait must leave room for the other calls.
PROFILE_READY_TIMEOUT_RANGE = (0.0, 15.0)
POLL_INTERVAL_RANGE = (0.1, 5.0)
LANDING_URI_MAX = 1023
ANY_ORIGIN = "*"


@dataclass(frozen=True)
class Settings:
    url_expires_seconds: int = 60
    session_duration_seconds: int = 28800
    landing_uri: str = "studio::"
    allowed_origins: frozenset[str] = frozenset()
    domain_cache_ttl_seconds: float = 300.0
    profile_cache_ttl_seconds: float = 300.0
    profile_ready_timeout_seconds: float = 12.0
    profile_poll_interval_seconds: float = 1.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        defaults = cls()
        return cls(
            url_expires_seconds=int(
                _clamped(env.get(Environment.URL_EXPIRES_SECONDS), defaults.url_expires_seconds, URL_EXPIRES_RANGE)
            ),
            session_duration_seconds=int(
                _clamped(
                    env.get(Environment.SESSION_DURATION_SECONDS),
                    defaults.session_duration_seconds,
                    SESSION_DURATION_RANGE,
                )
            ),
            landing_uri=_landing_uri(env.get(Environment.LANDING_URI), defaults.landing_uri),
            allowed_origins=_origins(env.get(Environment.ALLOWED_ORIGINS)),
            domain_cache_ttl_seconds=_clamped(
                env.get(Environment.DOMAIN_CACHE_TTL_SECONDS), defaults.domain_cache_ttl_seconds, CACHE_TTL_RANGE
            ),
            profile_cache_ttl_seconds=_clamped(
                env.get(Environment.PROFILE_CACHE_TTL_SECONDS), defaults.profile_cache_ttl_seconds, CACHE_TTL_RANGE
            ),
            profile_ready_timeout_seconds=_clamped(
                env.get(Environment.PROFILE_READY_TIMEOUT_SECONDS),
                defaults.profile_ready_timeout_seconds,
                PROFILE_READY_TIMEOUT_RANGE,
            ),
            profile_poll_interval_seconds=_clamped(
                env.get(Environment.PROFILE_POLL_INTERVAL_SECONDS),
                defaults.profile_poll_interval_seconds,
                POLL_INTERVAL_RANGE,
            ),
        )


def _clamped(raw: str | None, default: float, bounds: tuple[float, float]) -> float:
    try:
        value = float(raw) if raw is not None and raw.strip() else default
    except ValueError:
        value = default
    if not math.isfinite(value):
        value = default
    low, high = bounds
    return min(max(value, low), high)


def _landing_uri(raw: str | None, default: str) -> str:
    value = (raw or "").strip()
    return value if 0 < len(value) <= LANDING_URI_MAX else default


def _origins(raw: str | None) -> frozenset[str]:
    # Exact origins only. A "*" entry never equals a real Origin header, so it grants nothing;
    # it is dropped because Powertools' CORSConfig would read it as "every origin".
    return frozenset(part.strip() for part in (raw or "").split(",") if part.strip() not in ("", ANY_ORIGIN))
