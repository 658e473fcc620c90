"""A function's settings from the environment its construct sets (names: its contract)."""

from __future__ import annotations

from collections.abc import Mapping


class MissingSetting(ValueError):
    """A variable the construct always sets is absent or blank: a deployment defect."""

    def __init__(self, name: str) -> None:
        super().__init__(f"environment variable {name} is not set")
        self.name = name


def required(env: Mapping[str, str], name: str) -> str:
    value = (env.get(name) or "").strip()
    if not value:
        raise MissingSetting(name)
    return value
