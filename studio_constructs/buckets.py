"""The settings every private bucket of the platform shares (SSE-S3, no public access, TLS only,
bucket-owner objects, versioned); a bucket adds its own removal, logging and lifecycle."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from constructs import Construct

from studio_constructs.checkov import skip_checkov
from studio_constructs.nag import acknowledge

PRIVATE_SSE_S3 = dict(
    encryption=s3.BucketEncryption.S3_MANAGED,
    block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
    enforce_ssl=True,
    object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned=True,
)


def access_log_bucket(
    scope: Construct,
    construct_id: str = "AccessLogBucket",
    *,
    logs_of: str,
    removal_policy: cdk.RemovalPolicy,
    auto_delete_objects: bool = False,
) -> s3.Bucket:
    """The server access-log target of `logs_of` (a phrase: "the team data bucket"): SSE-S3,
    since S3 cannot write access logs into a KMS-encrypted bucket, logs kept a year."""
    bucket = s3.Bucket(
        scope,
        construct_id,
        **PRIVATE_SSE_S3,
        removal_policy=removal_policy,
        auto_delete_objects=auto_delete_objects,
        lifecycle_rules=[s3.LifecycleRule(id="ExpireAccessLogs", expiration=cdk.Duration.days(365))],
    )
    reason = f"This is the access-log target of {logs_of}; logging a log bucket would recurse."
    acknowledge(bucket, "AwsSolutions-S1", reason)
    skip_checkov(bucket, "CKV_AWS_18", f"{reason} Reads of it are limited by the account's IAM and the TLS-only bucket policy.")
    return bucket
