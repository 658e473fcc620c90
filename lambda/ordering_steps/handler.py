"""OrderingSteps: the ordering workflow's steps, one Lambda function invoked by Step Functions.

Event (a lambda:invoke Task's Payload): {"action": "validate" | "request_approval" |
"register", "order": <the execution input, order_records.WorkflowInput>, "task_token": <only
for request_approval>}. The return value is the task's result:
  validate          {"entry": <the entry, checked again against today's teams file>}
  request_approval  {} (the workflow waits for the approvers' answer through the ordering API)
  register          {"teams_file_version": <S3 version id>, "changed": bool}

Errors the workflow catches by name (Step Functions uses the exception's class name):
OrderInvalid (message: the problems, one per line, for the requester) and TeamsFileChanged
(retried). Anything else (a bad event is a ValueError) goes to the workflow's catch-all.

Environment variables (names in studio_runtime/contracts/ordering_steps.py): ORDERS_TABLE,
TEAMS_BUCKET, TEAMS_FILE_KEY, ACCOUNT_ID, APPROVERS_TOPIC_ARN, APPROVAL_TIMEOUT_HOURS,
POWERTOOLS_LOG_LEVEL; AWS_REGION from the runtime.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Any

from order_steps import actions
from order_steps.actions import Clients
from order_steps.errors import OrderInvalid, TeamsFileChanged
from order_steps.event import StepEvent, parse_event
from order_steps.settings import Settings
from studio_runtime.aws_clients import aws_client
from studio_runtime.contracts.ordering_steps import CODE_DIR, REGISTER, REQUEST_APPROVAL, VALIDATE
from studio_runtime.log import service_logger

logger = service_logger(CODE_DIR)

# Built on first use and kept for the life of the container (tests put their own in).
_clients: Clients | None = None
# Outcomes the workflow handles itself: logged as facts, without a traceback.
EXPECTED_FAILURES = (OrderInvalid, TeamsFileChanged)


def clients() -> Clients:
    global _clients
    if _clients is None:
        _clients = Clients(s3=aws_client("s3"), dynamodb=aws_client("dynamodb"), sns=aws_client("sns"))
    return _clients


@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: Any, context: Any) -> dict[str, Any]:
    return handle_step(event, settings=Settings.from_env(os.environ), clients=clients(), now=datetime.now(timezone.utc))


def handle_step(event: Any, *, settings: Settings, clients: Clients, now: datetime) -> dict[str, Any]:
    """The one place a step's outcome is logged; failures propagate to the workflow unchanged."""
    try:
        step = parse_event(event)
    except ValueError as error:
        # The message names fields and rules, never values (order_steps/event.py).
        logger.error("bad step event", problem=str(error))
        raise
    logger.append_keys(action=step.action, order_id=step.order.order_id, team=step.order.team)
    try:
        result = run_step(step, settings=settings, clients=clients, now=now)
    except EXPECTED_FAILURES as error:
        logger.warning("step refused", error=type(error).__name__, cause=str(error))
        raise
    except Exception:
        logger.exception("step failed")
        raise
    logger.info("step done", **{key: value for key, value in result.items() if key != "entry"})
    return result


def run_step(step: StepEvent, *, settings: Settings, clients: Clients, now: datetime) -> dict[str, Any]:
    if step.action == VALIDATE:
        return actions.validate(order=step.order, settings=settings, clients=clients)
    if step.action == REQUEST_APPROVAL:
        if step.task_token is None:
            raise ValueError(f"task_token is required for {REQUEST_APPROVAL}")  # the event model refuses this
        return actions.request_approval(
            order=step.order,
            task_token=step.task_token.get_secret_value(),
            settings=settings,
            clients=clients,
            now=now,
        )
    if step.action == REGISTER:
        return actions.register(order=step.order, settings=settings, clients=clients, now=now, idp_groups=step.idp_groups)
    raise ValueError(f"unknown action {step.action!r}")  # unreachable: the event model lists the actions
