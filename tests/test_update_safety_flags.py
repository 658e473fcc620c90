"""Day-2 changes of `-c` context flags (README "Context flags") and of the demo password.

Baseline: cdk.json's context with two teams. A flag is platform-wide, so any stack may change,
but nothing stateful may be replaced or removed and no imported export may change, except for
the documented breaking changes in update_safety_rules.DOCUMENTED_BREAKING (the VPC CIDR).
`account` and `region` are not day-2 changes: they name a different deployment.
"""

from __future__ import annotations

import copy
import re

import pytest

from platform_synth import ROOT
from update_safety import UPDATED, plan_update
from ordering_variants import ENTRA_FLAGS
from test_update_safety_teams import OIDC_PROVIDER
from update_safety_rules import Case, assert_safe, flags, loses_state, plan_case, synth_templates, teams

BASE = {"domain_name": "team1,team2"}
PASSWORD_A, PASSWORD_B = "Rotate-Me.First-2024a", "Rotate-Me.Second-2025b"
NOT_DAY_TWO = {"account", "region"}
PAGE_DOMAIN = "login.example.com"
CERTIFICATE_A = "arn:aws:acm:us-east-1:111111111111:certificate/11111111-1111-1111-1111-111111111111"
CERTIFICATE_B = "arn:aws:acm:us-east-1:111111111111:certificate/22222222-2222-2222-2222-222222222222"
S3_SOURCE = "s3://platform-source-111111111111/sagemaker-platform.zip"
GITHUB_SOURCE = "https://github.com/acme/sagemaker-platform#main"
CONNECTION = "arn:aws:codeconnections:eu-central-1:111111111111:connection/12345678-1234-1234-1234-123456789012"


def flag_case(case_id: str, teams_changed: tuple[str, ...] | None = None, before=None, marks=(), **after) -> Case:
    before_context, after_context = flags(**{**BASE, **(before or {})}), flags(**{**BASE, **after})
    return Case(id=case_id, before=before_context, after=after_context, teams=teams_changed, marks=marks)


def same_teams_in_a_file(document: dict) -> None:
    document.clear()
    document["teams"] = [{"name": "team1"}, {"name": "team2"}]


FLAG_CASES: dict[str, list[Case]] = {
    "domain-name": [
        flag_case("flag-domain-name-add-team", ("team3",), domain_name="team1,team2,team3"),
        flag_case("flag-domain-name-remove-team", ("team2",), domain_name="team1"),
    ],
    "user": [
        flag_case("flag-user-renamed", user="ops-user"),
        flag_case("flag-user-removed", user=""),
    ],
    "user-team": [flag_case("flag-user-team-moved", user_team="team2")],
    "password": [
        flag_case("flag-password-set", password=PASSWORD_A),
        flag_case("flag-password-rotated", before={"password": PASSWORD_A}, password=PASSWORD_B),
    ],
    "availability-zones": [
        flag_case(
            "flag-availability-zones-third-zone",
            availability_zones="eu-central-1a,eu-central-1b,eu-central-1c",
        )
    ],
    "vpc-cidr": [flag_case("flag-vpc-cidr", vpc_cidr="10.1.0.0/16")],
    "instance-types": [flag_case("flag-instance-types-narrowed", instance_types="system,ml.t3.medium")],
    "idle-timeout-minutes": [flag_case("flag-idle-timeout-minutes-60-to-90", idle_timeout_minutes="90")],
    "pip-index-url": [flag_case("flag-pip-index-url-set", pip_index_url="https://pypi.example.com/simple")],
    "conda-channel-url": [flag_case("flag-conda-channel-url-set", conda_channel_url="https://conda.example.com/c")],
    "retention": [
        flag_case("flag-retention-retain-to-destroy", retention="destroy"),
        flag_case("flag-retention-destroy-to-retain", before={"retention": "destroy"}, retention="retain"),
    ],
    "api-endpoint-type": [
        flag_case("flag-api-endpoint-type-regional-to-private", api_endpoint_type="private"),
        flag_case(
            "flag-api-endpoint-type-private-to-regional", before={"api_endpoint_type": "private"}, api_endpoint_type="regional"
        ),
    ],
    "callback-urls": [
        flag_case(
            "flag-callback-urls-added",
            callback_urls="https://oauth.pstmn.io/v1/browser-callback,https://portal.example.com/callback",
        )
    ],
    "cors-origins": [flag_case("flag-cors-origins-set", cors_origins="https://portal.example.com")],
    "session-duration-seconds": [flag_case("flag-session-duration-seconds-shorter", session_duration_seconds="3600")],
    "user-pool-deletion-protection": [flag_case("flag-user-pool-deletion-protection-off", user_pool_deletion_protection="false")],
    "teams-file": [
        # The same two teams, now from a file: nothing may change at all.
        Case(
            id="flag-teams-file-same-teams",
            before=flags(**BASE),
            after=teams(same_teams_in_a_file),
            teams=(),
            changes_something=False,
        )
    ],
    "alarm-emails": [flag_case("flag-alarm-emails-set", alarm_emails="oncall@example.com")],
    "login-page-domain": [
        flag_case("flag-login-page-domain-set", login_page_domain=PAGE_DOMAIN, login_page_certificate_arn=CERTIFICATE_A)
    ],
    "login-page-certificate-arn": [
        flag_case(
            "flag-login-page-certificate-arn-renewed",
            before={"login_page_domain": PAGE_DOMAIN, "login_page_certificate_arn": CERTIFICATE_A},
            login_page_domain=PAGE_DOMAIN,
            login_page_certificate_arn=CERTIFICATE_B,
        )
    ],
    "admin-role-arns": [flag_case("flag-admin-role-arns-set", admin_role_arns="arn:aws:iam::111111111111:role/platform-admin")],
    "api-gateway-account-role": [flag_case("flag-api-gateway-account-role-existing", api_gateway_account_role="existing")],
    # A retired name only refuses itself as a team: only the deploy project's copy of the flags changes.
    "retired-teams": [flag_case("flag-retired-teams-set", retired_teams="team9")],
    "order-approver-emails": [flag_case("flag-order-approver-emails-set", order_approver_emails="admins@example.com")],
    "order-approval-hours": [flag_case("flag-order-approval-hours-shorter", order_approval_hours="24")],
    "order-deploy-source": [flag_case("flag-order-deploy-source-own-bucket", order_deploy_source=S3_SOURCE)],
    "order-deploy-connection-arn": [
        flag_case("flag-order-deploy-source-github", order_deploy_source=GITHUB_SOURCE, order_deploy_connection_arn=CONNECTION)
    ],
}
# Entra ID groups need a teams file with an identity provider; the four settings come with the switch.
_entra_on = Case(
    id="flag-order-entra-groups-on",
    before=teams(lambda document: document.update(identity_provider=dict(OIDC_PROVIDER))),
    after=teams(lambda document: document.update(identity_provider=dict(OIDC_PROVIDER)), **ENTRA_FLAGS),
)
FLAG_CASES["order-entra-groups"] = [_entra_on]
for _flag in ENTRA_FLAGS:
    FLAG_CASES.setdefault(_flag.replace("_", "-"), [])
CASES = [case for cases in FLAG_CASES.values() for case in cases]


@pytest.fixture(scope="module")
def teams_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("teams-files")


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_flag_change_is_safe(case, teams_dir):
    assert_safe(case, teams_dir)


@pytest.mark.parametrize("case", FLAG_CASES["password"], ids=lambda c: c.id)
def test_a_new_password_reaches_cognito_without_replacing_user_or_secret(case, teams_dir):
    plan, _, _ = plan_case(case, teams_dir)
    changes = {c.resource_type: c for c in plan.changes if c.stack == "cognito-user-stack"}
    # The custom resource must see a change, or the new password never reaches Cognito.
    assert changes["Custom::DemoUserPassword"].action == UPDATED
    for resource_type in ("AWS::Cognito::UserPoolUser", "AWS::SecretsManager::Secret"):
        assert resource_type not in changes or changes[resource_type].action == UPDATED, changes[resource_type]


def test_a_flag_the_deploy_project_repeats_changes_only_its_environment_in_place(teams_dir):
    (case,) = FLAG_CASES["retired-teams"]
    plan, _, _ = plan_case(case, teams_dir)
    changed = [(c.stack, c.resource_type, c.action) for c in plan.changes]
    assert changed == [("ordering-stack", "AWS::CodeBuild::Project", UPDATED)]


def readme_flags() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Context flags", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `")]
    return {flag for row in rows for flag in re.findall(r"`([a-z-]+)`", row)}


def test_every_readme_flag_has_a_case():
    documented = readme_flags()
    assert "vpc-cidr" in documented and "teams-file" in documented  # the table was found and read
    assert documented - NOT_DAY_TWO <= set(FLAG_CASES), f"no case for {sorted(documented - NOT_DAY_TWO - set(FLAG_CASES))}"


def without_identity_settings(templates: dict[str, dict]) -> dict[str, dict]:
    """The templates as the release before issue 12 deployed them: no IdP attributes in the pool,
    no identity config on the domains, no SetSourceIdentity in the execution roles' trust."""
    old = copy.deepcopy(templates)
    for template in old.values():
        for resource in template.get("Resources", {}).values():
            properties = resource.get("Properties", {})
            if resource["Type"] == "AWS::Cognito::UserPool":
                properties.pop("Schema", None)
            elif resource["Type"] == "AWS::SageMaker::Domain":
                properties["DomainSettings"].pop("ExecutionRoleIdentityConfig")
            elif resource["Type"] == "AWS::IAM::Role":
                for statement in properties["AssumeRolePolicyDocument"]["Statement"]:
                    if statement["Action"] == ["sts:AssumeRole", "sts:SetSourceIdentity"]:
                        statement["Action"] = "sts:AssumeRole"
    return old


def test_upgrading_to_the_identity_settings_replaces_nothing():
    """Deploying this release over the previous one: the pool gains two custom attributes, every
    domain its identity config, every execution role a trust action; all updates in place."""
    after = synth_templates(flags(**BASE)(None))
    before = without_identity_settings(after)
    assert before != after  # the edit found what this release adds
    plan = plan_update(before, after, region="eu-central-1")
    changed = {(c.resource_type, c.action) for c in plan.changes}
    assert {("AWS::Cognito::UserPool", UPDATED), ("AWS::SageMaker::Domain", UPDATED), ("AWS::IAM::Role", UPDATED)} <= changed
    assert not [str(c) for c in plan.changes if loses_state(c)]
