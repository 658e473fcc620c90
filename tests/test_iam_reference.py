"""Every action and condition key of every synthesized policy exists in AWS's service authorization reference.

Identity, bucket, key, topic and trust policies of all stacks, for three teams and for the
example teams file. A condition key must be global (aws:*) or listed for at least one of its
statement's actions (or their resource types), and not deprecated: a key no action carries is
absent from every request, and a negated condition on it (StringNotEquals) then always matches.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from iam_model import Platform
from iam_simulator import ROOT, node_binary
from platform_synth import default_context, synth_platform

CHECKER = Path(__file__).resolve().parent / "iam_eval" / "reference.mjs"
EXAMPLE_TEAMS = str(ROOT / "teams.example.yaml")
CONFIGURATIONS = {
    "three-teams": {"domain_name": "team1,team2,team3"},
    "teams-file": {"teams_file": EXAMPLE_TEAMS, "domain_name": None},
}


def statements_of(where: str, document: dict) -> list[dict]:
    statements = document["Statement"]
    rows = []
    for index, statement in enumerate(statements if isinstance(statements, list) else [statements]):
        actions = statement.get("Action", statement.get("NotAction", []))
        keys = [key for block in statement.get("Condition", {}).values() for key in block]
        rows.append(
            {
                "where": f"{where} #{statement.get('Sid', index)}",
                "actions": [actions] if isinstance(actions, str) else actions,
                "conditionKeys": keys,
            }
        )
    return rows


def reference_problems(statements: list[dict]) -> list[dict]:
    completed = subprocess.run(
        [node_binary(), str(CHECKER)], input=json.dumps(statements), capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


@pytest.mark.parametrize("configuration", sorted(CONFIGURATIONS))
def test_every_action_and_condition_key_exists(configuration):
    templates = synth_platform(default_context(**CONFIGURATIONS[configuration]))
    platform = Platform({name: template.to_json() for name, template in templates.items()})
    statements = [row for where, document in platform.all_policy_documents() for row in statements_of(where, document)]
    assert len(statements) > 50  # every stack's policies were found
    assert reference_problems(statements) == []


def test_checker_reports_what_aws_would_not_know():
    """The checker itself: each kind of mistake is reported (or the test above could never fail)."""
    problems = reference_problems(
        [
            {"where": "deprecated", "actions": ["sagemaker:CreateTrainingJob"], "conditionKeys": ["sagemaker:VolumeKmsKey"]},
            {"where": "unlisted", "actions": ["sagemaker:CreatePresignedDomainUrl"], "conditionKeys": ["sagemaker:InstanceTypes"]},
            {"where": "no such action", "actions": ["sagemaker:CreateTrainingJobs"], "conditionKeys": []},
            {"where": "empty wildcard", "actions": ["sagemaker:Frobnicate*"], "conditionKeys": []},
            {"where": "fine", "actions": ["sagemaker:Create*"], "conditionKeys": ["sagemaker:VolumeKmsKeyArn", "aws:RequestTag/DomainName"]},
        ]
    )
    assert sorted(problem["where"] for problem in problems) == ["deprecated", "empty wildcard", "no such action", "unlisted"]


# IAM quotas (characters without whitespace): a larger document fails only at deploy time.
MANAGED_POLICY_LIMIT = 6144
ROLE_INLINE_POLICIES_LIMIT = 10240


@pytest.mark.parametrize("configuration", sorted(CONFIGURATIONS))
def test_policies_fit_the_iam_quotas(configuration):
    templates = synth_platform(default_context(**CONFIGURATIONS[configuration]))
    platform = Platform({name: template.to_json() for name, template in templates.items()})

    def size(document: dict) -> int:
        return len(json.dumps(document, separators=(",", ":")))

    for stack, logical_id, properties in platform.resources("AWS::IAM::ManagedPolicy"):
        assert size(platform.resolve(stack, properties["PolicyDocument"])) <= MANAGED_POLICY_LIMIT, f"{stack}/{logical_id}"
    inline_by_role: dict[str, int] = {}
    for stack, _, properties in platform.resources("AWS::IAM::Policy"):
        for role in platform.resolve(stack, properties["Roles"]):
            inline_by_role[role] = inline_by_role.get(role, 0) + size(platform.resolve(stack, properties["PolicyDocument"]))
    assert {role: total for role, total in inline_by_role.items() if total > ROLE_INLINE_POLICIES_LIMIT} == {}
