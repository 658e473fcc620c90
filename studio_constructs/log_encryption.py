"""Every CloudWatch log group of a stack encrypted with a customer managed key of that stack.

Log groups hold Lambda, API Gateway and VPC flow logs: caller IPs, user names, request ids,
domain and profile names. CloudWatch Logs would encrypt them with its own key; with a key of
ours, reading them also needs the key policy (kms:Decrypt through the account), access to
the key is logged in CloudTrail, and disabling the key locks every copy at once.

One pass over the finished stack instead of a key argument at every `logs.LogGroup(...)`:
no log group, including ones added later, can miss it. Writers (Lambda, API Gateway, flow
logs) need no KMS permission: CloudWatch Logs uses the key on their behalf, which the key
policy allows for this account's log groups only.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs

KEY_ID = "LogEncryptionKey"


def encrypt_log_groups(stack: cdk.Stack) -> kms.Key | None:
    """Give every log group of `stack` the stack's log key (created here); None without log groups."""
    groups = [construct for construct in stack.node.find_all() if isinstance(construct, logs.CfnLogGroup)]
    if not groups:
        return None
    # A retained log group must stay readable after the stack is gone: then the key stays too.
    retained = any(group.cfn_options.deletion_policy != cdk.CfnDeletionPolicy.DELETE for group in groups)
    key = kms.Key(
        stack,
        KEY_ID,
        description=f"Encrypts the CloudWatch log groups of {stack.stack_name}",
        enable_key_rotation=True,
        removal_policy=cdk.RemovalPolicy.RETAIN if retained else cdk.RemovalPolicy.DESTROY,
        pending_window=cdk.Duration.days(30),
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="CloudWatchLogsUsesKeyForThisAccountsLogGroups",
            principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
            actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            resources=["*"],  # in a key policy "*" is this key
            conditions={
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": stack.format_arn(
                        service="logs",
                        resource="log-group",
                        resource_name="*",
                        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                    )
                }
            },
        )
    )
    for group in groups:
        group.kms_key_id = key.key_arn
    return key
