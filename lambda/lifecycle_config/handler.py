"""Custom resource (Provider framework) for one Studio lifecycle configuration.

SageMaker lifecycle configs are immutable and the name carries a hash of the content, so:
Create makes the config (an existing one with the same content is adopted); Update with a new
name creates the new config and returns the new physical id, after which CloudFormation deletes
the old one once the domain has switched; Delete removes it, waiting a while if it is still
attached somewhere. Returns {"PhysicalResourceId": <name>, "Data": {"Arn": <arn>}}.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from lifecycle_config_api import (
    ConfigExists,
    ConfigInUse,
    ConfigNotFound,
    create_config,
    delete_config,
    describe_config,
)

APP_TYPES = ("JupyterLab", "CodeEditor", "KernelGateway", "JupyterServer")
NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
MAX_CONTENT_BASE64 = 16384
# Waits between DeleteStudioLifecycleConfig attempts while the config is still attached
# (a domain update that detaches it may still be settling): about 2.5 minutes in all.
DELETE_RETRY_DELAYS_SECONDS = (5.0, 10.0, 20.0, 40.0, 60.0)
# Never start a wait the Lambda timeout would cut short: the failure message must get out.
RESERVE_SECONDS = 15.0

log = logging.getLogger("lifecycle_config")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(),
            "level": record.levelname,
            "action": record.getMessage(),
        }
        return json.dumps({**line, **getattr(record, "fields", {})}, default=str)


def _configure_logging() -> None:
    if not any(isinstance(handler.formatter, JsonFormatter) for handler in log.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def log_action(action: str, **fields: Any) -> None:
    log.info(action, extra={"fields": fields})


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
    return existing.arn


def existing_or_new(client: Any, spec: ConfigSpec) -> str:
    try:
        return describe_config(client, name=spec.name).arn
    except ConfigNotFound:
        return ensure_config(client, spec)


def remove_config(
    client: Any, name: str, *, sleep: Callable[[float], None], seconds_left: Callable[[], float]
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
                raise RuntimeError(
                    f"lifecycle config {name} is still attached to a domain, user profile or space after "
                    f"{attempt} delete attempts ({in_use}); detach it and retry the stack operation"
                ) from None
            log_action("delete_in_use_retry", name=name, attempt=attempt, wait_seconds=delay)
            sleep(delay)


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


_client: Any = None


def _sagemaker_client() -> Any:
    global _client
    if _client is None:
        import boto3
        from botocore.config import Config

        _client = boto3.client(
            "sagemaker", config=Config(connect_timeout=5, read_timeout=20, retries={"mode": "standard"})
        )
    return _client


def on_event(event: dict[str, Any], context: Any) -> dict[str, Any]:
    _configure_logging()
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    seconds_left = (lambda: remaining() / 1000.0) if remaining else (lambda: float("inf"))
    try:
        return handle(parse_request(event), client=_sagemaker_client(), seconds_left=seconds_left)
    except Exception as error:
        log.error("failed", extra={"fields": {"error": str(error), "error_type": type(error).__name__}})
        raise
