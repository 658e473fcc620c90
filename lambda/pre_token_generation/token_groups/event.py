"""The V2 pre-token-generation event as Cognito sends it, read leniently.

Powertools' parser model for this event wants `scopes` as an object and a non-null
`groupConfiguration`; Cognito sends a list and, for users in no group, sometimes null. This
model accepts what Cognito sends and ignores what the trigger does not read. The handler
writes its answer into the raw event's `response`, so fields this model does not know survive.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# V3 events have the same shape as V2 (V3 adds machine-to-machine grants, which have no user).
SUPPORTED_VERSIONS = frozenset({"2", "3"})


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class CallerContext(_Lenient):
    awsSdkVersion: str | None = None
    clientId: str | None = None


class GroupConfiguration(_Lenient):
    groupsToOverride: list[str] | None = None
    iamRolesToOverride: list[str] | None = None
    preferredRole: str | None = None


class TokenRequest(_Lenient):
    # Every attribute value is a string in Cognito's events (lists are JSON text).
    userAttributes: dict[str, str] = Field(default_factory=dict)
    groupConfiguration: GroupConfiguration | None = None
    scopes: list[str] | None = None


class PreTokenGenerationEvent(_Lenient):
    version: str
    triggerSource: str
    region: str | None = None
    userPoolId: str | None = None
    userName: str | None = None
    callerContext: CallerContext = Field(default_factory=CallerContext)
    request: TokenRequest
    response: dict[str, Any] | None = None


def parse_event(event: dict[str, Any]) -> PreTokenGenerationEvent:
    """The typed event; refuses a V1 event, whose response Cognito reads from other keys
    (a trigger wired as V1 would silently drop every group this one sets)."""
    parsed = PreTokenGenerationEvent.model_validate(event)
    if parsed.version not in SUPPORTED_VERSIONS:
        raise ValueError(
            f"pre token generation event version {parsed.version!r}: the trigger must be wired as V2_0"
        )
    return parsed
