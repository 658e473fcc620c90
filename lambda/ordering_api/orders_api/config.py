"""Settings read from the environment the ordering API construct sets (names: the contract)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from studio_runtime.contracts.ordering_api import Environment
from studio_runtime.environment import required


@dataclass(frozen=True)
class Settings:
    region: str
    account: str
    orders_table: str
    state_machine_arn: str
    teams_bucket: str
    teams_file_key: str
    user_pool_id: str
    updates_topic_arn: str

    @property
    def teams_file_path(self) -> str:
        # parse_document reads JSON because the name ends in .json (the key of record does).
        return f"s3://{self.teams_bucket}/{self.teams_file_key}"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        return cls(
            region=required(env, "AWS_REGION"),
            account=required(env, Environment.ACCOUNT_ID),
            orders_table=required(env, Environment.ORDERS_TABLE),
            state_machine_arn=required(env, Environment.STATE_MACHINE_ARN),
            teams_bucket=required(env, Environment.TEAMS_BUCKET),
            teams_file_key=required(env, Environment.TEAMS_FILE_KEY),
            user_pool_id=required(env, Environment.USER_POOL_ID),
            updates_topic_arn=required(env, Environment.UPDATES_TOPIC_ARN),
        )
