"""Which installed distributions a set of project modules imports, read from source (nothing is imported).

`local_import_graph` follows the project's own imports from an entry file (app.py), as Python
would when the module runs; `third_party_distributions` maps the other imports to the
distribution whose RECORD holds the imported module, so `aws_cdk.aws_iam` is aws-cdk-lib and
`moto` is moto, whatever a requirements file says.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path


@dataclass(frozen=True)
class Import:
    module: str  # dotted name as written, relative imports resolved
    source: Path
    line: int


def module_file(root: Path, dotted: str) -> Path | None:
    """The project file of a dotted module name, or None when it is not a module of the project."""
    base = root.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(root: Path, path: Path) -> list[Import]:
    """Every import statement of a file, including those inside functions and TYPE_CHECKING blocks.

    `from package import name` yields `package.name` when that is a module of the project, else
    `package`: the name may be a submodule or an attribute, and only a file tells which.
    """
    package = module_name(root, path) if path.name == "__init__.py" else module_name(root, path).rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, path, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.append(Import(submodule if module_file(root, submodule) else base, path, node.lineno))
    return found


def local_import_graph(root: Path, entry: Path) -> list[Import]:
    """Imports of `entry` and of every project module it reaches, transitively."""
    seen: set[Path] = set()
    pending, found = [entry], []
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        for imported in imports_of(root, path):
            found.append(imported)
            parts = imported.module.split(".")
            # Importing a.b.c runs a/__init__.py and a/b/__init__.py first.
            for depth in range(1, len(parts) + 1):
                local = module_file(root, ".".join(parts[:depth]))
                if local is not None:
                    pending.append(local)
    return found


def is_stdlib(module: str) -> bool:
    return module.split(".")[0] in sys.stdlib_module_names


@cache
def _module_owners() -> dict[str, frozenset[str]]:
    """Dotted module name -> canonical names of the installed distributions whose files define it."""
    owners: dict[str, set[str]] = defaultdict(set)
    for dist in metadata.distributions():
        for file in dist.files or ():
            parts = file.parts
            if not parts or parts[0].endswith((".dist-info", ".data")) or ".." in parts:
                continue
            if parts[-1] == "__init__.py":
                parts = parts[:-1]
            elif parts[-1].endswith(".py"):
                parts = (*parts[:-1], parts[-1][: -len(".py")])
            elif parts[-1].endswith((".so", ".pyd")):
                parts = (*parts[:-1], parts[-1].split(".")[0])
            else:
                continue
            if parts:
                owners[".".join(parts)].add(canonical(dist.metadata["Name"]))
    return {module: frozenset(names) for module, names in owners.items()}


def canonical(distribution: str) -> str:
    """PEP 503 name: `PyYAML`, `pyyaml` and `aws_cdk.asset-awscli-v1`-style spellings compare equal."""
    return "".join("-" if c in "_." else c for c in distribution.lower())


def owning_distributions(module: str) -> frozenset[str]:
    """Distributions defining the module, or its nearest parent package; empty if none is installed."""
    owners = _module_owners()
    parts = module.split(".")
    for depth in range(len(parts), 0, -1):
        found = owners.get(".".join(parts[:depth]))
        if found:
            return found
    return frozenset()


def third_party_distributions(root: Path, imports: list[Import]) -> dict[Import, frozenset[str]]:
    """For each import that is neither the standard library nor the project: its distributions."""
    return {
        imported: owning_distributions(imported.module)
        for imported in imports
        if not is_stdlib(imported.module) and module_file(root, imported.module.split(".")[0]) is None
    }
