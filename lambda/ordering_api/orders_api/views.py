"""Items between DynamoDB's typed form, Python values and what the API shows.

The public view of an order never holds the task token (the one secret on the item: whoever
has it can answer the workflow's approval) nor the table's keys.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from studio_runtime.order_records import EVENT_PREFIX, PARTITION_KEY, SORT_KEY, Attribute

_SERIALIZER = TypeSerializer()
_DESERIALIZER = TypeDeserializer()
_HIDDEN = frozenset({PARTITION_KEY, SORT_KEY, Attribute.TASK_TOKEN})


def now_iso() -> str:
    """ISO-8601 UTC with 'Z', milliseconds: sorts as text in creation order."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_dynamo(item: dict[str, Any]) -> dict[str, Any]:
    """A plain JSON-like dict as DynamoDB attribute values (floats become Decimals, as DynamoDB needs)."""
    decimals = json.loads(json.dumps(item), parse_float=Decimal)
    return {key: _SERIALIZER.serialize(value) for key, value in decimals.items()}


def from_dynamo(item: dict[str, Any]) -> dict[str, Any]:
    """DynamoDB attribute values as plain JSON values (numbers as int or float)."""
    return {key: _plain(_DESERIALIZER.deserialize(value)) for key, value in item.items()}


def public_order(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key not in _HIDDEN}


def public_event(item: dict[str, Any]) -> dict[str, Any]:
    step = str(item.get(SORT_KEY, ""))[len(EVENT_PREFIX) :]
    return {"step": step, **{key: value for key, value in item.items() if key not in _HIDDEN}}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(inner) for inner in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(inner) for inner in value)
    return value
