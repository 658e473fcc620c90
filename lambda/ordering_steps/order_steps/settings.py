"""The function's settings, read once per invocation from its environment.

Every variable is set by the ordering workflow's construct; a missing or malformed one is a
deploy defect, so it fails the step (the workflow's catch-all reports it) instead of being
guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from studio_platform.settings_types import MAX_APPROVAL_HOURS
from studio_runtime.contracts.ordering_steps import Environment
from studio_runtime.environment import required
from studio_runtime.order_records import OrderingPlaces

# What the ordering stack accepts (settings_types.ApprovalHours).
APPROVAL_HOURS_RANGE = (1, MAX_APPROVAL_HOURS)


@dataclass(frozen=True, kw_only=True)
class Settings(OrderingPlaces):
    approvers_topic_arn: str
    approval_timeout_hours: int

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        return cls(
            **cls.places_from(env),
            approvers_topic_arn=required(env, Environment.APPROVERS_TOPIC_ARN),
            approval_timeout_hours=_hours(required(env, Environment.APPROVAL_TIMEOUT_HOURS)),
        )


def _hours(raw: str) -> int:
    low, high = APPROVAL_HOURS_RANGE
    try:
        hours = int(raw)
    except ValueError:
        hours = 0
    if not low <= hours <= high:
        raise ValueError(
            f"environment variable {Environment.APPROVAL_TIMEOUT_HOURS} must be a whole number of hours "
            f"from {low} to {high}, got {raw!r}"
        )
    return hours
