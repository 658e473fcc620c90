"""The login Lambda and the custom-resource roles, evaluated with AWS's IAM logic: what README.md says
they do is allowed, and the nearest things they must not do are denied.
"""

from __future__ import annotations

import pytest
from iam_model import ACCOUNT, REGION, Platform
from iam_simulator import ALLOW, DENY, Case, check, evaluate
from platform_synth import default_context, synth_platform

SAGEMAKER = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"
PROFILE = f"{SAGEMAKER}:user-profile/d-team1domain/alice"
PROFILE_TAGS = {"DomainName": "team1", "CognitoSub": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "CognitoUsername": "alice"}

# (name, role, action, resource, context, expected); role and resources by the construct that owns them.
ROWS = [
    # PreSignUrlGenerator: find the domain, create the caller's profile tagged with its team, sign a URL.
    ("presign: list domains", "presign", "sagemaker:ListDomains", "*", {}, ALLOW),
    ("presign: describe a profile", "presign", "sagemaker:DescribeUserProfile", PROFILE, {}, ALLOW),
    ("presign: sign a URL for a profile", "presign", "sagemaker:CreatePresignedDomainUrl", PROFILE, {}, ALLOW),
    ("presign: create a profile with the team tags", "presign", "sagemaker:CreateUserProfile", PROFILE,
     {**{f"aws:RequestTag/{k}": v for k, v in PROFILE_TAGS.items()}, "aws:TagKeys": list(PROFILE_TAGS)}, ALLOW),
    ("presign: create a profile without DomainName", "presign", "sagemaker:CreateUserProfile", PROFILE,
     {"aws:RequestTag/CognitoSub": PROFILE_TAGS["CognitoSub"], "aws:TagKeys": ["CognitoSub"]}, DENY),
    ("presign: create a profile with an extra tag key", "presign", "sagemaker:CreateUserProfile", PROFILE,
     {**{f"aws:RequestTag/{k}": v for k, v in PROFILE_TAGS.items()}, "aws:TagKeys": [*PROFILE_TAGS, "Admin"]}, DENY),
    ("presign: delete a domain", "presign", "sagemaker:DeleteDomain", f"{SAGEMAKER}:domain/d-team1domain", {}, DENY),
    ("presign: delete a profile", "presign", "sagemaker:DeleteUserProfile", PROFILE, {}, DENY),
    ("presign: read team data", "presign", "s3:GetObject", "arn:aws:s3:::team1-eu-central-1-111111111111/x", {}, DENY),
    # Domain teardown: apps, spaces, profiles, then a domain this platform tagged; SageMaker's EFS and groups.
    ("teardown: delete a tagged domain", "teardown", "sagemaker:DeleteDomain", f"{SAGEMAKER}:domain/d-team1domain",
     {"aws:ResourceTag/DomainName": "team1"}, ALLOW),
    ("teardown: delete an untagged domain", "teardown", "sagemaker:DeleteDomain", f"{SAGEMAKER}:domain/d-foreign",
     {}, DENY),
    ("teardown: delete an app", "teardown", "sagemaker:DeleteApp", f"{SAGEMAKER}:app/d-team1domain/alice/jupyterlab/default",
     {}, ALLOW),
    ("teardown: delete a profile", "teardown", "sagemaker:DeleteUserProfile", PROFILE, {}, ALLOW),
    ("teardown: delete SageMaker's home EFS", "teardown", "elasticfilesystem:DeleteFileSystem",
     f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/fs-0123456789abcdef0",
     {"aws:ResourceTag/ManagedByAmazonSageMakerResource": f"{SAGEMAKER}:domain/d-team1domain"}, ALLOW),
    ("teardown: delete another EFS", "teardown", "elasticfilesystem:DeleteFileSystem",
     f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/fs-0fedcba9876543210", {}, DENY),
    ("teardown: delete a security group outside the VPC", "teardown", "ec2:DeleteSecurityGroup",
     f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-0123456789abcdef0",
     {"ec2:Vpc": f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/vpc-0ther"}, DENY),
    ("teardown: update a domain", "teardown", "sagemaker:UpdateDomain", f"{SAGEMAKER}:domain/d-team1domain",
     {"aws:ResourceTag/DomainName": "team1"}, DENY),
    ("teardown: delete team data", "teardown", "s3:DeleteObject", "arn:aws:s3:::team1-eu-central-1-111111111111/x", {}, DENY),
    # Lifecycle configs: create, describe, delete and tag Studio lifecycle configs, nothing else.
    ("lifecycle: create a config", "lifecycle", "sagemaker:CreateStudioLifecycleConfig",
     f"{SAGEMAKER}:studio-lifecycle-config/team1-jupyterlab-abc123", {}, ALLOW),
    ("lifecycle: delete a config", "lifecycle", "sagemaker:DeleteStudioLifecycleConfig",
     f"{SAGEMAKER}:studio-lifecycle-config/team1-jupyterlab-abc123", {}, ALLOW),
    ("lifecycle: update a domain", "lifecycle", "sagemaker:UpdateDomain", f"{SAGEMAKER}:domain/d-team1domain", {}, DENY),
    ("lifecycle: tag a training job", "lifecycle", "sagemaker:AddTags", f"{SAGEMAKER}:training-job/x",
     {"aws:RequestTag/DomainName": "team1", "aws:TagKeys": ["DomainName"]}, DENY),
    ("lifecycle: delete an app", "lifecycle", "sagemaker:DeleteApp", f"{SAGEMAKER}:app/d-team1domain/alice/jupyterlab/default",
     {}, DENY),
]
ROLE_PREFIXES = {
    "presign": ("sagemaker-login-stack", "PreSignedURLPreSignUrlGeneratorRole"),
    "teardown": ("infrastructure-stack", "DomainTeardownProviderHandlerRole"),
    "lifecycle": ("infrastructure-stack", "LifecycleConfigProviderHandlerRole"),
    "password": ("cognito-user-stack", "DemoUserPasswordProviderHandlerRole"),
    "page": ("sagemaker-login-stack", "LoginPageDeploymentRole"),
}


@pytest.fixture(scope="module")
def platform() -> Platform:
    templates = synth_platform(default_context(domain_name="team1,team2,team3"))
    return Platform({name: template.to_json() for name, template in templates.items()})


def role(platform: Platform, short: str):
    stack, prefix = ROLE_PREFIXES[short]
    (found,) = [r for r in platform.roles().values() if r.stack == stack and r.logical_id.startswith(prefix)]
    return found


# The demo-user password custom resource: its own secret and the platform's user pool only.
# "<secret>" and "<user pool>" stand for the ARNs the templates give them.
PASSWORD_ROWS = [
    ("password: read its secret", "password", "secretsmanager:GetSecretValue", "<secret>", {}, ALLOW),
    ("password: read another secret", "password", "secretsmanager:GetSecretValue",
     f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:prod-db-AbCdEf", {}, DENY),
    ("password: set the demo user's password", "password", "cognito-idp:AdminSetUserPassword", "<user pool>", {}, ALLOW),
    ("password: set a password in another pool", "password", "cognito-idp:AdminSetUserPassword",
     f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_0ther0000", {}, DENY),
    ("password: create users", "password", "cognito-idp:AdminCreateUser", "<user pool>", {}, DENY),
]
# The login page's deployment: its own bucket and distribution only ("<page bucket>", "<distribution>").
PAGE_ROWS = [
    ("page: write a page file", "page", "s3:PutObject", "<page bucket>/index.html", {}, ALLOW),
    ("page: write into a team's data bucket", "page", "s3:PutObject",
     "arn:aws:s3:::team1-eu-central-1-111111111111/x", {}, DENY),
    ("page: invalidate the login page", "page", "cloudfront:CreateInvalidation", "<distribution>", {}, ALLOW),
    ("page: invalidate another distribution", "page", "cloudfront:CreateInvalidation",
     f"arn:aws:cloudfront::{ACCOUNT}:distribution/EOTHERDIST0000", {}, DENY),
]


def placeholders(platform: Platform) -> dict[str, str]:
    (secret,) = [platform.arn(s, lid) for s, lid, _ in platform.resources("AWS::SecretsManager::Secret")]
    (pool,) = [platform.arn(s, lid) for s, lid, _ in platform.resources("AWS::Cognito::UserPool")]
    (page_bucket,) = [
        platform.arn(s, lid) for s, lid, _ in platform.resources("AWS::S3::Bucket") if lid.startswith("LoginPageBucket")
    ]
    ((stack, distribution, _),) = list(platform.resources("AWS::CloudFront::Distribution"))
    return {
        "<secret>": secret,
        "<user pool>": pool,
        "<page bucket>": page_bucket,
        "<distribution>": f"arn:aws:cloudfront::{ACCOUNT}:distribution/{platform.physical_id(stack, distribution)}",
    }


@pytest.fixture(scope="module")
def outcomes(platform):
    arns = placeholders(platform)
    cases = [
        Case(
            name=name,
            role=role(platform, short),
            action=action,
            resource=_placed(arns, resource),
            context=context,
            expected=expected,
        )
        for name, short, action, resource, context, expected in ROWS + PASSWORD_ROWS + PAGE_ROWS
    ]
    results = evaluate(cases)
    return {case.name: (case, results[case.name]) for case in cases}


def _placed(arns: dict[str, str], resource: str) -> str:
    """`resource` with its placeholder (a whole ARN, or one followed by a path) replaced."""
    for placeholder, arn in arns.items():
        if resource.startswith(placeholder):
            return arn + resource[len(placeholder):]
    return resource


@pytest.mark.parametrize("name", [row[0] for row in ROWS + PASSWORD_ROWS + PAGE_ROWS])
def test_decision(outcomes, name):
    case, outcome = outcomes[name]
    check(case, outcome)
