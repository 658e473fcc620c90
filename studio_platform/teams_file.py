"""The teams file (`-c teams-file=teams.yaml` or `.json`): every team and its settings.

Checked in two passes so the operator gets one precise line: `teams.schema.json` (shapes,
types, ranges; editors can use it too), then the rules that need code (team-name lengths that
depend on region and account, URL safety, duplicates). Each schema rule's `description` is
the text of its error, so the message and the schema cannot drift apart.
"""

from __future__ import annotations

import difflib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match, by_relevance

from studio_platform import names
from studio_platform.config import BudgetConfig, TeamConfig, parse_url
from studio_platform.errors import ConfigError

SCHEMA_PATH = Path(__file__).with_name("teams.schema.json")
# At one place in the file, "`team` is not a known field (did you mean 'teams'?)" helps more
# than "`teams` is required".
RELEVANCE = by_relevance(strong=frozenset({"additionalProperties"}))
EMPTY_RULE = "the file is empty; it must have a top-level `teams:` list (see teams.example.yaml)"


def load_teams_file(
    path: str, *, defaults: dict[str, Any], region: str, account: str, also_retired: frozenset[str] = frozenset()
) -> tuple[TeamConfig, ...]:
    """Every team of the file; file defaults override `defaults` (-c flags), team fields override both.

    A name in the file's `retired_teams` (or in `also_retired`, from -c retired-teams) cannot be a team.
    """
    document = read_document(path)
    check_schema(document, path=path)
    retired = also_retired | frozenset(document.get("retired_teams", ()))
    shared = {**defaults, **team_settings(document.get("defaults", {}), where=f"{path}: defaults")}
    teams: list[TeamConfig] = []
    first_index: dict[str, int] = {}
    for index, entry in enumerate(document["teams"]):
        where = f"{path}: teams[{index}] ({entry['name']})"
        name = names.check_team_name(entry["name"], where=f"{where}.name", region=region, account=account)
        if name in first_index:
            raise ConfigError(
                f"{where}.name", f"team {name!r} is already defined at teams[{first_index[name]}]; names must be unique"
            )
        first_index[name] = index
        if name in retired:
            raise ConfigError(f"{where}.name", names.retired_team_rule(name, region, account))
        teams.append(TeamConfig(name=name, **{**shared, **team_settings(entry, where=where)}))
    return tuple(teams)


# --- reading --------------------------------------------------------------------------------


def read_document(path: str) -> Any:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, f"file not found (relative paths are resolved against {Path.cwd()})") from None
    except IsADirectoryError:
        raise ConfigError(path, "is a directory, not a teams file") from None
    except UnicodeDecodeError:
        raise ConfigError(path, "cannot be read: it is not UTF-8 text") from None
    except OSError as error:
        raise ConfigError(path, f"cannot be read: {error.strerror or error}") from None
    document = parse_json(text, path) if file.suffix.lower() == ".json" else parse_yaml(text, path)
    if document is None:
        raise ConfigError(path, EMPTY_RULE)
    return document


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe loading that refuses a key given twice (plain PyYAML silently keeps the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = self.construct_object(key_node)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key {key!r} is given twice", key_node.start_mark
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str, path: str) -> Any:
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        context = f" ({error.context})" if error.context else ""
        raise ConfigError(where, f"invalid YAML: {error.problem or 'syntax error'}{context}") from None
    except yaml.YAMLError as error:
        raise ConfigError(path, f"invalid YAML: {error}") from None


class _DuplicateJsonKey(ValueError):
    pass


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateJsonKey(key)
        result[key] = value
    return result


def parse_json(text: str, path: str) -> Any:
    if not text.strip():
        return None
    try:
        return json.loads(text, object_pairs_hook=_unique_pairs)
    except json.JSONDecodeError as error:
        raise ConfigError(f"{path}:{error.lineno}:{error.colno}", f"invalid JSON: {error.msg}") from None
    except _DuplicateJsonKey as error:
        raise ConfigError(path, f"invalid JSON: the key {error.args[0]!r} is given twice") from None


# --- the schema pass --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def teams_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def check_schema(document: Any, *, path: str) -> None:
    error = best_match(Draft202012Validator(teams_schema()).iter_errors(document), key=RELEVANCE)
    if error is not None:
        where, rule = explain(error, document)
        raise ConfigError(f"{path}: {where}" if where else path, rule)


def explain(error: ValidationError, document: Any) -> tuple[str, str]:
    """`(field path, rule)` for one schema error, worded for the person editing the file."""
    where = field_path(list(error.absolute_path), document)
    schema = error.schema if isinstance(error.schema, dict) else {}
    join = (lambda name: f"{where}.{name}") if where else (lambda name: name)
    if error.validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        unknown = sorted(str(key) for key in error.instance if key not in allowed)[0]
        close = difflib.get_close_matches(unknown, allowed, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return join(unknown), f"is not a known field{hint}; allowed fields: {', '.join(allowed)}"
    if error.validator == "required":
        missing = next(name for name in schema["required"] if name not in error.instance)
        wanted = resolve(schema["properties"][missing]).get("description", "a value")
        return join(missing), f"is required: {wanted}"
    if error.validator == "uniqueItems":
        repeated = next(item for i, item in enumerate(error.instance) if item in error.instance[:i])
        return where, f"lists {show(repeated)} more than once; {schema.get('description', 'items must be distinct')}"
    description = schema.get("description")
    if not description:
        return where, error.message
    rule = f"must be {description}, got {show(error.instance)}"
    if error.validator == "type" and "string" in error.validator_value and is_number(error.instance):
        rule += "; put it in quotes to make it text"
    return where, rule


def field_path(items: list[Any], document: Any) -> str:
    """`teams[2] (team3).budget.monthly_limit_usd`: the team's name beside its index."""
    text = ""
    for position, item in enumerate(items):
        if isinstance(item, int):
            text += f"[{item}]"
            if position == 1 and items[0] == "teams":
                entry = document["teams"][item]
                if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                    text += f" ({entry['name']})"
        else:
            text += f".{item}" if text else str(item)
    return text


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """A local `#/$defs/...` reference, as used in teams.schema.json."""
    ref = schema.get("$ref", "")
    if ref.startswith("#/$defs/"):
        return teams_schema()["$defs"][ref.removeprefix("#/$defs/")]
    return schema


def show(value: Any) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 80 else f"{text[:77]}..."


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# --- the semantic pass: schema-valid values into TeamConfig fields -----------------------------


def team_settings(entry: dict[str, Any], *, where: str) -> dict[str, Any]:
    """TeamConfig keyword arguments for the settings present in one `defaults:` or team entry."""
    return {field: SETTINGS[field](value, f"{where}.{field}") for field, value in entry.items() if field != "name"}


def instance_types(value: list[str], where: str) -> tuple[str, ...]:
    return tuple(names.check_instance_type(item, where=f"{where}[{i}]") for i, item in enumerate(value))


def budget(value: dict[str, Any], where: str) -> BudgetConfig:
    thresholds = value.get("thresholds_percent")
    return BudgetConfig(
        monthly_limit_usd=float(value["monthly_limit_usd"]),
        thresholds_percent=tuple(float(t) for t in thresholds) if thresholds else BudgetConfig.thresholds_percent,
        emails=tuple(value.get("emails", ())),
    )


def user_profiles(value: list[str], where: str) -> tuple[str, ...]:
    first_index: dict[str, int] = {}
    for index, name in enumerate(value):
        key = name.lower()
        if key in first_index:
            earlier = first_index[key]
            raise ConfigError(
                f"{where}[{index}]",
                f"{name!r} repeats {value[earlier]!r} ({where.rsplit('.', 1)[-1]}[{earlier}]); "
                "SageMaker user profile names must be unique ignoring case",
            )
        first_index[key] = index
    return tuple(value)


SETTINGS: dict[str, Callable[[Any, str], Any]] = {
    "instance_types": instance_types,
    "idle_timeout_minutes": lambda value, where: float(value),
    "pip_index_url": lambda value, where: parse_url(value, where=where),
    "conda_channel_url": lambda value, where: parse_url(value, where=where),
    "cost_centre": lambda value, where: value,
    "owner": lambda value, where: value,
    "budget": budget,
    "retention": lambda value, where: value,
    "user_profiles": user_profiles,
}
