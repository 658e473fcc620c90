"""The ordering stack's `-c order-*` flags: validated by the settings model like every flag, one
line each naming the flag and the rule; the deploy project repeats the platform's own flags."""

from __future__ import annotations

import pytest

from studio_platform.config import load_platform_config
from studio_platform.errors import ConfigError, problems_of
from studio_platform.flags import deploy_context_flags
from studio_platform.rules import DeploySource

CONNECTION = "arn:aws:codeconnections:eu-central-1:111111111111:connection/12345678-1234-1234-1234-123456789012"
BASE = {"account": "111111111111", "region": "eu-central-1"}


def problems(**flags: str) -> list[str]:
    context = {**BASE, **{key.replace("_", "-"): value for key, value in flags.items()}}
    with pytest.raises(ConfigError) as refused:
        load_platform_config(context.get, keys=list(context))
    return [str(problem) for problem in problems_of(refused.value)]


def ordering(**flags: str):
    context = {**BASE, **{key.replace("_", "-"): value for key, value in flags.items()}}
    return load_platform_config(context.get, keys=list(context)).ordering


@pytest.mark.parametrize(
    "flags, line",
    [
        ({"order_approval_hours": "0"}, "-c order-approval-hours: '0' must be between 1 and 720"),
        ({"order_approval_hours": "a week"}, "-c order-approval-hours: 'a week' must be a number"),
        ({"order_approver_emails": "admins"}, "-c order-approver-emails: 'admins' is not an e-mail address"),
        ({"order_deploy_source": "s3://bucket/app.tar"}, "-c order-deploy-source: 's3://bucket/app.tar' must be s3://"),
        ({"order_deploy_source": "git@github.com:acme/platform.git"}, "-c order-deploy-source: 'git@github.com:acme"),
        ({"order_deploy_source": "https://github.com/acme/platform"},
         "-c order-deploy-connection-arn: is required with a GitHub deploy source"),
        ({"order_deploy_connection_arn": CONNECTION}, "-c order-deploy-connection-arn: has no effect without a GitHub"),
        ({"order_deploy_source": "https://github.com/acme/platform", "order_deploy_connection_arn": "arn:aws:iam::1:role/x"},
         "-c order-deploy-connection-arn: 'arn:aws:iam::1:role/x' must be a CodeConnections connection ARN"),
    ],
)
def test_a_bad_ordering_flag_is_one_line_naming_it_and_the_rule(flags, line):
    found = problems(**flags)
    assert len(found) == 1 and found[0].startswith(line), found


def test_deploy_sources_read_as_the_project_uses_them():
    assert ordering().source is None  # the ordering stack's own bucket
    assert ordering(order_deploy_source="s3://platform-source/builds/app.zip").source == DeploySource(
        "s3", "platform-source/builds/app.zip"
    )
    github = ordering(order_deploy_source="https://github.com/acme/platform.git#release/2026", order_deploy_connection_arn=CONNECTION)
    assert github.source == DeploySource("github", "https://github.com/acme/platform.git", "release/2026")


def test_the_deploy_project_repeats_the_platforms_flags_but_not_its_teams_or_demo_user():
    context = {
        **BASE,
        "vpc-cidr": "10.1.0.0/16",
        "availability-zones": ["eu-central-1a", "eu-central-1b"],
        "user-pool-deletion-protection": False,
        "teams-file": "teams.yaml",
        "domain-name": "team1",
        "user": "demo-user",
        "password": "Not-In-A-Build-2024",
        "@aws-cdk/core:bootstrapQualifier": "hnb659fds",
    }
    assert deploy_context_flags(context.get) == {
        **BASE,
        "vpc-cidr": "10.1.0.0/16",
        "availability-zones": "eu-central-1a,eu-central-1b",
        "user-pool-deletion-protection": "false",
    }
