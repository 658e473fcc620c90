"""The ordering API: what its construct sets and its function reads.

Construct: studio_constructs/ordering_api.py. Function: lambda/ordering_api/. The table's
layout and the workflow's input are studio_runtime/order_records.py.
"""

from __future__ import annotations

from studio_runtime.contracts import EnvironmentVariables

CODE_DIR = "ordering_api"

# The user pool's groups of the ordering API: who may order a team's domain, and who approves
# orders. Cognito groups that an admin assigns, kept by the pre-token trigger for federated users.
REQUESTERS_GROUP = "platform-requesters"
APPROVERS_GROUP = "platform-admins"
PLATFORM_GROUPS = (REQUESTERS_GROUP, APPROVERS_GROUP)

# Routes, all behind the user pool's authorizer (access token); the function checks groups.
ORDERS_RESOURCE = "/orders"
ORDER_RESOURCE = "/orders/{order_id}"
APPROVE_RESOURCE = "/orders/{order_id}/approve"
REJECT_RESOURCE = "/orders/{order_id}/reject"
ROUTES = (
    ("POST", ORDERS_RESOURCE),
    ("GET", ORDERS_RESOURCE),
    ("GET", ORDER_RESOURCE),
    ("POST", APPROVE_RESOURCE),
    ("POST", REJECT_RESOURCE),
)


class Environment(EnvironmentVariables):
    ORDERS_TABLE = "ORDERS_TABLE"
    STATE_MACHINE_ARN = "STATE_MACHINE_ARN"
    # The teams file of record: s3://TEAMS_BUCKET/TEAMS_FILE_KEY (JSON, versioned).
    TEAMS_BUCKET = "TEAMS_BUCKET"
    TEAMS_FILE_KEY = "TEAMS_FILE_KEY"
    # The team-name rules depend on the account and region (bucket and role name lengths).
    ACCOUNT_ID = "ACCOUNT_ID"
    # Where a requester's e-mail address comes from (AdminGetUser; the access token has none).
    USER_POOL_ID = "USER_POOL_ID"
    # Order updates for requesters; each is subscribed with a filter on their own address.
    UPDATES_TOPIC_ARN = "UPDATES_TOPIC_ARN"
    LOG_LEVEL = "POWERTOOLS_LOG_LEVEL"
