"""`ordering-stack`: teams order their own SageMaker Studio domain; platform admins approve.

The ordering API takes an order, the workflow asks the approvers, creates the team's Cognito
group, adds the team to the teams file of record (S3) and starts the deploy project, which
deploys that team's stack alone. README: Ordering a team.
"""

from __future__ import annotations

from typing import Mapping

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from studio_constructs.ordering_api import OrderingApi
from studio_constructs.ordering_store import OrderingStore
from studio_constructs.ordering_workflow import OrderingWorkflow
from studio_constructs.team_deploy_project import TeamDeployProject
from studio_platform.settings import OrderingConfig


class OrderingStack(cdk.Stack):
    """Attributes: `store`, `deploy`, `workflow`, `api`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        ordering: OrderingConfig,
        user_pool: cognito.IUserPool,
        context_flags: Mapping[str, str],
        **kwargs,
    ) -> None:
        """`context_flags`: the platform's `-c` flags as text, which every deploy passes on."""
        super().__init__(scope, construct_id, **kwargs)
        self.store = OrderingStore(self, "Store", approver_emails=ordering.approver_emails)
        self.deploy = TeamDeployProject(
            self,
            "TeamDeploy",
            source=ordering.source,
            connection_arn=ordering.deploy_connection_arn,
            teams_bucket=self.store.teams_bucket,
            teams_file_key=self.store.teams_file_key,
            encryption_key=self.store.key,
            context_flags=context_flags,
        )
        self.workflow = OrderingWorkflow(
            self,
            "Workflow",
            store=self.store,
            user_pool=user_pool,
            deploy=self.deploy,
            approval_hours=ordering.approval_hours,
            entra=ordering.entra,
        )
        self.store.grant_read_teams_file(self.deploy.role)
        self.store.grant_steps(self.workflow.steps.role)
        self.store.grant_workflow(self.workflow.state_machine.role)
        self.api = OrderingApi(
            self, "Api", user_pool=user_pool, store=self.store, state_machine=self.workflow.state_machine
        )
        cdk.CfnOutput(self, "OrderingApiUrl", value=self.api.url)
        cdk.CfnOutput(
            self,
            "TeamsFile",
            value=f"s3://{self.store.teams_bucket.bucket_name}/{self.store.teams_file_key}",
            description="The teams file of record: the workflow adds ordered teams, every deploy reads it",
        )
        if self.deploy.source_bucket is not None:
            cdk.CfnOutput(
                self,
                "DeploySource",
                value=f"s3://{self.deploy.source_bucket.bucket_name}/{self.deploy.source_key}",
                description="Upload a zip of this project here (README: Ordering a team)",
            )
