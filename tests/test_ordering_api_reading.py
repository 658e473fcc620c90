"""GET /orders and GET /orders/{id}: pages that round-trip, tokens that cannot be bent, and the
error mapping (401 claims, 404 route, 429 / 502 / 500 from AWS and defects)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from stubbed_client import stubbed_client
from test_ordering_api import REGION, api_event, handler_module, order_body, world  # noqa: F401  (fixture)
from lambda_context import LambdaContext

from studio_runtime.contracts.ordering_api import Environment


def all_pages(world, role, query=None, limit=2):
    """Every order of a listing, following `next`; and how many pages it took."""
    seen, token, pages = [], None, 0
    while True:
        status, answer = world.call(role, "GET", "/orders", query={**(query or {}), "limit": str(limit),
                                                                   **({"next": token} if token else {})})
        assert status == 200, answer
        assert len(answer["orders"]) <= limit
        seen += answer["orders"]
        pages += 1
        token = answer["next"]
        if token is None:
            return seen, pages


@pytest.fixture
def five_orders(world):
    """alice orders five teams (newest last), erin one."""
    mine = [world.call("requester", "POST", "/orders", body=order_body(f"team-{n}"))[1]["order"] for n in range(5)]
    theirs = world.call("other", "POST", "/orders", body=order_body("team-erin"))[1]["order"]
    return world, mine, theirs


def test_a_requesters_pages_hold_their_own_orders_newest_first(five_orders):
    world, mine, _theirs = five_orders
    seen, pages = all_pages(world, "requester")
    assert [order["order_id"] for order in seen] == [order["order_id"] for order in sorted(
        mine, key=lambda order: order["created_at"], reverse=True)]
    assert pages >= 3 and len({order["order_id"] for order in seen}) == 5


def test_an_approvers_pages_hold_every_order_once(five_orders):
    world, mine, theirs = five_orders
    everything, _ = all_pages(world, "approver")
    submitted, _ = all_pages(world, "both", {"status": "SUBMITTED"})
    expected = sorted(order["order_id"] for order in [*mine, theirs])
    assert sorted(order["order_id"] for order in everything) == expected
    assert sorted(order["order_id"] for order in submitted) == expected
    assert all_pages(world, "approver", {"status": "READY"}) == ([], 1)


def test_the_default_page_holds_fifty(five_orders):
    world, _mine, _theirs = five_orders
    status, answer = world.call("requester", "GET", "/orders")
    assert status == 200 and len(answer["orders"]) == 5 and answer["next"] is None


@pytest.mark.parametrize(("query", "code"), [
    ({"limit": "0"}, "invalid_limit"), ({"limit": "101"}, "invalid_limit"), ({"limit": "ten"}, "invalid_limit"),
    ({"limit": "²"}, "invalid_limit"), ({"next": "!!!"}, "invalid_page"), ({"next": "e30"}, "invalid_page"),
    ({"next": "x" * 3000}, "invalid_page"),
])
def test_bad_page_parameters_are_refused(world, query, code):
    assert world.call("approver", "GET", "/orders", query=query)[1]["code"] == code


def test_an_unknown_status_is_refused_with_the_known_ones(world):
    status, answer = world.call("approver", "GET", "/orders", query={"status": "DONE"})
    assert (status, answer["code"]) == (400, "invalid_status") and "AWAITING_APPROVAL" in answer["message"]


def test_a_token_from_another_listing_is_refused(five_orders):
    world, _mine, _theirs = five_orders
    alices_next = world.call("requester", "GET", "/orders", query={"limit": "1"})[1]["next"]
    status_next = world.call("approver", "GET", "/orders", query={"limit": "1", "status": "SUBMITTED"})[1]["next"]

    assert world.call("other", "GET", "/orders", query={"next": alices_next})[1]["code"] == "invalid_page"
    assert world.call("approver", "GET", "/orders", query={"status": "READY", "next": status_next})[1]["code"] == \
        "invalid_page"
    assert world.call("approver", "GET", "/orders", query={"next": status_next})[1]["code"] == "invalid_page"


def test_a_missing_order_and_a_bad_id(world):
    assert world.call("approver", "GET", "/orders/abcdef00-1111-4222-8333-444455556666") == (
        404, {"message": "Order not found", "code": "order_not_found"})
    assert world.call("approver", "GET", "/orders/abc")[1]["code"] == "invalid_order_id"


@pytest.mark.parametrize(("claims", "reason"), [
    (None, "claims_missing"),
    ({"sub": "s"}, "username_missing"),
    ({"username": "", "sub": "s"}, "username_missing"),
    ({"username": "a" * 129, "sub": "s"}, "username_missing"),
    ({"username": 7, "sub": "s"}, "username_missing"),
    ({"username": "alice"}, "sub_missing"),
    ({"username": "alice", "sub": "s" * 129}, "sub_missing"),
])
def test_claims_without_a_usable_identity_are_unauthorized(world, claims, reason, capsys):
    event = api_event("approver", "GET", "/orders")
    event["requestContext"]["authorizer"] = (
        {} if claims is None else {"claims": {**claims, "cognito:groups": "platform-admins"}}
    )
    response = handler_module.handler(event, LambdaContext())
    assert (response["statusCode"], json.loads(response["body"])["code"]) == (401, "unauthorized")
    assert json.loads(capsys.readouterr().out)["reason"] == reason


@pytest.mark.parametrize(("method", "path"), [("DELETE", "/orders"), ("GET", "/teams"), ("PUT", "/orders/x")])
def test_other_routes_are_not_found(world, method, path):
    assert world.call("approver", method, path) == (404, {"message": "Not found", "code": "route_not_found"})


def test_an_event_without_a_route_is_not_found(world):
    response = handler_module.handler({"requestContext": {}}, LambdaContext())
    assert response["statusCode"] == 404


@pytest.mark.parametrize(("code", "status", "answer"), [
    ("ProvisionedThroughputExceededException", 429, "throttled"),
    ("AccessDeniedException", 502, "upstream_error"),
])
def test_aws_failures_are_mapped_and_say_nothing_of_aws(world, monkeypatch, code, status, answer):
    with stubbed_client("dynamodb", REGION) as (client, stubber):
        stubber.add_client_error("query", service_error_code=code, service_message="arn:aws:dynamodb:secret-detail")
        monkeypatch.setattr(handler_module, "_clients", dataclasses.replace(world.clients, dynamodb=client))
        response = handler_module.handler(api_event("requester", "GET", "/orders"), LambdaContext())
    body = json.loads(response["body"])
    assert (response["statusCode"], body["code"]) == (status, answer) and "secret" not in response["body"]
    assert ("Retry-After" in response["multiValueHeaders"]) == (status == 429)


def test_a_missing_setting_is_an_internal_error(world, monkeypatch):
    monkeypatch.delenv(Environment.ORDERS_TABLE)
    assert world.call("requester", "GET", "/orders") == (500, {"message": "Internal error", "code": "internal_error"})
