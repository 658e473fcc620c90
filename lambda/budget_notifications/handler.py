"""Custom resource (Provider framework) for the notifications of one AWS Budget.

AWS::Budgets::Budget replaces the budget when NotificationsWithSubscribers changes, and a
replacement with the same BudgetName fails (the new budget is created before the old one is
deleted). So the budget carries no notifications in its template and this resource keeps
them: Create and Update converge the budget's notifications and subscribers to the
properties (budget_alerts/reconcile.py); Delete removes the notifications it manages, and
succeeds when the budget is gone already. Returns {"PhysicalResourceId": <stable id>}.
Subscriber addresses are personal data (the API model marks them sensitive): logs hold
only counts and what each alert is.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Mapping

from aws_lambda_powertools.utilities.data_classes import CloudFormationCustomResourceEvent

from budget_alerts.api import BudgetsApi
from budget_alerts.reconcile import Changes, converge, remove_managed
from budget_alerts.request import Request
from studio_runtime.aws_clients import aws_client
from studio_runtime.contracts.budget_notifications import CODE_DIR, Properties
from studio_runtime.custom_resource import InvalidProperties, custom_resource_event, parse_properties, run
from studio_runtime.lambda_time import seconds_left as time_left
from studio_runtime.log import service_logger

logger = service_logger(CODE_DIR)


def _log_changes(action: str, request: Request, changes: Changes, api: BudgetsApi) -> None:
    logger.info(
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
    logger.info("request", request_type=request.request_type, budget_name=request.budget_name)
    api = BudgetsApi(
        client, account_id=request.account_id, budget_name=request.budget_name, sleep=sleep, seconds_left=seconds_left
    )
    if request.request_type == "Delete":
        changes = remove_managed(api, request.notifications)
        if changes is None:
            logger.info("budget_already_gone", budget_name=request.budget_name, api_calls=api.calls_made)
        else:
            _log_changes("removed", request, changes, api)
        return {"PhysicalResourceId": request.physical_resource_id_to_return}
    changes = converge(api, request.notifications, budget_name=request.budget_name)
    _log_changes("converged", request, changes, api)
    return {"PhysicalResourceId": request.physical_resource_id_to_return}


def handle_request(event: CloudFormationCustomResourceEvent, **kwargs: Any) -> dict[str, Any]:
    try:
        properties = parse_properties(Properties, event.resource_properties)
    except InvalidProperties as error:
        if event.request_type != "Delete":
            raise
        # Properties that do not parse never reached the API: there is nothing to remove.
        logger.info("delete_skipped", reason=str(error))
        return {"PhysicalResourceId": event.physical_resource_id or event.get("RequestId", "none")}
    return handle(Request.of(event, properties), **kwargs)


def handle_event(event: Mapping[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Parse and handle one Provider-framework event (what `on_event` does, minus the client)."""
    return handle_request(custom_resource_event(event), **kwargs)


@logger.inject_lambda_context(correlation_id_path="RequestId")
def on_event(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return run(
        logger,
        event,
        lambda request: handle_request(request, client=aws_client("budgets"), seconds_left=time_left(context)),
    )
