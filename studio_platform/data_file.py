"""A YAML or JSON file from outside (the teams file), read as untrusted data.

Refused before any setting is looked at: a file over MAX_FILE_BYTES, YAML whose aliases expand
past yaml_document.MAX_EXPANDED_NODES ("billion laughs") or refer to themselves, nesting deeper than Python's
recursion limit, a key given twice (plain PyYAML keeps the last one silently), and numbers that
are not finite (`.inf`, `.nan`, JSON's `NaN`). Each refusal is one ConfigError naming the file
(and line, column or field where known).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from studio_platform import rules
from studio_platform.errors import ConfigError, Problems

# A teams file for hundreds of teams is tens of kilobytes: these bounds stop a hostile or broken
# file from hanging synth, far above any real one (YAML aliases: yaml_document.py).
MAX_FILE_BYTES = 1024 * 1024
EMPTY_RULE = "the file is empty; it must have a top-level `teams:` list (see teams.example.yaml)"


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
    return parse_document(text, path)


def parse_document(text: str, path: str) -> Any:
    """A teams file's text (JSON when `path` ends in .json, else YAML), with the same refusals."""
    if path.lower().endswith(".json"):
        document = parse_json(text, path)
    else:
        # Imported here: the ordering functions read a JSON teams file and carry no PyYAML.
        from studio_platform.yaml_document import parse_yaml

        document = parse_yaml(text, path)
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


