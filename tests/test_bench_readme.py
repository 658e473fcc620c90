"""`make bench` prints its table and leaves README.md alone unless asked (`WRITE_README=1`).

The benchmarks themselves are replaced by fixed rows: what is under test is where the table
goes, not the figures (benchmarks/ measures those and fails on nothing).
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

from test_setup import PAGE_TREE

ROOT = Path(__file__).resolve().parent.parent
ROWS = [("cdk synth, 1 team(s): wall s (median of 3)", "7.6"), ("a value with a backslash", r"C:\d\1")]
README = """# Title

Before the table.

<!-- bench:start -->
| metric | value |
|---|---|
| old | 1 |
<!-- bench:end -->

After the table.
"""


@pytest.fixture
def run_all(monkeypatch):
    spec = importlib.util.spec_from_file_location("run_all", ROOT / "benchmarks" / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module.bench_synth, "run", lambda: ROWS[:1])
    monkeypatch.setattr(module.bench_presign, "run", lambda: ROWS[1:])
    monkeypatch.setattr(module.bench_ordering, "run", lambda: [])
    monkeypatch.setattr(module.bench_login_page, "run", lambda: [])
    return module


def test_without_the_flag_the_table_is_printed_and_the_readme_untouched(run_all, tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(README)
    run_all.main([], readme=readme)
    assert readme.read_text() == README
    printed = capsys.readouterr().out
    assert "| cdk synth, 1 team(s): wall s (median of 3) | 7.6 |" in printed
    assert "| a value with a backslash | C:\\d\\1 |" in printed


def test_write_readme_replaces_only_the_table_between_the_markers(run_all, tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(README)
    run_all.main(["--write-readme"], readme=readme)
    table = capsys.readouterr().out.strip()
    before, _, rest = README.partition("<!-- bench:start -->")
    _, _, after = rest.partition("<!-- bench:end -->")
    assert readme.read_text() == f"{before}<!-- bench:start -->\n{table}\n<!-- bench:end -->{after}"
    assert "| old | 1 |" not in readme.read_text()


def test_write_readme_refuses_a_readme_without_markers(run_all, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# No table here\n")
    with pytest.raises(SystemExit, match="no <!-- bench:start --> ... <!-- bench:end --> markers"):
        run_all.main(["--write-readme"], readme=readme)
    assert readme.read_text() == "# No table here\n"


@pytest.mark.parametrize(("variables", "writes"), [([], False), (["WRITE_README=1"], True), (["WRITE_README=0"], False)])
def test_make_bench_passes_the_flag_only_when_asked(tmp_path, variables, writes):
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt", "constraints.txt", "package.json", "package-lock.json"):
        shutil.copy2(ROOT / name, tmp_path / name)
    for name in PAGE_TREE:  # bench measures the login page too, so it builds it
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        copy(ROOT / name, tmp_path / name)
    result = subprocess.run(["make", "-n", "bench", *variables], cwd=tmp_path, capture_output=True, text=True, check=True)
    bench = [line for line in result.stdout.splitlines() if "benchmarks/run_all.py" in line]
    assert len(bench) == 1
    assert ("--write-readme" in bench[0]) is writes
