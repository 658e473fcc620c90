"""The one idiom for giving a role statements: added, and every wildcard explained to cdk-nag."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks

from studio_constructs.policy import Statement, add_statements
from test_nag_packs import acknowledged, feature_flags, open_findings, synth_report

WILDCARD = Statement(sid="ReadAnyConfig", actions=["sagemaker:Describe*"], resources=["*"])
EXACT = Statement(sid="DeleteOne", actions=["sagemaker:DeleteApp"], resources=["arn:aws:sagemaker:eu-central-1:111111111111:app/d-1/u/JupyterLab/x"])


def role_in_app(outdir: Path) -> tuple[cdk.App, cdk.Stack, iam.Role]:
    app = cdk.App(outdir=str(outdir), context=feature_flags())
    stack = cdk.Stack(app, "PolicyTest", env=cdk.Environment(account="111111111111", region="eu-central-1"))
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app, stack, role


def test_statements_reach_the_role_and_their_wildcards_carry_the_reason(tmp_path: Path) -> None:
    app, stack, role = role_in_app(tmp_path)
    reason = "Describe calls are read-only and SageMaker has no config-level ARN for them."
    add_statements(role, [(WILDCARD, reason), (EXACT, None)])
    report = synth_report(app, tmp_path)
    assert not open_findings(report)
    suppressed = acknowledged(report, "AwsSolutions")
    # One finding for the wildcard action, one for the wildcard resource, both with the reason.
    assert len(suppressed) == 2
    assert all("no config-level ARN" in json.dumps(entry) for entry in suppressed)
    statements = Template.from_stack(stack).to_json()["Resources"]
    [policy] = [r for r in statements.values() if r["Type"] == "AWS::IAM::Policy"]
    assert [s["Sid"] for s in policy["Properties"]["PolicyDocument"]["Statement"]] == ["ReadAnyConfig", "DeleteOne"]


def test_a_wildcard_without_a_reason_is_refused_before_synth(tmp_path: Path) -> None:
    _, _, role = role_in_app(tmp_path)
    with pytest.raises(ValueError, match=r"statements with wildcards need a reason: \['ReadAnyConfig'\]"):
        add_statements(role, [(WILDCARD, None), (EXACT, None)])
