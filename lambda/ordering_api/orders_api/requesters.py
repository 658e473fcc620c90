"""A requester's e-mail address (Cognito) and its subscription to order updates (SNS).

The access token carries no e-mail, so the address comes from AdminGetUser; only a verified
address is used, or updates could go to a mailbox the requester never proved is theirs.
"""

from __future__ import annotations

import json
from typing import Any

from studio_runtime.order_records import REQUESTER_ATTRIBUTE


def verified_email(*, cognito: Any, user_pool_id: str, username: str) -> str | None:
    """The user's e-mail address if Cognito says it is verified, else None."""
    response = cognito.admin_get_user(UserPoolId=user_pool_id, Username=username)
    attributes = {item["Name"]: item.get("Value", "") for item in response.get("UserAttributes", [])}
    email = attributes.get("email", "").strip()
    return email if email and attributes.get("email_verified") == "true" else None


def subscribe_to_updates(*, sns: Any, topic_arn: str, email: str) -> None:
    """Subscribe the address with a filter on itself: each requester gets only their own orders'
    updates. SNS answers a repeat (same endpoint and attributes) with the existing subscription."""
    sns.subscribe(
        TopicArn=topic_arn,
        Protocol="email",
        Endpoint=email,
        Attributes={"FilterPolicy": json.dumps({REQUESTER_ATTRIBUTE: [email]})},
        ReturnSubscriptionArn=False,
    )
