"""The first deploy on a fresh account: a stage that logs needs the account's API Gateway
CloudWatch role, set by exactly one stack, before the stage, and kept when that stack goes."""

from __future__ import annotations

import pytest
from platform_synth import default_context, synth_platform

LOGIN = "sagemaker-login-stack"


@pytest.fixture(scope="module")
def templates():
    return synth_platform(default_context(domain_name="team1,team2"))


def logging_stages(template) -> dict[str, dict]:
    return {
        logical_id: stage
        for logical_id, stage in template.find_resources("AWS::ApiGateway::Stage").items()
        if stage["Properties"].get("AccessLogSetting")
        or any(m.get("LoggingLevel", "OFF") != "OFF" for m in stage["Properties"].get("MethodSettings", []))
    }


def accounts(templates) -> dict[str, dict]:
    return {
        f"{stack}/{logical_id}": resource
        for stack, template in templates.items()
        for logical_id, resource in template.find_resources("AWS::ApiGateway::Account").items()
    }


def test_exactly_one_stack_owns_the_account_setting(templates):
    owners = accounts(templates)
    assert len(owners) == 1, owners
    assert next(iter(owners)).startswith(f"{LOGIN}/")


def test_every_logging_stage_waits_for_the_account_role(templates):
    login = templates[LOGIN]
    account_id = next(iter(login.find_resources("AWS::ApiGateway::Account")))
    stages = logging_stages(login)
    assert stages, "the presign API stage writes access logs"
    for logical_id, stage in stages.items():
        depends_on = stage.get("DependsOn", [])
        assert account_id in depends_on, f"{logical_id} may deploy before the account's logging role is set"


def test_account_setting_and_role_survive_stack_deletion(templates):
    login = templates[LOGIN]
    account = next(iter(login.find_resources("AWS::ApiGateway::Account").values()))
    role_id = account["Properties"]["CloudWatchRoleArn"]["Fn::GetAtt"][0]
    role = login.to_json()["Resources"][role_id]
    assert account["DeletionPolicy"] == "Retain" and role["DeletionPolicy"] == "Retain"
    trust = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert [s["Principal"] for s in trust] == [{"Service": "apigateway.amazonaws.com"}]


def test_execution_logs_errors_only_without_bodies_into_a_group_with_retention(templates):
    login = templates[LOGIN]
    stage = next(iter(login.find_resources("AWS::ApiGateway::Stage").values()))
    settings = stage["Properties"]["MethodSettings"]
    assert all(m["LoggingLevel"] == "ERROR" and m["DataTraceEnabled"] is False for m in settings)
    groups = login.find_resources("AWS::Logs::LogGroup")
    execution = [g for g in groups.values() if "API-Gateway-Execution-Logs_" in str(g["Properties"].get("LogGroupName"))]
    assert len(execution) == 1 and execution[0]["Properties"]["RetentionInDays"] == 365


def test_existing_owner_leaves_the_account_setting_alone():
    templates = synth_platform(default_context(api_gateway_account_role="existing"))
    assert accounts(templates) == {}
    assert logging_stages(templates[LOGIN])
