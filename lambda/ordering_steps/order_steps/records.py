"""The order's item and its history in the orders table (layout: studio_runtime.order_records).

History items carry `status` and `at` but never `created_at`, so they stay out of both
indexes (an index holds only items with its key attributes): the approvers' status view and
the requester's view list orders, not steps.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from botocore.exceptions import ClientError

from order_steps.errors import OrderNotApproved
from studio_runtime.aws_errors import error_code
from studio_runtime.order_records import Attribute, Event, Status, event_key, order_key

# Until when the approvers may answer (the workflow expires the order after it).
APPROVAL_DEADLINE = "approval_deadline"
# A history item's time (created_at would put it in the indexes).
CONDITION_FAILED = "ConditionalCheckFailedException"
# An order the approvers may be asked about: a retried step finds its own AWAITING_APPROVAL.
REQUESTABLE_STATUSES = (Status.SUBMITTED, Status.AWAITING_APPROVAL)


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def mark_awaiting_approval(
    *, dynamodb: Any, table: str, order_id: str, task_token: str, deadline: datetime, now: datetime
) -> None:
    """Stores the token the approvers' answer completes. A retry replaces its own token; an
    order already decided (or never submitted) is not reopened."""
    try:
        dynamodb.update_item(
            TableName=table,
            Key=_item(order_key(order_id)),
            UpdateExpression="SET #status = :awaiting, #token = :token, #updated = :now, #deadline = :deadline",
            ConditionExpression="#status IN (:submitted, :awaiting)",
            ExpressionAttributeNames={
                "#status": Attribute.STATUS,
                "#token": Attribute.TASK_TOKEN,
                "#updated": Attribute.UPDATED_AT,
                "#deadline": APPROVAL_DEADLINE,
            },
            ExpressionAttributeValues=_item(
                {
                    ":awaiting": Status.AWAITING_APPROVAL,
                    ":submitted": Status.SUBMITTED,
                    ":token": task_token,
                    ":now": iso_utc(now),
                    ":deadline": iso_utc(deadline),
                }
            ),
        )
    except ClientError as error:
        if error_code(error) == CONDITION_FAILED:
            # `from None`: nothing of the request (the token) travels with the error.
            raise RuntimeError(
                f"order {order_id} is missing or no longer {' or '.join(REQUESTABLE_STATUSES)}; "
                "its approval is not requested again"
            ) from None
        raise


def require_approved(*, dynamodb: Any, table: str, order_id: str, team: str) -> None:
    """Only an order an approver approved, for this very team, may change the teams file."""
    item = dynamodb.get_item(
        TableName=table,
        Key=_item(order_key(order_id)),
        ConsistentRead=True,
        ProjectionExpression="#status, #team",
        ExpressionAttributeNames={"#status": Attribute.STATUS, "#team": Attribute.TEAM},
    ).get("Item")
    if item is None:
        raise OrderNotApproved(f"order {order_id} does not exist")
    status = item.get(Attribute.STATUS, {}).get("S")
    if status != Status.APPROVED:
        raise OrderNotApproved(f"order {order_id} is {status}; only an approved order is added to the teams file")
    if item.get(Attribute.TEAM, {}).get("S") != team:
        raise OrderNotApproved(f"order {order_id} is not the order for team {team!r}")


def record_teams_file_version(*, dynamodb: Any, table: str, order_id: str, version: str, now: datetime) -> None:
    dynamodb.update_item(
        TableName=table,
        Key=_item(order_key(order_id)),
        UpdateExpression="SET #version = :version, #updated = :now",
        ConditionExpression="attribute_exists(#status)",
        ExpressionAttributeNames={
            "#version": Attribute.TEAMS_FILE_VERSION,
            "#updated": Attribute.UPDATED_AT,
            "#status": Attribute.STATUS,
        },
        ExpressionAttributeValues=_item({":version": version, ":now": iso_utc(now)}),
    )


def put_history(
    *, dynamodb: Any, table: str, order_id: str, step: str, status: str, now: datetime, details: dict[str, Any]
) -> None:
    """One item per step; a retried step writes it again."""
    dynamodb.put_item(
        TableName=table,
        Item=_item({**event_key(order_id, step), Event.STATUS: status, Event.AT: iso_utc(now), **details}),
    )


def _item(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """DynamoDB's typed form of the plain strings and booleans this module writes."""
    return {name: {"BOOL": value} if isinstance(value, bool) else {"S": str(value)} for name, value in values.items()}
