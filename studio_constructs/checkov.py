"""checkov suppressions, kept next to the resource they concern.

checkov reads `Metadata.checkov.skip` ([{id, comment}]) of a CloudFormation resource and
reports the check as SKIPPED with that comment. The test (tests/test_checkov.py) refuses a
skip without a specific comment and any skip given on the command line, so every accepted
finding is visible in the template with the reason a security reviewer needs.
"""

from __future__ import annotations

import re
from typing import Mapping

import aws_cdk as cdk
from constructs import IConstruct

MIN_REASON_LENGTH = 20
CHECK_ID = re.compile(r"^CKV2?_AWS_\d+$")


def skip_checkov(construct: IConstruct, check_id: str, reason: str) -> None:
    """Skip checkov's `check_id` on the CloudFormation resource of `construct`, with `reason`."""
    skip_checkov_checks(construct, {check_id: reason})


def skip_checkov_checks(construct: IConstruct, reasons: Mapping[str, str]) -> None:
    """Several skips at once ({check id: reason}), merged with the resource's existing ones."""
    resource = _cfn_resource(construct)
    existing = resource.get_metadata("checkov") or {}
    skips = {entry["id"]: entry["comment"] for entry in existing.get("skip", [])}
    for check_id, reason in reasons.items():
        if not CHECK_ID.match(check_id):
            raise ValueError(f"skip_checkov: {check_id!r} is not a checkov AWS check id")
        if len(reason.strip()) < MIN_REASON_LENGTH:
            raise ValueError(f"skip of {check_id} needs a specific reason, got {reason!r}")
        skips[check_id] = reason
    resource.add_metadata(
        "checkov", {**existing, "skip": [{"id": check_id, "comment": reason} for check_id, reason in skips.items()]}
    )


def _cfn_resource(construct: IConstruct) -> cdk.CfnResource:
    """The construct itself when it is a CloudFormation resource, else its default child."""
    if isinstance(construct, cdk.CfnResource):
        return construct
    child = construct.node.default_child
    if not isinstance(child, cdk.CfnResource):
        raise TypeError(f"skip_checkov: {construct.node.path} has no CloudFormation resource to annotate")
    return child


# Lambda functions. Our own functions come from PythonFunction; the rest are aws-cdk-lib's
# custom-resource plumbing (Provider framework functions, singleton handlers).
NO_RESERVED_CONCURRENCY = (
    "No reserved concurrency on purpose: reserving it subtracts from the account's unreserved pool and fails the "
    "deploy in accounts at the 10-execution minimum; the login function is bounded by the API stage's throttling "
    "and WAF's per-IP rate rule, custom-resource functions run only while CloudFormation deploys."
)
NOT_IN_VPC = (
    "Calls only AWS service APIs (SageMaker, EC2, EFS, Cognito, Secrets Manager, S3) over IAM-signed HTTPS and "
    "reaches no resource inside the Studio VPC; attaching it to the isolated VPC would add ENIs and route every "
    "call through interface endpoints without narrowing what its role may do."
)
SYNCHRONOUS_INVOCATION_ONLY = (
    "Invoked only synchronously (API Gateway's Lambda proxy integration, or the CDK Provider framework "
    "and its waiter with RequestResponse): the caller receives the error; a DLQ only ever receives failed "
    "asynchronous invocations."
)
PROJECT_FUNCTION_SKIPS = {
    "CKV_AWS_115": NO_RESERVED_CONCURRENCY,
    "CKV_AWS_116": SYNCHRONOUS_INVOCATION_ONLY,
    "CKV_AWS_117": NOT_IN_VPC,
}
PLAIN_ENVIRONMENT = (
    "Environment variables hold settings and ARNs only, never a secret (the demo password lives in Secrets "
    "Manager); Lambda encrypts them at rest with its AWS managed key, and a customer key would not hide them "
    "from anyone allowed lambda:GetFunctionConfiguration."
)
CDK_PLUMBING_NO_DEAD_LETTER = (
    "aws-cdk-lib custom-resource plumbing: a failed event fails the CloudFormation stack operation, "
    "which reports it and rolls back; a DLQ message would have no consumer, and aws-cdk-lib exposes no DLQ option."
)
CDK_FUNCTION_SKIPS = {
    "CKV_AWS_115": NO_RESERVED_CONCURRENCY,
    "CKV_AWS_116": CDK_PLUMBING_NO_DEAD_LETTER,
    "CKV_AWS_117": "aws-cdk-lib custom-resource plumbing: it calls only AWS APIs (Lambda, Step Functions, EC2, S3) "
    "and CloudFormation's response URL, reaching nothing inside the Studio VPC; aws-cdk-lib exposes no VPC option.",
}


def skip_project_function_checks(
    function: IConstruct, *, has_environment: bool, no_dead_letter_reason: str = SYNCHRONOUS_INVOCATION_ONLY
) -> None:
    """The accepted findings of a function built by PythonFunction."""
    skips = {**PROJECT_FUNCTION_SKIPS, "CKV_AWS_116": no_dead_letter_reason}
    if has_environment:
        skips["CKV_AWS_173"] = PLAIN_ENVIRONMENT
    skip_checkov_checks(function, skips)


def skip_cdk_function_checks(function: IConstruct) -> None:
    """The accepted findings of an aws-cdk-lib Provider framework function (its environment names our handlers)."""
    skip_checkov_checks(function, {**CDK_FUNCTION_SKIPS, "CKV_AWS_173": PLAIN_ENVIRONMENT})


def skip_cdk_singleton_handler_checks(scope: IConstruct, provider_id: str) -> None:
    """The same for the handler of an aws-cdk-lib singleton provider of the stack (see nag.ignore_cdk_provider_lint)."""
    provider = cdk.Stack.of(scope).node.try_find_child(provider_id)
    if provider is not None:
        skip_checkov_checks(provider.node.find_child("Handler"), CDK_FUNCTION_SKIPS)
