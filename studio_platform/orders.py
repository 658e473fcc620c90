"""An order for a team's domain: checked by the teams file's rules, added to the teams file.

The ordering API checks an order when it arrives; the workflow checks it again against the
teams file of record (JSON, versioned in S3) before it asks for approval, and when it adds the
team. One model (settings.TeamOrder, built from the teams file's types), one wording
(settings_errors), `order.<field>` in front of each problem; the teams file with the team added
must pass every check a synth makes (teams_file.check_teams_document), so the deploy that
follows cannot fail on it.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from studio_platform import names, settings_errors
from studio_platform.errors import ConfigError, Problems
from studio_platform.settings import TeamOrder
from studio_platform.teams_file import check_teams_document, field_path, retired_names
from studio_platform.teams_schema import model_schema

ORDER = "order"
# How an ordered team's entry says who made its Cognito group (settings.CognitoGroupSetting).
ORDERED_GROUP = "ordering"
_ADAPTER = TypeAdapter(TeamOrder)


def check_order(order: Any, *, region: str, account: str) -> dict[str, Any]:
    """The teams-file entry of a valid order: the fields the requester wrote, validated and in
    JSON form, plus `cognito_group: ordering`. Raises ConfigError(s) naming `order.<field>`."""
    problems = Problems()
    try:
        valid = _ADAPTER.validate_python(order, context={"region": region, "account": account})
    except ValidationError as error:
        problems.found += settings_errors.settings_problems(
            error,
            schema=model_schema(TeamOrder),
            place=lambda location: f"{ORDER}.{field_path(location, order)}" if location else ORDER,
            wording=settings_errors.file_wording,
        )
        problems.raise_if_any()
    written = _ADAPTER.dump_python(valid, mode="json")
    return {key: written[key] for key in order if key in written} | {"cognito_group": ORDERED_GROUP}


def check_not_taken(entry: dict[str, Any], document: Any, *, region: str, account: str) -> None:
    """The ordered name is not a team of the teams file (unless it is this very entry: a retry)
    and not a retired name."""
    name = entry["name"]
    existing = next((team for team in teams_of(document) if team.get("name") == name), None)
    if existing is not None and existing != entry:
        raise ConfigError(f"{ORDER}.name", f"team {name!r} is already in the teams file; names must be unique")
    if name in retired_names(document):
        raise ConfigError(f"{ORDER}.name", names.retired_team_rule(name, region, account))


def with_order(
    entry: dict[str, Any], document: Any, *, teams_file: str, region: str, account: str
) -> tuple[dict[str, Any], bool]:
    """The teams document with the ordered team appended, and whether that changed it (False
    when the entry is already there: the step ran before). `document` None: no teams file yet.
    Raises ConfigError when the name is taken, or when the file with the team would not synth."""
    document = {"teams": []} if document is None else document
    check_not_taken(entry, document, region=region, account=account)
    if entry in teams_of(document):
        return document, False
    updated = {**document, "teams": [*teams_of(document), entry]}
    check_teams_document(updated, path=teams_file, defaults={}, region=region, account=account)
    return updated, True


def teams_of(document: Any) -> list[Any]:
    teams = document.get("teams") if isinstance(document, dict) else None
    return teams if isinstance(teams, list) else []


def check_entry(entry: dict[str, Any], document: Any, *, region: str, account: str) -> dict[str, Any]:
    """An entry check_order made, checked again against today's teams file (the workflow's
    first step: time passes between the order and its approval)."""
    order = {key: value for key, value in entry.items() if key != "cognito_group"}
    checked = check_order(order, region=region, account=account)
    check_not_taken(checked, document, region=region, account=account)
    return checked
