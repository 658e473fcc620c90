"""The customer managed KMS key of one team: home EFS, data bucket and job volumes."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from studio_constructs.nag import acknowledge
from studio_platform import names


USE_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]


class TeamKey(Construct):
    """A rotating KMS key aliased `alias/sagemaker-studio/<team>`.

    The key policy keeps CDK's default account-administration statement (without it the key
    becomes unmanageable) and names the team's execution role with exactly what SageMaker
    jobs and Studio need (`grant_job_encryption`); no other principal is added.
    Attributes: `key`, `alias`.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        team: str,
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "Key",
            description=f"SageMaker Studio team {team}: home EFS, data bucket, job volumes",
            enable_key_rotation=True,
            removal_policy=removal_policy,
            pending_window=cdk.Duration.days(30),
        )
        self.alias = self.key.add_alias(names.key_alias_name(team))

    def grant_job_encryption(self, grantee: iam.IGrantable) -> None:
        """What a SageMaker execution role needs to encrypt job volumes, outputs and data.

        Written into both the key policy and the role's policy, so either alone documents it.
        """
        self.key.grant_encrypt_decrypt(grantee)
        self.key.grant(grantee, "kms:DescribeKey")
        principal = grantee.grant_principal
        acknowledge(
            grantee,
            "AwsSolutions-IAM5",
            "GenerateDataKey*/ReEncrypt* are KMS's own action families for envelope encryption, "
            "granted on the team key only.",
            findings=["Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*"],
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="TeamExecutionRoleUse",
                principals=[principal],
                actions=USE_ACTIONS,
                resources=["*"],
            )
        )
        # Grants let SageMaker attach the key to volumes it creates for the team's jobs.
        grant_for_aws_resources = iam.PolicyStatement(
            sid="TeamExecutionRoleGrantsForAwsResources",
            principals=[principal],
            actions=["kms:CreateGrant"],
            resources=["*"],
            conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
        )
        self.key.add_to_resource_policy(grant_for_aws_resources)
        principal.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["kms:CreateGrant"],
                resources=[self.key.key_arn],
                conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
            )
        )
