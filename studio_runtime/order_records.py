"""The orders table and the ordering workflow's messages: one definition for the ordering
stack (table, state machine), the ordering API and the workflow's steps function.

One table holds three kinds of item, all under the partition key `pk` and sort key `sk`:
- an order: pk `ORDER#<id>`, sk `ORDER`; its attributes are ORDER_ATTRIBUTES;
- its history: pk `ORDER#<id>`, sk `EVENT#<step>`, one item per step that reached a status
  (written again, unchanged in meaning, when a step is retried);
- a team name held by an open or delivered order: pk `TEAM#<name>`, sk `TEAM`, with the
  order's id (a conditional put, so two orders cannot hold one name).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from studio_runtime.contracts.ordering_steps import Environment
from studio_runtime.environment import required

PARTITION_KEY = "pk"
SORT_KEY = "sk"
ORDER_SORT = "ORDER"
TEAM_SORT = "TEAM"
EVENT_PREFIX = "EVENT#"
# Global secondary indexes: a requester's own orders, and the orders in one status (approvers).
REQUESTER_INDEX = "by-requester"
STATUS_INDEX = "by-status"
CREATED_AT = "created_at"


def order_key(order_id: str) -> dict[str, str]:
    return {PARTITION_KEY: f"ORDER#{order_id}", SORT_KEY: ORDER_SORT}


def team_key(team: str) -> dict[str, str]:
    return {PARTITION_KEY: f"TEAM#{team}", SORT_KEY: TEAM_SORT}


def event_key(order_id: str, step: str) -> dict[str, str]:
    return {PARTITION_KEY: f"ORDER#{order_id}", SORT_KEY: f"{EVENT_PREFIX}{step}"}


class Status:
    SUBMITTED = "SUBMITTED"
    AWAITING_APPROVAL = "AWAITING_APPROVAL"
    APPROVED = "APPROVED"
    DEPLOYING = "DEPLOYING"
    READY = "READY"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    INVALID = "INVALID"
    FAILED = "FAILED"


# Where an order ends; every other status means the workflow is still at work on it.
FINAL_STATUSES = (Status.READY, Status.REJECTED, Status.EXPIRED, Status.INVALID, Status.FAILED)
# Final statuses that give the team name back (the team was never added to the teams file).
RELEASING_STATUSES = (Status.REJECTED, Status.EXPIRED, Status.INVALID)


class Attribute:
    """The order item's attributes (besides the keys)."""

    ORDER_ID = "order_id"
    TEAM = "team"
    # The teams-file entry the order asks for (studio_platform.orders.check_order's result).
    ENTRY = "entry"
    REQUESTER = "requester"  # Cognito username: the index key of a requester's orders
    REQUESTER_EMAIL = "requester_email"
    STATUS = "status"
    CREATED_AT = CREATED_AT
    UPDATED_AT = "updated_at"
    TASK_TOKEN = "task_token"  # only while AWAITING_APPROVAL; never returned by the API
    DECIDED_BY = "decided_by"
    DECISION_REASON = "decision_reason"
    FAILURE = "failure"  # {"step", "error", "cause"}
    BUILD_ID = "build_id"
    TEAMS_FILE_VERSION = "teams_file_version"
    LOGIN_URL = "login_url"


class Event:
    """A history item's attributes (besides the keys)."""

    STATUS = "status"
    AT = "at"  # ISO-8601 UTC
    BY = "by"  # a username, or WORKFLOW


# Who wrote the history events of the workflow's own steps.
WORKFLOW = "workflow"


class Decision:
    """What an approver's answer sends to the waiting workflow (SendTaskSuccess output)."""

    APPROVED = "approved"
    REJECTED = "rejected"
    FIELD = "decision"
    BY = "by"
    REASON = "reason"


# The workflow's execution input (the ordering API starts one execution per order, named by its id).
class WorkflowInput:
    ORDER_ID = "order_id"
    TEAM = "team"
    ENTRY = "entry"
    REQUESTER = "requester"
    REQUESTER_EMAIL = "requester_email"
    # The ordering API's base URL, for the approvers' e-mail (the API knows it from its request).
    API_URL = "api_url"


@dataclass(frozen=True, kw_only=True)
class OrderingPlaces:
    """Where both ordering functions find the orders and the teams file of record (their
    settings add what each needs besides)."""

    region: str
    account: str
    orders_table: str
    teams_bucket: str
    teams_file_key: str

    @property
    def teams_file_path(self) -> str:
        """How problems name the teams file (it ends in .json, so it is read as JSON)."""
        return f"s3://{self.teams_bucket}/{self.teams_file_key}"

    @staticmethod
    def places_from(env: Mapping[str, str]) -> dict[str, str]:
        """These fields from a function's environment (both contracts name them alike)."""
        return {
            "region": required(env, "AWS_REGION"),
            "account": required(env, Environment.ACCOUNT_ID),
            "orders_table": required(env, Environment.ORDERS_TABLE),
            "teams_bucket": required(env, Environment.TEAMS_BUCKET),
            "teams_file_key": required(env, Environment.TEAMS_FILE_KEY),
        }


# SNS message attribute that routes an order update to its requester's e-mail subscription
# (the ordering API subscribes the requester with this filter on their first order).
REQUESTER_ATTRIBUTE = "requester_email"
# Errors the steps function raises, which the workflow catches by name.
ORDER_INVALID_ERROR = "OrderInvalid"
TEAMS_FILE_CHANGED_ERROR = "TeamsFileChanged"
