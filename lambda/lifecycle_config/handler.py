"""Custom resource (Provider framework) for one Studio lifecycle configuration.

SageMaker lifecycle configs are immutable and the name carries a hash of the content, so:
Create makes the config (an existing one with the same content is adopted, and loses any
deferred-deletion mark); Update with a new name creates the new config and returns the new
physical id, after which CloudFormation deletes the old one once the domain has switched.
Delete removes it. SageMaker refuses while a running app or a domain/profile/space setting
still uses the config: after a short bounded retry, Delete tags the config for deferred
deletion and succeeds, and the scheduled sweeper (sweeper.py) deletes it once unused, so a
running app never fails a stack update. Returns {"PhysicalResourceId": <name>, "Data": {"Arn": <arn>}}.
The properties are those of studio_runtime.contracts.lifecycle_config.Properties.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone
from typing import Any, Callable

from aws_lambda_powertools.utilities.data_classes import CloudFormationCustomResourceEvent
from lifecycle_config_api import (
    ConfigExists,
    ConfigInUse,
    ConfigNotFound,
    clear_deletion_mark,
    create_config,
    delete_config,
    describe_config,
    logger,
    mark_for_deletion,
    sagemaker_client,
)

from studio_runtime.contracts.lifecycle_config import CONFIG_NAME_PATTERN, Properties
from studio_runtime.custom_resource import InvalidProperties, parse_properties, run
from studio_runtime.lambda_time import seconds_left as lambda_seconds_left

CONFIG_NAME = re.compile(CONFIG_NAME_PATTERN)
# Waits between DeleteStudioLifecycleConfig attempts while the config is still attached: a
# domain update that detaches it often settles within seconds. About 35 s in all; a config a
# running app still uses is then left to the sweeper rather than failing the stack.
DELETE_RETRY_DELAYS_SECONDS = (5.0, 10.0, 20.0)
# Never start a wait the Lambda timeout would cut short: the mark (two calls) must still fit.
RESERVE_SECONDS = 30.0


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def ensure_config(client: Any, spec: Properties) -> str:
    """The ARN of a config named spec.ConfigName with spec's content, creating it unless it exists."""
    name = spec.ConfigName
    try:
        arn = create_config(
            client,
            name=name,
            app_type=spec.AppType,
            content_base64=spec.ContentBase64,
            tags=[tag.model_dump() for tag in spec.Tags],
        )
        logger.info("created", config_name=name, app_type=spec.AppType, content_chars=len(spec.ContentBase64))
        return arn
    except ConfigExists:
        pass
    existing = describe_config(client, name=name)
    if existing.content_base64 != spec.ContentBase64 or existing.app_type != spec.AppType:
        raise InvalidProperties(
            f"lifecycle config {name} exists with a different content or app type; "
            "its name should carry the content hash, so delete the stray config or change the name"
        )
    logger.info("adopted_existing", config_name=name, app_type=spec.AppType)
    keep(client, name, existing.arn)
    return existing.arn


def existing_or_new(client: Any, spec: Properties) -> str:
    try:
        arn = describe_config(client, name=spec.ConfigName).arn
    except ConfigNotFound:
        return ensure_config(client, spec)
    keep(client, spec.ConfigName, arn)
    return arn


def keep(client: Any, name: str, arn: str) -> None:
    """A config marked for deferred deletion (a reverted script brings its old name back) is
    needed again: unmark it before the domain switches to it, or the sweeper would delete it."""
    if clear_deletion_mark(client, arn=arn):
        logger.info("deletion_mark_cleared", config_name=name)


def remove_config(
    client: Any,
    name: str,
    *,
    sleep: Callable[[float], None],
    seconds_left: Callable[[], float],
) -> None:
    if not CONFIG_NAME.match(name):
        # Not a name this resource could have created (e.g. the id of a failed create).
        logger.info("delete_skipped", physical_resource_id=name, reason="not a lifecycle config name")
        return
    for attempt, delay in enumerate((*DELETE_RETRY_DELAYS_SECONDS, None), start=1):
        try:
            delete_config(client, name=name)
            logger.info("deleted", config_name=name, attempt=attempt)
            return
        except ConfigNotFound:
            logger.info("already_deleted", config_name=name)
            return
        except ConfigInUse as in_use:
            if delay is None or seconds_left() < delay + RESERVE_SECONDS:
                defer_deletion(client, name, attempts=attempt, reason=str(in_use))
                return
            logger.info("delete_in_use_retry", config_name=name, attempt=attempt, wait_seconds=delay)
            sleep(delay)


def defer_deletion(client: Any, name: str, *, attempts: int, reason: str) -> None:
    marked_at = utc_now().strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        mark_for_deletion(client, name=name, marked_at=marked_at)
    except ConfigNotFound:
        logger.info("already_deleted", config_name=name)
        return
    logger.info("deletion_deferred", config_name=name, attempts=attempts, marked_at=marked_at, in_use=reason)


def handle(
    request: CloudFormationCustomResourceEvent,
    *,
    client: Any,
    sleep: Callable[[float], None] = time.sleep,
    seconds_left: Callable[[], float] = lambda: float("inf"),
) -> dict[str, Any]:
    logger.info("request", request_type=request.request_type, physical_resource_id=request.physical_resource_id)
    physical_id = request.physical_resource_id
    if request.request_type == "Delete":
        # A Delete must work even when the properties are broken: it needs the physical id only.
        remove_config(client, physical_id, sleep=sleep, seconds_left=seconds_left)
        return {"PhysicalResourceId": physical_id}
    spec = parse_properties(Properties, request.resource_properties)
    if request.request_type == "Update" and physical_id == spec.ConfigName:
        arn = existing_or_new(client, spec)
    else:
        # Create, or Update to a new name: CloudFormation deletes the old id after the switch.
        arn = ensure_config(client, spec)
    return {"PhysicalResourceId": spec.ConfigName, "Data": {"Arn": arn}}


@logger.inject_lambda_context(correlation_id_path="RequestId")
def on_event(event: dict[str, Any], context: Any) -> dict[str, Any]:
    seconds_left = lambda_seconds_left(context)
    return run(logger, event, lambda request: handle(request, client=sagemaker_client(), seconds_left=seconds_left))
