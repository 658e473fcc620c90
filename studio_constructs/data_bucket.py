"""The team's data bucket `<team>-<region>-<account>` and its access-log bucket."""

from __future__ import annotations

from typing import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from studio_constructs.buckets import access_log_bucket
from studio_constructs.checkov import skip_cdk_singleton_handler_checks
from studio_constructs.nag import acknowledge, finding_ref, ignore_cdk_provider_lint

DATA_ACTIONS = ["s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*", "s3:AbortMultipartUpload", "s3:RestoreObject"]


class TeamDataBucket(Construct):
    """KMS-encrypted (team key, bucket keys), versioned, SSL-only, private, logged bucket.

    The bucket policy denies object access to every principal but the team's execution role
    and the named administrator principals (`admin_principal_arns`, e.g. the platform team's
    role; CloudFormation's deploy role never touches objects). Attributes: `bucket`,
    `access_log_bucket`.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bucket_name: str,
        encryption_key: kms.IKey,
        reader_writer: iam.IRole,
        admin_principal_arns: Sequence[str] = (),
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
        infrequent_access_after: cdk.Duration = cdk.Duration.days(30),
    ) -> None:
        super().__init__(scope, construct_id)
        destroy = removal_policy == cdk.RemovalPolicy.DESTROY

        self.access_log_bucket = access_log_bucket(
            self, logs_of="the team data bucket", removal_policy=removal_policy, auto_delete_objects=destroy
        )

        self.bucket = s3.Bucket(
            self,
            "Bucket",
            bucket_name=bucket_name,
            encryption=s3.BucketEncryption.KMS,
            encryption_key=encryption_key,
            bucket_key_enabled=True,
            versioned=True,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_log_bucket,
            server_access_logs_prefix=f"{bucket_name}/",
            removal_policy=removal_policy,
            auto_delete_objects=destroy,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="InfrequentAccessAfter30Days",
                    transitions=[
                        s3.Transition(
                            storage_class=s3.StorageClass.INFREQUENT_ACCESS,
                            transition_after=infrequent_access_after,
                        )
                    ],
                    noncurrent_version_transitions=[
                        s3.NoncurrentVersionTransition(
                            storage_class=s3.StorageClass.INFREQUENT_ACCESS,
                            transition_after=infrequent_access_after,
                        )
                    ],
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
                )
            ],
        )
        self.bucket.grant_read_write(reader_writer)
        acknowledge(
            reader_writer,
            "AwsSolutions-IAM5",
            "grant_read_write on the team's own data bucket: object keys are the team's data, "
            "chosen at run time; the bucket is the only resource.",
            findings=[
                *(f"Action::{a}" for a in ("s3:Abort*", "s3:DeleteObject*", "s3:GetBucket*", "s3:GetObject*", "s3:List*")),
                f"Resource::{finding_ref(self, self.bucket.arn_for_objects('*'))}",
            ],
        )
        self._deny_other_principals(reader_writer, admin_principal_arns, destroy)
        # A retained bucket keeps its policy (TLS only, the team role alone on objects), or
        # the data left behind would be guarded by identity policies alone.
        for bucket in (self.bucket, self.access_log_bucket):
            bucket.policy.apply_removal_policy(removal_policy)

    def _deny_other_principals(self, role: iam.IRole, admin_principal_arns: Sequence[str], destroy: bool) -> None:
        allowed = [role.role_arn, *admin_principal_arns]
        if destroy:
            # The auto-delete custom resource empties the bucket on stack deletion.
            provider_id = "Custom::S3AutoDeleteObjectsCustomResourceProvider"
            allowed.append(cdk.Stack.of(self).node.find_child(provider_id).role_arn)
            ignore_cdk_provider_lint(self, provider_id)
            skip_cdk_singleton_handler_checks(self, provider_id)
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DataAccessOnlyForTheTeam",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=DATA_ACTIONS,
                resources=[self.bucket.arn_for_objects("*")],
                conditions={"ArnNotLike": {"aws:PrincipalArn": allowed}},
            )
        )
