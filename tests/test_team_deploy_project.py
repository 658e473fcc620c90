"""The deploy project: its build commands as bash runs them, the flags it repeats, its source."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from platform_synth import ROOT, default_context, synth_platform
from studio_constructs.team_deploy_project import build_spec, context_arguments

SHELLCHECK = Path(sys.executable).with_name("shellcheck")
COMMANDS = build_spec()["phases"]["build"]["commands"]
TEAM_CHECK = COMMANDS[0]


def project(context: dict) -> dict:
    ordering = synth_platform(context)["ordering-stack"].to_json()
    (found,) = [r for r in ordering["Resources"].values() if r["Type"] == "AWS::CodeBuild::Project"]
    return found["Properties"]


def test_the_build_commands_are_sound_bash(tmp_path):
    script = tmp_path / "build.sh"
    script.write_text("#!/usr/bin/env bash\nset -euo pipefail\n" + "\n".join(COMMANDS) + "\n")
    subprocess.run(["bash", "-n", str(script)], check=True)
    checked = subprocess.run([str(SHELLCHECK), "--shell=bash", "-e", "SC2154", str(script)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout


@pytest.mark.parametrize("team", ["fraud-ml", "team1", "a"])
def test_a_team_name_passes_the_builds_own_check(team):
    assert subprocess.run(["bash", "-c", TEAM_CHECK], env={"TEAM": team, "PATH": "/usr/bin:/bin"}).returncode == 0


@pytest.mark.parametrize("team", ["", "x; rm -rf /", "$(id)", "Team1", "team1 --all", "../infrastructure-stack"])
def test_anything_else_stops_the_build_before_it_deploys(team):
    ran = subprocess.run(["bash", "-c", TEAM_CHECK], env={"TEAM": team, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
    assert ran.returncode == 2 and "is not a team name" in ran.stderr


def test_the_platforms_flags_reach_the_build_quoted_for_its_shell():
    arguments = context_arguments({"vpc-cidr": "10.1.0.0/16", "callback-urls": "https://a.example.com/cb?x=1 2"})
    assert shlex.split(arguments) == ["-c", "callback-urls=https://a.example.com/cb?x=1 2", "-c", "vpc-cidr=10.1.0.0/16"]
    with pytest.raises(ValueError, match="-c alarm-emails: a value with '\\$' cannot be passed"):
        context_arguments({"alarm-emails": "$HOME@example.com"})


def test_the_project_carries_the_synths_flags_and_names_the_teams_file():
    variables = {v["Name"]: v["Value"] for v in project(default_context(vpc_cidr="10.1.0.0/16"))["Environment"]["EnvironmentVariables"]}
    assert "-c vpc-cidr=10.1.0.0/16" in variables["CDK_CONTEXT_ARGS"]
    assert "password" not in variables["CDK_CONTEXT_ARGS"] and "-c user=" not in variables["CDK_CONTEXT_ARGS"]
    assert variables["TEAMS_FILE_KEY"] == "teams.json" and variables["TEAM"] == "" and variables["TEAMS_FILE_VERSION"] == ""


def test_a_github_source_is_read_through_its_connection():
    connection = "arn:aws:codeconnections:eu-central-1:111111111111:connection/12345678-1234-1234-1234-123456789012"
    source = project(default_context(order_deploy_source="https://github.com/acme/platform#release", order_deploy_connection_arn=connection))
    assert source["Source"]["Type"] == "GITHUB" and source["Source"]["Location"] == "https://github.com/acme/platform.git"
    assert source["Source"]["Auth"] == {"Type": "CODECONNECTIONS", "Resource": connection}
    assert source["SourceVersion"] == "release"


def test_make_deploy_team_refuses_to_run_without_a_team_and_a_teams_file():
    ran = subprocess.run(["make", "-s", "deploy-team"], cwd=ROOT, capture_output=True, text=True)
    assert ran.returncode == 2 and "error: make deploy-team needs TEAM=<team> TEAMS_FILE=<teams file>" in ran.stderr
