"""Rendering of the lifecycle-config scripts: names, content, determinism and the size limit."""

from __future__ import annotations

import base64
import bz2
import hashlib
import re

import pytest

from studio_constructs import lifecycle_content
from studio_constructs.lifecycle_content import LifecycleScript, render_lifecycle_configs
from studio_platform.errors import ConfigError

PIP = "https://nexus.example.com/repository/pypi-proxy/simple"
CONDA = "https://nexus.example.com/repository/conda-proxy/conda-forge"


def render(**overrides) -> dict[str, LifecycleScript]:
    arguments = {"team": "ds-team", "idle_timeout_minutes": 60.0, "pip_index_url": PIP, "conda_channel_url": CONDA}
    arguments.update(overrides)
    return {script.app_type: script for script in render_lifecycle_configs(**arguments)}


def test_one_script_per_app_type_named_team_app_hash():
    scripts = render()
    assert list(scripts) == ["JupyterLab", "CodeEditor", "KernelGateway"]
    for app_type, segment in [("JupyterLab", "jupyterlab"), ("CodeEditor", "codeeditor"),
                              ("KernelGateway", "kernelgateway")]:
        script = scripts[app_type]
        digest = hashlib.sha256(script.script.encode()).hexdigest()[:8]
        assert script.name == f"ds-team-{segment}-{digest}"
        assert re.fullmatch(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", script.name)
        assert base64.b64decode(script.content_base64).decode() == script.script
        assert len(script.content_base64) <= 16384


def test_rendering_is_deterministic_and_the_name_follows_the_content():
    assert render() == render()
    assert render()["JupyterLab"].name != render(idle_timeout_minutes=90)["JupyterLab"].name
    assert render()["CodeEditor"].name != render(pip_index_url=None)["CodeEditor"].name
    # The idle timeout matters to JupyterLab only.
    assert render()["CodeEditor"].name == render(idle_timeout_minutes=90)["CodeEditor"].name


def test_values_are_filled_in_and_no_placeholder_is_left():
    scripts = render()
    for script in scripts.values():
        assert "@@" not in script.script
        assert f"PIP_MIRROR_URL={PIP}\n" in script.script
        assert f"CONDA_MIRROR_URL={CONDA}\n" in script.script
        assert "CONDA_CHANNEL_ALIAS=https://nexus.example.com/repository/conda-proxy\n" in script.script
    assert "IDLE_TIMEOUT_MINUTES=60.0\n" in scripts["JupyterLab"].script


def test_without_mirrors_the_urls_are_empty_strings():
    for script in render(pip_index_url=None, conda_channel_url="").values():
        assert "PIP_MIRROR_URL=''\n" in script.script
        assert "CONDA_MIRROR_URL=''\n" in script.script


def test_the_checker_travels_byte_for_byte():
    script = render()["JupyterLab"].script
    blob = script.split("<<'IDLE_CHECKER_SOURCE'", 1)[1].split("\n", 1)[1].split("\nIDLE_CHECKER_SOURCE\n", 1)[0]
    source = (lifecycle_content.SCRIPTS_DIR / "idle_shutdown.py").read_bytes()
    assert bz2.decompress(base64.b64decode(blob)) == source


def test_too_large_a_script_is_refused_naming_the_script_and_its_size(monkeypatch):
    monkeypatch.setattr(lifecycle_content, "embedded_checker", lambda: "A" * 20000)
    with pytest.raises(ConfigError) as caught:
        render()
    assert caught.value.where == "jupyterlab.sh"
    size = re.search(r"is (\d+) base64 characters", caught.value.rule)
    assert size and int(size.group(1)) > 16384
    assert "16384" in caught.value.rule


def test_long_mirror_urls_still_fit():
    long_pip = "https://mirror.example.com/" + "p" * 150 + "/simple"
    long_conda = "https://mirror.example.com/" + "c" * 150 + "/conda-forge"
    assert render(pip_index_url=long_pip, conda_channel_url=long_conda)["JupyterLab"].content_base64


@pytest.mark.parametrize(
    "url",
    ["http://insecure.example.com/simple", "https://x.example.com/$(reboot)", "https://x.example.com/a'b",
     "https://x.example.com/a b", "https://x.example.com/a\nb", "ftp://x.example.com/"],
)
def test_unsafe_mirror_urls_are_refused(url):
    with pytest.raises(ConfigError) as caught:
        render(pip_index_url=url)
    assert caught.value.where == "pip_index_url"


@pytest.mark.parametrize("minutes", [0, -5, float("nan"), float("inf"), True])
def test_the_idle_timeout_must_be_a_positive_number(minutes):
    with pytest.raises(ConfigError) as caught:
        render(idle_timeout_minutes=minutes)
    assert caught.value.where == "idle_timeout_minutes"


def test_a_name_too_long_for_sagemaker_is_refused():
    with pytest.raises(ConfigError, match="naming rule"):
        render(team="t" * 50)
