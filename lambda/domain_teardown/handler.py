"""Team-stack teardown: a custom resource (Provider framework) whose Delete removes everything
SageMaker made around the domain so `cdk destroy` needs no console work.

on_event: Create/Update are no-ops; Delete only stamps the start time.
is_complete: on Delete, one bounded step of the teardown per call (teardown/machine.py).
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Any, Callable

from teardown.aws import Aws, CallBudget, Clients, TeardownFailed
from teardown.logs import configure_logging, log_action
from teardown.machine import advance_teardown
from teardown.request import STARTED_AT_KEY, RequestType, TeardownRequest, parse_request

# Enough for dozens of deletes per poll. The Provider framework fails the resource when an
# is_complete invocation times out, so no call starts unless a slow one (two attempts of
# connect 3 s + read 10 s, plus backoff) would still fit: the reserve.
MAX_CALLS_PER_POLL = 60
RESERVE_SECONDS = 30.0
# Used only without a Lambda context (local runs): the function timeout the lead configures.
DEFAULT_SECONDS_PER_POLL = 60.0

configure_logging()
_clients: Clients | None = None


def on_event(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = parse_request(event)
    return handle_on_event(request=request, now=datetime.now(timezone.utc))


def is_complete(event: dict[str, Any], context: Any) -> dict[str, bool]:
    request = parse_request(event)
    if request.request_type is not RequestType.DELETE:
        return {"IsComplete": True}
    return handle_is_complete(request=request, clients=_shared_clients(), seconds_left=_seconds_left(context))


def handle_on_event(*, request: TeardownRequest, now: datetime) -> dict[str, Any]:
    log_action("on_event", request_type=request.request_type.value, domain_id=request.domain_id)
    if request.request_type is not RequestType.DELETE:
        return {"PhysicalResourceId": request.expected_physical_resource_id}
    # The Provider framework hands this Data to every is_complete call of this delete attempt.
    return {
        "PhysicalResourceId": request.physical_resource_id or request.expected_physical_resource_id,
        "Data": {STARTED_AT_KEY: now.isoformat()},
    }


def handle_is_complete(
    *, request: TeardownRequest, clients: Clients, seconds_left: Callable[[], float]
) -> dict[str, bool]:
    budget = CallBudget(max_calls=MAX_CALLS_PER_POLL, seconds_left=seconds_left, reserve_seconds=RESERVE_SECONDS)
    aws = Aws(clients=clients, budget=budget)
    try:
        complete = advance_teardown(aws=aws, request=request)
    except TeardownFailed as failure:
        log_action("teardown_failed", domain_id=request.domain_id, reason=str(failure))
        raise
    log_action("poll_finished", domain_id=request.domain_id, complete=complete, api_calls=aws.budget.calls_made)
    return {"IsComplete": complete}


def _shared_clients() -> Clients:
    """Built once per container; short timeouts and a single retry keep each call bounded."""
    global _clients
    if _clients is None:
        import boto3
        from botocore.config import Config

        config = Config(connect_timeout=3, read_timeout=10, retries={"total_max_attempts": 2, "mode": "standard"})
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        _clients = Clients(
            sagemaker=boto3.client("sagemaker", region_name=region, config=config),
            efs=boto3.client("efs", region_name=region, config=config),
            ec2=boto3.client("ec2", region_name=region, config=config),
        )
    return _clients


def _seconds_left(context: Any) -> Callable[[], float]:
    remaining_millis = getattr(context, "get_remaining_time_in_millis", None)
    if remaining_millis is None:
        return lambda: DEFAULT_SECONDS_PER_POLL
    return lambda: remaining_millis() / 1000.0
