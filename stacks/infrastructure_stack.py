"""`infrastructure-stack`: the shared isolated network every team domain lives in."""

from __future__ import annotations

from typing import Sequence

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from studio_constructs.domain_teardown import DomainTeardownProvider
from studio_constructs.lifecycle_configs import LifecycleConfigProvider
from studio_constructs.network import StudioNetwork
from studio_constructs.team_budget import BudgetNotificationsProvider


class InfrastructureStack(cdk.Stack):
    """VPC, isolated subnets, VPC endpoints, and the custom-resource providers of the team
    stacks. Attributes: `vpc`, `subnets`, `endpoint_security_group`, `execute_api_endpoint`
    (only for a private login API), `lifecycle_config_provider`, `domain_teardown_provider`,
    `budget_notifications_provider`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc_cidr: str,
        availability_zones: Sequence[str],
        private_api: bool = False,
        **kwargs,
    ) -> None:
        self._zones = list(availability_zones)
        super().__init__(scope, construct_id, **kwargs)
        network = StudioNetwork(self, "Network", cidr=vpc_cidr, availability_zones=availability_zones)
        self.vpc = network.vpc
        self.subnets = network.subnets
        self.endpoint_security_group = network.endpoint_security_group
        self.execute_api_endpoint: ec2.InterfaceVpcEndpoint | None = None
        if private_api:
            self.execute_api_endpoint = network.add_interface_endpoint(
                "ExecuteApi", ec2.InterfaceVpcEndpointAwsService.APIGATEWAY
            )
            # Weak on purpose: switching the login API back to regional removes this endpoint in
            # the same deploy that stops using it; a strong export would refuse that (deadly embrace).
            cdk.CrossStackReferences.of(self.execute_api_endpoint).produce(cdk.ReferenceStrength.WEAK)
        # Custom-resource providers every team stack uses (one set, not one per team).
        self.lifecycle_config_provider = LifecycleConfigProvider(self, "LifecycleConfigProvider")
        self.domain_teardown_provider = DomainTeardownProvider(
            self, "DomainTeardownProvider", vpc_id=self.vpc.vpc_id
        )
        self.budget_notifications_provider = BudgetNotificationsProvider(self, "BudgetNotificationsProvider")
        # Exported even while no team has a budget: otherwise the first budget adds the export in
        # the same deploy a team stack (deployed alone) imports it, and the last one removes it
        # while still imported.
        self.export_value(self.budget_notifications_provider.service_token)
        cdk.CfnOutput(self, "VpcId", value=self.vpc.vpc_id, description="The Studio VPC")

    @property
    def availability_zones(self) -> list[str]:
        # The configured zones, so CDK never asks the account for them (offline synth).
        return self._zones
