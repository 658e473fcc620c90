"""PreSignUrlGenerator: `GET /domainName/{domainName}/getPresignedUrl` -> a SageMaker Studio login URL.

API Gateway REST proxy integration behind a Cognito user-pool authorizer (access token).
The caller must be in the Cognito group named exactly like the domain; the user profile is
derived from the Cognito identity, created on first login, and owned via a CognitoSub tag.

Responses: 200 {"url"}; errors {"message"} with 400 bad domain name, 401 no identity,
403 not a member / profile of someone else, 404 unknown or not InService domain,
429 AWS throttling, 502 other AWS error, 503 AWS unreachable / profile not ready, 500 otherwise.

Environment variables (all optional):
  URL_EXPIRES_SECONDS            ExpiresInSeconds of the URL, default 60, clamped to 5..300
  SESSION_DURATION_SECONDS       Studio session length, default 28800, clamped to 1800..43200
  LANDING_URI                    default "studio::" (e.g. "app:JupyterLab:")
  ALLOWED_ORIGINS                comma list of exact origins echoed in Access-Control-Allow-Origin;
                                 default none (no CORS header)
  DOMAIN_CACHE_TTL_SECONDS       name->id cache lifetime in the warm container, default 300 (0..3600)
  PROFILE_READY_TIMEOUT_SECONDS  wait for a new profile to be InService, default 12 (0..15)
  PROFILE_POLL_INTERVAL_SECONDS  DescribeUserProfile poll interval while waiting, default 1 (0.1..5)
  LOG_LEVEL                      default INFO
  AWS_REGION                     set by the Lambda runtime
"""

from __future__ import annotations

import os
import time
from typing import Any

from presign.config import Settings
from presign.errors import Failure, PresignError, failure_for
from presign.logs import get_logger
from presign.request import api_request_id, authorize, parse_caller, parse_domain_name, request_origin
from presign.responses import json_response
from presign.sagemaker import SageMakerGateway, create_sagemaker_client
from presign.service import Dependencies, Progress, presigned_url

LOGGER = get_logger()
LOG_TEXT_MAX = 128

# Built on first use and kept for the life of the container (one client, one domain cache).
_container: Dependencies | None = None


def container() -> Dependencies:
    global _container
    if _container is None:
        _container = Dependencies(
            gateway=SageMakerGateway(create_sagemaker_client()),
            clock=time.monotonic,
            sleep=time.sleep,
        )
    return _container


def _prewarm_in_lambda() -> None:
    # Build the client during Lambda's init phase so the first request does not wait for it.
    # A failure here is not fatal: the first request builds the client again.
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        try:
            container()
        except Exception:  # noqa: BLE001
            LOGGER.warning("client prewarm failed", exc_info=True)


_prewarm_in_lambda()


def handler(event: Any, context: Any) -> dict[str, object]:
    started = time.perf_counter()
    fields: dict[str, object] = {
        "request_id": getattr(context, "aws_request_id", None),
        "api_request_id": _clip(api_request_id(event)),
    }
    progress = Progress()
    settings = Settings()
    try:
        settings = Settings.from_env(os.environ)
        caller = parse_caller(event)
        fields.update(username=_clip(caller.username), sub=_clip(caller.sub))
        domain_name = parse_domain_name(event)
        fields["domain"] = domain_name
        request = authorize(caller=caller, domain_name=domain_name)
        url = presigned_url(
            request=request,
            settings=settings,
            deps=container(),
            remaining_seconds=_remaining_seconds(context),
            progress=progress,
        )
        status, body, reason, retry_after = 200, {"url": url}, "ok", None
    except Exception as error:  # the one place where failures become responses
        failure = failure_for(error)
        _log_unexpected(error, failure, fields)
        status, body, reason = failure.status, {"message": failure.message}, failure.reason
        retry_after = failure.retry_after_seconds
    fields.update(
        status=status,
        reason=reason,
        domain_id=progress.domain_id,
        profile=progress.profile_name,
        latency_ms=round((time.perf_counter() - started) * 1000, 1),
    )
    LOGGER.info("request", extra={"fields": fields})
    return json_response(
        status=status,
        body=body,
        origin=request_origin(event),
        allowed_origins=settings.allowed_origins,
        retry_after_seconds=retry_after,
    )


def _log_unexpected(error: Exception, failure: Failure, fields: dict[str, object]) -> None:
    if isinstance(error, PresignError) or failure.status < 500 or failure.status == 503:
        return
    # Defects and unexplained AWS errors: keep the traceback in the logs, never in the body.
    LOGGER.error("request failed", exc_info=error, extra={"fields": dict(fields, reason=failure.reason)})


def _remaining_seconds(context: Any) -> float | None:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(remaining):
        return None
    try:
        return float(remaining()) / 1000
    except (TypeError, ValueError):
        return None


def _clip(value: object) -> str | None:
    # Identity fields come from the token; bound their size in the log line.
    return None if value is None else str(value)[:LOG_TEXT_MAX]
