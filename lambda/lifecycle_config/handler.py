"""Custom resource (Provider framework) for one Studio lifecycle configuration.

SageMaker lifecycle configs are immutable and the name carries a hash of the content, so:
Create makes the config (an existing one with the same content is adopted, and loses any
deferred-deletion mark); Update with a new name creates the new config and returns the new
physical id, after which CloudFormation deletes the old one once the domain has switched.
Delete removes it. SageMaker refuses while a running app or a domain/profile/space setting
still uses the config: after a short bounded retry, Delete tags the config for deferred
deletion and succeeds, and the scheduled sweeper (sweeper.py) deletes it once unused, so a
running app never fails a stack update. Returns {"PhysicalResourceId": <name>, "Data": {"Arn": <arn>}}.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from json_log import configure_logging, log, log_action
from lifecycle_config_api import (
    ConfigExists,
    ConfigInUse,
    ConfigNotFound,
    clear_deletion_mark,
    create_config,
    delete_config,
    describe_config,
    mark_for_deletion,
    sagemaker_client,
)

APP_TYPES = ("JupyterLab", "CodeEditor", "KernelGateway", "JupyterServer")
NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
MAX_CONTENT_BASE64 = 16384
# Waits between DeleteStudioLifecycleConfig attempts while the config is still attached: a
# domain update that detaches it often settles within seconds. About 35 s in all; a config a
# running app still uses is then left to the sweeper rather than failing the stack.
DELETE_RETRY_DELAYS_SECONDS = (5.0, 10.0, 20.0)
# Never start a wait the Lambda timeout would cut short: the mark (two calls) must still fit.
RESERVE_SECONDS = 30.0


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class RequestError(ValueError):
    """The custom resource was given properties it cannot work with."""


@dataclass(frozen=True)
class ConfigSpec:
    name: str
    app_type: str
    content_base64: str
    tags: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Request:
    request_type: str
    spec: ConfigSpec | None
    physical_resource_id: str | None


def parse_spec(properties: dict[str, Any]) -> ConfigSpec:
    name = str(properties.get("ConfigName", ""))
    app_type = str(properties.get("AppType", ""))
    content = str(properties.get("ContentBase64", ""))
    if not NAME_PATTERN.match(name):
        raise RequestError(f"ConfigName {name!r} does not match {NAME_PATTERN.pattern}")
    if app_type not in APP_TYPES:
        raise RequestError(f"AppType {app_type!r} must be one of {', '.join(APP_TYPES)}")
    if not 0 < len(content) <= MAX_CONTENT_BASE64:
        raise RequestError(f"ContentBase64 of {name} is {len(content)} characters; 1..{MAX_CONTENT_BASE64} allowed")
    raw_tags = properties.get("Tags") or []
    if not isinstance(raw_tags, list) or not all(isinstance(t, dict) and "Key" in t for t in raw_tags):
        raise RequestError("Tags must be a list of {Key, Value} objects")
    tags = tuple((str(tag["Key"]), str(tag.get("Value", ""))) for tag in raw_tags)
    return ConfigSpec(name=name, app_type=app_type, content_base64=content, tags=tags)


def parse_request(event: dict[str, Any]) -> Request:
    request_type = event.get("RequestType")
    if request_type not in ("Create", "Update", "Delete"):
        raise RequestError(f"unknown RequestType {request_type!r}")
    # A Delete must work even when the properties are broken: it needs the physical id only.
    spec = None if request_type == "Delete" else parse_spec(event.get("ResourceProperties") or {})
    return Request(request_type=request_type, spec=spec, physical_resource_id=event.get("PhysicalResourceId"))


def ensure_config(client: Any, spec: ConfigSpec) -> str:
    """The ARN of a config named spec.name with spec's content, creating it unless it exists."""
    try:
        arn = create_config(
            client,
            name=spec.name,
            app_type=spec.app_type,
            content_base64=spec.content_base64,
            tags=[{"Key": key, "Value": value} for key, value in spec.tags],
        )
        log_action("created", name=spec.name, app_type=spec.app_type, content_chars=len(spec.content_base64))
        return arn
    except ConfigExists:
        pass
    existing = describe_config(client, name=spec.name)
    if existing.content_base64 != spec.content_base64 or existing.app_type != spec.app_type:
        raise RequestError(
            f"lifecycle config {spec.name} exists with a different content or app type; "
            "its name should carry the content hash, so delete the stray config or change the name"
        )
    log_action("adopted_existing", name=spec.name, app_type=spec.app_type)
    keep(client, spec.name, existing.arn)
    return existing.arn


def existing_or_new(client: Any, spec: ConfigSpec) -> str:
    try:
        arn = describe_config(client, name=spec.name).arn
    except ConfigNotFound:
        return ensure_config(client, spec)
    keep(client, spec.name, arn)
    return arn


def keep(client: Any, name: str, arn: str) -> None:
    """A config marked for deferred deletion (a reverted script brings its old name back) is
    needed again: unmark it before the domain switches to it, or the sweeper would delete it."""
    if clear_deletion_mark(client, arn=arn):
        log_action("deletion_mark_cleared", name=name)


def remove_config(
    client: Any,
    name: str,
    *,
    sleep: Callable[[float], None],
    seconds_left: Callable[[], float],
) -> None:
    if not NAME_PATTERN.match(name):
        # Not a name this resource could have created (e.g. the id of a failed create).
        log_action("delete_skipped", physical_resource_id=name, reason="not a lifecycle config name")
        return
    for attempt, delay in enumerate((*DELETE_RETRY_DELAYS_SECONDS, None), start=1):
        try:
            delete_config(client, name=name)
            log_action("deleted", name=name, attempt=attempt)
            return
        except ConfigNotFound:
            log_action("already_deleted", name=name)
            return
        except ConfigInUse as in_use:
            if delay is None or seconds_left() < delay + RESERVE_SECONDS:
                defer_deletion(client, name, attempts=attempt, reason=str(in_use))
                return
            log_action("delete_in_use_retry", name=name, attempt=attempt, wait_seconds=delay)
            sleep(delay)


def defer_deletion(client: Any, name: str, *, attempts: int, reason: str) -> None:
    marked_at = utc_now().strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        mark_for_deletion(client, name=name, marked_at=marked_at)
    except ConfigNotFound:
        log_action("already_deleted", name=name)
        return
    log_action("deletion_deferred", name=name, attempts=attempts, marked_at=marked_at, in_use=reason)


def handle(
    request: Request,
    *,
    client: Any,
    sleep: Callable[[float], None] = time.sleep,
    seconds_left: Callable[[], float] = lambda: float("inf"),
) -> dict[str, Any]:
    log_action("request", request_type=request.request_type, physical_resource_id=request.physical_resource_id)
    if request.request_type == "Delete":
        remove_config(client, request.physical_resource_id or "", sleep=sleep, seconds_left=seconds_left)
        return {"PhysicalResourceId": request.physical_resource_id}
    spec = request.spec
    assert spec is not None  # parse_request sets it for Create and Update
    if request.request_type == "Update" and request.physical_resource_id == spec.name:
        arn = existing_or_new(client, spec)
    else:
        # Create, or Update to a new name: CloudFormation deletes the old id after the switch.
        arn = ensure_config(client, spec)
    return {"PhysicalResourceId": spec.name, "Data": {"Arn": arn}}


def on_event(event: dict[str, Any], context: Any) -> dict[str, Any]:
    configure_logging()
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    seconds_left = (lambda: remaining() / 1000.0) if remaining else (lambda: float("inf"))
    try:
        return handle(parse_request(event), client=sagemaker_client(), seconds_left=seconds_left)
    except Exception as error:
        log.error("failed", extra={"fields": {"error": str(error), "error_type": type(error).__name__}})
        raise
