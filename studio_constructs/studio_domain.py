"""A VPC-only, IAM-authenticated SageMaker Studio domain for one team (new Studio)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

NATIVE_IDLE_MINIMUM_MINUTES = 60
DEFAULT_APP_INSTANCE_TYPE = "ml.t3.medium"


@dataclass(frozen=True)
class LifecycleConfigArns:
    """Lifecycle configs the domain runs: JupyterLab's is built in (users cannot unselect it)."""

    jupyter_lab: str | None = None
    code_editor: str | None = None
    kernel_gateway: str | None = None


@dataclass(frozen=True)
class NativeIdleShutdown:
    """SageMaker's own idle shutdown, a second line behind the lifecycle idle checker."""

    default_minutes: int
    max_minutes: int

    def __post_init__(self) -> None:
        if not NATIVE_IDLE_MINIMUM_MINUTES <= self.default_minutes <= self.max_minutes <= 525600:
            raise ValueError(
                f"native idle shutdown needs {NATIVE_IDLE_MINIMUM_MINUTES} <= default_minutes "
                f"({self.default_minutes}) <= max_minutes ({self.max_minutes}) <= 525600"
            )

    def settings(self) -> sagemaker.CfnDomain.AppLifecycleManagementProperty:
        return sagemaker.CfnDomain.AppLifecycleManagementProperty(
            idle_settings=sagemaker.CfnDomain.IdleSettingsProperty(
                lifecycle_management="ENABLED",
                idle_timeout_in_minutes=self.default_minutes,
                min_idle_timeout_in_minutes=NATIVE_IDLE_MINIMUM_MINUTES,
                max_idle_timeout_in_minutes=self.max_minutes,
            )
        )


class StudioDomain(Construct):
    """The domain, its security group, and defaults every profile and space inherits.

    Attributes: `domain`, `domain_id`, `domain_arn`, `security_group`.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        domain_name: str,
        vpc: ec2.IVpc,
        subnet_ids: Sequence[str],
        encryption_key: kms.IKey,
        execution_role: iam.IRole,
        idle_shutdown: NativeIdleShutdown,
        lifecycle_configs: LifecycleConfigArns = LifecycleConfigArns(),
        default_instance_type: str = DEFAULT_APP_INSTANCE_TYPE,
    ) -> None:
        super().__init__(scope, construct_id)
        if len(subnet_ids) < 2:
            raise ValueError("StudioDomain needs subnets in at least 2 availability zones")

        self.security_group = self._security_group(vpc, domain_name)
        security_groups = [self.security_group.security_group_id]
        jupyter_lab = self._new_studio_app_settings(
            sagemaker.CfnDomain.JupyterLabAppSettingsProperty,
            lifecycle_configs.jupyter_lab,
            idle_shutdown,
            default_instance_type,
        )
        kernel_gateway = self._kernel_gateway_settings(lifecycle_configs)

        self.domain = sagemaker.CfnDomain(
            self,
            "Domain",
            domain_name=domain_name,
            auth_mode="IAM",
            app_network_access_type="VpcOnly",
            vpc_id=vpc.vpc_id,
            subnet_ids=list(subnet_ids),
            kms_key_id=encryption_key.key_arn,
            tag_propagation="ENABLED",
            domain_settings=sagemaker.CfnDomain.DomainSettingsProperty(
                security_group_ids=security_groups,
                # The user profile's name becomes the execution role session's source identity.
                execution_role_identity_config="USER_PROFILE_NAME",
            ),
            default_user_settings=sagemaker.CfnDomain.UserSettingsProperty(
                execution_role=execution_role.role_arn,
                # Also here, not only in DomainSettings: without it lifecycle scripts hang on network calls.
                security_groups=security_groups,
                studio_web_portal="ENABLED",
                default_landing_uri="studio::",
                jupyter_lab_app_settings=jupyter_lab,
                code_editor_app_settings=self._new_studio_app_settings(
                    sagemaker.CfnDomain.CodeEditorAppSettingsProperty,
                    lifecycle_configs.code_editor,
                    idle_shutdown,
                    default_instance_type,
                ),
                kernel_gateway_app_settings=kernel_gateway,
            ),
            default_space_settings=sagemaker.CfnDomain.DefaultSpaceSettingsProperty(
                execution_role=execution_role.role_arn,
                security_groups=security_groups,
                jupyter_lab_app_settings=jupyter_lab,
                kernel_gateway_app_settings=kernel_gateway,
            ),
        )
        self.domain_id = self.domain.attr_domain_id
        self.domain_arn = self.domain.attr_domain_arn

    @staticmethod
    def _new_studio_app_settings(settings_class, lifecycle_arn: str | None, idle: NativeIdleShutdown, instance_type: str):
        """JupyterLab and Code Editor share one shape: a built-in (always run) config,
        a default instance type and native idle shutdown."""
        return settings_class(
            built_in_lifecycle_config_arn=lifecycle_arn,
            default_resource_spec=sagemaker.CfnDomain.ResourceSpecProperty(instance_type=instance_type),
            app_lifecycle_management=idle.settings(),
        )

    @staticmethod
    def _kernel_gateway_settings(configs: LifecycleConfigArns) -> sagemaker.CfnDomain.KernelGatewayAppSettingsProperty:
        if not configs.kernel_gateway:
            return sagemaker.CfnDomain.KernelGatewayAppSettingsProperty()
        return sagemaker.CfnDomain.KernelGatewayAppSettingsProperty(
            lifecycle_config_arns=[configs.kernel_gateway],
            default_resource_spec=sagemaker.CfnDomain.ResourceSpecProperty(
                lifecycle_config_arn=configs.kernel_gateway
            ),
        )

    def _security_group(self, vpc: ec2.IVpc, domain_name: str) -> ec2.SecurityGroup:
        group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description=f"SageMaker Studio domain {domain_name}: NFS and app traffic within the domain",
            allow_all_outbound=False,
        )
        # Narrower than all-traffic-from-self: home EFS (NFS) and Studio app ports only.
        for port, why in ((ec2.Port.tcp(2049), "NFS to the home EFS"), (ec2.Port.tcp_range(8192, 65535), "Studio apps")):
            group.add_ingress_rule(group, port, f"{why} within the domain")
            group.add_egress_rule(group, port, f"{why} within the domain")
        # The VPC has no internet path: HTTPS reaches only the VPC endpoints and the S3 gateway
        # endpoint, whose public prefix list cannot be named without a lookup at synth time.
        group.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS to VPC endpoints and S3 gateway")
        return group
