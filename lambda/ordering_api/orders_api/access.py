"""Who may do what: the authorization rules of the ordering API, in one place. No AWS here.

Requesters (names.REQUESTERS_GROUP) order teams and see their own orders; approvers
(names.APPROVERS_GROUP) see every order and decide them, never their own (four eyes). A user
in both groups has both rights. Anyone else is refused, whatever they ask.
"""

from __future__ import annotations

from typing import Any

from orders_api.errors import Forbidden, NotAnApprover, NotARequester, OrderNotFound, OwnOrder
from studio_platform.names import APPROVERS_GROUP, REQUESTERS_GROUP
from studio_runtime.api_caller import Caller
from studio_runtime.order_records import Attribute


def is_requester(caller: Caller) -> bool:
    return REQUESTERS_GROUP in caller.groups


def is_approver(caller: Caller) -> bool:
    return APPROVERS_GROUP in caller.groups


def require_requester(caller: Caller) -> None:
    if not is_requester(caller):
        raise NotARequester("not_in_requesters_group")


def require_approver(caller: Caller) -> None:
    if not is_approver(caller):
        raise NotAnApprover("not_in_approvers_group")


def require_platform_user(caller: Caller) -> None:
    """Reading orders needs one of the two groups."""
    if not (is_requester(caller) or is_approver(caller)):
        raise Forbidden("in_no_platform_group")


def require_visible(caller: Caller, order: dict[str, Any] | None) -> dict[str, Any]:
    """The order if the caller may see it. Another's order is 'not found', like a missing one,
    so a requester cannot probe which ids exist."""
    if order is None:
        raise OrderNotFound("order_missing")
    if not is_approver(caller) and order.get(Attribute.REQUESTER) != caller.username:
        raise OrderNotFound("order_of_another_requester")
    return order


def require_not_own(caller: Caller, order: dict[str, Any]) -> None:
    if order.get(Attribute.REQUESTER) == caller.username:
        raise OwnOrder("approver_is_requester")
