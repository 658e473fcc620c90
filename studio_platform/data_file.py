"""A YAML or JSON file from outside (the teams file), read as untrusted data.

Refused before any setting is looked at: a file over MAX_FILE_BYTES, YAML whose aliases expand
past MAX_EXPANDED_NODES ("billion laughs") or refer to themselves, nesting deeper than Python's
recursion limit, a key given twice (plain PyYAML keeps the last one silently), and numbers that
are not finite (`.inf`, `.nan`, JSON's `NaN`). Each refusal is one ConfigError naming the file
(and line, column or field where known).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from studio_platform import rules
from studio_platform.errors import ConfigError, Problems

# A teams file for hundreds of teams is tens of kilobytes: these bounds stop a hostile or broken
# file from hanging synth, far above any real one.
MAX_FILE_BYTES = 1024 * 1024
MAX_EXPANDED_NODES = 100_000
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


