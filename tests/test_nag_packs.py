"""cdk-nag: the app runs the AwsSolutions and Serverless packs, and every finding of either
is fixed or acknowledged with a specific reason next to the resource (studio_constructs/nag.py).

The validation report (`validation-report.json` in the assembly) lists each pack with its open
and its acknowledged findings, so these tests read what cdk-nag itself concluded.
"""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from cdk_nag import AwsSolutionsChecks, ServerlessChecks
from platform_synth import ROOT, default_context, platform_app

from studio_constructs import python_function
from studio_constructs.checkov import MIN_REASON_LENGTH
from studio_constructs.nag import PACKS, acknowledge, acknowledge_rules
from studio_constructs.python_function import PythonFunction

ENV = cdk.Environment(account="111111111111", region="eu-central-1")


def feature_flags() -> dict:
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    return {key: value for key, value in context.items() if key.startswith("@aws-cdk")}


def synth_report(app: cdk.App, outdir: Path) -> dict:
    """The validation report of `app`'s synth, whether synth passed or stopped on findings."""
    try:
        app.synth()
    except RuntimeError as error:  # open findings; the report says which
        assert "validation-report.json" in str(error), error
    return json.loads((outdir / "validation-report.json").read_text())


def open_findings(report: dict) -> set[tuple[str, str]]:
    return {
        (violation["ruleName"], construct["constructPath"])
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
    }


def acknowledged(report: dict, pack: str) -> list[dict]:
    [plugin] = [plugin for plugin in report["pluginReports"] if plugin["pluginName"] == pack]
    return plugin.get("suppressedViolations", [])


@pytest.fixture(scope="module")
def platform_report(tmp_path_factory) -> dict:
    """The platform with its default flags plus alarm e-mails (their subscriptions have a finding)."""
    outdir = tmp_path_factory.mktemp("cdk.out")
    app, _ = platform_app(default_context(alarm_emails="ops@example.com"), outdir=str(outdir))
    return synth_report(app, outdir)


def test_the_app_runs_both_packs_and_leaves_no_finding_open(platform_report):
    # aws-cdk-lib adds plugins of its own (e.g. "CloudFormation Validate").
    assert set(PACKS) <= {plugin["pluginName"] for plugin in platform_report["pluginReports"]}
    assert open_findings(platform_report) == set()
    assert all(plugin["conclusion"] == "success" for plugin in platform_report["pluginReports"])


def test_serverless_findings_are_acknowledged_with_their_reasons(platform_report):
    reasons = {violation["ruleName"]: violation["reason"] for violation in acknowledged(platform_report, "Serverless")}
    assert set(reasons) == {
        "Serverless-LambdaDLQ",
        "Serverless-LambdaTracing",
        "Serverless-LambdaLatestVersion",  # aws-cdk-lib's BucketDeployment function (the login page)
        "Serverless-LambdaDefaultMemorySize",
        "Serverless-LambdaAsyncFailureDestination",
        "Serverless-EventBusDLQ",
        "Serverless-StepFunctionStateMachineXray",
        "Serverless-SNSRedrivePolicy",
    }
    every = acknowledged(platform_report, "Serverless") + acknowledged(platform_report, "AwsSolutions")
    assert all(len(violation["reason"].strip()) >= MIN_REASON_LENGTH for violation in every)


def test_the_login_function_is_traced_not_acknowledged(platform_report):
    untraced = {
        construct["constructPath"]
        for violation in acknowledged(platform_report, "Serverless")
        if violation["ruleName"] == "Serverless-LambdaTracing"
        for construct in violation["violatingConstructs"]
    }
    # The one untraced function of the login stack copies the login page while CloudFormation deploys.
    in_login_stack = [path for path in untraced if path.startswith("sagemaker-login-stack/")]
    assert untraced and all(path.split("/")[1].startswith("Custom::CDKBucketDeployment") for path in in_login_stack)


def function_app(tmp_path: Path, *, tracing: bool) -> tuple[cdk.App, cdk.Stack]:
    app = cdk.App(context=feature_flags(), outdir=str(tmp_path))
    stack = cdk.Stack(app, "FunctionOnly", env=ENV)
    PythonFunction(
        stack,
        "Sweeper",
        code_dir="lifecycle_config",
        handler="sweeper.on_schedule",
        description="A project function and nothing else",
        timeout=cdk.Duration.minutes(1),
        tracing=tracing,
    )
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), ServerlessChecks(app))
    return app, stack


@pytest.mark.parametrize("tracing", [False, True])
def test_a_project_function_passes_both_packs(tmp_path, tracing):
    app, _ = function_app(tmp_path, tracing=tracing)
    report = synth_report(app, tmp_path)
    assert open_findings(report) == set()
    rules = {violation["ruleName"] for violation in acknowledged(report, "Serverless")}
    assert ("Serverless-LambdaTracing" in rules) is not tracing  # a traced function has nothing to accept


@pytest.mark.parametrize("dropped", ["Serverless-LambdaDLQ", "Serverless-LambdaTracing"])
def test_a_project_function_minus_one_acknowledgement_fails_synth(tmp_path, monkeypatch, dropped):
    real = python_function.acknowledge_rules

    def without_dropped(construct, reasons):
        real(construct, {rule: reason for rule, reason in reasons.items() if rule != dropped})

    monkeypatch.setattr(python_function, "acknowledge_rules", without_dropped)
    app, _ = function_app(tmp_path, tracing=False)
    report = synth_report(app, tmp_path)
    assert open_findings(report) == {(dropped, "FunctionOnly/Sweeper/Function/Resource")}


def test_acknowledgements_apply_to_the_resource_they_are_given_for(tmp_path):
    """An acknowledgement on one function does not cover a sibling: each finding is named."""
    app, stack = function_app(tmp_path, tracing=False)
    bare = lambda_.Function(
        stack,
        "Bare",
        runtime=python_function.RUNTIME,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
    )
    report = synth_report(app, tmp_path)
    serverless_open = {rule for rule, path in open_findings(report) if rule.startswith("Serverless-")}
    assert {"Serverless-LambdaDLQ", "Serverless-LambdaTracing", "Serverless-LambdaDefaultMemorySize"} <= serverless_open
    assert all(path.startswith(bare.node.path) for _, path in open_findings(report))


@pytest.mark.parametrize("reason", ["", "ok", "   not needed      ", "false positive"])
def test_an_acknowledgement_needs_a_specific_reason(reason):
    stack = cdk.Stack(cdk.App(), "Reasons")
    with pytest.raises(ValueError, match="needs a specific reason"):
        acknowledge(stack, "Serverless-LambdaDLQ", reason)
    with pytest.raises(ValueError, match="needs a specific reason"):
        acknowledge_rules(stack, {"Serverless-LambdaTracing": "A real reason of more than twenty characters.",
                                  "Serverless-LambdaDLQ": reason})


@pytest.mark.parametrize("rule", ["AwsSolution-IAM5", "LambdaDLQ", "HIPAA.Security-LambdaDLQ"])
def test_an_acknowledgement_names_a_rule_of_a_pack_the_app_runs(rule):
    stack = cdk.Stack(cdk.App(), "Packs")
    with pytest.raises(ValueError, match="is not a rule of the cdk-nag packs"):
        acknowledge(stack, rule, "A real reason of more than twenty characters.")
