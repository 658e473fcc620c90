"""Team-stack teardown: a custom resource (Provider framework) whose Delete removes everything
SageMaker made around the domain so `cdk destroy` needs no console work.

on_event: Create/Update are no-ops; Delete only stamps the start time.
is_complete: on Delete, one bounded step of the teardown per call (teardown/machine.py).
Both read the same event, through the runtime core (studio_runtime.custom_resource), which
also logs a failure once, as "failed".
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

from studio_runtime.aws_clients import aws_client
from studio_runtime.custom_resource import run
from studio_runtime.lambda_time import seconds_left as lambda_seconds_left
from teardown import logger
from teardown.aws import Aws, CallBudget, Clients
from teardown.machine import advance_teardown
from teardown.request import STARTED_AT_KEY, TeardownRequest, parse_request

# Enough for dozens of deletes per poll. The Provider framework fails the resource when an
# is_complete invocation times out, so no call starts unless a slow one (two attempts of
# connect 3 s + read 10 s, plus backoff) would still fit: the reserve.
MAX_CALLS_PER_POLL = 60
RESERVE_SECONDS = 30.0
CALL_LIMITS = {"connect_timeout": 3, "read_timeout": 10, "max_attempts": 2}
# The CloudFormation request id: every line of one resource operation, on_event and each
# is_complete poll, carries it.
CORRELATION_ID_PATH = "RequestId"

_clients: Clients | None = None


@logger.inject_lambda_context(correlation_id_path=CORRELATION_ID_PATH)
def on_event(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return run(
        logger, event, lambda request: handle_on_event(request=parse_request(request), now=datetime.now(timezone.utc))
    )


@logger.inject_lambda_context(correlation_id_path=CORRELATION_ID_PATH)
def is_complete(event: dict[str, Any], context: Any) -> dict[str, bool]:
    def handle(resource_event: Any) -> dict[str, bool]:
        request = parse_request(resource_event)
        if not request.is_delete:
            return {"IsComplete": True}
        return handle_is_complete(
            request=request, clients=_shared_clients(), seconds_left=lambda_seconds_left(context)
        )

    return run(logger, event, handle)


def handle_on_event(*, request: TeardownRequest, now: datetime) -> dict[str, Any]:
    logger.info("on_event", request_type=request.request_type, domain_id=request.domain_id)
    if not request.is_delete:
        return {"PhysicalResourceId": request.expected_physical_resource_id}
    # The Provider framework hands this Data to every is_complete call of this delete attempt.
    return {
        "PhysicalResourceId": request.physical_resource_id or request.expected_physical_resource_id,
        "Data": {STARTED_AT_KEY: now.isoformat()},
    }


def handle_is_complete(
    *, request: TeardownRequest, clients: Clients, seconds_left: Callable[[], float]
) -> dict[str, bool]:
    """A TeardownFailed propagates: the core's `run` logs it and the resource fails with it."""
    budget = CallBudget(max_calls=MAX_CALLS_PER_POLL, seconds_left=seconds_left, reserve_seconds=RESERVE_SECONDS)
    aws = Aws(clients=clients, budget=budget)
    complete = advance_teardown(aws=aws, request=request)
    logger.info("poll_finished", domain_id=request.domain_id, complete=complete, api_calls=aws.budget.calls_made)
    return {"IsComplete": complete}


def _shared_clients() -> Clients:
    """Built once per container (tests put stubbed clients in `_clients`)."""
    global _clients
    if _clients is None:
        _clients = Clients(**{service: aws_client(service, **CALL_LIMITS) for service in ("sagemaker", "efs", "ec2")})
    return _clients
