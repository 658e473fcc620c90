"""Makes `cdk destroy` of a team stack work without console steps.

CloudFormation cannot delete a domain that still has apps, spaces or profiles, and leaves
the home EFS and SageMaker's NFS security groups behind; their mount targets (network
interfaces) and the groups keep the subnets and the VPC from being deleted. A
`DomainTeardown` resource depends on the domain (through its DomainId), so on stack deletion
it runs first: it deletes apps, spaces and profiles, then the domain with the team's EFS
retention, then the home EFS's mount targets (retention Retain: the file system and its data
stay, its id is logged; Delete: the file system goes too), then the NFS security groups.
CloudFormation then finds the domain gone and counts it as deleted.

One `DomainTeardownProvider` serves every team (in the infrastructure stack): per-team
providers would cost 100 teams some 700 Lambda functions and IAM roles, against an
account quota of 1000 roles.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from studio_constructs.policy import Statement, add_statements
from studio_constructs.python_function import PythonCustomResourceProvider
from studio_platform import names
from studio_runtime.contracts.domain_teardown import CODE_DIR, RESOURCE_TYPE, HomeEfsRetention, Properties


class DomainTeardownProvider(Construct):
    """The teardown handler for all team domains in `vpc_id`. Attribute: `service_token`."""

    def __init__(self, scope: Construct, construct_id: str, *, vpc_id: str) -> None:
        super().__init__(scope, construct_id)
        provider = PythonCustomResourceProvider(
            self,
            "Provider",
            code_dir=CODE_DIR,
            description="Deletes Studio apps, spaces, profiles, the domain, its EFS mount targets and NFS groups",
            timeout=cdk.Duration.seconds(60),
            with_is_complete=True,
            query_interval=cdk.Duration.seconds(30),
            total_timeout=cdk.Duration.hours(1),
        )
        self.service_token = provider.service_token
        self._grant(provider.handler.role, cdk.Stack.of(self), vpc_id)

    @staticmethod
    def _grant(role: iam.IRole, stack: cdk.Stack, vpc_id: str) -> None:
        def arn(service: str, resource: str, name: str) -> str:
            return stack.format_arn(service=service, resource=resource, resource_name=name)

        in_vpc = {"ArnEquals": {"ec2:Vpc": arn("ec2", "vpc", vpc_id)}}
        sagemaker_home_efs = {
            "StringLike": {"aws:ResourceTag/ManagedByAmazonSageMakerResource": arn("sagemaker", "domain", "*")}
        }
        statements = [
            (
                Statement(
                    actions=[
                        "sagemaker:ListApps",
                        "sagemaker:ListSpaces",
                        "sagemaker:ListUserProfiles",
                        "ec2:DescribeSecurityGroups",
                        "elasticfilesystem:DescribeFileSystems",
                    ],
                    resources=["*"],
                ),
                "List/Describe calls of SageMaker, EC2 and EFS (all file systems, to find the home EFS "
                "by its tag) have no resource-level permissions.",
            ),
            (
                Statement(actions=["sagemaker:DescribeDomain"], resources=[arn("sagemaker", "domain", "*")]),
                "Team domains get their ids at deploy time; describe only.",
            ),
            (
                Statement(
                    actions=["sagemaker:DeleteDomain"],
                    resources=[arn("sagemaker", "domain", "*")],
                    # Only domains of this platform: every team domain carries the DomainName tag.
                    conditions={"Null": {names.RESOURCE_TEAM_TAG: "false"}},
                ),
                "Team domains get their ids at deploy time; only domains tagged DomainName (the platform's).",
            ),
            (
                Statement(
                    actions=["sagemaker:DeleteApp", "sagemaker:DeleteSpace", "sagemaker:DeleteUserProfile"],
                    resources=[arn("sagemaker", kind, "*/*") for kind in ("app", "space", "user-profile")],
                ),
                "Apps, spaces and profiles are created at run time in team domains; called only by "
                "CloudFormation when a team stack is deleted.",
            ),
            (
                Statement(
                    actions=[
                        "ec2:RevokeSecurityGroupIngress",
                        "ec2:RevokeSecurityGroupEgress",
                        "ec2:DeleteSecurityGroup",
                    ],
                    resources=[arn("ec2", "security-group", "*")],
                    conditions=in_vpc,
                ),
                "SageMaker creates the NFS security groups itself; bounded to the Studio VPC by ec2:Vpc.",
            ),
            (
                Statement(
                    actions=["ec2:DeleteNetworkInterface"],
                    resources=[arn("ec2", "network-interface", "*")],
                    conditions=in_vpc,
                ),
                "EFS's DeleteMountTarget also needs the caller's permission to delete the mount target's "
                "network interface, whose id EFS chooses; bounded to the Studio VPC.",
            ),
            (
                Statement(
                    actions=[
                        "elasticfilesystem:DescribeMountTargets",
                        "elasticfilesystem:DeleteMountTarget",
                        "elasticfilesystem:DeleteFileSystem",
                    ],
                    resources=[arn("elasticfilesystem", "file-system", "*")],
                    conditions=sagemaker_home_efs,
                ),
                "SageMaker chooses the home EFS id; only file systems tagged as a SageMaker domain's home. "
                "Mount targets go with either retention (they block the subnets), the file system with Delete.",
            ),
        ]
        add_statements(role, statements)


class DomainTeardown(Construct):
    """The teardown of one team's domain. Attribute: `resource`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        service_token: str,
        domain: sagemaker.CfnDomain,
        vpc_id: str,
        delete_home_efs: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        self.resource = cdk.CustomResource(
            self,
            "Resource",
            service_token=service_token,
            resource_type=RESOURCE_TYPE,
            properties=Properties.cfn(
                DomainId=domain.attr_domain_id,
                VpcId=vpc_id,
                HomeEfsRetention=(HomeEfsRetention.DELETE if delete_home_efs else HomeEfsRetention.RETAIN).value,
            ),
        )
