"""The parts of an API Gateway REST proxy event the routes read, parsed into typed values."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Mapping
from typing import Any

from orders_api.errors import InvalidJson, InvalidLimit, InvalidOrderId, InvalidReason, ReasonRequired, Unauthorized
from studio_runtime.api_caller import Caller, CallerMissing, parse_caller

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
REASON_MAX = 1000


def caller_of(event: object) -> Caller:
    """The authenticated caller, or Unauthorized (the authorizer let a request through without claims)."""
    try:
        return parse_caller(event)
    except CallerMissing as missing:
        raise Unauthorized(missing.reason) from None


def path_order_id(event: object, routed: str) -> object:
    """API Gateway's decoded path parameter (the route's raw segment for a direct invoke)."""
    parameters = event.get("pathParameters") if isinstance(event, Mapping) else None
    return parameters.get("order_id") if isinstance(parameters, Mapping) else routed


def valid_order_id(raw: object) -> str:
    """`raw` if it is a UUID in the one form this API issues (str(uuid4())): one order, one key."""
    try:
        parsed = uuid.UUID(raw) if isinstance(raw, str) else None
    except ValueError:
        parsed = None
    if parsed is None or str(parsed) != raw:
        raise InvalidOrderId("order_id_invalid")
    return raw


def json_body(event: object) -> Any:
    """The body as JSON (None when there is none); InvalidJson for anything else."""
    body = event.get("body") if isinstance(event, Mapping) else None
    if body is None or body == "":
        return None
    if not isinstance(body, str):
        raise InvalidJson("body_not_text")
    try:
        text = base64.b64decode(body, validate=True).decode("utf-8") if event.get("isBase64Encoded") else body
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except (ValueError, binascii.Error, RecursionError):
        raise InvalidJson("body_not_json") from None


def decision_reason(body: Any, *, required: bool) -> str | None:
    """The optional {"reason"} of an approval, the required one of a rejection (stripped)."""
    if body is not None and not isinstance(body, dict):
        raise InvalidJson("body_not_object")
    raw = (body or {}).get("reason")
    problem = ReasonRequired if required else InvalidReason
    if raw is None:
        if required:
            raise ReasonRequired("reason_missing")
        return None
    if not isinstance(raw, str) or len(raw.strip()) > REASON_MAX:
        raise problem("reason_invalid")
    reason = raw.strip()
    if required and not reason:
        raise ReasonRequired("reason_blank")
    return reason or None


def query_parameter(event: object, name: str) -> str | None:
    parameters = event.get("queryStringParameters") if isinstance(event, Mapping) else None
    value = parameters.get(name) if isinstance(parameters, Mapping) else None
    return value if isinstance(value, str) else None


def page_size(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PAGE_SIZE
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise InvalidLimit("limit_invalid")
    return int(raw)


def api_url(event: object) -> str:
    """The API's base URL as the caller reached it, for the links in the approvers' e-mail."""
    context = event.get("requestContext") if isinstance(event, Mapping) else None
    context = context if isinstance(context, Mapping) else {}
    return f"https://{context.get('domainName', '')}/{context.get('stage', '')}"


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A key given twice is ambiguous (json keeps the last one silently): refuse it.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")
