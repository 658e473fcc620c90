"""Who called an API behind a Cognito user-pool authorizer: the claims API Gateway passed on.

The authorizer has verified the token; these functions only read `requestContext.authorizer.claims`
of a REST proxy event into a typed Caller, and refuse claims no Cognito token carries. Each
function maps CallerMissing to its own 401 (the reason is a log tag, never shown to the caller).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

# Cognito caps usernames at 128; a sub is a 36-character UUID. Anything longer is not Cognito's.
USERNAME_MAX = 128
SUB_MAX = 128
_GROUP_SEPARATORS = re.compile(r"[,\s]+")


@dataclass(frozen=True)
class Caller:
    username: str
    sub: str
    groups: frozenset[str]


class CallerMissing(Exception):
    """No usable identity in the event; `reason`: claims_missing, username_missing or sub_missing."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_caller(event: object) -> Caller:
    """The authenticated identity from `requestContext.authorizer.claims`, or CallerMissing."""
    claims = event_path(event, "requestContext", "authorizer", "claims")
    if not isinstance(claims, Mapping):
        raise CallerMissing("claims_missing")
    # Access tokens carry `username`; ID tokens `cognito:username`.
    username = claims.get("username") or claims.get("cognito:username")
    sub = claims.get("sub")
    if not isinstance(username, str) or not username.strip() or len(username) > USERNAME_MAX:
        raise CallerMissing("username_missing")
    if not isinstance(sub, str) or not sub or len(sub) > SUB_MAX:
        raise CallerMissing("sub_missing")
    return Caller(username=username, sub=sub, groups=parse_groups(claims.get("cognito:groups")))


def parse_groups(raw: object) -> frozenset[str]:
    """Group names from a `cognito:groups` claim in any shape API Gateway has been seen to send.

    A list is taken element by element. A string may be one group ("team1"), comma-joined
    ("a,b"), bracketed and space-separated ("[a b]") or a JSON list. Cognito group names hold
    no whitespace, so splitting a string on commas and whitespace never cuts a real name; a
    comma inside an admin-made group name is the one ambiguity of the string forms.
    """
    if isinstance(raw, (list, tuple)):
        return frozenset(item.strip() for item in raw if isinstance(item, str) and item.strip())
    if not isinstance(raw, str):
        return frozenset()
    text = raw.strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            decoded = json.loads(text)
        except ValueError:
            decoded = None
        if isinstance(decoded, list) and all(isinstance(item, str) for item in decoded):
            return parse_groups(decoded)
        text = text[1:-1]  # "[123]" is the group "123", not the JSON number 123
    return frozenset(part for part in _GROUP_SEPARATORS.split(text) if part)


def event_path(value: object, *keys: str) -> object:
    """value[k1][k2]..., or None where a level is missing or not a mapping."""
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value
