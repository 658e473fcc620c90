"""The GitHub Actions workflows the project ships: zizmor-clean, shellcheck-clean, and their
deploy scripts refuse a hostile team name and deploy only the stacks asked for.

zizmor (pinned in requirements-dev.txt) runs with --offline (its online audits need a GitHub
token and the network; neither exists here) under the `auditor` persona, the strictest one
(it includes `pedantic`), with --no-config and --no-ignores so that nothing can be waved through.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ZIZMOR = Path(sys.executable).with_name("zizmor")
SHELLCHECK = Path(sys.executable).with_name("shellcheck")
EXAMPLE = ROOT / "examples" / "ci" / "github-actions.yml"
WORKFLOWS = sorted(
    {
        *ROOT.glob("examples/**/*.yml"),
        *ROOT.glob("examples/**/*.yaml"),
        *ROOT.glob(".github/workflows/*.yml"),
        *ROOT.glob(".github/workflows/*.yaml"),
    }
)
ACCOUNT, REGION = "111111111111", "eu-central-1"
SHARED_STACKS = ["infrastructure-stack", "sagemaker-login-stack"]
DEPLOY_FLAGS = ["--exclusively", "--require-approval", "never", "-c", "teams-file=teams.yaml"]
CONTEXT = ["-c", f"account={ACCOUNT}", "-c", f"region={REGION}"]

# The deploy job of the workflow this project shipped before: the input went into the script.
VULNERABLE_WORKFLOW = """\
name: vulnerable
on:
  workflow_dispatch:
    inputs:
      team:
        required: true
permissions: {}
jobs:
  deploy-team:
    runs-on: ubuntu-latest
    concurrency: deploy-${{ inputs.team }}
    steps:
      - run: |
          npx cdk deploy "sagemaker-studio-stack-${{ inputs.team }}" \\
            --exclusively --require-approval never -c account=${{ vars.ACCOUNT }}
"""


def zizmor_findings(path: Path) -> list[dict]:
    environment = {key: value for key, value in os.environ.items() if "TOKEN" not in key}
    result = subprocess.run(
        [str(ZIZMOR), "--offline", "--persona", "auditor", "--no-config", "--no-ignores",
         "--format", "json", "--no-progress", "--color", "never", str(path)],
        capture_output=True, text=True, timeout=120, env=environment,
    )  # fmt: skip
    # Status 0 (clean) or 10-14 (findings, by highest severity); anything else is a failed run.
    assert result.returncode == 0 or 10 <= result.returncode <= 14, result.stderr
    return json.loads(result.stdout)


def summary(findings: list[dict]) -> list[str]:
    return [
        f"{finding['ident']} line {location['concrete']['location']['start_point']['row'] + 1}: "
        f"{location['symbolic']['annotation']}"
        for finding in findings
        for location in finding["locations"][:1]
    ]


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def run_scripts(workflow: dict) -> list[tuple[str, str, str]]:
    return [
        (job_id, step.get("name", step["run"].splitlines()[0]), step["run"])
        for job_id, job in workflow["jobs"].items()
        for step in job.get("steps", [])
        if "run" in step
    ]


def step(job: str, name: str) -> dict:
    return next(s for s in load(EXAMPLE)["jobs"][job]["steps"] if s.get("name") == name)


def test_the_example_workflow_is_among_the_files_checked():
    assert EXAMPLE in WORKFLOWS


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: str(path.relative_to(ROOT)))
def test_zizmor_finds_nothing_in_a_shipped_workflow(path):
    assert summary(zizmor_findings(path)) == []


def test_zizmor_catches_the_old_workflows_template_injection(tmp_path):
    """The same call as above reports the injection this project had, so a clean run means clean."""
    vulnerable = tmp_path / "vulnerable.yml"
    vulnerable.write_text(VULNERABLE_WORKFLOW, encoding="utf-8")
    injected = [
        VULNERABLE_WORKFLOW[span["start"] : span["end"]]
        for finding in zizmor_findings(vulnerable)
        if finding["ident"] == "template-injection"
        for location in finding["locations"]
        if location["symbolic"]["annotation"] == "may expand into attacker-controllable code"
        for span in [location["concrete"]["location"]["offset_span"]]
    ]
    assert "inputs.team" in injected


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_expression_is_interpolated_into_a_script(path):
    """Inputs and variables reach scripts through env only (zizmor judges only some contexts)."""
    assert [(job, name) for job, name, script in run_scripts(load(path)) if "${{" in script] == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_action_is_pinned_to_a_commit_with_its_version_beside_it(path):
    uses = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert uses
    pinned = re.compile(r"^- uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")
    assert [line for line in uses if not pinned.match(line)] == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: str(path.relative_to(ROOT)))
def test_run_scripts_pass_shellcheck(tmp_path, path):
    for index, (job, name, script) in enumerate(run_scripts(load(path))):
        # GitHub runs a `run:` block as `bash -e {0}`.
        file = tmp_path / f"{job}-{index}.sh"
        file.write_text(f"#!/usr/bin/env bash\nset -e\n{script}", encoding="utf-8")
        result = subprocess.run([str(SHELLCHECK), "--shell=bash", str(file)], capture_output=True, text=True)
        assert result.returncode == 0, f"{job} / {name}:\n{result.stdout}"


def test_only_the_deploy_job_gets_an_oidc_token():
    workflow = load(EXAMPLE)
    assert workflow["permissions"] == {}
    permissions = {job_id: job["permissions"] for job_id, job in workflow["jobs"].items()}
    assert {job_id for job_id, granted in permissions.items() if "id-token" in granted} == {"deploy"}
    assert permissions["deploy"] == {"contents": "read", "id-token": "write"}


def test_the_deploy_lock_is_the_checked_name_and_deploys_queue():
    deploy = load(EXAMPLE)["jobs"]["deploy"]
    assert deploy["needs"] == ["check-request", "test"]
    assert deploy["concurrency"] == {
        "group": "sagemaker-studio-deploy-${{ needs.check-request.outputs.lock }}",
        "cancel-in-progress": False,
    }


# --- the workflow's own scripts, run with bash as the runner does ----------------------------


@pytest.fixture
def workspace(tmp_path):
    """A checkout: the teams file, the project's code, `.venv/bin/python`, and a recording npx and aws."""
    shutil.copy(ROOT / "teams.example.yaml", tmp_path / "teams.yaml")  # vision, churn-poc, analytics
    for package in ("studio_platform", "studio_runtime"):  # the settings model and the shared contracts
        (tmp_path / package).symlink_to(ROOT / package)
    for directory in (".venv/bin", ".venv/node/bin"):
        (tmp_path / directory).mkdir(parents=True)
    tools = {
        ".venv/bin/python": f'exec "{sys.executable}" "$@"',
        ".venv/node/bin/npx": 'printf "%s\\n" "$@" > "$RUNNER_TEMP/npx-arguments"',
        # describe-stacks as the AWS CLI answers it: the status, or an error for a missing stack.
        ".venv/node/bin/aws": (
            'case " $* " in *" $MISSING_STACK "*) echo "An error occurred (ValidationError): Stack with id '
            '$MISSING_STACK does not exist" >&2; exit 254;; esac; echo "$STACK_STATUS"'
        ),
    }
    for name, body in tools.items():
        (tmp_path / name).write_text(f"#!/usr/bin/env bash\n{body}\n", encoding="utf-8")
        (tmp_path / name).chmod(0o755)
    return tmp_path


def run_step(workspace: Path, job: str, name: str, **inputs: str) -> subprocess.CompletedProcess[str]:
    script = workspace / "step.sh"
    script.write_text(step(job, name)["run"], encoding="utf-8")
    environment = {
        "PATH": f"{workspace / '.venv/node/bin'}:{os.environ['PATH']}",
        "RUNNER_TEMP": str(workspace),
        "GITHUB_OUTPUT": str(workspace / "github-output"),
        "ACCOUNT": ACCOUNT,
        "REGION": REGION,
        "STACK_STATUS": "UPDATE_COMPLETE",
        "MISSING_STACK": "none",
        **inputs,
    }
    return subprocess.run(
        ["bash", "-e", str(script)], cwd=workspace, env=environment, capture_output=True, text=True, timeout=60
    )


def outputs(workspace: Path) -> str:
    file = workspace / "github-output"
    return file.read_text(encoding="utf-8") if file.exists() else ""


def npx_arguments(workspace: Path) -> list[str] | None:
    file = workspace / "npx-arguments"
    return file.read_text(encoding="utf-8").splitlines() if file.exists() else None


CHECK = ("check-request", "Check target and team")
DEPLOY = ("deploy", "Deploy the requested stacks only (--exclusively)")
REQUIRE_SHARED = ("deploy", "Require the shared stacks before a team stack")
HOSTILE_TEAMS = ["vision; touch pwned", "$(touch pwned)", "vision\nlock=shared", "vision --all", "-h", "team2"]


def test_the_check_passes_a_team_of_the_file_on_to_the_deploy(workspace):
    result = run_step(workspace, *CHECK, TARGET="team", TEAM="churn-poc")
    assert result.returncode == 0, result.stderr
    assert outputs(workspace) == "target=team\nteam=churn-poc\nlock=team-churn-poc\n"


def test_the_check_of_a_shared_deploy_takes_the_shared_lock(workspace):
    assert run_step(workspace, *CHECK, TARGET="shared", TEAM="").returncode == 0
    assert outputs(workspace) == "target=shared\nteam=\nlock=shared\n"


@pytest.mark.parametrize("team", HOSTILE_TEAMS)
def test_the_check_refuses_a_hostile_team_and_hands_nothing_on(workspace, team):
    result = run_step(workspace, *CHECK, TARGET="team", TEAM=team)
    assert result.returncode == 1 and result.stderr.startswith("error: team: ")
    assert outputs(workspace) == "" and not (workspace / "pwned").exists()


@pytest.mark.parametrize(
    ("target", "team", "message"),
    [("shared", "vision", "error: team: must be empty for target shared"), ("all", "", "error: target: ")],
)
def test_the_check_refuses_a_bad_target(workspace, target, team, message):
    result = run_step(workspace, *CHECK, TARGET=target, TEAM=team)
    assert result.returncode == 1 and result.stderr.startswith(message) and outputs(workspace) == ""


def test_a_team_deploy_deploys_that_team_stack_only(workspace):
    result = run_step(workspace, *DEPLOY, TARGET="team", TEAM="vision")
    assert result.returncode == 0, result.stderr
    assert npx_arguments(workspace) == ["cdk", "deploy", "sagemaker-studio-stack-vision", *DEPLOY_FLAGS, *CONTEXT]


def test_a_shared_deploy_deploys_exactly_the_shared_stacks(workspace):
    assert run_step(workspace, *DEPLOY, TARGET="shared", TEAM="").returncode == 0
    assert npx_arguments(workspace) == ["cdk", "deploy", *SHARED_STACKS, *DEPLOY_FLAGS, *CONTEXT]


@pytest.mark.parametrize("team", HOSTILE_TEAMS)
def test_the_deploy_step_checks_the_team_again_before_cdk_runs(workspace, team):
    result = run_step(workspace, *DEPLOY, TARGET="team", TEAM=team)
    assert result.returncode == 1 and result.stderr.startswith("error: team: ")
    assert npx_arguments(workspace) is None and not (workspace / "pwned").exists()


@pytest.mark.parametrize("missing", SHARED_STACKS)
def test_a_team_deploy_stops_when_a_shared_stack_is_missing(workspace, missing):
    result = run_step(workspace, *REQUIRE_SHARED, MISSING_STACK=missing)
    assert result.returncode == 1
    assert result.stderr == f"error: {missing} in {REGION}: not deployed; deploy it first with target shared\n"


@pytest.mark.parametrize(("status", "code"), [("UPDATE_COMPLETE", 0), ("CREATE_COMPLETE", 0), ("ROLLBACK_COMPLETE", 1)])
def test_a_team_deploy_needs_the_shared_stacks_in_a_deployed_state(workspace, status, code):
    assert run_step(workspace, *REQUIRE_SHARED, STACK_STATUS=status).returncode == code
