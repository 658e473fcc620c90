"""No import circle among the project's modules (read from source, nothing is imported).

config.py and teams_file.py once imported each other, one of them from inside a function to
dodge the circle at import time; imports inside functions count here, so that comes back as a
failure. The settings model is imported by both readers and imports neither.
"""

from __future__ import annotations

from pathlib import Path

from import_graph import imports_of, module_file, module_name

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("stacks", "studio_constructs", "studio_platform")


def project_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    """module -> the project modules it imports (anywhere in the file)."""
    files = [root / "app.py"] if (root / "app.py").is_file() else []
    files += [path for package in packages for path in sorted((root / package).rglob("*.py"))]
    graph: dict[str, set[str]] = {}
    for path in files:
        imported = {found.module for found in imports_of(root, path)}
        graph[module_name(root, path)] = {module for module in imported if module_file(root, module) is not None}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each group of modules that reach one another (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in graph.get(module, ()):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1 or module in graph.get(module, ()):
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_the_project_has_no_import_circle():
    graph = project_graph(ROOT, PACKAGES)
    assert {"studio_platform.config", "studio_platform.teams_file", "studio_platform.settings"} <= set(graph)
    assert circles(graph) == []


def test_the_readers_share_the_model_and_not_each_other():
    graph = project_graph(ROOT, PACKAGES)
    assert "studio_platform.config" not in graph["studio_platform.teams_file"]
    assert "studio_platform.settings" in graph["studio_platform.teams_file"]
    assert not {"studio_platform.config", "studio_platform.teams_file", "studio_platform.flags"} & graph[
        "studio_platform.settings"
    ]


def test_a_circle_through_an_import_inside_a_function_is_found(tmp_path):
    scratch = {
        "__init__.py": "",
        "config.py": "def load():\n    from studio_platform.teams_file import read\n",
        "teams_file.py": "from studio_platform.config import load\n\ndef read():\n    pass\n",
        "names.py": "from studio_platform import errors\n",
        "errors.py": "",
    }
    (tmp_path / "studio_platform").mkdir()
    for name, source in scratch.items():
        (tmp_path / "studio_platform" / name).write_text(source)
    assert circles(project_graph(tmp_path, ("studio_platform",))) == [
        ["studio_platform.config", "studio_platform.teams_file"]
    ]
