"""The ordering workflow (Step Functions): start one execution per order, answer its approval."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from orders_api.errors import ApprovalClosed, AwsCallFailed
from studio_runtime.aws_errors import classify, error_code
from studio_runtime.order_records import Decision, WorkflowInput

# SendTaskSuccess answers for a token the workflow no longer waits on (timed out, ended).
CLOSED_CODES = frozenset({"TaskTimedOut", "TaskDoesNotExist", "InvalidToken"})


def start_order_workflow(
    *,
    sfn: Any,
    state_machine_arn: str,
    order_id: str,
    team: str,
    entry: dict[str, Any],
    requester: str,
    requester_email: str | None,
    api_url: str,
) -> None:
    """One execution named by the order id: Step Functions refuses a second one of that name."""
    sfn.start_execution(
        stateMachineArn=state_machine_arn,
        name=order_id,
        input=json.dumps(
            {
                WorkflowInput.ORDER_ID: order_id,
                WorkflowInput.TEAM: team,
                WorkflowInput.ENTRY: entry,
                WorkflowInput.REQUESTER: requester,
                WorkflowInput.REQUESTER_EMAIL: requester_email,
                WorkflowInput.API_URL: api_url,
            }
        ),
    )


def send_decision(*, sfn: Any, task_token: str, decision: str, by: str, reason: str | None) -> None:
    """Hand the approver's decision to the waiting workflow.

    ApprovalClosed when the workflow no longer waits. Any other failure is re-raised as
    AwsCallFailed without AWS's message: an InvalidToken or validation message may quote the
    token, and the error mapping logs unexpected failures with their traceback.
    """
    output = json.dumps({Decision.FIELD: decision, Decision.BY: by, Decision.REASON: reason or ""})
    try:
        sfn.send_task_success(taskToken=task_token, output=output)
    except ClientError as error:
        code = error_code(error)
        if code in CLOSED_CODES:
            raise ApprovalClosed(f"task_closed:{code}") from None
        raise AwsCallFailed(operation="SendTaskSuccess", code=code, kind=classify(error)) from None
    except BotoCoreError as error:
        raise AwsCallFailed(operation="SendTaskSuccess", code=type(error).__name__, kind=classify(error)) from None
