"""API Gateway proxy responses: JSON body, no caching, CORS only for configured origins."""

from __future__ import annotations

import json
from collections.abc import Collection


def json_response(
    *,
    status: int,
    body: dict[str, str],
    origin: str | None,
    allowed_origins: Collection[str],
    retry_after_seconds: int | None = None,
) -> dict[str, object]:
    headers = {
        "Content-Type": "application/json",
        # The body may hold a one-time login URL: no browser or proxy may keep it.
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        # The answer depends on Origin; shared caches must not mix them up.
        "Vary": "Origin",
    }
    if origin is not None and origin in allowed_origins:
        headers["Access-Control-Allow-Origin"] = origin
    if retry_after_seconds is not None:
        headers["Retry-After"] = str(retry_after_seconds)
    return {"statusCode": status, "headers": headers, "body": json.dumps(body)}
