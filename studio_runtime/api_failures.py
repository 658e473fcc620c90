"""How an API function answers a failure: one shape, and one answer to an AWS failure that may
pass by itself (throttling, an unreachable endpoint), with the Retry-After a caller should wait.

The presign and ordering functions each map their own errors; both end in these.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from studio_runtime.aws_errors import ErrorKind

THROTTLED = "throttled"
UNAVAILABLE = "unavailable"
RETRY_AFTER_THROTTLED_SECONDS = 2
RETRY_AFTER_UNAVAILABLE_SECONDS = 5


@dataclass(frozen=True)
class Failure:
    """An answer: HTTP status, a sentence for the caller, a fixed `code`, the `reason` for the
    log line (never sent), and Retry-After when waiting helps."""

    status: int
    message: str
    code: str
    reason: str
    retry_after_seconds: int | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def body(self) -> dict[str, object]:
        return {"message": self.message, "code": self.code, **self.extra}


def transient_failure(kind: ErrorKind, *, operation: str, code: str | None, unreachable: str) -> Failure | None:
    """The answer to an AWS failure that may pass (None for any other kind). `unreachable`: what
    the log line names when the endpoint could not be reached."""
    if kind is ErrorKind.THROTTLED:
        return Failure(
            429,
            "Too many requests; retry later",
            THROTTLED,
            f"aws_throttled:{operation}:{code}",
            RETRY_AFTER_THROTTLED_SECONDS,
        )
    if kind is ErrorKind.UNREACHABLE:
        # Connect/read timeouts, DNS or endpoint failures: AWS may be fine a moment later.
        return Failure(
            503,
            "Service temporarily unavailable; retry later",
            UNAVAILABLE,
            f"aws_unreachable:{unreachable}",
            RETRY_AFTER_UNAVAILABLE_SECONDS,
        )
    return None
