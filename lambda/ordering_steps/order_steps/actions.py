"""The workflow's three steps, as plain functions of the parsed event, settings, clients and time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from order_steps.approval_mail import approval_message, approval_subject
from order_steps.errors import order_invalid
from order_steps.event import WorkflowOrder
from order_steps.records import (
    APPROVAL_DEADLINE,
    iso_utc,
    mark_awaiting_approval,
    put_history,
    record_teams_file_version,
    require_approved,
)
from order_steps.settings import Settings
from order_steps.teams_store import read_teams_file, write_teams_file
from studio_platform import orders
from studio_platform.errors import ConfigError
from studio_runtime.order_records import Attribute, Status

# History steps (order_records.event_key).
AWAITING_APPROVAL_STEP = "AwaitingApproval"
REGISTERED_STEP = "Registered"


@dataclass(frozen=True)
class Clients:
    s3: Any
    dynamodb: Any
    sns: Any


def validate(*, order: WorkflowOrder, settings: Settings, clients: Clients) -> dict[str, Any]:
    """The order's entry, checked again against today's teams file (names may have been taken
    or retired since the order arrived). Raises OrderInvalid."""
    document = read_teams_file(s3=clients.s3, settings=settings).document
    try:
        entry = orders.check_entry(order.entry, document, region=settings.region, account=settings.account)
    except ConfigError as error:
        raise order_invalid(error) from None
    return {"entry": entry}


def request_approval(
    *, order: WorkflowOrder, task_token: str, settings: Settings, clients: Clients, now: datetime
) -> dict[str, Any]:
    """Stores the token on the order and mails the approvers; the workflow then waits for the
    ordering API to answer with the token."""
    deadline = now + timedelta(hours=settings.approval_timeout_hours)
    mark_awaiting_approval(
        dynamodb=clients.dynamodb,
        table=settings.orders_table,
        order_id=order.order_id,
        task_token=task_token,
        deadline=deadline,
        now=now,
    )
    put_history(
        dynamodb=clients.dynamodb,
        table=settings.orders_table,
        order_id=order.order_id,
        step=AWAITING_APPROVAL_STEP,
        status=Status.AWAITING_APPROVAL,
        now=now,
        details={APPROVAL_DEADLINE: iso_utc(deadline)},
    )
    clients.sns.publish(
        TopicArn=settings.approvers_topic_arn,
        Subject=approval_subject(order.team),
        Message=approval_message(order=order, deadline=deadline),
    )
    return {}


def register(
    *,
    order: WorkflowOrder,
    settings: Settings,
    clients: Clients,
    now: datetime,
    idp_groups: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """Adds the approved order's entry (with `idp_groups`, the Entra ID group the workflow made)
    to the teams file, unless a run before did, and names the version to deploy. Raises
    OrderInvalid, TeamsFileChanged, OrderNotApproved."""
    require_approved(
        dynamodb=clients.dynamodb, table=settings.orders_table, order_id=order.order_id, team=order.team
    )
    read = read_teams_file(s3=clients.s3, settings=settings)
    try:
        updated, changed = orders.with_order(
            {**order.entry, "idp_groups": list(idp_groups)} if idp_groups else order.entry,
            read.document,
            teams_file=settings.teams_file_path,
            region=settings.region,
            account=settings.account,
        )
    except ConfigError as error:
        raise order_invalid(error) from None
    version = (
        write_teams_file(s3=clients.s3, settings=settings, document=updated, read=read) if changed else read.version_id
    )
    if not version:
        # The deploy builds one exact version; without versioning there is none to name.
        raise RuntimeError(f"{settings.teams_file_path} has no version id: the teams bucket must be versioned")
    put_history(
        dynamodb=clients.dynamodb,
        table=settings.orders_table,
        order_id=order.order_id,
        step=REGISTERED_STEP,
        status=Status.APPROVED,
        now=now,
        details={Attribute.TEAMS_FILE_VERSION: version, "changed": changed},
    )
    record_teams_file_version(
        dynamodb=clients.dynamodb, table=settings.orders_table, order_id=order.order_id, version=version, now=now
    )
    return {"teams_file_version": version, "changed": changed}
