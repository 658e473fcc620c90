"""API Gateway proxy responses: JSON body, never cached (an order names people and budgets)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types


def json_response(*, status: int, body: dict[str, Any], retry_after_seconds: int | None = None) -> Response:
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    if retry_after_seconds is not None:
        headers["Retry-After"] = str(retry_after_seconds)
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body, headers=headers)
