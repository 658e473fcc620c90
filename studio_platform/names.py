"""Naming rules of every resource that carries a team name, checked in one place.

A team name ends up in a SageMaker domain name, an S3 bucket name
(`<team>-<region>-<account>`), an IAM role name (`<team>-sagemaker-execution-role`),
lifecycle-config names (`<team>-<app>-<hash>`), a Cognito group, a KMS alias and a stack
name. The strictest of those rules wins: lowercase (S3), starts with a letter (stack
names), single hyphens between alphanumerics (SageMaker), and a length that fits all.
"""

from __future__ import annotations

import re

from studio_platform.errors import ConfigError
from studio_runtime.contracts import TEAM_TAG_KEY, ordering_api

TEAM_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
SAGEMAKER_NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
ACCOUNT_PATTERN = re.compile(r"^[0-9]{12}$")
REGION_PATTERN = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$")
IAM_ROLE_ARN_PATTERN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$")

# TEAM_TAG_KEY (studio_runtime.contracts, shared with the functions) draws every team boundary:
# IAM conditions, cost allocation, budgets, teardown.
REQUEST_TEAM_TAG = f"aws:RequestTag/{TEAM_TAG_KEY}"
RESOURCE_TEAM_TAG = f"aws:ResourceTag/{TEAM_TAG_KEY}"
EXECUTION_ROLE_SUFFIX = "-sagemaker-execution-role"
TEAM_STACK_PREFIX = "sagemaker-studio-stack-"
BUDGET_NAME_PREFIX = "sagemaker-studio-"
KEY_ALIAS_PREFIX = "alias/sagemaker-studio/"
IAM_ROLE_NAME_MAX = 64
S3_BUCKET_NAME_MAX = 63
SAGEMAKER_NAME_MAX = 63
# Lifecycle-config names: "<team>-<app segment>-<content hash>" (studio_constructs/lifecycle_content.py).
LIFECYCLE_APP_SEGMENTS = ("jupyterlab", "codeeditor", "kernelgateway")
LIFECYCLE_HASH_LENGTH = 8
# The ordering API's Cognito groups (requesters, approvers). A team is a Cognito group of the
# same pool, so no team may take these names.
REQUESTERS_GROUP, APPROVERS_GROUP, PLATFORM_GROUPS = (
    ordering_api.REQUESTERS_GROUP,
    ordering_api.APPROVERS_GROUP,
    ordering_api.PLATFORM_GROUPS,
)
# Where the login stack publishes the login page's address (the ordering workflow mails it):
# read at delivery, so a new -c login-page-domain reaches the next order without a deploy.
LOGIN_PAGE_URL_PARAMETER = "/sagemaker-studio/login-page-url"
# S3 reserves these prefixes for its own bucket types.
S3_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")


def execution_role_name(team: str) -> str:
    return f"{team}{EXECUTION_ROLE_SUFFIX}"


def data_bucket_name(team: str, region: str, account: str) -> str:
    return f"{team}-{region}-{account}"


def team_stack_name(team: str) -> str:
    return f"{TEAM_STACK_PREFIX}{team}"


def budget_name(team: str) -> str:
    return f"{BUDGET_NAME_PREFIX}{team}"


def key_alias_name(team: str) -> str:
    return f"{KEY_ALIAS_PREFIX}{team}"


def lifecycle_config_name(team: str, app_segment: str, content_hash: str) -> str:
    return f"{team}-{app_segment}-{content_hash}"


def lifecycle_name_overhead() -> int:
    """What the longest lifecycle-config name adds to the team name, from the builder itself."""
    return max(
        len(lifecycle_config_name("", segment, "0" * LIFECYCLE_HASH_LENGTH)) for segment in LIFECYCLE_APP_SEGMENTS
    )


def retired_team_rule(name: str, region: str, account: str) -> str:
    """Why a retired team name cannot come back as is, and the ways out."""
    return (
        f"team {name!r} is listed in retired teams: it was removed with retention=retain, so its data bucket "
        f"{data_bucket_name(name, region, account)!r} still exists and a new stack would collide with it; "
        f"choose another team name, or copy the data out, delete that bucket and schedule its key's deletion, "
        f"then drop {name!r} from the retired teams (README: Removing and re-adding a team)"
    )


def max_team_name_length(region: str, account: str) -> int:
    """The longest team name that every derived resource name can carry."""
    return min(
        SAGEMAKER_NAME_MAX,
        S3_BUCKET_NAME_MAX - len(data_bucket_name("", region, account)),
        IAM_ROLE_NAME_MAX - len(EXECUTION_ROLE_SUFFIX),
        SAGEMAKER_NAME_MAX - lifecycle_name_overhead(),
    )


def check_team_name(name: str, *, where: str, region: str, account: str) -> str:
    limit = max_team_name_length(region, account)
    if not TEAM_NAME_PATTERN.match(name):
        raise ConfigError(
            where,
            f"team name {name!r} must be lowercase letters and digits, start with a letter, "
            "with single hyphens between them (SageMaker domain, S3 bucket and stack name rules)",
        )
    if len(name) > limit:
        raise ConfigError(
            where,
            f"team name {name!r} is {len(name)} characters; at most {limit} fit in bucket "
            f"{data_bucket_name(name, region, account)!r}, role "
            f"{execution_role_name(name)!r} and lifecycle-config names",
        )
    if name in PLATFORM_GROUPS:
        raise ConfigError(
            where, f"team name {name!r} is a Cognito group of the ordering API ({', '.join(PLATFORM_GROUPS)}); choose another"
        )
    if name.startswith(S3_RESERVED_PREFIXES):
        raise ConfigError(where, f"team name {name!r} starts with a prefix S3 reserves: {S3_RESERVED_PREFIXES}")
    return name


def check_account(account: str, *, where: str = "-c account") -> str:
    if not ACCOUNT_PATTERN.match(account):
        raise ConfigError(where, f"{account!r} is not an AWS account id (exactly 12 digits)")
    return account


def check_region(region: str, *, where: str = "-c region") -> str:
    if not REGION_PATTERN.match(region):
        raise ConfigError(where, f"{region!r} is not an AWS region name (like eu-central-1)")
    return region

