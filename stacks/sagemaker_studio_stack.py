"""`sagemaker-studio-stack-<team>`: one team's domain, key, bucket, role and Cognito group."""

from __future__ import annotations

from typing import Sequence

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from studio_constructs.data_bucket import TeamDataBucket
from studio_constructs.domain_teardown import DomainTeardown
from studio_constructs.execution_role import TeamExecutionRole
from studio_constructs.lifecycle_configs import TeamLifecycleConfigs
from studio_constructs.studio_domain import NativeIdleShutdown, StudioDomain
from studio_constructs.team_budget import TeamBudget
from studio_constructs.team_key import TeamKey
from studio_platform import names
from studio_platform.config import NATIVE_IDLE_MAX_MINUTES, TeamConfig


class SageMakerStudioStack(cdk.Stack):
    """Attributes: `key`, `data_bucket`, `execution_role`, `studio`, `group` (None: the ordering
    workflow made the team's group)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        team: TeamConfig,
        vpc: ec2.IVpc,
        subnet_ids: Sequence[str],
        user_pool: cognito.IUserPool,
        lifecycle_service_token: str,
        teardown_service_token: str,
        budget_service_token: str,
        admin_role_arns: Sequence[str] = (),
        **kwargs,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        removal = cdk.RemovalPolicy.DESTROY if team.destroy_on_delete else cdk.RemovalPolicy.RETAIN

        self.key = TeamKey(self, "TeamKey", team=team.name, removal_policy=removal)
        self.execution_role = TeamExecutionRole(
            self,
            "ExecutionRole",
            team=team.name,
            role_name=names.execution_role_name(team.name),
            key_arn=self.key.key.key_arn,
            instance_types=team.instance_types,
            vpc=vpc,
        )
        self.key.grant_job_encryption(self.execution_role.role)
        self.data_bucket = TeamDataBucket(
            self,
            "TeamDataBucket",
            bucket_name=names.data_bucket_name(team.name, self.region, self.account),
            encryption_key=self.key.key,
            reader_writer=self.execution_role.role,
            admin_principal_arns=admin_role_arns,
            removal_policy=removal,
        )
        self.lifecycle = TeamLifecycleConfigs(
            self,
            "LifecycleConfigs",
            team=team.name,
            idle_timeout_minutes=team.idle_timeout_minutes,
            pip_index_url=team.pip_index_url,
            conda_channel_url=team.conda_channel_url,
            tags=team.tags,
            service_token=lifecycle_service_token,
        )
        self.studio = StudioDomain(
            self,
            "StudioDomain",
            domain_name=team.name,
            vpc=vpc,
            subnet_ids=subnet_ids,
            encryption_key=self.key.key,
            execution_role=self.execution_role.role,
            idle_shutdown=NativeIdleShutdown(
                default_minutes=min(NATIVE_IDLE_MAX_MINUTES, max(60, round(team.idle_timeout_minutes * 2))),
                max_minutes=NATIVE_IDLE_MAX_MINUTES,
            ),
            lifecycle_configs=self.lifecycle.arns,
        )
        self.execution_role.allow_studio_domain(domain_id=self.studio.domain_id)
        self.teardown = DomainTeardown(
            self,
            "DomainTeardown",
            service_token=teardown_service_token,
            domain=self.studio.domain,
            vpc_id=vpc.vpc_id,
            delete_home_efs=team.destroy_on_delete,
        )

        # Profiles the teams file asks for (e.g. for pipelines); the teardown deletes them first.
        self.user_profiles = [
            sagemaker.CfnUserProfile(
                self, f"UserProfile-{name}", domain_id=self.studio.domain_id, user_profile_name=name
            )
            for name in team.user_profiles
        ]
        if self.user_profiles:
            self.teardown.resource.node.add_dependency(*self.user_profiles)

        # The group whose members may open this team's Studio (checked by the login Lambda); a
        # team the ordering workflow created has it already (it put the requester in it).
        self.group: cognito.CfnUserPoolGroup | None = None
        if team.cognito_group == "stack":
            self.group = cognito.CfnUserPoolGroup(
                self,
                "TeamGroup",
                user_pool_id=user_pool.user_pool_id,
                group_name=team.name,
                description=f"Members may open SageMaker Studio domain {team.name}",
            )

        if team.budget is not None:
            self.budget = TeamBudget(
                self,
                "TeamBudget",
                team=team.name,
                monthly_limit_usd=team.budget.monthly_limit_usd,
                thresholds_percent=team.budget.thresholds_percent,
                emails=team.budget.emails,
                encryption_key=self.key.key,
                notifications_service_token=budget_service_token,
            )
        for key, value in team.tags.items():
            cdk.Tags.of(self).add(key, value)
        cdk.CfnOutput(self, "DomainId", value=self.studio.domain_id)
        cdk.CfnOutput(self, "DataBucketName", value=self.data_bucket.bucket.bucket_name)
        cdk.CfnOutput(self, "ExecutionRoleArn", value=self.execution_role.role.role_arn)
