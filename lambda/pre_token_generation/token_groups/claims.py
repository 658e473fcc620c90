"""Which teams a user's IdP groups grant, read from the user pool's attributes.

Only attributes the user cannot write are trusted: `identities` (set by Cognito at federated
sign-in) and GROUPS_ATTRIBUTE / OVERAGE_ATTRIBUTE (excluded from every app client's write
attributes, filled by the IdP attribute mapping). GROUPS_ATTRIBUTE is read only for users
federated through the configured provider: a local user's value could have been set by an
administrator or left over, and is never a source of groups.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated

from pydantic import StringConstraints, TypeAdapter, ValidationError

from studio_runtime.contracts.pre_token_generation import (
    GROUPS_ATTRIBUTE,
    MAX_ATTRIBUTE_LENGTH,
    OVERAGE_ATTRIBUTE,
)

IDENTITIES_ATTRIBUTE = "identities"

_NonEmpty = Annotated[str, StringConstraints(min_length=1)]
_TEAM_GROUPS = TypeAdapter(dict[_NonEmpty, list[_NonEmpty]])


class TeamGroupsFileError(RuntimeError):
    """The generated mapping file is missing or invalid: a deployment defect."""


def load_team_groups(path: Path) -> dict[str, frozenset[str]]:
    """{team: IdP groups} from the generated file; raises TeamGroupsFileError unless it is a
    non-empty JSON object of team names to non-empty lists of non-empty group names."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TeamGroupsFileError(f"{path}: cannot read the team groups file ({error.strerror})") from error
    try:
        mapping = _TEAM_GROUPS.validate_json(text, strict=True)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or '(file)'}: {problem['msg']}"
            for problem in error.errors(include_url=False)
        )
        raise TeamGroupsFileError(f"{path}: invalid team groups file: {problems}") from error
    if not mapping:
        raise TeamGroupsFileError(f"{path}: the team groups file lists no team")
    empty = sorted(team for team, groups in mapping.items() if not groups)
    if empty:
        raise TeamGroupsFileError(f"{path}: teams without IdP groups: {', '.join(empty)}")
    return {team: frozenset(groups) for team, groups in mapping.items()}


def teams_by_group(team_groups: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """The mapping turned around: IdP group -> the teams it enters (one group may enter several)."""
    inverted: dict[str, set[str]] = {}
    for team, groups in team_groups.items():
        for group in groups:
            inverted.setdefault(group, set()).add(team)
    return {group: frozenset(teams) for group, teams in inverted.items()}


def is_federated_through(attributes: Mapping[str, str], provider: str) -> bool:
    """True when Cognito recorded a sign-in through `provider` for this user.

    Decided by the `identities` attribute alone: a username of the form "<provider>_<id>" is
    also what a local user could be named, so it proves nothing."""
    if not provider:
        return False
    try:
        identities = json.loads(attributes.get(IDENTITIES_ATTRIBUTE) or "[]")
    except (ValueError, RecursionError):
        return False
    if not isinstance(identities, list):
        return False
    return any(
        isinstance(identity, dict) and identity.get("providerName") == provider for identity in identities
    )


def idp_groups(attributes: Mapping[str, str]) -> frozenset[str]:
    """The user's IdP groups from GROUPS_ATTRIBUTE: a JSON array of strings, Cognito's
    "[a, b]" rendering of a multi-valued claim, or one bare value. Anything else (other JSON,
    a value longer than the attribute allows) gives no groups: a bad claim means no team."""
    raw = attributes.get(GROUPS_ATTRIBUTE) or ""
    if len(raw) > MAX_ATTRIBUTE_LENGTH:
        return frozenset()
    text = raw.strip()
    if not text:
        return frozenset()
    if not text.startswith("["):
        return frozenset({text})
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        if not text.endswith("]"):
            return frozenset()
        values = text[1:-1].split(",")
    else:
        if not isinstance(parsed, list) or not all(isinstance(value, str) for value in parsed):
            return frozenset()
        values = parsed
    return frozenset(value.strip() for value in values if value.strip())


def has_overage(attributes: Mapping[str, str]) -> bool:
    """The IdP replaced the groups claim by a link (Entra ID past its group limit)."""
    return bool((attributes.get(OVERAGE_ATTRIBUTE) or "").strip())


def teams_for(groups: Iterable[str], by_group: Mapping[str, frozenset[str]]) -> list[str]:
    """The teams the groups enter, sorted and distinct; unknown groups are dropped."""
    return sorted({team for group in groups for team in by_group.get(group, ())})
