"""Lists of orders, one page at a time, newest first where an index orders them.

The `next` token is DynamoDB's LastEvaluatedKey as base64url JSON: opaque to clients, checked
on its way back (the key names of the listing, string values, and the listing's own fixed key
value), so a crafted token can neither reach another listing nor fail inside DynamoDB.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from orders_api.errors import InvalidPage
from orders_api.views import from_dynamo, public_order, to_dynamo
from studio_runtime.order_records import (
    CREATED_AT,
    ORDER_SORT,
    PARTITION_KEY,
    REQUESTER_INDEX,
    SORT_KEY,
    STATUS_INDEX,
    Attribute,
)

TOKEN_MAX = 2048
_TABLE_KEYS = (PARTITION_KEY, SORT_KEY)


@dataclass(frozen=True)
class Page:
    orders: list[dict[str, Any]]
    next: str | None

    def body(self) -> dict[str, Any]:
        return {"orders": self.orders, "next": self.next}


class OrderListing:
    def __init__(self, *, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def by_requester(self, *, requester: str, limit: int, token: str | None) -> Page:
        """One requester's orders (REQUESTER_INDEX), newest first."""
        return self._query(index=REQUESTER_INDEX, key=Attribute.REQUESTER, value=requester, limit=limit, token=token)

    def by_status(self, *, status: str, limit: int, token: str | None) -> Page:
        """The orders in one status (STATUS_INDEX), newest first."""
        return self._query(index=STATUS_INDEX, key=Attribute.STATUS, value=status, limit=limit, token=token)

    def every_order(self, *, limit: int, token: str | None) -> Page:
        """All orders in table order. A page may hold fewer than `limit` (the filter drops the
        history and team items after reading them): follow `next` until it is null."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "Limit": limit,
            "FilterExpression": "#sk = :order",
            "ExpressionAttributeNames": {"#sk": SORT_KEY},
            "ExpressionAttributeValues": to_dynamo({":order": ORDER_SORT}),
        }
        if token is not None:
            request["ExclusiveStartKey"] = decode_token(token, names=_TABLE_KEYS, fixed={})
        return _page(self._client.scan(**request))

    def _query(self, *, index: str, key: str, value: str, limit: int, token: str | None) -> Page:
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": "#key = :value",
            "ExpressionAttributeNames": {"#key": key},
            "ExpressionAttributeValues": to_dynamo({":value": value}),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if token is not None:
            names = (*_TABLE_KEYS, key, CREATED_AT)
            # An index holds only orders (history and team items lack its key), so a key from
            # this listing names an order of this requester or status.
            fixed = {SORT_KEY: ORDER_SORT, key: value}
            request["ExclusiveStartKey"] = decode_token(token, names=names, fixed=fixed)
        return _page(self._client.query(**request))


def encode_token(last_key: dict[str, Any]) -> str:
    text = json.dumps(last_key, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def decode_token(token: str, *, names: tuple[str, ...], fixed: dict[str, str]) -> dict[str, Any]:
    """The ExclusiveStartKey a token stands for, or InvalidPage."""
    if not token or len(token) > TOKEN_MAX:
        raise InvalidPage("token_size")
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8"))
    except (ValueError, binascii.Error):
        raise InvalidPage("token_not_json") from None
    if not isinstance(decoded, dict) or set(decoded) != set(names):
        raise InvalidPage("token_keys")
    for value in decoded.values():
        if not (isinstance(value, dict) and set(value) == {"S"} and isinstance(value["S"], str) and value["S"]):
            raise InvalidPage("token_value")
    if any(decoded[name]["S"] != value for name, value in fixed.items()):
        raise InvalidPage("token_of_another_listing")
    return decoded


def _page(response: dict[str, Any]) -> Page:
    orders = [public_order(from_dynamo(item)) for item in response.get("Items", [])]
    last_key = response.get("LastEvaluatedKey")
    return Page(orders=orders, next=encode_token(last_key) if last_key else None)
