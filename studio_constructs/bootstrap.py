"""Names of the CDK bootstrap's resources in a stack's account and region (default synthesizer)."""

from __future__ import annotations

import aws_cdk as cdk

BOOTSTRAP_QUALIFIER_CONTEXT = "@aws-cdk/core:bootstrapQualifier"
S = cdk.DefaultStackSynthesizer


def bootstrap_name(stack: cdk.Stack, template: str) -> str:
    """`template` (one of DefaultStackSynthesizer's DEFAULT_* names) for this stack's environment."""
    if not isinstance(stack.synthesizer, cdk.DefaultStackSynthesizer):
        raise TypeError("the platform's bootstrap names assume the default stack synthesizer")
    qualifier = stack.node.try_get_context(BOOTSTRAP_QUALIFIER_CONTEXT) or S.DEFAULT_QUALIFIER
    return (
        template.replace("${Qualifier}", qualifier)
        .replace("${AWS::AccountId}", stack.account)
        .replace("${AWS::Region}", stack.region)
        .replace("${AWS::Partition}", stack.partition)
    )


def staging_bucket_name(stack: cdk.Stack) -> str:
    """The file-asset bucket (templates, Lambda code, BucketDeployment zips)."""
    return bootstrap_name(stack, S.DEFAULT_FILE_ASSETS_BUCKET_NAME)
