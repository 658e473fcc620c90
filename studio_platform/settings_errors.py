"""pydantic's ValidationError as our one-line problems: `<where>: <rule>`, never pydantic's text.

`settings_problems` is the one mapping. A rule of rules.py or names.py arrives as the ConfigError
it raised and keeps its words; `where` comes from the error's location, named by the reader: a
flag (`-c idle-timeout-minutes`) or the file, team and field (`teams.yaml: teams[0]
(team1).idle_timeout_minutes`). A shape rule (type, range, choice, required, unknown field) is
worded from the schema of the model: for a flag as it was typed (`'1' must be between 5 and
240`), for a teams file by the rule's `description` (`must be a number of minutes ..., got 1`).
"""

from __future__ import annotations

import difflib
import json
from typing import Any, Callable, Protocol

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from studio_platform import rules
from studio_platform.errors import ConfigError, problems_of

UNKNOWN_FIELD = frozenset({"extra_forbidden", "unexpected_keyword_argument"})
MISSING_FIELD = frozenset({"missing", "missing_keyword_argument"})
BOUNDS = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})
LENGTH = frozenset({"too_short", "too_long"})
Location = tuple[Any, ...]


class Wording(Protocol):
    def __call__(self, error: ErrorDetails, rule: dict[str, Any]) -> str: ...


def settings_problems(
    error: ValidationError, *, schema: dict[str, Any], place: Callable[[Location], str], wording: Wording
) -> list[ConfigError]:
    """One ConfigError per problem of `error`, in the order pydantic found them.

    Where an object has unknown fields, "`teams` is required" is left out: "`team` is not a known
    field (did you mean 'teams'?)" is the line that helps. pydantic counts a list's length after
    dropping its invalid items: that count is left out where an item is reported.
    """
    details = error.errors(include_url=False)
    with_unknown_fields = {item["loc"][:-1] for item in details if item["type"] in UNKNOWN_FIELD}
    with_bad_items = {item["loc"][:depth] for item in details for depth in range(len(item["loc"]))}
    details = [item for item in details if not (item["type"] in LENGTH and item["loc"] in with_bad_items)]
    found: list[ConfigError] = []
    for item in details:
        location, kind = item["loc"], item["type"]
        raised = (item.get("ctx") or {}).get("error")
        if isinstance(raised, ConfigError):
            found += [ConfigError(place(location) + problem.where, problem.rule) for problem in problems_of(raised)]
        elif kind in UNKNOWN_FIELD:
            allowed = sorted(schema_at(schema, location[:-1]).get("properties", {}))
            name = str(location[-1])
            close = difflib.get_close_matches(name, allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            rule = f"is not a known field{hint}; allowed fields: {', '.join(allowed)}"
            found.append(ConfigError(place(location), rule))
        elif not (kind in MISSING_FIELD and location[:-1] in with_unknown_fields):
            found.append(ConfigError(place(location), wording(item, schema_at(schema, location))))
    return found


def file_wording(error: ErrorDetails, rule: dict[str, Any]) -> str:
    """For the person editing a teams file: what the value must be, and what it is."""
    description = rule.get("description", "valid here")
    if error["type"] in MISSING_FIELD:
        return f"is required: {description}"
    if error["type"] == "unique_items":
        return f"lists {show(error['ctx']['repeated'])} more than once; {description}"
    text = f"must be {description}, got {show(error['input'])}"
    if error["type"] == "string_type" and is_number(error["input"]):
        text += "; put it in quotes to make it text"
    return text


def flag_wording(given: dict[str, Any]) -> Wording:
    """For a `-c` flag: the value as it was given (`given`: field -> value), then the rule."""

    def word(error: ErrorDetails, rule: dict[str, Any]) -> str:
        kind, raw = error["type"], given.get(error["loc"][0])
        if kind in MISSING_FIELD:
            return "is required (set it on the command line or in cdk.json)"
        if kind == "finite_number":
            return rules.not_finite(error["input"])
        if kind in BOUNDS:
            low = rule.get("minimum", rule.get("exclusiveMinimum"))
            high = rule.get("maximum", rule.get("exclusiveMaximum"))
            return f"{raw!r} must be between {low:g} and {high:g}"
        if kind == "literal_error":
            return f"{raw!r} must be one of: {', '.join(rule['enum'])}"
        return f"{raw!r} must be {rule.get('description', 'valid here')}"

    return word


def schema_at(schema: dict[str, Any], location: Location) -> dict[str, Any]:
    """The rule of the value at `location` (object fields and list items), local `$ref`s resolved."""
    node = resolve(schema, schema)
    for part in location:
        node = node.get("items", {}) if isinstance(part, int) else node.get("properties", {}).get(part, {})
        node = resolve(schema, node)
    return node


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """A `{"$ref": "#/$defs/x", ...}` node: the definition, with the node's own keys on top."""
    reference = node.get("$ref", "")
    if not reference.startswith("#/$defs/"):
        return node
    own = {key: value for key, value in node.items() if key != "$ref"}
    return {**resolve(schema, schema["$defs"][reference.removeprefix("#/$defs/")]), **own}


def show(value: Any) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 80 else f"{text[:77]}..."


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
