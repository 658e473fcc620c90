"""`-c` flags into the settings model: which flag fills which field, and text into typed values.

A flag arrives as text from the command line (`-c idle-timeout-minutes=30`) or as a JSON value
from cdk.json. `adapt` turns it into the type its field declares (a comma list into a tuple,
`true`/`false` into a bool, a number from text), and the model then checks it by the same rules
as a teams file. The only rules here are about text: what an empty value means, and that a
number or a boolean must read as one.
"""

from __future__ import annotations

import math
import types
import typing
from typing import Any, Callable, Literal, Union

from pydantic import ValidationError
from typing_extensions import TypeAliasType

from studio_platform import settings_errors
from studio_platform.errors import ConfigError, Problems
from studio_platform.settings import (
    DemoUserConfig,
    LoginConfig,
    OrderingConfig,
    PlatformConfig,
    TeamSettings,
    model_fields,
)
from studio_platform.settings_errors import schema_at
from studio_platform.teams_schema import model_schema

ContextGetter = Callable[[str], Any]
TEAMS_FILE_FLAG = "teams-file"

# Every flag that fills a field of a settings model, in the order problems are reported (the
# order the settings are read in); None: a flag the readers use themselves.
FLAGS: dict[str, tuple[type | None, str | None]] = {
    "account": (PlatformConfig, "account"),
    "region": (PlatformConfig, "region"),
    "instance-types": (TeamSettings, "instance_types"),
    "idle-timeout-minutes": (TeamSettings, "idle_timeout_minutes"),
    "pip-index-url": (TeamSettings, "pip_index_url"),
    "conda-channel-url": (TeamSettings, "conda_channel_url"),
    "retention": (TeamSettings, "retention"),
    "domain-name": (None, None),
    TEAMS_FILE_FLAG: (None, None),
    "retired-teams": (None, None),
    "availability-zones": (PlatformConfig, "availability_zones"),
    "vpc-cidr": (PlatformConfig, "vpc_cidr"),
    "api-endpoint-type": (LoginConfig, "api_endpoint_type"),
    "callback-urls": (LoginConfig, "callback_urls"),
    "cors-origins": (LoginConfig, "cors_origins"),
    "user-pool-deletion-protection": (LoginConfig, "deletion_protection"),
    "session-duration-seconds": (LoginConfig, "session_seconds"),
    "alarm-emails": (LoginConfig, "alarm_emails"),
    "api-gateway-account-role": (LoginConfig, "api_gateway_account_role"),
    "login-page-domain": (LoginConfig, "page_domain"),
    "login-page-certificate-arn": (LoginConfig, "page_certificate_arn"),
    "user": (DemoUserConfig, "username"),
    "user-team": (DemoUserConfig, "team"),
    "password": (DemoUserConfig, "password"),
    "admin-role-arns": (PlatformConfig, "admin_role_arns"),
    "order-approver-emails": (OrderingConfig, "approver_emails"),
    "order-approval-hours": (OrderingConfig, "approval_hours"),
    "order-deploy-source": (OrderingConfig, "deploy_source"),
    "order-deploy-connection-arn": (OrderingConfig, "deploy_connection_arn"),
    "order-entra-groups": (OrderingConfig, "entra_groups"),
    "order-entra-tenant-id": (OrderingConfig, "entra_tenant_id"),
    "order-entra-client-id": (OrderingConfig, "entra_client_id"),
    "order-entra-client-secret-name": (OrderingConfig, "entra_client_secret_name"),
    "order-entra-app-object-id": (OrderingConfig, "entra_app_object_id"),
}
# Team settings a -c flag sets for every team: flag -> TeamConfig field (a teams file may not repeat them).
TEAM_SETTING_FLAGS = {flag: field for flag, (model, field) in FLAGS.items() if model is TeamSettings and field}
# Flags the ordering deploy project does not pass on: it brings its own teams file, and leaves
# the demo user (and its password) out.
NOT_FOR_DEPLOYS = frozenset({TEAMS_FILE_FLAG, "domain-name", "user", "user-team", "password"})
# What adapt() returns for a value that means "not given": the field keeps its default.
NOT_GIVEN = object()


def split_list(value: Any) -> tuple[str, ...]:
    """A context value given as `a,b,c` on the command line or as a JSON list in cdk.json."""
    if value is None:
        return ()
    items = [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value).split(",")
    return tuple(item.strip() for item in items if item.strip())


def deploy_context_flags(get: ContextGetter) -> dict[str, str]:
    """The flags given to this synth, as `-c` text, for the ordering deploy project to repeat
    (a list as `a,b`, a boolean as `true`/`false`), without NOT_FOR_DEPLOYS."""
    found = {}
    for flag in FLAGS:
        value = get(flag)
        if flag in NOT_FOR_DEPLOYS or value is None:
            continue
        if isinstance(value, (list, tuple)):
            value = ",".join(split_list(value))
        elif isinstance(value, bool):
            value = str(value).lower()
        found[flag] = str(value)
    return found


def settings_from_flags(model: type, get: ContextGetter, problems: Problems, **given: Any) -> tuple[Any, set[str]]:
    """The model from its flags (`given`: fields the reader has already worked out).

    Returns the instance (None when the model refused a value; each problem is added to
    `problems`) and the fields a flag set.
    """
    flag_of = {field: flag for flag, (owner, field) in FLAGS.items() if owner is model and field}
    raw = {field: get(flag) for field, flag in flag_of.items() if field not in given and get(flag) is not None}
    values = dict(given)
    for field, value in raw.items():
        adapted = problems.check(lambda: adapt(value, model, field, where=f"-c {flag_of[field]}"), NOT_GIVEN)
        if adapted is not NOT_GIVEN:
            values[field] = adapted
    try:
        return model(**values), set(raw) & set(values)
    except ValidationError as error:
        problems.found += settings_errors.settings_problems(
            error,
            schema=model_schema(model),
            place=lambda location: f"-c {flag_of[location[0]]}",
            wording=settings_errors.flag_wording({**values, **raw}),
        )
        return None, set()


def adapt(value: Any, model: type, field: str, *, where: str) -> Any:
    """A flag's value as the type its field declares; NOT_GIVEN where it means "the default"."""
    kind = bare(model_fields(model)[field].annotation)
    if typing.get_origin(kind) is tuple:
        items = split_list(value)
        # An empty list means the default, unless the setting may not be empty: the model says why.
        return items if items or "minItems" in schema_at(model_schema(model), (field,)) else NOT_GIVEN
    if kind in (int, float):
        number = to_number(value, where=where)
        # Whole seconds, as before the model existed; inf and nan go on for the model to refuse.
        return int(number) if kind is int and math.isfinite(number) else number
    if isinstance(value, str) and not value.strip():
        return NOT_GIVEN
    if kind is bool:
        return to_bool(value, where=where)
    if typing.get_origin(kind) is Literal:
        return str(value).strip().lower()
    return str(value).strip()


def bare(annotation: Any) -> Any:
    """The type under aliases, Annotated and Optional: `tuple[...]`, `float`, `Literal[...]`, `str`."""
    while True:
        if isinstance(annotation, TypeAliasType):
            annotation = annotation.__value__
        elif typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif typing.get_origin(annotation) in (Union, types.UnionType):
            annotation = next(arg for arg in typing.get_args(annotation) if arg is not type(None))
        else:
            return annotation


def to_bool(value: Any, *, where: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise ConfigError(where, f"{value!r} must be true or false")


def to_number(value: Any, *, where: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ConfigError(where, f"{value!r} must be a number") from None


def report_rank(problem: ConfigError) -> int:
    """Where a problem goes in the report: unknown keys first, then flags in FLAGS order; a teams
    file's own problems (named by its path) stand where -c teams-file does."""
    flag = problem.where.removeprefix("-c ") if problem.where.startswith("-c ") else TEAMS_FILE_FLAG
    return list(FLAGS).index(flag) if flag in FLAGS else -1
