"""Bad operator input: every problem of a run, one line each, never a traceback."""

from __future__ import annotations

from typing import Callable, Sequence, TypeVar

T = TypeVar("T")


class ConfigError(ValueError):
    """Bad input, reported as `<where>: <rule>`; `where` names the flag, file or field."""

    def __init__(self, where: str, rule: str) -> None:
        super().__init__(f"{where}: {rule}")
        self.where = where
        self.rule = rule


class ConfigErrors(ConfigError):
    """Several problems found in one run; `problems` holds them in the order found."""

    def __init__(self, problems: Sequence[ConfigError]) -> None:
        self.problems = tuple(problems)
        super().__init__(self.problems[0].where, self.problems[0].rule)
        self.args = ("\n".join(str(problem) for problem in self.problems),)

    def __str__(self) -> str:
        return self.args[0]


def problems_of(error: ConfigError) -> tuple[ConfigError, ...]:
    return error.problems if isinstance(error, ConfigErrors) else (error,)


class Problems:
    """Collects the problems of one load, so the operator fixes them all in one round.

    `check` runs one step and records its ConfigError instead of stopping; later steps that
    need its result get `default`. `raise_if_any` ends the load with everything found.
    """

    def __init__(self) -> None:
        self.found: list[ConfigError] = []
        self.warnings: list[str] = []

    def check(self, step: Callable[[], T], default: T) -> T:
        try:
            return step()
        except ConfigError as error:
            self.found.extend(problems_of(error))
            return default

    def add(self, where: str, rule: str) -> None:
        self.found.append(ConfigError(where, rule))

    def warn(self, where: str, text: str) -> None:
        self.warnings.append(f"{where}: {text}")

    def raise_if_any(self) -> None:
        if len(self.found) == 1:
            raise self.found[0]
        if self.found:
            raise ConfigErrors(self.found)
