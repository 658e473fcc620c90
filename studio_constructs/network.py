"""The isolated network of VPC-only Studio: no internet path, AWS APIs through endpoints."""

from __future__ import annotations

from typing import Sequence

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from constructs import Construct

from studio_constructs.checkov import skip_cdk_singleton_handler_checks
from studio_constructs.nag import ignore_cdk_provider_lint

# Interface endpoints VPC-only Studio needs (see docs/vpc-only-studio.md): SageMaker API and
# runtime, Studio and Classic notebook UI, STS (the SDK misreports without it), logs (jobs
# hang on "Starting"), monitoring, KMS, ECR for images, Experiments and Feature Store.
STUDIO_INTERFACE_ENDPOINTS: dict[str, ec2.InterfaceVpcEndpointAwsService] = {
    "SageMakerApi": ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_API,
    "SageMakerRuntime": ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_RUNTIME,
    "SageMakerStudio": ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_STUDIO,
    "SageMakerNotebook": ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_NOTEBOOK,
    "SageMakerMetrics": ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_METRICS,
    "SageMakerFeatureStoreRuntime": ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_FEATURESTORE_RUNTIME,
    "Sts": ec2.InterfaceVpcEndpointAwsService.STS,
    "CloudWatchLogs": ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    "CloudWatchMonitoring": ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
    "Kms": ec2.InterfaceVpcEndpointAwsService.KMS,
    "EcrApi": ec2.InterfaceVpcEndpointAwsService.ECR,
    "EcrDocker": ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
}


class StudioNetwork(Construct):
    """A VPC with only isolated subnets, flow logs, and the endpoints Studio needs.

    Attributes: `vpc`, `subnets` (the isolated subnets), `endpoint_security_group`,
    `interface_endpoints` (name -> endpoint).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        cidr: str,
        availability_zones: Sequence[str],
        flow_log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
    ) -> None:
        super().__init__(scope, construct_id)
        if len(availability_zones) < 2:
            raise ValueError("StudioNetwork needs at least 2 availability zones")

        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(cidr),
            # Explicit zones: no availability-zone lookup, so synth needs no credentials.
            availability_zones=list(availability_zones),
            nat_gateways=0,
            subnet_configuration=[
                # No cidr_mask: CDK splits the VPC range evenly over the zones.
                ec2.SubnetConfiguration(name="Isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
            ],
            restrict_default_security_group=True,
        )
        flow_log_group = logs.LogGroup(
            self, "FlowLogGroup", retention=flow_log_retention, removal_policy=cdk.RemovalPolicy.RETAIN
        )
        self.vpc.add_flow_log(
            "FlowLog",
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_log_group),
            traffic_type=ec2.FlowLogTrafficType.ALL,
        )
        ignore_cdk_provider_lint(self, "Custom::VpcRestrictDefaultSGCustomResourceProvider")
        skip_cdk_singleton_handler_checks(self, "Custom::VpcRestrictDefaultSGCustomResourceProvider")
        self.subnets = self.vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        # Zones are pinned on purpose (context availability-zones): a lookup would need AWS
        # credentials at synth time. Told to CDK's validation and to cfn-lint (W3010).
        for subnet in self.vpc.isolated_subnets:
            cdk.Validations.of(subnet).acknowledge(
                cdk.Acknowledgment(
                    id="CloudFormation-Validate::W3010",
                    reason="Availability zones are pinned by context so synth needs no AWS credentials.",
                )
            )
            subnet.node.default_child.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3010"]}})

        # Endpoints admit HTTPS from inside the VPC only. The domains' security groups live in
        # the team stacks; a rule per team would hit the 60-rules-per-group quota at 25+ teams,
        # and nothing outside the VPC can reach this CIDR (no internet or peering path).
        self.endpoint_security_group = ec2.SecurityGroup(
            self,
            "EndpointSecurityGroup",
            vpc=self.vpc,
            description="VPC endpoints: HTTPS from inside the Studio VPC only",
            allow_all_outbound=False,
        )
        self.endpoint_security_group.add_ingress_rule(
            ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), "HTTPS from the Studio VPC"
        )

        self.vpc.add_gateway_endpoint(
            "S3GatewayEndpoint",
            service=ec2.GatewayVpcEndpointAwsService.S3,
            subnets=[ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)],
        )
        self.interface_endpoints = {
            name: self.add_interface_endpoint(name, service) for name, service in STUDIO_INTERFACE_ENDPOINTS.items()
        }

    def add_interface_endpoint(
        self, name: str, service: ec2.IInterfaceVpcEndpointService
    ) -> ec2.InterfaceVpcEndpoint:
        """An interface endpoint with private DNS behind the shared endpoint security group."""
        return self.vpc.add_interface_endpoint(
            name,
            service=service,
            private_dns_enabled=True,
            subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            security_groups=[self.endpoint_security_group],
            open=False,
        )
