"""DemoUser: the password stays out of every template, output, id and assembly file."""

from __future__ import annotations

import hashlib
import json
import string
import subprocess
import sys
import tempfile
from pathlib import Path

import aws_cdk as cdk
import boto3
import pytest
from aws_cdk import aws_cognito as cognito
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks
from moto import mock_aws

from studio_constructs import demo_user as demo_user_module
from studio_constructs.demo_user import DemoUser
from studio_constructs.nag import acknowledge
from studio_platform.config import check_password

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Xy7-Unmistakable.Pw-4242"
# Cognito's symbol set for password policies.
COGNITO_SYMBOLS = set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-")
SHELL_OR_URL_SPECIAL = set("\"'`$!\\/@:;&|<>(){}[]#%*?^~=+, ")


def feature_flags() -> dict:
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    return {key: value for key, value in context.items() if key.startswith("@aws-cdk")}


def demo_stack(app: cdk.App, stack_id: str, *, password: str | None) -> tuple[cdk.Stack, DemoUser]:
    stack = cdk.Stack(app, stack_id, env=cdk.Environment(account="111111111111", region="eu-central-1"))
    pool = cognito.UserPool(stack, "Pool")
    for rule in ("AwsSolutions-COG1", "AwsSolutions-COG2", "AwsSolutions-COG8"):
        acknowledge(pool, rule, "test scaffolding: the real user pool lives in the login stack")
    user = DemoUser(stack, "Demo", user_pool=pool, username="demo-user", group_name="team1", password=password)
    return stack, user


@pytest.fixture(scope="module")
def assembly(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("cdk.out")
    staging_dirs: list[str] = []
    real_mkdtemp = tempfile.mkdtemp

    def recording_mkdtemp(*args, **kwargs):
        staging_dirs.append(real_mkdtemp(*args, **kwargs))
        return staging_dirs[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_user_module.tempfile, "mkdtemp", recording_mkdtemp)
        app = cdk.App(context=feature_flags(), outdir=str(outdir))
        given, _ = demo_stack(app, "GivenPassword", password=PASSWORD)
        generated, _ = demo_stack(app, "GeneratedPassword", password=None)
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
        try:
            app.synth()
            synth_error = None
        except RuntimeError as error:  # cdk-nag findings: the report file says which
            synth_error = str(error)
    return {
        "outdir": outdir,
        "given": Template.from_stack(given),
        "generated": Template.from_stack(generated),
        "staging_dirs": staging_dirs,
        "synth_error": synth_error,
    }


def resources(template: Template, resource_type: str) -> dict:
    return template.find_resources(resource_type)


def only(mapping: dict) -> tuple[str, dict]:
    assert len(mapping) == 1, mapping
    return next(iter(mapping.items()))


def statements(template: Template) -> list[dict]:
    found = []
    for policy in resources(template, "AWS::IAM::Policy").values():
        found.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return found


def statements_with(template: Template, action: str) -> list[dict]:
    def actions(statement):
        value = statement["Action"]
        return [value] if isinstance(value, str) else value

    return [s for s in statements(template) if action in actions(s)]


@pytest.mark.parametrize("variant", ["given", "generated"])
def test_user_is_created_without_invitation_and_joins_the_group(assembly, variant):
    template = assembly[variant]
    user_id, user = only(resources(template, "AWS::Cognito::UserPoolUser"))
    assert user["Properties"]["Username"] == "demo-user"
    assert user["Properties"]["MessageAction"] == "SUPPRESS"
    assert "TemporaryPassword" not in user["Properties"]
    template.has_resource_properties(
        "AWS::Cognito::UserPoolUserToGroupAttachment",
        {"GroupName": "team1", "Username": {"Ref": user_id}, "UserPoolId": {"Ref": Match.string_like_regexp("^Pool")}},
    )


@pytest.mark.parametrize("variant", ["given", "generated"])
def test_secret_is_generated_by_secrets_manager_with_a_strong_policy(assembly, variant):
    _, secret = only(resources(assembly[variant], "AWS::SecretsManager::Secret"))
    assert "SecretString" not in secret["Properties"]
    generator = secret["Properties"]["GenerateSecretString"]
    assert generator["PasswordLength"] >= 16
    assert generator["RequireEachIncludedType"] is True
    assert generator.get("IncludeSpace") is False
    allowed_symbols = set(string.punctuation) - set(generator["ExcludeCharacters"])
    assert allowed_symbols, "at least one symbol must remain for RequireEachIncludedType"
    assert allowed_symbols <= COGNITO_SYMBOLS
    assert not allowed_symbols & SHELL_OR_URL_SPECIAL


@pytest.mark.parametrize("variant", ["given", "generated"])
def test_custom_resource_sets_the_password_after_the_user_exists(assembly, variant):
    template = assembly[variant]
    user_id, _ = only(resources(template, "AWS::Cognito::UserPoolUser"))
    secret_id, _ = only(resources(template, "AWS::SecretsManager::Secret"))
    _, custom = only(resources(template, "Custom::DemoUserPassword"))
    props = custom["Properties"]
    assert props["Username"] == {"Ref": user_id}  # the Ref orders it after the user
    assert props["SecretId"] == {"Ref": secret_id}
    assert ("PasswordObject" in props) is (variant == "given")


def test_function_runs_python_3_14_with_a_retained_log_group(assembly):
    template = assembly["given"]
    functions = resources(template, "AWS::Lambda::Function")
    _, setter = only({k: v for k, v in functions.items() if v["Properties"]["Handler"] == "handler.on_event"})
    assert setter["Properties"]["Runtime"] == "python3.14"
    log_group_id = setter["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
    assert resources(template, "AWS::Logs::LogGroup")[log_group_id]["Properties"]["RetentionInDays"] > 0
    for role in resources(template, "AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]


def test_given_password_is_absent_from_template_outputs_and_ids(assembly):
    text = json.dumps(assembly["given"].to_json())
    assert PASSWORD not in text
    assert PASSWORD not in json.dumps(assembly["given"].to_json().get("Outputs", {}))
    assert hashlib.sha256(PASSWORD.encode()).hexdigest() not in text
    parameters = assembly["given"].find_parameters("*")
    assert set(parameters) == {"BootstrapVersion"}
    assert PASSWORD not in json.dumps(parameters)


def test_given_password_lives_only_in_one_staged_file_asset(assembly):
    outdir: Path = assembly["outdir"]
    carriers = [p for p in outdir.rglob("*") if p.is_file() and PASSWORD.encode() in p.read_bytes()]
    assert len(carriers) == 1, carriers
    carrier = carriers[0]
    assert carrier.read_text() == PASSWORD
    assert carrier.stat().st_mode & 0o077 == 0, "the staged password file must be private"
    manifest = json.loads((outdir / "GivenPassword.assets.json").read_text())
    entries = [entry for entry in manifest["files"].values() if entry["source"]["path"] == carrier.name]
    assert len(entries) == 1 and entries[0]["source"]["packaging"] == "file"
    asset_hash = carrier.name.removeprefix("asset.").removesuffix(".txt")
    assert asset_hash != hashlib.sha256(PASSWORD.encode()).hexdigest()
    object_key = next(iter(entries[0]["destinations"].values()))["objectKey"]
    _, custom = only(resources(assembly["given"], "Custom::DemoUserPassword"))
    assert custom["Properties"]["PasswordObject"]["Key"] == object_key


def test_synth_time_copy_of_the_password_is_removed(assembly):
    assert len(assembly["staging_dirs"]) == 1
    assert not Path(assembly["staging_dirs"][0]).exists()


def granted(template: Template, service_prefixes: tuple[str, ...]) -> set[tuple[str, str]]:
    """(action, resource) pairs of every statement for the given services."""
    pairs = set()
    for statement in statements(template):
        actions = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        resources_ = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for action in actions:
            if action.startswith(service_prefixes):
                pairs.update((action, json.dumps(resource, sort_keys=True)) for resource in resources_)
    return pairs


PASSWORD_SERVICES = ("secretsmanager:", "s3:", "cognito-idp:")


def test_password_actions_are_scoped_to_exact_resources(assembly):
    template = assembly["given"]
    pool_id, _ = only(resources(template, "AWS::Cognito::UserPool"))
    secret_id, _ = only(resources(template, "AWS::SecretsManager::Secret"))
    _, custom = only(resources(template, "Custom::DemoUserPassword"))
    key = custom["Properties"]["PasswordObject"]["Key"]
    secret = {"Ref": secret_id}
    expected = [
        ("cognito-idp:AdminSetUserPassword", {"Fn::GetAtt": [pool_id, "Arn"]}),
        # Read AWSCURRENT, stage the new version as AWSPENDING, move AWSCURRENT once Cognito took it.
        ("secretsmanager:GetSecretValue", secret),
        ("secretsmanager:PutSecretValue", secret),
        ("secretsmanager:UpdateSecretVersionStage", secret),
        ("s3:GetObject", f"arn:aws:s3:::cdk-hnb659fds-assets-111111111111-eu-central-1/{key}"),
    ]
    assert granted(template, PASSWORD_SERVICES) == {(a, json.dumps(r, sort_keys=True)) for a, r in expected}
    assert "*" not in json.dumps([s["Resource"] for s in statements(template)]).replace('":*"', "")


def test_generated_password_is_only_read_from_the_secret(assembly):
    template = assembly["generated"]
    pool_id, _ = only(resources(template, "AWS::Cognito::UserPool"))
    secret_id, _ = only(resources(template, "AWS::SecretsManager::Secret"))
    expected = [
        ("cognito-idp:AdminSetUserPassword", {"Fn::GetAtt": [pool_id, "Arn"]}),
        ("secretsmanager:GetSecretValue", {"Ref": secret_id}),
    ]
    assert granted(template, PASSWORD_SERVICES) == {(a, json.dumps(r, sort_keys=True)) for a, r in expected}


def test_generated_passwords_are_ones_cognito_accepts(assembly):
    """Secrets Manager (moto's GetRandomPassword) with the template's own generator settings."""
    _, secret = only(resources(assembly["generated"], "AWS::SecretsManager::Secret"))
    generator = secret["Properties"]["GenerateSecretString"]
    with mock_aws():
        secrets_manager = boto3.client("secretsmanager", region_name="eu-central-1")
        cognito = boto3.client("cognito-idp", region_name="eu-central-1")
        policy = {"MinimumLength": 12, "RequireUppercase": True, "RequireLowercase": True}
        policy.update(RequireNumbers=True, RequireSymbols=True)
        pool_id = cognito.create_user_pool(PoolName="p", Policies={"PasswordPolicy": policy})["UserPool"]["Id"]
        cognito.admin_create_user(UserPoolId=pool_id, Username="demo-user", MessageAction="SUPPRESS")
        for _ in range(200):
            password = secrets_manager.get_random_password(**generator)["RandomPassword"]
            check_password(password)  # Cognito's documented rules, as synth checks `-c password`
            cognito.admin_set_user_password(UserPoolId=pool_id, Username="demo-user", Password=password, Permanent=True)


def test_excluding_every_symbol_is_refused_at_synth():
    with pytest.raises(ValueError, match="at least one must remain"):
        demo_user_module.check_generated_symbols(string.punctuation)


def test_cdk_nag_has_no_open_findings(assembly):
    report = json.loads((assembly["outdir"] / "validation-report.json").read_text())
    open_findings = [
        (violation["ruleName"], construct["constructPath"])
        for plugin in report["pluginReports"]
        for violation in plugin.get("violations", [])
        for construct in violation["violatingConstructs"]
    ]
    assert open_findings == []
    assert assembly["synth_error"] is None
    acknowledged = {v["ruleName"] for p in report["pluginReports"] for v in p.get("suppressedViolations", [])}
    assert "AwsSolutions-SMG4" in acknowledged


def test_templates_are_cfn_lint_clean(assembly):
    templates = [str(assembly["outdir"] / f"{name}.template.json") for name in ("GivenPassword", "GeneratedPassword")]
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), *templates], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
