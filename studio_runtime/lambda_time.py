"""The time a Lambda invocation has left, for handlers that bound their own waits."""

from __future__ import annotations

from typing import Any, Callable


def seconds_left(context: Any) -> Callable[[], float]:
    """A clock of the seconds left before the Lambda timeout; unbounded without a context."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(remaining):
        return lambda: float("inf")
    return lambda: float(remaining()) / 1000.0
