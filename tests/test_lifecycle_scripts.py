"""The lifecycle shell scripts: syntax, shellcheck, and what they do when run with a temporary HOME."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studio_constructs.lifecycle_content import SCRIPTS_DIR, render_lifecycle_configs

SHELLCHECK = Path(sys.executable).with_name("shellcheck")
PIP = "https://nexus.example.com/repository/pypi-proxy/simple"
CONDA = "https://nexus.example.com/repository/conda-proxy/conda-forge"
TEMPLATES = ["common.sh", "jupyterlab.sh", "code_editor.sh", "kernel_gateway.sh"]
MIRROR_APPS = ["JupyterLab", "CodeEditor", "KernelGateway"]


def rendered(pip=PIP, conda=CONDA, minutes=60.0) -> dict[str, str]:
    scripts = render_lifecycle_configs(
        team="ds-team", idle_timeout_minutes=minutes, pip_index_url=pip, conda_channel_url=conda
    )
    return {script.app_type: script.script for script in scripts}


@pytest.fixture
def launcher(tmp_path):
    """Stands in for python when the JupyterLab script starts the checker: records its arguments."""
    record = tmp_path / "launcher-args.json"
    stub = tmp_path / "launcher"
    stub.write_text(
        "#!/bin/bash\n"
        f"printf '%s\\n' \"$@\" > {record}.tmp && mv {record}.tmp {record}\n"
        "echo '{\"message\": \"checker stub started\"}'\n"
    )
    stub.chmod(0o755)
    return stub, record


def run_script(text: str, tmp_path: Path, *, home: str | None, extra_env: dict | None = None, path_prefix=None):
    script = tmp_path / "lcc.sh"
    script.write_text(text)
    env = {"PATH": os.environ["PATH"], "LCC_APP_LOG": str(tmp_path / "app_container.log"), "TZ": "UTC"}
    if path_prefix:
        env["PATH"] = f"{path_prefix}:{env['PATH']}"
    if home is not None:
        env["HOME"] = home
    env.update(extra_env or {})
    result = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    log_lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert log_lines and all(line["source"] == "lifecycle-config" for line in log_lines)
    return log_lines


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_pass_bash_n_and_shellcheck(name):
    path = SCRIPTS_DIR / name
    subprocess.run(["bash", "-n", str(path)], check=True)
    result = subprocess.run([str(SHELLCHECK), str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("mirrors", [(PIP, CONDA), (None, None)])
@pytest.mark.parametrize("app", MIRROR_APPS)
def test_rendered_scripts_pass_bash_n_and_shellcheck(tmp_path, app, mirrors):
    text = rendered(*mirrors)[app]
    assert text.startswith("#!/bin/bash\n") and "set -euo pipefail\n" in text
    path = tmp_path / f"{app}.sh"
    path.write_text(text)
    subprocess.run(["bash", "-n", str(path)], check=True)
    result = subprocess.run([str(SHELLCHECK), str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("app", MIRROR_APPS)
def test_nothing_is_downloaded_or_installed(app):
    text = rendered()[app].lower()
    for forbidden in ("curl ", "wget ", "pip install", "conda install", "apt-get", "apt install", "crontab"):
        assert forbidden not in text


@pytest.mark.parametrize("app", ["CodeEditor", "KernelGateway"])
def test_mirror_urls_go_to_the_user_pip_and_conda_config(tmp_path, app):
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "app_container.log").write_text("")
    log_lines = run_script(rendered()[app], tmp_path, home=str(home))
    pip_conf = (home / ".config/pip/pip.conf").read_text()
    assert f"index-url = {PIP}\n" in pip_conf and "[global]" in pip_conf
    condarc = (home / ".condarc").read_text()
    assert f'channels:\n  - "{CONDA}"\n' in condarc
    assert 'channel_alias: "https://nexus.example.com/repository/conda-proxy"\n' in condarc
    assert "defaults" not in condarc.replace("default_channels", "")
    assert any(PIP in line["message"] for line in log_lines)
    assert (tmp_path / "app_container.log").read_text().count("\n") == len(log_lines)


def test_only_the_configured_mirror_is_written(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    run_script(rendered(pip=PIP, conda=None)["CodeEditor"], tmp_path, home=str(home))
    assert (home / ".config/pip/pip.conf").exists()
    assert not (home / ".condarc").exists()


@pytest.mark.parametrize("app", ["CodeEditor", "KernelGateway"])
def test_without_mirrors_nothing_is_written(tmp_path, app):
    home = tmp_path / "home"
    home.mkdir()
    log_lines = run_script(rendered(None, None)[app], tmp_path, home=str(home))
    assert list(home.iterdir()) == []
    assert "unchanged" in log_lines[-1]["message"]


def test_an_existing_user_config_is_kept_once_as_a_backup(tmp_path):
    home = tmp_path / "home"
    (home / ".config/pip").mkdir(parents=True)
    (home / ".config/pip/pip.conf").write_text("[global]\ntimeout = 99\n")
    for _ in range(2):  # the second run must not overwrite the backup with our own file
        run_script(rendered()["KernelGateway"], tmp_path, home=str(home))
    assert (home / ".config/pip/pip.conf.before-mirror").read_text() == "[global]\ntimeout = 99\n"
    assert PIP in (home / ".config/pip/pip.conf").read_text()


def test_xdg_config_home_is_honoured(tmp_path):
    home, xdg = tmp_path / "home", tmp_path / "xdg"
    home.mkdir()
    run_script(rendered()["KernelGateway"], tmp_path, home=str(home), extra_env={"XDG_CONFIG_HOME": str(xdg)})
    assert PIP in (xdg / "pip/pip.conf").read_text()


def fake_getent(tmp_path: Path, home: str) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    getent = bin_dir / "getent"
    getent.write_text(f"#!/bin/bash\n[ -n '{home}' ] && echo 'kernel:x:1000:100::{home}:/bin/bash'\nexit 0\n")
    getent.chmod(0o755)
    return bin_dir


@pytest.mark.parametrize("unusual_home", [None, "/", "/nonexistent/home"])
def test_kernel_gateway_falls_back_to_the_passwd_home(tmp_path, unusual_home):
    passwd_home = tmp_path / "passwd-home"
    passwd_home.mkdir()
    bin_dir = fake_getent(tmp_path, str(passwd_home))
    run_script(rendered()["KernelGateway"], tmp_path, home=unusual_home, path_prefix=bin_dir)
    assert PIP in (passwd_home / ".config/pip/pip.conf").read_text()


def test_kernel_gateway_without_any_writable_home_logs_and_succeeds(tmp_path):
    bin_dir = fake_getent(tmp_path, "")
    log_lines = run_script(rendered()["KernelGateway"], tmp_path, home="/nonexistent/home", path_prefix=bin_dir)
    assert log_lines[-1]["level"] == "WARNING" and "not configured" in log_lines[-1]["message"]


def wait_for(path: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} never appeared")
        time.sleep(0.05)


def test_jupyterlab_configures_mirrors_and_starts_the_embedded_checker(tmp_path, launcher):
    stub, record = launcher
    home = tmp_path / "home"
    home.mkdir()
    app_log = tmp_path / "app_container.log"
    app_log.write_text("")
    env = {"IDLE_CHECKER_PYTHON": sys.executable, "IDLE_CHECKER_LAUNCHER": str(stub)}
    log_lines = run_script(rendered(minutes=45.0)["JupyterLab"], tmp_path, home=str(home), extra_env=env)
    assert PIP in (home / ".config/pip/pip.conf").read_text()
    assert "idle checker started" in log_lines[-1]["message"]
    wait_for(record)
    checker = home / ".idle-shutdown/idle_shutdown.py"
    assert record.read_text().splitlines() == [
        str(checker), "--idle-timeout-minutes", "45.0", "--state-dir", "/tmp/idle-shutdown",
    ]
    assert checker.read_bytes() == (SCRIPTS_DIR / "idle_shutdown.py").read_bytes()
    # The checker's own output goes to the app log as well.
    deadline = time.monotonic() + 30
    while "checker stub started" not in app_log.read_text():
        assert time.monotonic() < deadline, app_log.read_text()
        time.sleep(0.05)
    help_text = subprocess.run([sys.executable, str(checker), "--help"], capture_output=True, text=True, check=True)
    assert "--idle-timeout-minutes" in help_text.stdout


def test_jupyterlab_without_mirrors_only_starts_the_checker(tmp_path, launcher):
    stub, record = launcher
    home = tmp_path / "home"
    home.mkdir()
    env = {"IDLE_CHECKER_PYTHON": sys.executable, "IDLE_CHECKER_LAUNCHER": str(stub)}
    run_script(rendered(None, None)["JupyterLab"], tmp_path, home=str(home), extra_env=env)
    wait_for(record)
    assert sorted(path.name for path in home.iterdir()) == [".idle-shutdown"]
    # Without a writable app log the checker logs next to itself (written in the background,
    # possibly after the launch record: poll with a deadline).
    fallback_log = home / ".idle-shutdown/idle-shutdown.log"
    deadline = time.monotonic() + 30
    while not (fallback_log.exists() and "checker stub started" in fallback_log.read_text()):
        assert time.monotonic() < deadline, fallback_log.read_text() if fallback_log.exists() else "no log"
        time.sleep(0.05)


def test_urls_with_shell_special_characters_arrive_literally(tmp_path):
    odd = "https://mirror.example.com/p*(x)!/{a}/simple?token=1#frag"
    home = tmp_path / "home"
    home.mkdir()
    (home / "p-glob-bait").write_text("")
    run_script(rendered(pip=odd, conda=odd)["CodeEditor"], tmp_path, home=str(home))
    assert f"index-url = {odd}\n" in (home / ".config/pip/pip.conf").read_text()
    assert f'  - "{odd}"\n' in (home / ".condarc").read_text()
