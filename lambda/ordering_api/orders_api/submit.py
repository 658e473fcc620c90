"""POST /orders: check an order, hold its team name, record it and start its workflow.

Order of steps: the caller's group (403), the order's fields (400), the teams file (409), the
name's holder in the table (409). Only then is anything written, in one transaction; a
workflow that cannot start takes the order back (FAILED, name released) and answers 503.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from orders_api.access import require_requester
from orders_api.config import Settings
from orders_api.errors import InvalidOrder, TeamOrdered, TeamTaken, WorkflowNotStarted
from orders_api.requesters import subscribe_to_updates, verified_email
from orders_api.service import Clients, RequestState
from orders_api.store import OrdersTable, TeamHeld
from orders_api.teams_file import read_teams_document
from orders_api.views import from_dynamo, now_iso, public_order, to_dynamo
from orders_api.workflow import start_order_workflow
from studio_platform import orders
from studio_platform.errors import ConfigError, problems_of
from studio_runtime.api_caller import Caller
from studio_runtime.aws_errors import error_code
from studio_runtime.contracts.ordering_api import CODE_DIR
from studio_runtime.log import service_logger
from studio_runtime.order_records import Attribute, Event, Status

logger = service_logger(CODE_DIR)
SUBMIT_STEP = "Submit"
SUBMITTED_STEP = "Submitted"


def submit_order(
    *,
    caller: Caller,
    read_body: Callable[[], Any],
    api_url: str,
    settings: Settings,
    clients: Clients,
    state: RequestState,
) -> dict[str, Any]:
    """The new order's public view. `read_body`: the request's JSON (the order's fields), read
    once the caller's group is checked (a 403 comes before a 400)."""
    require_requester(caller)
    entry = _checked_entry(read_body(), settings=settings)
    team = entry["name"]
    state.team = team
    _check_name_free(entry, settings=settings, clients=clients)
    email = _requester_email(caller, settings=settings, clients=clients)
    order_id = str(uuid.uuid4())
    state.order_id = order_id
    at = now_iso()
    order = {
        Attribute.ORDER_ID: order_id,
        Attribute.TEAM: team,
        Attribute.ENTRY: entry,
        Attribute.REQUESTER: caller.username,
        Attribute.REQUESTER_EMAIL: email,
        Attribute.STATUS: Status.SUBMITTED,
        Attribute.CREATED_AT: at,
        Attribute.UPDATED_AT: at,
    }
    table = OrdersTable(client=clients.dynamodb, table_name=settings.orders_table)
    try:
        table.create_order(order=order, submitted={Event.STATUS: Status.SUBMITTED, Event.AT: at, Event.BY: caller.username})
    except TeamHeld as held:
        holder = f" (order {held.holder})" if held.holder else ""
        raise TeamOrdered("team_held_by_order", f"team {team!r} is already ordered{holder}") from None
    if email is not None:
        _subscribe(email, settings=settings, clients=clients)
    try:
        start_order_workflow(
            sfn=clients.sfn,
            state_machine_arn=settings.state_machine_arn,
            order_id=order_id,
            team=team,
            entry=entry,
            requester=caller.username,
            requester_email=email,
            api_url=api_url,
        )
    except (ClientError, BotoCoreError) as error:
        code = error_code(error) or type(error).__name__
        logger.error("workflow not started", error=code, exc_info=True)
        failure = {"step": SUBMIT_STEP, "error": code, "cause": "the ordering workflow could not be started"}
        _take_back(table, order_id=order_id, team=team, failure=failure)
        raise WorkflowNotStarted(f"workflow_not_started:{code}") from None
    # As a later read shows it (DynamoDB keeps numbers, not their spelling: 500.0 reads back 500).
    return public_order(from_dynamo(to_dynamo(order)))


def _checked_entry(body: Any, *, settings: Settings) -> dict[str, Any]:
    try:
        return orders.check_order(body, region=settings.region, account=settings.account)
    except ConfigError as error:
        raise InvalidOrder([str(problem) for problem in problems_of(error)]) from None


def _check_name_free(entry: dict[str, Any], *, settings: Settings, clients: Clients) -> None:
    document = read_teams_document(
        s3=clients.s3, bucket=settings.teams_bucket, key=settings.teams_file_key, path=settings.teams_file_path
    )
    try:
        orders.check_not_taken(entry, document, region=settings.region, account=settings.account)
    except ConfigError as error:
        raise TeamTaken("team_in_teams_file", str(error)) from None


def _requester_email(caller: Caller, *, settings: Settings, clients: Clients) -> str | None:
    # Without an address the order still goes ahead: the requester follows it through the API.
    try:
        return verified_email(cognito=clients.cognito, user_pool_id=settings.user_pool_id, username=caller.username)
    except (ClientError, BotoCoreError) as error:
        logger.warning("requester e-mail not read", error=error_code(error) or type(error).__name__)
        return None


def _subscribe(email: str, *, settings: Settings, clients: Clients) -> None:
    try:
        subscribe_to_updates(sns=clients.sns, topic_arn=settings.updates_topic_arn, email=email)
    except (ClientError, BotoCoreError) as error:
        logger.warning("requester not subscribed to updates", error=error_code(error) or type(error).__name__)


def _take_back(table: OrdersTable, *, order_id: str, team: str, failure: dict[str, str]) -> None:
    try:
        table.mark_failed(order_id=order_id, failure=failure, at=now_iso())
        table.release_team(team=team, order_id=order_id)
    except (ClientError, BotoCoreError):
        # The order stays SUBMITTED and holds its name until an operator clears it; say so loudly.
        logger.error("submission not rolled back", exc_info=True)
