"""The ordering API: requesters order a team's Studio domain, approvers decide the orders.

API Gateway REST proxy integration behind a Cognito user-pool authorizer (access token), served
by Powertools' REST resolver. Routes (studio_runtime/contracts/ordering_api.py):
  POST /orders                        requesters: order a team -> 201 {"order"}
  GET  /orders                        requesters: their own; approvers: all, or ?status=
                                      (?limit=1..100, ?next=) -> 200 {"orders", "next"}
  GET  /orders/{order_id}             the order with its "history" (another's: 404 unless approver)
  POST /orders/{order_id}/approve     approvers, not on their own order -> 200 {"order"}
  POST /orders/{order_id}/reject      the same, with {"reason"} -> 200 {"order"}
Errors: {"message", "code"} (codes in orders_api/errors.py; an invalid order adds "problems").
The table and the workflow's input: studio_runtime/order_records.py. A task token never
leaves the table except towards SendTaskSuccess: no response or log line holds one.

Environment variables (names in the contract; all required): ORDERS_TABLE, STATE_MACHINE_ARN,
TEAMS_BUCKET, TEAMS_FILE_KEY, ACCOUNT_ID, USER_POOL_ID, UPDATES_TOPIC_ARN; POWERTOOLS_LOG_LEVEL
(default INFO); AWS_REGION (set by the Lambda runtime).
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths

from orders_api import request
from orders_api.config import Settings
from orders_api.decide import decide_order
from orders_api.errors import Failure, OrderingError, failure_for
from orders_api.reading import get_order, list_orders
from orders_api.responses import json_response
from orders_api.service import Clients, RequestState, create_clients
from orders_api.submit import submit_order
from studio_runtime.api_caller import Caller
from studio_runtime.contracts.ordering_api import (
    APPROVE_RESOURCE,
    CODE_DIR,
    ORDER_RESOURCE,
    ORDERS_RESOURCE,
    REJECT_RESOURCE,
)
from studio_runtime.log import service_logger
from studio_runtime.order_records import Decision

logger = service_logger(CODE_DIR)

# Built on first use and kept for the life of the container; tests put their own here.
_clients: Clients | None = None


def clients() -> Clients:
    global _clients
    if _clients is None:
        _clients = create_clients()
    return _clients


def _rule(resource: str) -> str:
    """API Gateway's {name} path parameter in Powertools' spelling, <name>."""
    return resource.replace("{", "<").replace("}", ">")


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False, clear_state=True
)
def handler(event: Any, context: Any) -> dict[str, Any]:
    started = time.perf_counter()
    state = RequestState()
    app = resolver()
    app.append_context(state=state)
    routed = _routable(event)
    response = app.resolve(routed, context)
    # The one line per request; username and sub were appended once the caller was known.
    logger.info(
        "request",
        method=routed["httpMethod"],
        resource=routed.get("resource"),
        status=response["statusCode"],
        reason=state.reason,
        order_id=state.order_id,
        team=state.team,
        latency_ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return response


@functools.cache
def resolver() -> APIGatewayRestResolver:
    # debug stays off whatever POWERTOOLS_DEV says: debug prints the event (bearer token) and
    # puts tracebacks into response bodies.
    app = APIGatewayRestResolver(debug=False)

    def begin() -> tuple[Caller, RequestState, dict[str, Any]]:
        event = app.current_event.raw_event
        caller = request.caller_of(event)
        logger.append_keys(username=caller.username, sub=caller.sub)
        return caller, app.context["state"], event

    @app.post(ORDERS_RESOURCE)
    def post_order() -> Response:
        caller, state, event = begin()
        order = submit_order(
            caller=caller,
            read_body=lambda: request.json_body(event),
            api_url=request.api_url(event),
            settings=Settings.from_env(os.environ),
            clients=clients(),
            state=state,
        )
        return json_response(status=201, body={"order": order})

    @app.get(ORDERS_RESOURCE)
    def get_orders() -> Response:
        caller, _state, event = begin()
        page = list_orders(
            caller=caller,
            status=request.query_parameter(event, "status"),
            limit=request.query_parameter(event, "limit"),
            token=request.query_parameter(event, "next"),
            settings=Settings.from_env(os.environ),
            clients=clients(),
        )
        return json_response(status=200, body=page.body())

    @app.get(_rule(ORDER_RESOURCE))
    def get_one_order(order_id: str) -> Response:
        caller, state, event = begin()
        order = get_order(
            caller=caller,
            raw_order_id=request.path_order_id(event, order_id),
            settings=Settings.from_env(os.environ),
            clients=clients(),
            state=state,
        )
        return json_response(status=200, body=order)

    def decide(order_id: str, decision: str) -> Response:
        caller, state, event = begin()
        order = decide_order(
            caller=caller,
            raw_order_id=request.path_order_id(event, order_id),
            decision=decision,
            read_body=lambda: request.json_body(event),
            settings=Settings.from_env(os.environ),
            clients=clients(),
            state=state,
        )
        return json_response(status=200, body={"order": order})

    @app.post(_rule(APPROVE_RESOURCE))
    def approve(order_id: str) -> Response:
        return decide(order_id, Decision.APPROVED)

    @app.post(_rule(REJECT_RESOURCE))
    def reject(order_id: str) -> Response:
        return decide(order_id, Decision.REJECTED)

    @app.exception_handler(Exception)
    def answer_failure(error: Exception) -> Response:
        # The one place where failures become responses (and the unknown route's 404).
        state: RequestState = app.context.get("state") or RequestState()
        failure = failure_for(error)
        state.reason = failure.reason
        _log_unexpected(error, failure)
        return json_response(
            status=failure.status, body=failure.body(), retry_after_seconds=failure.retry_after_seconds
        )

    return app


def _routable(event: object) -> dict[str, Any]:
    """The event in the shape the resolver reads. API Gateway always sends a method and a path;
    anything else (a console test event) gets the unknown route's 404, inside the error mapping."""
    routed = dict(event) if isinstance(event, Mapping) else {}
    if not (isinstance(routed.get("httpMethod"), str) and isinstance(routed.get("path"), str)):
        routed.update(httpMethod="GET", path="/")
    headers = routed.pop("headers", None)
    routed.pop("multiValueHeaders", None)
    if isinstance(headers, Mapping):
        routed["headers"] = {name: value for name, value in headers.items() if isinstance(name, str)}
    return routed


def _log_unexpected(error: Exception, failure: Failure) -> None:
    if isinstance(error, OrderingError) or failure.status < 500:
        return
    # Defects and unexplained AWS errors: keep the traceback in the logs, never in the body.
    # (An AWS error that may quote a task token arrives here already stripped: orders_api/workflow.py.)
    logger.error("request failed", exc_info=error, reason=failure.reason)
