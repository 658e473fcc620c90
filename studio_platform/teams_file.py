"""The teams file (`-c teams-file=teams.yaml` or `.json`): every team and its settings.

Read as untrusted data (studio_platform.data_file), validated by the settings model
(studio_platform.settings: the rules of the `-c` flags, and the source of teams.schema.json),
then checked across entries: a team defined twice, a retired team name, a flag the file would
override without a word. Every problem is one line naming the file, the team and the field.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

from pydantic import TypeAdapter, ValidationError

from studio_platform import names, settings_errors
from studio_platform.data_file import read_document
from studio_platform.errors import Problems
from studio_platform.flags import TEAM_SETTING_FLAGS
from studio_platform.settings import IdentityProviderConfig, TeamConfig, TeamSettings, TeamsDocument
from studio_platform.settings_types import EXTENSION_PREFIX
from studio_platform.teams_schema import model_schema, teams_schema

__all__ = ["TeamsFile", "check_teams_document", "load_teams_file", "read_teams_file", "teams_schema"]
Location = tuple[Any, ...]


class TeamsFile(NamedTuple):
    teams: tuple[TeamConfig, ...]
    identity_provider: IdentityProviderConfig | None


def load_teams_file(path: str, **options: Any) -> tuple[TeamConfig, ...]:
    """Every team of the file (read_teams_file without the identity provider)."""
    return read_teams_file(path, **options).teams


def read_teams_file(path: str, **options: Any) -> TeamsFile:
    """check_teams_document for the file at `path` (read as untrusted data first)."""
    return check_teams_document(read_document(path), path=path, **options)


def check_teams_document(
    document: Any,
    *,
    path: str,
    defaults: dict[str, Any],
    region: str,
    account: str,
    also_retired: frozenset[str] = frozenset(),
    problems: Problems | None = None,
) -> TeamsFile:
    """Every team of a teams document and its identity provider; file defaults and team fields
    override built-in defaults. `path` names the document in every problem.

    `defaults` holds the team settings given as -c flags: a flag the file also sets would be
    overridden without a word, so that is a problem. A name in the file's `retired_teams`
    (or in `also_retired`, from -c retired-teams) cannot be a team. Every problem of the file
    is reported, not only the first: into `problems` when given, else raised at the end.
    """
    own = problems is None
    problems = problems or Problems()
    found_before = len(problems.found)
    check_flags_not_overridden(document, defaults, path=path, problems=problems)
    teams_file, refused = validate(document, path=path, region=region, account=account, problems=problems)
    named = {
        index: entry["name"]
        for index, entry in entries(document)
        if isinstance(entry.get("name"), str) and not {("teams", index), ("teams", index, "name")} & refused
    }
    check_names(
        named,
        also_retired | retired_names(document),
        where=lambda index: f"{path}: {team_place(index, document)}.name",
        region=region,
        account=account,
        problems=problems,
    )
    if teams_file is not None:
        check_groups_need_provider(teams_file, document, path=path, problems=problems)
    file_is_sound = teams_file is not None and len(problems.found) == found_before
    teams = build_teams(teams_file, document, defaults, path, problems) if file_is_sound else ()
    if own:
        problems.raise_if_any()
    return TeamsFile(teams, teams_file.identity_provider if file_is_sound else None)


def check_groups_need_provider(teams_file: TeamsDocument, document: Any, *, path: str, problems: Problems) -> None:
    """`idp_groups` says who enters a team through the identity provider: without one, nobody."""
    if teams_file.identity_provider is not None:
        return
    for index, team in enumerate(teams_file.teams):
        if team.idp_groups:
            problems.add(
                f"{path}: {team_place(index, document)}.idp_groups",
                "has no effect without an identity_provider: add the identity_provider block, or drop it",
            )


def validate(
    document: Any, *, path: str, region: str, account: str, problems: Problems
) -> tuple[TeamsDocument | None, set[Location]]:
    """The file as the settings model, or None and the places of its problems (added to `problems`)."""
    try:
        context = {"region": region, "account": account}
        return TypeAdapter(TeamsDocument).validate_python(document, context=context), set()
    except ValidationError as error:
        problems.found += settings_errors.settings_problems(
            error,
            schema=model_schema(TeamsDocument),
            place=lambda location: f"{path}: {field_path(location, document)}" if location else path,
            wording=settings_errors.file_wording,
        )
        return None, {item["loc"] for item in error.errors()}


def build_teams(
    teams_file: TeamsDocument, document: dict[str, Any], flags: dict[str, Any], path: str, problems: Problems
) -> tuple[TeamConfig, ...]:
    """Precedence, lowest first: built-in defaults, -c flags, the file's `defaults:`, the team's own."""
    file_defaults = document.get("defaults") or {}
    warn_without_system(teams_file.defaults, file_defaults, f"{path}: defaults", problems)
    shared = {**flags, **written(teams_file.defaults, file_defaults)}
    teams = []
    for index, team in enumerate(teams_file.teams):
        entry = document["teams"][index]
        warn_without_system(team, entry, f"{path}: {team_place(index, document)}", problems)
        teams.append(TeamConfig(**{**shared, **written(team, entry)}, name=team.name))
    return tuple(teams)


def written(settings: TeamSettings, entry: dict[str, Any]) -> dict[str, Any]:
    """The validated values of the settings the file wrote (not those left at their default)."""
    return {key: getattr(settings, key) for key in entry if key != "name" and not str(key).startswith(EXTENSION_PREFIX)}


def warn_without_system(settings: TeamSettings, entry: dict[str, Any], where: str, problems: Problems) -> None:
    if "instance_types" in entry and settings.allowlist_warning:
        problems.warn(f"{where}.instance_types", settings.allowlist_warning)


def check_flags_not_overridden(document: Any, flags: dict[str, Any], *, path: str, problems: Problems) -> None:
    file_defaults = document.get("defaults") if isinstance(document, dict) else None
    for flag, field_name in TEAM_SETTING_FLAGS.items():
        if field_name not in flags:
            continue
        places = (["defaults"] if isinstance(file_defaults, dict) and field_name in file_defaults else []) + [
            team_place(index, document) for index, entry in entries(document) if field_name in entry
        ]
        if places:
            problems.add(
                f"-c {flag}",
                f"{path} sets {field_name} too ({', '.join(places)}), which would override this flag without a "
                "word; set it in one place",
            )


def check_names(
    named: dict[int, str],
    retired: frozenset[str],
    *,
    where: Callable[[int], str],
    region: str,
    account: str,
    problems: Problems,
) -> None:
    """A team defined twice is refused after its first place; a retired name wherever it stands."""
    first_index: dict[str, int] = {}
    for index, name in named.items():
        if name in first_index:
            rule = f"team {name!r} is already defined at teams[{first_index[name]}]; names must be unique"
            problems.add(where(index), rule)
            continue
        first_index[name] = index
        if name in retired:
            problems.add(where(index), names.retired_team_rule(name, region, account))


def entries(document: Any) -> list[tuple[int, dict[str, Any]]]:
    """The team entries that are mappings, with their index, whatever else is wrong with the file."""
    teams = document.get("teams") if isinstance(document, dict) else None
    if not isinstance(teams, list):
        return []
    return [(index, entry) for index, entry in enumerate(teams) if isinstance(entry, dict)]


def retired_names(document: Any) -> frozenset[str]:
    retired = document.get("retired_teams") if isinstance(document, dict) else None
    return frozenset(name for name in retired if isinstance(name, str)) if isinstance(retired, list) else frozenset()


def team_place(index: int, document: Any) -> str:
    return field_path(("teams", index), document)


def field_path(location: Location, document: Any) -> str:
    """`teams[2] (team3).budget.monthly_limit_usd`: the team's name beside its index."""
    text = ""
    for position, item in enumerate(location):
        if isinstance(item, int):
            text += f"[{item}]"
            if position == 1 and location[0] == "teams":
                entry = document["teams"][item]
                if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                    text += f" ({entry['name']})"
        else:
            text += f".{item}" if text else str(item)
    return text
