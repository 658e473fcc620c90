"""The login page's accepted cdk-nag and checkov findings, each with the reason a reviewer needs.

Kept apart from studio_constructs/login_page.py so the construct reads as what it builds.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct, IConstruct

from studio_constructs.bootstrap import staging_bucket_name
from studio_constructs.checkov import CDK_FUNCTION_SKIPS, PLAIN_ENVIRONMENT, skip_checkov_checks
from studio_constructs.nag import acknowledge, acknowledge_rules, finding_ref, ignore_redundant_depends_on

# aws-cdk-lib names the one function every BucketDeployment of a stack shares by this prefix.
BUCKET_DEPLOYMENT_FUNCTION_PREFIX = "Custom::CDKBucketDeployment"

NO_GEO_RESTRICTION = (
    "Data scientists sign in from wherever they work; the page is public static code holding no data, and "
    "Cognito and the presign API decide who gets in."
)
NO_CLOUDFRONT_WAF = (
    "A CloudFront web ACL must be created in us-east-1 and this stack deploys to the platform's region; the "
    "distribution serves only static files (GET/HEAD, no query string or cookie reaches the origin) and the "
    "presign API the page calls has its own regional WAF."
)
DEFAULT_CERTIFICATE = (
    "Without -c login-page-domain the page is served with CloudFront's *.cloudfront.net certificate, whose "
    "security policy CloudFront fixes (TLSv1) and no setting changes; HSTS and current browsers negotiate "
    "TLS 1.2+. With a custom domain the minimum is TLSv1.2_2021."
)
DEPLOYMENT_RUNTIME = (
    "aws-cdk-lib's BucketDeployment function: aws-cdk-lib pins the runtime its bundled handler and AWS CLI layer "
    "are built for and moves it with its own upgrades; it runs only while CloudFormation deploys."
)
DEPLOYMENT_NO_DEAD_LETTER = (
    "aws-cdk-lib's BucketDeployment function is invoked only by CloudFormation through its custom resource; a "
    "failed copy fails the stack operation, which reports it and rolls back. A DLQ message would have no consumer."
)
DEPLOYMENT_UNTRACED = (
    "aws-cdk-lib's BucketDeployment function copies files while CloudFormation deploys (not on a request path); "
    "its log group records each run and aws-cdk-lib exposes no tracing option."
)
DEPLOYMENT_S3 = (
    "aws-cdk-lib's BucketDeployment grants read of the CDK asset objects it unpacks and write/delete of the "
    "login page bucket's objects (the page's files, whose names are the build's): the two buckets are the only "
    "resources."
)
DEPLOYMENT_INVALIDATION = (
    "aws-cdk-lib's BucketDeployment grants cloudfront:CreateInvalidation and GetInvalidation on *; a Deny on "
    "every other distribution in the same role narrows it to the login page's distribution."
)


def accept_distribution_findings(distribution: cloudfront.Distribution, *, custom_certificate: bool) -> None:
    nag = {"AwsSolutions-CFR1": NO_GEO_RESTRICTION, "AwsSolutions-CFR2": NO_CLOUDFRONT_WAF}
    checkov = {"CKV_AWS_68": NO_CLOUDFRONT_WAF}
    if not custom_certificate:
        nag["AwsSolutions-CFR4"] = DEFAULT_CERTIFICATE
        checkov["CKV_AWS_174"] = DEFAULT_CERTIFICATE
    acknowledge_rules(distribution, nag)
    skip_checkov_checks(distribution, checkov)


def deployment_role(scope: Construct, construct_id: str, *, distribution: cloudfront.Distribution) -> iam.Role:
    """Our own role for the deployment function: no AWS managed policy, invalidations of this distribution only."""
    role = iam.Role(
        scope,
        construct_id,
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description="Copies the login page and its config.json into the page bucket, invalidates its entry files",
    )
    role.add_to_policy(
        iam.PolicyStatement(
            sid="InvalidateOnlyTheLoginPage",
            effect=iam.Effect.DENY,
            actions=["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"],
            not_resources=[distribution.distribution_arn],
        )
    )
    return role


def accept_bucket_deployment_findings(scope: Construct, *, role: iam.Role, page_bucket: s3.IBucket) -> None:
    """The deployment role's wildcards (as aws-cdk-lib grants them) and the shared function's findings."""
    stack = cdk.Stack.of(scope)
    staging = finding_ref(scope, f"arn:{stack.partition}:s3:::{staging_bucket_name(stack)}/*")
    findings = [
        *(f"Action::{action}" for action in ("s3:GetBucket*", "s3:GetObject*", "s3:List*", "s3:Abort*", "s3:DeleteObject*")),
        f"Resource::{staging}",
        f"Resource::{finding_ref(scope, page_bucket.arn_for_objects('*'))}",
    ]
    acknowledge(role, "AwsSolutions-IAM5", DEPLOYMENT_S3, findings=findings)
    acknowledge(role, "AwsSolutions-IAM5", DEPLOYMENT_INVALIDATION, findings=["Resource::*"])
    policy = role.node.find_child("DefaultPolicy")
    skip_checkov_checks(policy, {"CKV_AWS_111": DEPLOYMENT_INVALIDATION})
    function = _deployment_function(stack)
    ignore_redundant_depends_on(function)
    acknowledge_rules(
        function,
        {
            "AwsSolutions-L1": DEPLOYMENT_RUNTIME,
            "Serverless-LambdaLatestVersion": DEPLOYMENT_RUNTIME,
            "Serverless-LambdaDLQ": DEPLOYMENT_NO_DEAD_LETTER,
            "Serverless-LambdaTracing": DEPLOYMENT_UNTRACED,
        },
    )
    skip_checkov_checks(function, {**CDK_FUNCTION_SKIPS, "CKV_AWS_116": DEPLOYMENT_NO_DEAD_LETTER, "CKV_AWS_173": PLAIN_ENVIRONMENT})


def _deployment_function(stack: cdk.Stack) -> IConstruct:
    found = [child for child in stack.node.children if child.node.id.startswith(BUCKET_DEPLOYMENT_FUNCTION_PREFIX)]
    if len(found) != 1:
        raise RuntimeError(f"expected aws-cdk-lib's one BucketDeployment function in {stack.stack_name}, found {len(found)}")
    return found[0]
