"""PreSignUrlGenerator: `GET /domainName/{domainName}/getPresignedUrl` -> a SageMaker Studio login URL.

API Gateway REST proxy integration behind a Cognito user-pool authorizer (access token), served
by Powertools' REST resolver. The caller must be in the Cognito group named exactly like the
domain; the user profile is derived from the Cognito identity, created on first login, and
owned via a CognitoSub tag.

Responses: 200 {"url"}; errors {"message", "code"} (codes in presign/errors.py): 400
invalid_domain_name, 401 unauthorized, 403 not_a_member / profile_owned_by_other, 404
domain_not_found, 429 throttled, 502 upstream_error, 503 unavailable / profile_not_ready,
500 internal_error.

Environment variables (names in studio_runtime/contracts/presign.py; all optional):
  URL_EXPIRES_SECONDS            ExpiresInSeconds of the URL, default 60, clamped to 5..300
  SESSION_DURATION_SECONDS       Studio session length, default 28800, clamped to 1800..43200
  LANDING_URI                    default "studio::" (e.g. "app:JupyterLab:")
  ALLOWED_ORIGINS                comma list of exact origins echoed in Access-Control-Allow-Origin;
                                 default none (no CORS header)
  DOMAIN_CACHE_TTL_SECONDS       name->id cache lifetime in the warm container, default 300 (0..3600)
  PROFILE_CACHE_TTL_SECONDS      how long a verified profile skips DescribeUserProfile/ListTags,
                                 default 300 (0..3600, 0 = verify on every request)
  PROFILE_READY_TIMEOUT_SECONDS  wait for a new profile to be InService, default 12 (0..15)
  PROFILE_POLL_INTERVAL_SECONDS  DescribeUserProfile poll interval while waiting, default 1 (0.1..5)
  POWERTOOLS_LOG_LEVEL           default INFO
  AWS_REGION                     set by the Lambda runtime
"""

from __future__ import annotations

import functools
import os
import time
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.logging import correlation_paths

from presign.config import Settings
from presign.errors import Failure, PresignError, failure_for
from presign.request import ROUTE_RULE, authorize, parse_caller, parse_domain_name, routable_event
from presign.responses import json_response
from presign.sagemaker import SageMakerGateway, create_sagemaker_client
from presign.service import Dependencies, RequestState, presigned_url
from studio_runtime.contracts.presign import CODE_DIR
from studio_runtime.lambda_time import seconds_left
from studio_runtime.log import service_logger

logger = service_logger(CODE_DIR)

# Built on first use and kept for the life of the container (one client, the domain and profile caches).
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
            logger.warning("client prewarm failed", exc_info=True)


_prewarm_in_lambda()


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False, clear_state=True
)
def handler(event: Any, context: Any) -> dict[str, Any]:
    started = time.perf_counter()
    settings = Settings.from_env(os.environ)
    state = RequestState(settings=settings, seconds_left=seconds_left(context))
    app = resolver(settings.allowed_origins)
    app.append_context(state=state)
    response = app.resolve(routable_event(event), context)
    # The one line per request. username, sub and domain were appended as they became known;
    # none of them can carry more than 128 characters (presign/request.py refuses longer ones).
    logger.info(
        "request",
        status=response["statusCode"],
        reason=state.reason,
        domain_id=state.progress.domain_id,
        profile=state.progress.profile_name,
        profile_cache=state.progress.profile_cache,
        latency_ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return response


@functools.lru_cache(maxsize=2)
def resolver(allowed_origins: frozenset[str]) -> APIGatewayRestResolver:
    """The API for one set of allowed origins: in Lambda one per container, whose environment is fixed."""
    # debug stays off whatever POWERTOOLS_DEV says: debug prints the event (bearer token) and
    # puts tracebacks into response bodies.
    app = APIGatewayRestResolver(cors=_cors(allowed_origins), debug=False)

    @app.get(ROUTE_RULE)
    def get_presigned_url(**_route_segments: str) -> Response:
        # The domain name is API Gateway's decoded pathParameters.domainName (presign/request.py),
        # not the raw path segment the route matched.
        state: RequestState = app.context["state"]
        event = app.current_event.raw_event
        caller = parse_caller(event)
        logger.append_keys(username=caller.username, sub=caller.sub)
        domain_name = parse_domain_name(event)
        logger.append_keys(domain=domain_name)
        url = presigned_url(
            request=authorize(caller=caller, domain_name=domain_name),
            settings=state.settings,
            deps=container(),
            remaining_seconds=state.seconds_left(),
            progress=state.progress,
        )
        return json_response(status=200, body={"url": url})

    @app.exception_handler(Exception)
    def answer_failure(error: Exception) -> Response:
        # The one place where failures become responses (and the unknown route's 404).
        state: RequestState = app.context["state"]
        failure = failure_for(error)
        state.reason = failure.reason
        _log_unexpected(error, failure)
        return json_response(
            status=failure.status,
            body={"message": failure.message, "code": failure.code},
            retry_after_seconds=failure.retry_after_seconds,
        )

    return app


def _cors(allowed_origins: frozenset[str]) -> CORSConfig | None:
    """Access-Control-Allow-Origin echoed for these exact origins; no CORS header without any."""
    if not allowed_origins:
        return None
    first, *others = sorted(allowed_origins)
    # The login page waits as long as Retry-After says (throttled, profile not ready); a browser
    # shows a cross-origin response's header to the page only when it is exposed.
    return CORSConfig(allow_origin=first, extra_origins=others, expose_headers=["Retry-After"])


def _log_unexpected(error: Exception, failure: Failure) -> None:
    if isinstance(error, PresignError) or failure.status < 500 or failure.status == 503:
        return
    # Defects and unexplained AWS errors: keep the traceback in the logs, never in the body.
    logger.error("request failed", exc_info=error, reason=failure.reason)
