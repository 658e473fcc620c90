"""API Gateway proxy responses: JSON body, no caching. CORS headers are Powertools' (handler.py)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response, content_types


def json_response(*, status: int, body: dict[str, str], retry_after_seconds: int | None = None) -> Response:
    headers = {
        # The body may hold a one-time login URL: no browser or proxy may keep it.
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        # The answer depends on Origin (CORS); shared caches must not mix them up.
        "Vary": "Origin",
    }
    if retry_after_seconds is not None:
        headers["Retry-After"] = str(retry_after_seconds)
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body, headers=headers)
