"""A team removed with retention=retain leaves its bucket behind: re-adding the name is refused
at synth with the way out, and nothing else of the removed team blocks a new one."""

from __future__ import annotations

import pytest
from app_process import run_app
from platform_synth import default_context, synth_platform

from studio_platform.config import load_platform_config
from studio_platform.errors import ConfigError

BASE = {"account": "111111111111", "region": "eu-central-1", "domain-name": "team1,team4"}
TEAMS_FILE = """\
retired_teams: [team4]
teams:
  - name: team1
  - name: team4
"""


def load(context):
    return load_platform_config({**BASE, **context}.get)


def test_a_retired_name_given_by_flag_is_refused_with_the_way_out():
    with pytest.raises(ConfigError) as refused:
        load({"retired-teams": "team4"})
    message = str(refused.value)
    assert message.startswith("-c domain-name: team 'team4' is listed in retired teams")
    assert "'team4-eu-central-1-111111111111' still exists" in message
    assert "choose another team name" in message and "delete that bucket" in message


def test_a_retired_name_in_the_teams_file_is_refused_naming_file_team_and_field(tmp_path):
    path = tmp_path / "teams.yaml"
    path.write_text(TEAMS_FILE)
    with pytest.raises(ConfigError) as refused:
        load({"domain-name": None, "teams-file": str(path)})
    assert str(refused.value).startswith(f"{path}: teams[1] (team4).name: team 'team4' is listed in retired teams")


def test_retired_teams_from_the_flag_also_apply_to_a_teams_file(tmp_path):
    path = tmp_path / "teams.yaml"
    path.write_text("teams:\n  - name: team1\n  - name: team4\n")
    with pytest.raises(ConfigError, match="team 'team4' is listed in retired teams"):
        load({"domain-name": None, "teams-file": str(path), "retired-teams": "team4"})


def test_other_teams_are_unaffected_by_a_retired_name(tmp_path):
    path = tmp_path / "teams.yaml"
    path.write_text("retired_teams: [team9]\nteams:\n  - name: team1\n")
    assert [team.name for team in load({"domain-name": None, "teams-file": str(path)}).teams] == ["team1"]


def test_the_cli_refuses_in_one_line_without_a_traceback(tmp_path):
    result = run_app(tmp_path, {**BASE, "retired-teams": "team4"})
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("error: -c domain-name: team 'team4' is listed in retired teams")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("retention", ["retain", "destroy"])
def test_only_data_outlives_the_stack_never_a_fixed_name_that_a_new_team_needs(retention):
    template = synth_platform(default_context(retention=retention))["sagemaker-studio-stack-team1"].to_json()
    kept = {
        resource["Type"]
        for resource in template["Resources"].values()
        if resource.get("DeletionPolicy") in ("Retain", "RetainExceptOnCreate")
    }
    data = {"AWS::S3::Bucket", "AWS::S3::BucketPolicy", "AWS::KMS::Key"}
    # The key alias and the role carry fixed names a re-added team needs again: never retained.
    assert "AWS::KMS::Alias" not in kept and "AWS::IAM::Role" not in kept
    assert kept == (data if retention == "retain" else set())
