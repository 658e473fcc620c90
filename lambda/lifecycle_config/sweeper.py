"""Scheduled sweeper: deletes the Studio lifecycle configs marked for deferred deletion once
nothing uses them any more.

The custom resource (handler.py) marks a config it could not delete because a running app
or a domain/profile/space setting still used it. Each run lists the account's configs,
reads the tags of each, and tries DeleteStudioLifecycleConfig on the marked ones only:
SageMaker itself answers ResourceInUse while the config is used, so "unused" is SageMaker's
own verdict, not a guess. Unmarked configs are never deleted (the IAM policy allows the
delete only on marked configs, too).

A run is bounded: at most SWEEP_MAX_CALLS SageMaker requests and never past the Lambda
timeout minus a reserve; throttling after botocore's retries ends the run early. What a run
leaves, the next one (an hour later) picks up; every step is safe to repeat.
"""

from __future__ import annotations

import os
import random
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from botocore.exceptions import ClientError
from lifecycle_config_api import (
    ConfigInUse,
    ConfigNotFound,
    ConfigSummary,
    Throttled,
    config_tags,
    delete_config,
    list_configs,
    logger,
    sagemaker_client,
)

from studio_runtime.aws_errors import error_code
from studio_runtime.contracts.lifecycle_config import DELETE_WHEN_UNUSED_TAG, Environment
from studio_runtime.lambda_time import seconds_left

DEFAULT_MAX_CALLS = 300
# Time kept free at the end of a run so the summary line still gets out.
RESERVE_SECONDS = 20.0


class BudgetSpent(Exception):
    """This run may make no more calls; the next scheduled run carries on."""


class SweepFailed(RuntimeError):
    """Some configs failed with an unexpected error: the function errors so alarms see it."""


class Budget:
    """Counts SageMaker requests; `spend()` before each one raises BudgetSpent when over."""

    def __init__(self, *, max_calls: int, seconds_left: Callable[[], float], reserve_seconds: float = RESERVE_SECONDS):
        self.max_calls = max_calls
        self.seconds_left = seconds_left
        self.reserve_seconds = reserve_seconds
        self.calls = 0

    def spend(self) -> None:
        if self.calls >= self.max_calls:
            raise BudgetSpent("call_budget")
        if self.seconds_left() < self.reserve_seconds:
            raise BudgetSpent("time_budget")
        self.calls += 1


@dataclass
class SweepReport:
    listed: int = 0
    unmarked: int = 0
    deleted: list[str] = field(default_factory=list)
    still_in_use: list[str] = field(default_factory=list)
    already_gone: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    calls: int = 0
    stopped: str = "complete"


def sweep(client: Any, *, budget: Budget, shuffle: Callable[[list], None] | None = None) -> SweepReport:
    report = SweepReport()
    try:
        # botocore's paginator, driven page by page so the budget is charged before every
        # request: a run stops at its call budget even in the middle of a listing.
        configs = list(list_configs(client, spend=budget.spend))
        report.listed = len(configs)
        # A different order each run: when the call budget is smaller than the account's
        # configs, successive runs still reach every one of them.
        (shuffle or random.shuffle)(configs)
        for config in configs:
            sweep_one(client, config, budget=budget, report=report)
    except BudgetSpent as spent:
        report.stopped = str(spent)
    except Throttled as throttled:
        report.stopped = "throttled"
        logger.warning("sweep_throttled", error=str(throttled))
    report.calls = budget.calls
    logger.info("sweep_finished", **asdict(report))
    return report


def sweep_one(client: Any, config: ConfigSummary, *, budget: Budget, report: SweepReport) -> None:
    try:
        marked_at = config_tags(client, arn=config.arn, spend=budget.spend).get(DELETE_WHEN_UNUSED_TAG)
    except ConfigNotFound:
        report.already_gone.append(config.name)  # deleted since it was listed
        return
    except ClientError as error:
        _failed(report, config.name, "list_tags", error)
        return
    if marked_at is None:
        report.unmarked += 1
        return
    budget.spend()
    try:
        delete_config(client, name=config.name)
    except ConfigInUse as in_use:
        report.still_in_use.append(config.name)
        logger.info("sweep_still_in_use", config_name=config.name, marked_at=marked_at, reason=str(in_use))
    except ConfigNotFound:
        report.already_gone.append(config.name)
    except ClientError as error:
        _failed(report, config.name, "delete", error)
    else:
        report.deleted.append(config.name)
        logger.info("sweep_deleted", config_name=config.name, marked_at=marked_at)


def _failed(report: SweepReport, name: str, step: str, error: ClientError) -> None:
    report.failed.append(name)
    logger.error("sweep_failed", config_name=name, step=step, error_code=error_code(error), error=str(error))


def max_calls_from_environment() -> int:
    raw = os.environ.get(Environment.SWEEP_MAX_CALLS, str(DEFAULT_MAX_CALLS))
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{Environment.SWEEP_MAX_CALLS} must be a positive integer, got {raw!r}")
    return int(raw)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.EVENT_BRIDGE)
@event_source(data_class=EventBridgeEvent)
def on_schedule(event: EventBridgeEvent, context: Any) -> dict[str, Any]:
    # The run's tick, absent when someone invokes the sweeper by hand (any event starts a sweep).
    logger.append_keys(scheduled_at=event.get("time"))
    budget = Budget(max_calls=max_calls_from_environment(), seconds_left=seconds_left(context))
    report = sweep(sagemaker_client(), budget=budget)
    if report.failed:
        raise SweepFailed(f"{len(report.failed)} lifecycle config(s) failed: {', '.join(report.failed)}")
    return asdict(report)
