"""The account's API Gateway CloudWatch Logs role: owned here, once, and kept on delete.

API Gateway writes stage access logs and execution logs only after `AWS::ApiGateway::Account`
names a role it may assume, per account and region. Without it, the first deploy of a stage
with logging fails on a fresh account. The setting is an account-wide singleton: exactly one
stack of the platform (`sagemaker-login-stack`) owns it, and both the role and the setting
are retained on delete, because other APIs in the account may log through them by then.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from constructs import Construct, IConstruct

from studio_constructs.nag import acknowledge

PUSH_TO_CLOUDWATCH_POLICY = "service-role/AmazonAPIGatewayPushToCloudWatchLogs"


class ApiGatewayAccountLogging(Construct):
    """The role API Gateway assumes to write logs, set as the account's CloudWatch role.

    Attributes: `role`, `account` (the `AWS::ApiGateway::Account` resource; stages that log
    must depend on it: `add_dependent`).
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.role = iam.Role(
            self,
            "CloudWatchRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            description="API Gateway pushes access and execution logs of this account's APIs to CloudWatch Logs",
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name(PUSH_TO_CLOUDWATCH_POLICY)],
        )
        self.role.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        acknowledge(
            self.role,
            "AwsSolutions-IAM4",
            "The account-wide API Gateway logging role serves every API of the account and region, whose log "
            "group names this app cannot know; AWS's managed policy is the documented one for it.",
            findings=[f"Policy::arn:<AWS::Partition>:iam::aws:policy/{PUSH_TO_CLOUDWATCH_POLICY}"],
        )
        self.account = apigateway.CfnAccount(self, "Account", cloud_watch_role_arn=self.role.role_arn)
        self.account.apply_removal_policy(cdk.RemovalPolicy.RETAIN)

    def add_dependent(self, stage: IConstruct) -> None:
        """`stage` is deployed only once the account's logging role is set."""
        stage.node.add_dependency(self.account)
