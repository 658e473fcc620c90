"""Settings read from the environment the ordering API construct sets (names: the contract)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from studio_runtime.contracts.ordering_api import Environment
from studio_runtime.environment import required
from studio_runtime.order_records import OrderingPlaces


@dataclass(frozen=True, kw_only=True)
class Settings(OrderingPlaces):
    state_machine_arn: str
    user_pool_id: str
    updates_topic_arn: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        return cls(
            **cls.places_from(env),
            state_machine_arn=required(env, Environment.STATE_MACHINE_ARN),
            user_pool_id=required(env, Environment.USER_POOL_ID),
            updates_topic_arn=required(env, Environment.UPDATES_TOPIC_ARN),
        )
