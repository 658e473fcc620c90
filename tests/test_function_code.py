"""A function's asset: its own directory plus the runtime core, staged by content."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from studio_constructs import function_code


@pytest.fixture
def roots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    lambda_root, core, build = tmp_path / "lambda", tmp_path / "studio_runtime", tmp_path / "build"
    (lambda_root / "fn" / "pkg").mkdir(parents=True)
    (lambda_root / "fn" / "handler.py").write_text("def handler(e, c): ...\n")
    (lambda_root / "fn" / "pkg" / "logic.py").write_text("X = 1\n")
    (lambda_root / "fn" / "__pycache__").mkdir()
    (lambda_root / "fn" / "__pycache__" / "handler.cpython-311.pyc").write_bytes(b"\0")
    core.mkdir()
    (core / "__init__.py").write_text("")
    (core / "log.py").write_text("LEVEL = 'INFO'\n")
    monkeypatch.setattr(function_code, "LAMBDA_ROOT", lambda_root)
    monkeypatch.setattr(function_code, "RUNTIME_CORE", core)
    monkeypatch.setattr(function_code, "BUILD_ROOT", build)
    function_code.staged_code.cache_clear()
    yield tmp_path
    function_code.staged_code.cache_clear()


def files_of(directory: Path) -> set[str]:
    return {path.relative_to(directory).as_posix() for path in directory.rglob("*") if path.is_file()}


def test_the_asset_holds_the_function_and_the_core_without_bytecode(roots: Path) -> None:
    staged = function_code.staged_code("fn")
    assert files_of(staged) == {"handler.py", "pkg/logic.py", "studio_runtime/__init__.py", "studio_runtime/log.py"}
    assert (staged / "studio_runtime" / "log.py").read_text() == "LEVEL = 'INFO'\n"


def test_same_content_same_directory_and_a_core_change_a_new_one(roots: Path) -> None:
    first = function_code.staged_code("fn")
    function_code.staged_code.cache_clear()
    assert function_code.staged_code("fn") == first
    (roots / "studio_runtime" / "log.py").write_text("LEVEL = 'DEBUG'\n")
    function_code.staged_code.cache_clear()
    changed = function_code.staged_code("fn")
    assert changed != first
    assert (changed / "studio_runtime" / "log.py").read_text() == "LEVEL = 'DEBUG'\n"
    assert (first / "studio_runtime" / "log.py").read_text() == "LEVEL = 'INFO'\n"  # never rewritten in place


def test_a_function_cannot_shadow_the_core(roots: Path) -> None:
    (roots / "lambda" / "fn" / "studio_runtime").mkdir()
    with pytest.raises(ValueError, match="may not have its own studio_runtime/"):
        function_code.staged_code("fn")


def _stage(args: tuple[Path, Path, Path]) -> tuple[str, set[str]]:
    function_code.LAMBDA_ROOT, function_code.RUNTIME_CORE, function_code.BUILD_ROOT = args
    staged = function_code.staged_code("fn")
    return str(staged), files_of(staged)


def test_concurrent_synths_agree_on_one_complete_directory(roots: Path) -> None:
    args = (roots / "lambda", roots / "studio_runtime", roots / "build")
    with multiprocessing.get_context("fork").Pool(4) as pool:
        results = pool.map(_stage, [args] * 8)
    assert len({path for path, _ in results}) == 1
    assert all(len(files) == 4 for _, files in results)
    assert [p.name for p in (roots / "build").iterdir()] == [Path(results[0][0]).name]  # no leftovers


def test_old_stagings_of_a_function_are_removed_once_stale(roots: Path) -> None:
    import os

    first = function_code.staged_code("fn")
    recent = roots / "build" / "fn-0000recent"
    recent.mkdir()
    old_time = first.stat().st_mtime - function_code.STALE_AFTER_SECONDS - 10
    os.utime(first, (old_time, old_time))
    (roots / "lambda" / "fn" / "handler.py").write_text("def handler(e, c): return 1\n")
    function_code.staged_code.cache_clear()
    second = function_code.staged_code("fn")
    assert {p.name for p in (roots / "build").iterdir()} == {second.name, recent.name}


def test_generated_files_sit_beside_the_handler_and_count_in_the_hash(roots: Path) -> None:
    plain = function_code.staged_code("fn")
    with_data = function_code.staged_code("fn", (("mapping.json", '{"a": ["g1"]}'),))
    changed = function_code.staged_code("fn", (("mapping.json", '{"a": ["g2"]}'),))
    assert len({plain, with_data, changed}) == 3
    assert (with_data / "mapping.json").read_text() == '{"a": ["g1"]}'
    with pytest.raises(ValueError, match=r"generated files \['handler.py'\] would replace"):
        function_code.staged_code("fn", (("handler.py", "x = 1"),))
