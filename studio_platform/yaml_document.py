"""A teams file's YAML, parsed safely: unique keys, bounded alias expansion, one-line errors.

Only studio_platform.data_file imports this, and only for a YAML file: a JSON teams file (the
one the ordering workflow keeps in S3) is read without PyYAML.
"""

from __future__ import annotations

from typing import Any

import yaml

from studio_platform.errors import ConfigError

# A teams file for hundreds of teams is tens of kilobytes: this bound stops a hostile or broken
# file ("billion laughs") from hanging synth, far above any real one.
MAX_EXPANDED_NODES = 100_000


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
