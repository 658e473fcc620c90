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

REGION = "AWS_REGION"  # set by the Lambda runtime
# What the ordering stack accepts (settings_types.ApprovalHours).
APPROVAL_HOURS_RANGE = (1, MAX_APPROVAL_HOURS)


@dataclass(frozen=True)
class Settings:
    region: str
    account: str
    orders_table: str
    teams_bucket: str
    teams_file_key: str
    approvers_topic_arn: str
    approval_timeout_hours: int

    @property
    def teams_file_path(self) -> str:
        """How problems name the teams file (ends in .json, so it is read as JSON)."""
        return f"s3://{self.teams_bucket}/{self.teams_file_key}"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        return cls(
            region=required(env, REGION),
            account=required(env, Environment.ACCOUNT_ID),
            orders_table=required(env, Environment.ORDERS_TABLE),
            teams_bucket=required(env, Environment.TEAMS_BUCKET),
            teams_file_key=required(env, Environment.TEAMS_FILE_KEY),
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
