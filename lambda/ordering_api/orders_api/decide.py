"""POST /orders/{order_id}/approve and /reject: an approver's decision, handed to the workflow.

The decision is written first, in one conditional update that also takes the task token off
the order, so two approvers answering at once cannot both send it: the second finds the order
no longer awaiting approval. The token then goes to SendTaskSuccess and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from orders_api.access import require_approver, require_not_own, require_visible
from orders_api.config import Settings
from orders_api.errors import ApprovalClosed, NotAwaitingApproval
from orders_api.request import decision_reason, valid_order_id
from orders_api.service import Clients, RequestState
from orders_api.store import OrdersTable
from orders_api.views import now_iso, public_order
from orders_api.workflow import send_decision
from studio_runtime.api_caller import Caller
from studio_runtime.contracts.ordering_api import CODE_DIR
from studio_runtime.log import service_logger
from studio_runtime.order_records import Attribute, Decision, Event, Status

logger = service_logger(CODE_DIR)

# decision -> (the order's new status, its history step)
OUTCOMES = {
    Decision.APPROVED: (Status.APPROVED, "Approved"),
    Decision.REJECTED: (Status.REJECTED, "Rejected"),
}


def decide_order(
    *,
    caller: Caller,
    raw_order_id: object,
    decision: str,
    read_body: Callable[[], Any],
    settings: Settings,
    clients: Clients,
    state: RequestState,
) -> dict[str, Any]:
    """The decided order's public view. `decision`: Decision.APPROVED or Decision.REJECTED;
    `read_body`: the request's JSON ({"reason"}), read once the caller's group is checked."""
    require_approver(caller)
    order_id = valid_order_id(raw_order_id)
    state.order_id = order_id
    status, step = OUTCOMES[decision]
    reason = decision_reason(read_body(), required=decision == Decision.REJECTED)
    table = OrdersTable(client=clients.dynamodb, table_name=settings.orders_table)
    order = require_visible(caller, table.get_order(order_id))
    state.team = order.get(Attribute.TEAM)
    require_not_own(caller, order)
    at = now_iso()
    before = table.record_decision(order_id=order_id, status=status, by=caller.username, reason=reason, at=at)
    if before is None:
        current = require_visible(caller, table.get_order(order_id))
        verb = "approved" if decision == Decision.APPROVED else "rejected"
        raise NotAwaitingApproval(
            f"order_{current.get(Attribute.STATUS, 'unknown').lower()}",
            f"order is {current.get(Attribute.STATUS)}; only an order awaiting approval can be {verb}",
        )
    token = before[Attribute.TASK_TOKEN]
    try:
        send_decision(sfn=clients.sfn, task_token=token, decision=decision, by=caller.username, reason=reason)
    except ApprovalClosed:
        # The workflow expired the approval; its own expiry step gives the order its final status.
        raise
    except Exception:
        _reopen(table, order_id=order_id, token=token, decided=status, by=caller.username)
        raise
    table.put_event(order_id=order_id, step=step, event={Event.STATUS: status, Event.AT: at, Event.BY: caller.username})
    decided = {
        **before,
        Attribute.STATUS: status,
        Attribute.DECIDED_BY: caller.username,
        Attribute.DECISION_REASON: reason,
        Attribute.UPDATED_AT: at,
    }
    return public_order(decided)


def _reopen(table: OrdersTable, *, order_id: str, token: str, decided: str, by: str) -> None:
    # The workflow never got the decision: put the order back so an approver can answer again.
    try:
        table.reopen_approval(order_id=order_id, token=token, decided=decided, by=by, at=now_iso())
    except (ClientError, BotoCoreError) as error:
        logger.error("approval not reopened", order_id=order_id, error=type(error).__name__)
