"""`python -m studio_platform.check_team_name`: only a real team of the teams file passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio_platform import check_team_name

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_TEAMS = ROOT / "teams.example.yaml"  # vision, churn-poc, analytics
ACCOUNT = "111111111111"
REGION = "eu-central-1"

# What a self-service portal could send instead of a team name.
HOSTILE_NAMES = [
    "vision; curl x|sh",
    "vision --all",
    "$(id)",
    "`id`",
    "vision\nrm -rf /",
    "vision\n::add-mask::x",
    "vision' -c region=us-east-1 '",
    "../vision",
    "vision*",
    " vision",
    "Vision",
    "",
    "-h",
    "--teams-file=/etc/passwd",
]


def run(team: str, *, teams_file: Path = EXAMPLE_TEAMS, account: str = ACCOUNT, region: str = REGION) -> int:
    return check_team_name.main(
        ["--teams-file", str(teams_file), "--account", account, "--region", region, "--", team]
    )


@pytest.mark.parametrize("team", ["vision", "churn-poc", "analytics"])
def test_every_team_of_the_file_passes_silently(team, capsys):
    assert run(team) == 0
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("team", HOSTILE_NAMES)
def test_injection_attempts_are_refused_with_one_line(team, capsys):
    assert run(team) == check_team_name.EXIT_REFUSED
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: team: team name ") and "must be lowercase letters and digits" in err
    assert err.count("\n") == 1 and err.endswith("\n"), "a newline in the name must not split the message"
    assert "\n::" not in err


def test_a_valid_name_that_is_not_a_team_of_the_file_is_refused(capsys):
    assert run("team2") == check_team_name.EXIT_REFUSED
    assert capsys.readouterr().err == (
        f"error: team: 'team2' is not a team of {EXAMPLE_TEAMS}; its teams are: vision, churn-poc, analytics\n"
    )


def test_the_length_rule_depends_on_region_and_account(tmp_path, capsys):
    """names.check_team_name's bucket rule: `<team>-<region>-<account>` fits 63 characters."""
    longest = "a" * (63 - len(f"--{REGION}-{ACCOUNT}"))
    teams_file = tmp_path / "teams.yaml"
    teams_file.write_text(f"teams:\n  - name: {longest}\n", encoding="utf-8")
    assert run(longest, teams_file=teams_file) == 0
    # A longer region name leaves less room: the same file no longer loads.
    assert run(longest, teams_file=teams_file, region="ap-southeast-4") == check_team_name.EXIT_REFUSED
    assert f"team name {longest!r} is {len(longest)} characters; at most" in capsys.readouterr().err


def test_a_retired_team_of_the_file_is_refused(tmp_path, capsys):
    teams_file = tmp_path / "teams.yaml"
    teams_file.write_text("teams:\n  - name: vision\nretired_teams: [vision]\n", encoding="utf-8")
    assert run("vision", teams_file=teams_file) == check_team_name.EXIT_REFUSED
    assert "is listed in retired teams" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("contents", "message"),
    [
        (None, "file not found"),
        ("teams:\n  - name: vision\n    budget: {}\n", "budget.monthly_limit_usd: is required"),
        ("teams: [\n", "invalid YAML"),
    ],
)
def test_a_broken_teams_file_is_refused_not_trusted(tmp_path, capsys, contents, message):
    teams_file = tmp_path / "teams.yaml"
    if contents is not None:
        teams_file.write_text(contents, encoding="utf-8")
    assert run("vision", teams_file=teams_file) == check_team_name.EXIT_REFUSED
    err = capsys.readouterr().err
    assert err.startswith(f"error: {teams_file}") and message in err


def test_every_problem_of_the_teams_file_is_one_error_line(tmp_path, capsys):
    teams_file = tmp_path / "teams.yaml"
    teams_file.write_text(
        "teams:\n  - name: vision\n    instance_types: [ml.nope.large]\n"
        "  - name: churn\n    instance_types: [ml.zzz.large]\n",
        encoding="utf-8",
    )
    assert run("vision", teams_file=teams_file) == check_team_name.EXIT_REFUSED
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(" is not ")[0] for line in lines] == [
        f"error: {teams_file}: teams[0] (vision).instance_types[0]: 'ml.nope.large'",
        f"error: {teams_file}: teams[1] (churn).instance_types[0]: 'ml.zzz.large'",
    ]


@pytest.mark.parametrize(
    ("account", "region", "message"),
    [
        ("11111111111", REGION, "error: --account: '11111111111' is not an AWS account id"),
        (ACCOUNT, "eu-central-1; id", "error: --region: 'eu-central-1; id' is not an AWS region name"),
        ("", REGION, "error: --account: is required"),
        (ACCOUNT, "", "error: --region: is required"),
    ],
)
def test_account_and_region_are_checked_too(capsys, account, region, message):
    assert run("vision", account=account, region=region) == check_team_name.EXIT_REFUSED
    assert capsys.readouterr().err.startswith(message)


def cli(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studio_platform.check_team_name", *arguments],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_module_runs_as_the_workflow_calls_it_with_account_and_region_from_the_environment():
    env = {"ACCOUNT": ACCOUNT, "REGION": REGION}
    assert cli("--teams-file", "teams.example.yaml", "--", "churn-poc", env=env).returncode == 0
    refused = cli("--teams-file", "teams.example.yaml", "--", "churn-poc; id", env=env)
    assert (refused.returncode, refused.stdout) == (check_team_name.EXIT_REFUSED, "")
    assert refused.stderr.startswith("error: team: team name 'churn-poc; id' must be lowercase")
    missing = cli("--teams-file", "teams.example.yaml", "--", "churn-poc", env={})
    assert (missing.returncode, missing.stderr) == (
        check_team_name.EXIT_REFUSED,
        "error: --account: is required (or set the ACCOUNT environment variable)\n",
    )


def test_an_option_smuggled_in_as_the_name_never_exits_zero():
    """Without `--`, argparse would read the "name" as an option; neither form may pass."""
    env = {"ACCOUNT": ACCOUNT, "REGION": REGION}
    after_separator = cli("--teams-file", "teams.example.yaml", "--", "--help", env=env)
    assert after_separator.returncode == check_team_name.EXIT_REFUSED
    # A prefix of --teams-file is not taken for it (allow_abbrev=False): a usage error, status 2.
    abbreviated = cli("--teams", "other.yaml", "--teams-file", "teams.example.yaml", "vision", env=env)
    assert abbreviated.returncode == 2 and "unrecognized arguments: --teams" in abbreviated.stderr
