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

from studio_platform import names, rules
from studio_platform.config import TEAM_SETTING_FLAGS, BudgetConfig, TeamConfig, check_instance_types, parse_url
from studio_platform.errors import ConfigError, ConfigErrors, Problems

SCHEMA_PATH = Path(__file__).with_name("teams.schema.json")
# At one place in the file, "`team` is not a known field (did you mean 'teams'?)" helps more
# than "`teams` is required".
RELEVANCE = by_relevance(strong=frozenset({"additionalProperties"}))
# A teams file for hundreds of teams is tens of kilobytes: these bounds stop a hostile or broken
# file from hanging synth, far above any real one.
MAX_FILE_BYTES = 1024 * 1024
MAX_EXPANDED_NODES = 100_000
# Top-level and team keys starting with this are the author's own (YAML anchors live there).
EXTENSION_PREFIX = "x-"
EMPTY_RULE = "the file is empty; it must have a top-level `teams:` list (see teams.example.yaml)"


def load_teams_file(
    path: str,
    *,
    defaults: dict[str, Any],
    region: str,
    account: str,
    also_retired: frozenset[str] = frozenset(),
    problems: Problems | None = None,
) -> tuple[TeamConfig, ...]:
    """Every team of the file; file defaults and team fields override built-in defaults.

    `defaults` holds the team settings given as -c flags: a flag the file also sets would be
    overridden without a word, so that is a problem. A name in the file's `retired_teams`
    (or in `also_retired`, from -c retired-teams) cannot be a team. Every problem of the file
    is reported, not only the first: into `problems` when given, else raised at the end.
    """
    document = read_document(path)
    check_schema(document, path=path)
    own = problems is None
    problems = problems or Problems()
    check_flags_not_overridden(document, defaults, path=path, problems=problems)
    retired = also_retired | frozenset(document.get("retired_teams", ()))
    file_defaults = team_settings(document.get("defaults", {}), where=f"{path}: defaults", problems=problems)
    shared = {**defaults, **file_defaults}
    teams: list[TeamConfig] = []
    first_index: dict[str, int] = {}
    for index, entry in enumerate(document["teams"]):
        where = f"{path}: teams[{index}] ({entry['name']})"
        name = problems.check(
            lambda: names.check_team_name(entry["name"], where=f"{where}.name", region=region, account=account), None
        )
        if name is None:
            continue
        if name in first_index:
            problems.add(
                f"{where}.name", f"team {name!r} is already defined at teams[{first_index[name]}]; names must be unique"
            )
            continue
        first_index[name] = index
        if name in retired:
            problems.add(f"{where}.name", names.retired_team_rule(name, region, account))
            continue
        teams.append(TeamConfig(name=name, **{**shared, **team_settings(entry, where=where, problems=problems)}))
    if own:
        problems.raise_if_any()
    return tuple(teams)


def check_flags_not_overridden(document: dict[str, Any], flags: dict[str, Any], *, path: str, problems: Problems) -> None:
    for flag, field_name in TEAM_SETTING_FLAGS.items():
        if field_name not in flags:
            continue
        places = (["defaults"] if field_name in document.get("defaults", {}) else []) + [
            f"teams[{index}] ({entry['name']})"
            for index, entry in enumerate(document["teams"])
            if field_name in entry
        ]
        if places:
            problems.add(
                f"-c {flag}",
                f"{path} sets {field_name} too ({', '.join(places)}), which would override this flag without a "
                "word; set it in one place",
            )


# --- reading --------------------------------------------------------------------------------


def read_document(path: str) -> Any:
    file = Path(path)
    try:
        if file.is_file() and file.stat().st_size > MAX_FILE_BYTES:
            raise ConfigError(path, f"is {file.stat().st_size} bytes; a teams file may have at most {MAX_FILE_BYTES}")
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
    check_numbers_finite(document, path=path)
    return document


def check_numbers_finite(document: Any, *, path: str) -> None:
    """`.inf` and `.nan` are YAML numbers, but no setting means them."""
    problems = Problems()

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{where}.{key}" if where else str(key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}[{index}]")
        else:
            problems.check(lambda: rules.check_finite(node, where=f"{path}: {where}"), None)

    walk(document, "")
    problems.raise_if_any()


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
    """Safe YAML whose aliases may not expand past MAX_EXPANDED_NODES ("billion laughs")."""
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        expanded = expanded_size(node)
        if expanded > MAX_EXPANDED_NODES:
            raise ConfigError(
                path,
                f"its YAML aliases expand to more than {MAX_EXPANDED_NODES} values; a teams file is data, "
                "not a generator (anchors and aliases are fine for small repeats)",
            )
        return loader.construct_document(node)
    except RecursiveAlias:
        raise ConfigError(path, "invalid YAML: an alias refers to a node that contains it") from None
    except RecursionError:
        raise ConfigError(path, "invalid YAML: nested too deeply") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        context = f" ({error.context})" if error.context else ""
        raise ConfigError(where, f"invalid YAML: {error.problem or 'syntax error'}{context}") from None
    except yaml.YAMLError as error:
        raise ConfigError(path, f"invalid YAML: {error}") from None
    finally:
        loader.dispose()


def expanded_size(root: yaml.Node) -> int:
    """How many values the document holds once every alias is copied out, without copying.

    Aliases share node objects, so sizes are memoised per node; a node that contains itself
    (`&a [*a]`) would expand forever.
    """
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            raise RecursiveAlias
        in_progress.add(key)
        if isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        else:
            total = 1
        in_progress.discard(key)
        sizes[key] = min(total, MAX_EXPANDED_NODES + 1)
        return sizes[key]

    return size(root)


class RecursiveAlias(Exception):
    """An alias inside the very node it names: it would expand forever."""


class _DuplicateJsonKey(ValueError):
    pass


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateJsonKey(key)
        result[key] = value
    return result


def _refuse_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not a finite number", name, 0)


def parse_json(text: str, path: str) -> Any:
    if not text.strip():
        return None
    try:
        return json.loads(text, object_pairs_hook=_unique_pairs, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ConfigError(f"{path}:{error.lineno}:{error.colno}", f"invalid JSON: {error.msg}") from None
    except _DuplicateJsonKey as error:
        raise ConfigError(path, f"invalid JSON: the key {error.args[0]!r} is given twice") from None


# --- the schema pass --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def teams_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def check_schema(document: Any, *, path: str) -> None:
    """Every schema problem of the file, the most telling one per place."""
    by_place: dict[tuple, list[ValidationError]] = {}
    for error in Draft202012Validator(teams_schema()).iter_errors(document):
        by_place.setdefault(tuple(error.absolute_path), []).append(error)
    problems = Problems()
    for place in sorted(by_place, key=lambda p: [str(part) for part in p]):
        error = best_match(by_place[place], key=RELEVANCE)
        for where, rule in explain(error, document):
            problems.add(f"{path}: {where}" if where else path, rule)
    problems.raise_if_any()


def explain(error: ValidationError, document: Any) -> list[tuple[str, str]]:
    """`(field path, rule)` for one schema error, worded for the person editing the file
    (one per unknown field when several are)."""
    where = field_path(list(error.absolute_path), document)
    schema = error.schema if isinstance(error.schema, dict) else {}
    join = (lambda name: f"{where}.{name}") if where else (lambda name: name)
    if error.validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        unknown = sorted(
            str(key) for key in error.instance if key not in allowed and not str(key).startswith(EXTENSION_PREFIX)
        )
        return [
            (join(name), f"is not a known field{_did_you_mean(name, allowed)}; allowed fields: {', '.join(allowed)}")
            for name in unknown
        ]
    if error.validator == "required":
        missing = next(name for name in schema["required"] if name not in error.instance)
        wanted = resolve(schema["properties"][missing]).get("description", "a value")
        return [(join(missing), f"is required: {wanted}")]
    if error.validator == "uniqueItems":
        repeated = next(item for i, item in enumerate(error.instance) if item in error.instance[:i])
        return [(where, f"lists {show(repeated)} more than once; {schema.get('description', 'items must be distinct')}")]
    description = schema.get("description")
    if not description:
        return [(where, error.message)]
    rule = f"must be {description}, got {show(error.instance)}"
    if error.validator == "type" and "string" in error.validator_value and is_number(error.instance):
        rule += "; put it in quotes to make it text"
    return [(where, rule)]


def _did_you_mean(name: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(name, allowed, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


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


def team_settings(entry: dict[str, Any], *, where: str, problems: Problems) -> dict[str, Any]:
    """TeamConfig keyword arguments for the settings present in one `defaults:` or team entry;
    a setting with a problem is recorded in `problems` and left out."""
    settings: dict[str, Any] = {}
    for field_name, value in entry.items():
        if field_name == "name" or field_name.startswith(EXTENSION_PREFIX):
            continue
        field_where = f"{where}.{field_name}"
        if field_name == "instance_types":
            settings[field_name] = check_instance_types(value, where=field_where, problems=problems, indexed=True)
            continue
        parsed = problems.check(lambda: SETTINGS[field_name](value, field_where), MISSING)
        if parsed is not MISSING:
            settings[field_name] = parsed
    return settings


def budget(value: dict[str, Any], where: str) -> BudgetConfig:
    thresholds = value.get("thresholds_percent")
    emails = value.get("emails", ())
    problems = Problems()
    checked = tuple(
        problems.check(lambda i=i, e=e: rules.check_email(e, where=f"{where}.emails[{i}]"), e)
        for i, e in enumerate(emails)
    )
    problems.raise_if_any()
    return BudgetConfig(
        monthly_limit_usd=float(value["monthly_limit_usd"]),
        thresholds_percent=tuple(float(t) for t in thresholds) if thresholds else BudgetConfig.thresholds_percent,
        emails=checked,
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


MISSING = object()
SETTINGS: dict[str, Callable[[Any, str], Any]] = {
    "idle_timeout_minutes": lambda value, where: float(value),
    "pip_index_url": lambda value, where: parse_url(value, where=where),
    "conda_channel_url": lambda value, where: parse_url(value, where=where),
    "cost_centre": lambda value, where: value,
    "owner": lambda value, where: value,
    "budget": budget,
    "retention": lambda value, where: value,
    "user_profiles": user_profiles,
}
