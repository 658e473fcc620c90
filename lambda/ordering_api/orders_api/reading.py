"""GET /orders and GET /orders/{order_id}: what each caller may see of the orders.

A requester sees their own orders; an approver (also one who is a requester) every order,
optionally those in one status. Anyone else is refused.
"""

from __future__ import annotations

from typing import Any

from orders_api.access import is_approver, require_platform_user, require_visible
from orders_api.config import Settings
from orders_api.errors import InvalidStatus
from orders_api.pages import OrderListing, Page
from orders_api.request import page_size, valid_order_id
from orders_api.service import Clients, RequestState
from orders_api.store import OrdersTable
from orders_api.views import public_event, public_order
from studio_runtime.api_caller import Caller
from studio_runtime.order_records import Attribute, Event, Status

STATUSES = frozenset(value for name, value in vars(Status).items() if name.isupper())


def list_orders(
    *,
    caller: Caller,
    status: str | None,
    limit: str | None,
    token: str | None,
    settings: Settings,
    clients: Clients,
) -> Page:
    """One page of the orders the caller may see. `status` filters the approver's view only."""
    require_platform_user(caller)
    size = page_size(limit)
    listing = OrderListing(client=clients.dynamodb, table_name=settings.orders_table)
    if not is_approver(caller):
        return listing.by_requester(requester=caller.username, limit=size, token=token)
    if status is None:
        return listing.every_order(limit=size, token=token)
    if status not in STATUSES:
        raise InvalidStatus("status_unknown", f"Unknown order status; one of: {', '.join(sorted(STATUSES))}")
    return listing.by_status(status=status, limit=size, token=token)


def get_order(
    *, caller: Caller, raw_order_id: object, settings: Settings, clients: Clients, state: RequestState
) -> dict[str, Any]:
    """The order's public view with its history, oldest event first."""
    require_platform_user(caller)
    order_id = valid_order_id(raw_order_id)
    state.order_id = order_id
    table = OrdersTable(client=clients.dynamodb, table_name=settings.orders_table)
    order = require_visible(caller, table.get_order(order_id))
    state.team = order.get(Attribute.TEAM)
    history = sorted((public_event(event) for event in table.history(order_id)), key=lambda event: (event.get(Event.AT) or "", event["step"]))
    return {**public_order(order), "history": history}
