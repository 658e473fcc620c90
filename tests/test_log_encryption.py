"""Every log group of the platform is encrypted with its stack's own log key, usable by
CloudWatch Logs of this region for this account's log groups only."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Template
from platform_synth import default_context, synth_platform

from studio_constructs.log_encryption import encrypt_log_groups

LOGS_PRINCIPAL = "logs.eu-central-1.amazonaws.com"
LOG_GROUP_ARNS = "arn:aws:logs:eu-central-1:111111111111:log-group:*"


def log_key_statement(key: dict) -> dict:
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    found = [s for s in statements if s.get("Principal", {}).get("Service") == LOGS_PRINCIPAL]
    assert len(found) == 1, statements
    return found[0]


@pytest.mark.parametrize("stack_name", ["infrastructure-stack", "sagemaker-login-stack", "cognito-user-stack"])
def test_every_log_group_uses_the_stacks_log_key(stack_name):
    template = synth_platform(default_context(password="Checkov-Demo.2025x"))[stack_name].to_json()
    resources = template["Resources"]
    keys = [lid for lid, r in resources.items() if r["Type"] == "AWS::KMS::Key" and lid.startswith("LogEncryptionKey")]
    assert len(keys) == 1
    groups = [r for r in resources.values() if r["Type"] == "AWS::Logs::LogGroup"]
    assert groups
    assert all(group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [keys[0], "Arn"]} for group in groups)
    key = resources[keys[0]]
    assert key["Properties"]["EnableKeyRotation"] is True
    statement = log_key_statement(key)
    assert statement["Condition"] == {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": LOG_GROUP_ARNS}}
    assert "kms:CreateGrant" not in statement["Action"] and "kms:*" not in statement["Action"]
    # A retained log group (flow logs, API access logs) keeps its key readable after the stack.
    retained = any(group.get("DeletionPolicy") == "Retain" for group in groups)
    assert key["DeletionPolicy"] == ("Retain" if retained else "Delete")


def test_team_stacks_have_no_log_key():
    template = synth_platform(default_context())["sagemaker-studio-stack-team1"]
    assert not template.find_resources("AWS::Logs::LogGroup")
    assert len(template.find_resources("AWS::KMS::Key")) == 1  # the team key only


def test_log_groups_added_by_any_construct_are_covered():
    stack = cdk.Stack(cdk.App(), "stack", env=cdk.Environment(account="111111111111", region="eu-central-1"))
    logs.LogGroup(stack, "Kept", removal_policy=cdk.RemovalPolicy.RETAIN)
    logs.LogGroup(stack, "Gone", removal_policy=cdk.RemovalPolicy.DESTROY)
    logs.CfnLogGroup(stack, "Level1").apply_removal_policy(cdk.RemovalPolicy.DESTROY)
    assert encrypt_log_groups(stack) is not None
    template = Template.from_stack(stack).to_json()["Resources"]
    groups = {lid: r for lid, r in template.items() if r["Type"] == "AWS::Logs::LogGroup"}
    assert len(groups) == 3
    assert all("KmsKeyId" in group["Properties"] for group in groups.values())
    (key,) = (r for r in template.values() if r["Type"] == "AWS::KMS::Key")
    assert key["DeletionPolicy"] == "Retain"  # "Kept" must stay readable
    assert encrypt_log_groups(cdk.Stack(cdk.App(), "empty")) is None
