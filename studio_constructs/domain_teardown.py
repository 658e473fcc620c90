"""Makes `cdk destroy` of a team stack work without console steps.

CloudFormation cannot delete a domain that still has apps, spaces or profiles, and leaves
the home EFS and SageMaker's NFS security groups behind. This custom resource depends on
the domain (through its DomainId), so on stack deletion it runs first: it deletes apps, spaces and profiles, then
the domain with the team's EFS retention, then (retention Delete) the NFS security groups.
CloudFormation then finds the domain gone and counts it as deleted.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from studio_constructs.nag import acknowledge_wildcards
from studio_constructs.python_function import PythonCustomResourceProvider


class DomainTeardown(Construct):
    """Attributes: `resource`, `provider`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        domain: sagemaker.CfnDomain,
        vpc_id: str,
        delete_home_efs: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        domain_id = domain.attr_domain_id
        self.provider = PythonCustomResourceProvider(
            self,
            "Provider",
            code_dir="domain_teardown",
            description="Deletes Studio apps, spaces, profiles, the domain and its NFS groups on stack delete",
            timeout=cdk.Duration.seconds(60),
            with_is_complete=True,
            query_interval=cdk.Duration.seconds(30),
            total_timeout=cdk.Duration.hours(1),
        )
        self._grant(self.provider.handler.role, stack, domain_id, vpc_id)
        self.resource = self.provider.resource(
            self,
            "Resource",
            resource_type="Custom::StudioDomainTeardown",
            properties={
                "DomainId": domain_id,
                "VpcId": vpc_id,
                "HomeEfsRetention": "Delete" if delete_home_efs else "Retain",
            },
        )

    @staticmethod
    def _grant(role: iam.IRole, stack: cdk.Stack, domain_id: str, vpc_id: str) -> None:
        def arn(service: str, resource: str, name: str) -> str:
            return stack.format_arn(service=service, resource=resource, resource_name=name)

        in_vpc = {"ArnEquals": {"ec2:Vpc": arn("ec2", "vpc", vpc_id)}}
        domain_arn = arn("sagemaker", "domain", domain_id)
        statements = [
            (
                iam.PolicyStatement(
                    actions=["sagemaker:ListApps", "sagemaker:ListSpaces", "sagemaker:ListUserProfiles",
                             "ec2:DescribeSecurityGroups", "elasticfilesystem:DescribeFileSystems",
                             "elasticfilesystem:DescribeMountTargets"],
                    resources=["*"],
                ),
                "List/Describe calls of SageMaker, EC2 and EFS have no resource-level permissions.",
            ),
            (
                iam.PolicyStatement(
                    actions=["sagemaker:DescribeDomain", "sagemaker:DeleteDomain"], resources=[domain_arn]
                ),
                "",
            ),
            (
                iam.PolicyStatement(
                    actions=["sagemaker:DeleteApp", "sagemaker:DeleteSpace", "sagemaker:DeleteUserProfile"],
                    resources=[
                        arn("sagemaker", kind, f"{domain_id}/*") for kind in ("app", "space", "user-profile")
                    ],
                ),
                "Apps, spaces and profiles are created at run time; bounded to this team's domain id.",
            ),
            (
                iam.PolicyStatement(
                    actions=["ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
                             "ec2:DeleteSecurityGroup"],
                    resources=[arn("ec2", "security-group", "*")],
                    conditions=in_vpc,
                ),
                "SageMaker creates the NFS security groups itself; bounded to the Studio VPC by ec2:Vpc.",
            ),
            (
                iam.PolicyStatement(
                    actions=["ec2:DeleteNetworkInterface"],
                    resources=[arn("ec2", "network-interface", "*")],
                    conditions=in_vpc,
                ),
                "EFS mount-target deletion removes its network interfaces; bounded to the Studio VPC.",
            ),
            (
                iam.PolicyStatement(
                    actions=["elasticfilesystem:DeleteMountTarget", "elasticfilesystem:DeleteFileSystem"],
                    resources=[arn("elasticfilesystem", "file-system", "*")],
                    conditions={
                        "StringEquals": {"aws:ResourceTag/ManagedByAmazonSageMakerResource": domain_arn}
                    },
                ),
                "The home EFS id is chosen by SageMaker; bounded to the file system tagged with this domain.",
            ),
        ]
        for statement, reason in statements:
            role.add_to_principal_policy(statement)
            if reason:
                acknowledge_wildcards(role, statement, reason)
