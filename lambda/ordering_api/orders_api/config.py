"""Settings read from the environment the ordering API construct sets (names: the contract)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from studio_runtime.contracts.ordering_api import Environment


class SettingMissing(Exception):
    """A variable the construct always sets is absent: a deployment defect, answered 500."""


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
        def required(name: str) -> str:
            value = (env.get(name) or "").strip()
            if not value:
                raise SettingMissing(name)
            return value

        return cls(
            region=required("AWS_REGION"),
            account=required(Environment.ACCOUNT_ID),
            orders_table=required(Environment.ORDERS_TABLE),
            state_machine_arn=required(Environment.STATE_MACHINE_ARN),
            teams_bucket=required(Environment.TEAMS_BUCKET),
            teams_file_key=required(Environment.TEAMS_FILE_KEY),
            user_pool_id=required(Environment.USER_POOL_ID),
            updates_topic_arn=required(Environment.UPDATES_TOPIC_ARN),
        )
