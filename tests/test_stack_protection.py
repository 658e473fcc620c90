"""Shared stacks cannot be deleted or have their VPC, subnets, providers or user pool replaced
under live team stacks: every cross-stack value is a CloudFormation export that a team stack
imports, which CloudFormation refuses to delete or change while it is imported."""

from __future__ import annotations

import json

import pytest
from platform_synth import default_context, synth_platform

SHARED = ("infrastructure-stack", "sagemaker-login-stack")


@pytest.fixture(scope="module")
def templates():
    return {name: t.to_json() for name, t in synth_platform(default_context(domain_name="team1,team2")).items()}


def exports(template: dict) -> set[str]:
    return {
        output["Export"]["Name"] for output in template.get("Outputs", {}).values() if "Export" in output
    }


def imports(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["Fn::ImportValue"]] if "Fn::ImportValue" in node else []
        return found + [name for value in node.values() for name in imports(value)]
    if isinstance(node, list):
        return [name for value in node for name in imports(value)]
    return []


def weak_reads(node) -> list[dict]:
    if isinstance(node, dict):
        found = [node["Fn::GetStackOutput"]] if "Fn::GetStackOutput" in node else []
        return found + [read for value in node.values() for read in weak_reads(value)]
    if isinstance(node, list):
        return [read for value in node for read in weak_reads(value)]
    return []


def test_only_the_demo_user_reads_weakly(templates):
    # The demo user stack goes away with `-c user=` in the same deploy that drops the exports
    # it read: strong references would refuse that deploy, and a demo user needs no protection.
    for name, template in templates.items():
        if name != "cognito-user-stack":
            assert weak_reads(template) == [], f"{name} reads another stack without an import"


def test_private_api_endpoint_is_the_one_weak_producer():
    templates = synth_platform(default_context(api_endpoint_type="private"))
    login = templates["sagemaker-login-stack"].to_json()
    reads = weak_reads(login)
    # Switching back to a regional API removes the endpoint in the deploy that stops using it.
    assert reads and all(read["StackName"] == "infrastructure-stack" for read in reads)
    assert all("ExecuteApi" in read["OutputName"] for read in reads), reads
    assert set(imports(login["Resources"])) == set()


@pytest.mark.parametrize("team_stack", ["sagemaker-studio-stack-team1", "sagemaker-studio-stack-team2"])
def test_team_stacks_import_the_shared_values_they_use(templates, team_stack):
    shared_exports = set().union(*(exports(templates[name]) for name in SHARED))
    imported = set(imports(templates[team_stack]["Resources"]))
    assert imported, f"{team_stack} uses the VPC, subnets, providers and user pool"
    assert imported <= shared_exports
    text = json.dumps(templates[team_stack]["Resources"])
    # The values whose loss strands a team stack: VPC, subnets, provider functions, user pool.
    for producer_part in ("Vpc", "Subnet", "LifecycleConfigProvider", "DomainTeardownProvider", "UserPool"):
        assert any(producer_part in name for name in imported), f"{team_stack} does not import {producer_part}"
    assert "vpc-" not in text and "subnet-" not in text, "a hard-coded id bypasses the import"
