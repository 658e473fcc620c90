"""Custom resource (Provider framework) for the notifications of one AWS Budget.

AWS::Budgets::Budget replaces the budget when NotificationsWithSubscribers changes, and a
replacement with the same BudgetName fails (the new budget is created before the old one is
deleted). So the budget carries no notifications in its template and this resource keeps
them: Create and Update converge the budget's notifications and subscribers to the
properties (budget_alerts/reconcile.py); Delete removes the notifications it manages, and
succeeds when the budget is gone already. Returns {"PhysicalResourceId": <stable id>}.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timezone
from typing import Any, Callable

from budget_alerts.api import BudgetsApi
from budget_alerts.reconcile import Changes, converge, remove_managed
from budget_alerts.request import Request, RequestError, parse_request

log = logging.getLogger("budget_notifications")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(),
            "level": record.levelname,
            "action": record.getMessage(),
        }
        return json.dumps({**line, **getattr(record, "fields", {})}, default=str)


def _configure_logging() -> None:
    if not any(isinstance(handler.formatter, JsonFormatter) for handler in log.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        # The Lambda runtime's root handler would print every line a second time, unformatted.
        log.propagate = False


def log_action(action: str, **fields: Any) -> None:
    # Subscriber addresses are personal data (the API model marks them sensitive): only counts.
    log.info(action, extra={"fields": fields})


def _log_changes(action: str, request: Request, changes: Changes, api: BudgetsApi) -> None:
    log_action(
        action,
        budget_name=request.budget_name,
        notifications_created=changes.notifications_created,
        notifications_deleted=changes.notifications_deleted,
        subscribers_added=changes.subscribers_added,
        subscribers_removed=changes.subscribers_removed,
        api_calls=api.calls_made,
    )


def handle(
    request: Request,
    *,
    client: Any,
    sleep: Callable[[float], None] = time.sleep,
    seconds_left: Callable[[], float] = lambda: float("inf"),
) -> dict[str, Any]:
    log_action("request", request_type=request.request_type, budget_name=request.budget_name)
    api = BudgetsApi(
        client, account_id=request.account_id, budget_name=request.budget_name, sleep=sleep, seconds_left=seconds_left
    )
    if request.request_type == "Delete":
        changes = remove_managed(api, request.notifications)
        if changes is None:
            log_action("budget_already_gone", budget_name=request.budget_name, api_calls=api.calls_made)
        else:
            _log_changes("removed", request, changes, api)
        return {"PhysicalResourceId": request.physical_resource_id_to_return}
    changes = converge(api, request.notifications, budget_name=request.budget_name)
    _log_changes("converged", request, changes, api)
    return {"PhysicalResourceId": request.physical_resource_id_to_return}


def handle_event(event: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Parse and handle one Provider-framework event (what `on_event` does, minus the client)."""
    try:
        request = parse_request(event)
    except RequestError as error:
        if event.get("RequestType") != "Delete":
            raise
        # Properties that do not parse never reached the API: there is nothing to remove.
        log_action("delete_skipped", reason=str(error))
        return {"PhysicalResourceId": event.get("PhysicalResourceId") or event.get("RequestId", "none")}
    return handle(request, **kwargs)


_client: Any = None


def _budgets_client() -> Any:
    global _client
    if _client is None:
        import boto3
        from botocore.config import Config

        _client = boto3.client(
            "budgets", config=Config(connect_timeout=5, read_timeout=20, retries={"mode": "standard"})
        )
    return _client


def on_event(event: dict[str, Any], context: Any) -> dict[str, Any]:
    _configure_logging()
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    seconds_left = (lambda: remaining() / 1000.0) if remaining else (lambda: float("inf"))
    try:
        return handle_event(event, client=_budgets_client(), seconds_left=seconds_left)
    except Exception as error:
        log.error("failed", extra={"fields": {"error": str(error), "error_type": type(error).__name__}})
        raise
