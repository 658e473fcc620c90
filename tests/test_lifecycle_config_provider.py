"""LifecycleConfigProvider in the synthesized infrastructure stack: the deferred-deletion
sweeper's schedule, its function, and the grants of sweeper and custom-resource handler.

cdk-nag runs during every synth and fails it on an open finding, so a passing synth also
proves the new role's wildcards are acknowledged (with reasons, studio_constructs/nag.py).
"""

from __future__ import annotations

import pytest
from platform_synth import default_context, only, synth_platform

from lambda_loader import load_lambda_module
from studio_runtime.contracts.lifecycle_config import DELETE_WHEN_UNUSED_TAG

CONFIGS = "arn:aws:sagemaker:eu-central-1:111111111111:studio-lifecycle-config/*"


@pytest.fixture(scope="module")
def templates():
    return synth_platform(default_context(domain_name="team1,team2"))


@pytest.fixture(scope="module")
def infrastructure(templates):
    return templates["infrastructure-stack"]


def sweeper_function(template):
    [(logical_id, function)] = [
        (logical_id, resource)
        for logical_id, resource in template.find_resources("AWS::Lambda::Function").items()
        if resource["Properties"]["Handler"] == "sweeper.on_schedule"
    ]
    return logical_id, function["Properties"]


def role_statements(template, role_logical_id):
    return [
        statement
        for policy in template.find_resources("AWS::IAM::Policy").values()
        if {"Ref": role_logical_id} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def sagemaker_grants(template, role_logical_id):
    """(actions, resource, condition) of every sagemaker statement of the role."""
    grants = []
    for statement in role_statements(template, role_logical_id):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if any(action.startswith("sagemaker:") for action in actions):
            grants.append((sorted(actions), statement["Resource"], statement.get("Condition")))
    return sorted(grants, key=lambda grant: grant[0])


def handler_role(template):
    [function] = [
        resource["Properties"]
        for resource in template.find_resources("AWS::Lambda::Function").values()
        if resource["Properties"]["Handler"] == "handler.on_event"
        and "lifecycle configurations" in resource["Properties"]["Description"]
    ]
    return function["Role"]["Fn::GetAtt"][0]


def test_one_hourly_schedule_invokes_the_sweeper(infrastructure):
    function_id, function = sweeper_function(infrastructure)
    rule = only(infrastructure, "AWS::Events::Rule")["Properties"]
    assert (rule["ScheduleExpression"], rule["State"]) == ("rate(1 hour)", "ENABLED")
    assert [target["Arn"] for target in rule["Targets"]] == [{"Fn::GetAtt": [function_id, "Arn"]}]
    [rule_id] = infrastructure.find_resources("AWS::Events::Rule")
    permissions = [
        p["Properties"] for p in infrastructure.find_resources("AWS::Lambda::Permission").values()
        if p["Properties"]["FunctionName"] == {"Fn::GetAtt": [function_id, "Arn"]}
    ]
    assert permissions == [{"Action": "lambda:InvokeFunction", "FunctionName": {"Fn::GetAtt": [function_id, "Arn"]},
                            "Principal": "events.amazonaws.com", "SourceArn": {"Fn::GetAtt": [rule_id, "Arn"]}}]


def test_team_stacks_get_no_sweeper_of_their_own(templates):
    for name, template in templates.items():
        if name.startswith("sagemaker-studio-stack-"):
            template.resource_count_is("AWS::Events::Rule", 0)


def test_sweeper_function_is_bounded_and_not_retried_at_once(infrastructure):
    function_id, function = sweeper_function(infrastructure)
    assert function["Timeout"] == 300
    assert function["Environment"]["Variables"] == {"SWEEP_MAX_CALLS": "300"}
    invoke_config = only(infrastructure, "AWS::Lambda::EventInvokeConfig")["Properties"]
    assert (invoke_config["FunctionName"], invoke_config["MaximumRetryAttempts"]) == ({"Ref": function_id}, 0)


def test_sweeper_lists_everything_reads_tags_and_deletes_only_marked_configs(infrastructure):
    _, function = sweeper_function(infrastructure)
    grants = sagemaker_grants(infrastructure, function["Role"]["Fn::GetAtt"][0])
    assert grants == [
        (["sagemaker:DeleteStudioLifecycleConfig"], CONFIGS,
         {"Null": {f"aws:ResourceTag/{DELETE_WHEN_UNUSED_TAG}": "false"}}),
        (["sagemaker:ListStudioLifecycleConfigs"], "*", None),
        (["sagemaker:ListTags"], CONFIGS, None),
    ]


def test_handler_may_remove_only_the_mark_and_read_tags_of_configs(infrastructure):
    grants = sagemaker_grants(infrastructure, handler_role(infrastructure))
    assert (["sagemaker:DeleteTags"], CONFIGS,
            {"ForAllValues:StringEquals": {"aws:TagKeys": [DELETE_WHEN_UNUSED_TAG]}}) in grants
    assert (["sagemaker:ListTags"], CONFIGS, None) in grants
    assert all(resource == CONFIGS for _, resource, _ in grants)


def test_the_lambda_and_the_iam_condition_use_the_same_tag_key():
    api = load_lambda_module("lifecycle_config", "lifecycle_config_api")
    assert api.DELETE_WHEN_UNUSED_TAG == DELETE_WHEN_UNUSED_TAG


def test_sweeper_budget_must_be_positive():
    import aws_cdk as cdk

    from studio_constructs.lifecycle_config_sweeper import LifecycleConfigSweeper

    with pytest.raises(ValueError, match="max_calls_per_run"):
        LifecycleConfigSweeper(cdk.Stack(cdk.App(), "s"), "Sweeper", max_calls_per_run=0)
