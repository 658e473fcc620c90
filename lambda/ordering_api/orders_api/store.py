"""The orders table (layout: studio_runtime/order_records.py): the writes and reads of one order.

Conditional writes carry the rules the table must keep whatever requests race: one open order
per team name (the TEAM item), one decision per approval (status and token checked together).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from orders_api.views import from_dynamo, to_dynamo
from studio_runtime.aws_errors import error_code
from studio_runtime.order_records import (
    EVENT_PREFIX,
    PARTITION_KEY,
    SORT_KEY,
    Attribute,
    Status,
    event_key,
    order_key,
    team_key,
)

CONDITION_FAILED = "ConditionalCheckFailed"


class TeamHeld(Exception):
    """The team's name is held by another order (whose id, when it could still be read)."""

    def __init__(self, holder: str | None) -> None:
        super().__init__(holder)
        self.holder = holder


class OrdersTable:
    def __init__(self, *, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def create_order(self, *, order: dict[str, Any], submitted: dict[str, Any]) -> None:
        """Reserve the team name, write the order and its first history event, all or nothing.
        TeamHeld when another order holds the name."""
        order_id, team = order[Attribute.ORDER_ID], order[Attribute.TEAM]
        absent = f"attribute_not_exists({PARTITION_KEY})"
        try:
            self._client.transact_write_items(
                TransactItems=[
                    self._put({**team_key(team), Attribute.ORDER_ID: order_id}, condition=absent),
                    self._put({**order_key(order_id), **order}, condition=absent),
                    self._put({**event_key(order_id, "Submitted"), **submitted}),
                ]
            )
        except ClientError as error:
            # The reasons are in TransactItems' order: the first is the team's name.
            reasons = error.response.get("CancellationReasons") or [{}]
            if error_code(error) == "TransactionCanceledException" and reasons[0].get("Code") == CONDITION_FAILED:
                raise TeamHeld(self.holder_of(team)) from None
            raise

    def holder_of(self, team: str) -> str | None:
        item = self._get(team_key(team))
        return None if item is None else item.get(Attribute.ORDER_ID)

    def get_order(self, order_id: str) -> dict[str, Any] | None:
        return self._get(order_key(order_id))

    def history(self, order_id: str) -> list[dict[str, Any]]:
        """The order's events, by sort key (DynamoDB returns a partition's items in that order)."""
        events: list[dict[str, Any]] = []
        values = {":pk": order_key(order_id)[PARTITION_KEY], ":events": EVENT_PREFIX}
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": f"{PARTITION_KEY} = :pk AND begins_with({SORT_KEY}, :events)",
            "ExpressionAttributeValues": to_dynamo(values),
            "ConsistentRead": True,
        }
        while True:
            page = self._client.query(**request)
            events += [from_dynamo(item) for item in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                return events
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def put_event(self, *, order_id: str, step: str, event: dict[str, Any]) -> None:
        self._client.put_item(TableName=self._table, Item=to_dynamo({**event_key(order_id, step), **event}))

    def record_decision(
        self, *, order_id: str, status: str, by: str, reason: str | None, at: str
    ) -> dict[str, Any] | None:
        """Set the decision and take the task token off the order, if it is awaiting approval.
        The order as it was (with its token), or None when it was not awaiting approval."""
        try:
            response = self._client.update_item(
                TableName=self._table,
                Key=to_dynamo(order_key(order_id)),
                UpdateExpression="SET #status = :status, #by = :by, #reason = :reason, #updated = :at REMOVE #token",
                ConditionExpression="#status = :awaiting AND attribute_exists(#token)",
                ExpressionAttributeNames=_names("status", "by", "reason", "updated", "token"),
                ExpressionAttributeValues=to_dynamo(
                    {":status": status, ":by": by, ":reason": reason, ":at": at, ":awaiting": Status.AWAITING_APPROVAL}
                ),
                ReturnValues="ALL_OLD",
            )
        except ClientError as error:
            if error_code(error) == f"{CONDITION_FAILED}Exception":
                return None
            raise
        return from_dynamo(response["Attributes"])

    def reopen_approval(self, *, order_id: str, token: str, decided: str, by: str, at: str) -> None:
        """Undo record_decision when the workflow never heard of it, so the decision can be retried."""
        self._client.update_item(
            TableName=self._table,
            Key=to_dynamo(order_key(order_id)),
            UpdateExpression="SET #status = :awaiting, #token = :token, #updated = :at REMOVE #by, #reason",
            ConditionExpression="#status = :decided AND #by = :by AND attribute_not_exists(#token)",
            ExpressionAttributeNames=_names("status", "by", "reason", "updated", "token"),
            ExpressionAttributeValues=to_dynamo(
                {":awaiting": Status.AWAITING_APPROVAL, ":token": token, ":at": at, ":decided": decided, ":by": by}
            ),
        )

    def mark_failed(self, *, order_id: str, failure: dict[str, str], at: str) -> None:
        self._client.update_item(
            TableName=self._table,
            Key=to_dynamo(order_key(order_id)),
            UpdateExpression="SET #status = :failed, #failure = :failure, #updated = :at",
            ExpressionAttributeNames=_names("status", "failure", "updated"),
            ExpressionAttributeValues=to_dynamo({":failed": Status.FAILED, ":failure": failure, ":at": at}),
        )

    def release_team(self, *, team: str, order_id: str) -> None:
        """Give the name back, only if this order still holds it."""
        try:
            self._client.delete_item(
                TableName=self._table,
                Key=to_dynamo(team_key(team)),
                ConditionExpression="#order_id = :order_id",
                ExpressionAttributeNames={"#order_id": Attribute.ORDER_ID},
                ExpressionAttributeValues=to_dynamo({":order_id": order_id}),
            )
        except ClientError as error:
            if error_code(error) != f"{CONDITION_FAILED}Exception":
                raise

    def _put(self, item: dict[str, Any], *, condition: str | None = None) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self._table, "Item": to_dynamo(item)}
        if condition:
            put["ConditionExpression"] = condition
        return {"Put": put}

    def _get(self, key: dict[str, str]) -> dict[str, Any] | None:
        response = self._client.get_item(TableName=self._table, Key=to_dynamo(key), ConsistentRead=True)
        item = response.get("Item")
        return None if item is None else from_dynamo(item)


_ATTRIBUTE_NAMES = {
    "status": Attribute.STATUS,
    "by": Attribute.DECIDED_BY,
    "reason": Attribute.DECISION_REASON,
    "updated": Attribute.UPDATED_AT,
    "token": Attribute.TASK_TOKEN,
    "failure": Attribute.FAILURE,
}


def _names(*placeholders: str) -> dict[str, str]:
    # `status` is a DynamoDB reserved word; every attribute goes through a placeholder alike.
    return {f"#{placeholder}": _ATTRIBUTE_NAMES[placeholder] for placeholder in placeholders}
