"""Pre token generation (V2): a federated user's teams come from the corporate IdP's groups.

For a user federated through the configured provider (Environment.IDENTITY_PROVIDER), the
tokens' `cognito:groups` become the teams whose IdP groups (TEAM_GROUPS_FILE, generated beside
this file at synth) include one of the user's groups (GROUPS_ATTRIBUTE). Unknown groups are
dropped; a missing, malformed or oversized claim gives no team, never an error (an error here
would block every sign-in, local break-glass users included). When the IdP sent a link instead
of the groups (OVERAGE_ATTRIBUTE), the access token carries OVERAGE_CLAIM so the login page can
say why. Local users keep their Cognito groups: the trigger does not touch their tokens.

A missing or invalid TEAM_GROUPS_FILE is a deployment defect: the import fails, loudly.
Logs hold counts, the trigger source and team names: never the event, attributes or tokens.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from studio_runtime.contracts.pre_token_generation import (
    CODE_DIR,
    OVERAGE_CLAIM,
    TEAM_GROUPS_FILE,
    Environment,
)
from studio_runtime.log import service_logger
from token_groups.claims import (
    has_overage,
    idp_groups,
    is_federated_through,
    load_team_groups,
    teams_by_group,
    teams_for,
)
from token_groups.event import parse_event
from studio_runtime.contracts.ordering_api import PLATFORM_GROUPS

logger = service_logger(CODE_DIR)

# Loaded once per container, during Lambda's init phase.
TEAM_GROUPS = load_team_groups(Path(__file__).resolve().parent / TEAM_GROUPS_FILE)
TEAMS_BY_GROUP = teams_by_group(TEAM_GROUPS)
IDENTITY_PROVIDER = os.environ.get(Environment.IDENTITY_PROVIDER, "").strip()


@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    parsed = parse_event(event)
    # Cognito's events carry no request id of their own; the invocation's id ties the lines together.
    logger.set_correlation_id(getattr(context, "aws_request_id", None))
    logger.append_keys(trigger_source=parsed.triggerSource, client_id=parsed.callerContext.clientId)
    attributes = parsed.request.userAttributes
    if not is_federated_through(attributes, IDENTITY_PROVIDER):
        logger.info("local user unchanged")
        return event
    groups = idp_groups(attributes)
    teams = teams_for(groups, TEAMS_BY_GROUP)
    overage = not groups and has_overage(attributes)
    # The ordering API's roles are Cognito groups an admin assigns (never a claim of the IdP):
    # a federated requester or approver keeps them; every other Cognito group is replaced.
    configuration = parsed.request.groupConfiguration
    roles = sorted(set(configuration.groupsToOverride or []) & set(PLATFORM_GROUPS)) if configuration else []
    _override(event, teams=teams + roles, overage=overage)
    logger.info(
        "federated groups mapped",
        idp_group_count=len(groups),
        team_count=len(teams),
        teams=teams,
        platform_roles=roles,
        overage=overage,
    )
    return event


def _override(event: dict[str, Any], *, teams: list[str], overage: bool) -> None:
    """Writes only the keys this trigger owns into the event's response, keeping the rest."""
    details = _child(_child(event, "response"), "claimsAndScopeOverrideDetails")
    _child(details, "groupOverrideDetails")["groupsToOverride"] = teams
    if overage:
        _child(_child(details, "accessTokenGeneration"), "claimsToAddOrOverride")[OVERAGE_CLAIM] = "true"


def _child(parent: dict[str, Any], key: str) -> dict[str, Any]:
    """parent[key], made an empty object when Cognito sent it null or absent."""
    child = parent.get(key)
    if not isinstance(child, dict):
        child = parent[key] = {}
    return child
