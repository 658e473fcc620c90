"""The team's Studio lifecycle configurations, created by a custom resource.

Configs are immutable, so each name carries a hash of its content (`<team>-<app>-<hash>`):
a changed script is a new physical resource, the domain's properties switch to the new
ARN, and CloudFormation deletes the old config in its cleanup phase. The domain attaches
them through its own properties (no UpdateDomain call fighting CloudFormation).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from studio_constructs.lifecycle_content import render_lifecycle_configs
from studio_constructs.nag import acknowledge_wildcards
from studio_constructs.python_function import PythonCustomResourceProvider
from studio_constructs.studio_domain import LifecycleConfigArns
from studio_platform.config import TeamConfig

ARN_FIELD = {"JupyterLab": "jupyter_lab", "CodeEditor": "code_editor", "KernelGateway": "kernel_gateway"}


class TeamLifecycleConfigs(Construct):
    """Attributes: `arns` (LifecycleConfigArns for StudioDomain), `scripts` (rendered)."""

    def __init__(self, scope: Construct, construct_id: str, *, team: TeamConfig) -> None:
        super().__init__(scope, construct_id)
        # Raises ConfigError naming the script when its base64 content exceeds 16384 characters.
        self.scripts = render_lifecycle_configs(
            team=team.name,
            idle_timeout_minutes=team.idle_timeout_minutes,
            pip_index_url=team.pip_index_url,
            conda_channel_url=team.conda_channel_url,
        )
        provider = PythonCustomResourceProvider(
            self,
            "Provider",
            code_dir="lifecycle_config",
            description=f"Manages the Studio lifecycle configurations of team {team.name}",
            # Delete waits (with backoff) while a config is still attached somewhere.
            timeout=cdk.Duration.minutes(5),
        )
        stack = cdk.Stack.of(self)
        statement = iam.PolicyStatement(
            actions=[
                "sagemaker:CreateStudioLifecycleConfig",
                "sagemaker:DescribeStudioLifecycleConfig",
                "sagemaker:DeleteStudioLifecycleConfig",
                "sagemaker:AddTags",
            ],
            resources=[
                stack.format_arn(
                    service="sagemaker", resource="studio-lifecycle-config", resource_name=f"{team.name}-*"
                )
            ],
        )
        provider.handler.role.add_to_principal_policy(statement)
        acknowledge_wildcards(
            provider.handler.role,
            statement,
            "Config names carry a content hash decided at synth time; bounded to this team's "
            "`<team>-` config names and the lifecycle-config actions.",
        )
        arns: dict[str, str] = {}
        for script in self.scripts:
            resource = provider.resource(
                self,
                script.app_type,
                resource_type="Custom::StudioLifecycleConfig",
                properties={
                    "ConfigName": script.name,
                    "AppType": script.app_type,
                    "ContentBase64": script.content_base64,
                    "Tags": [{"Key": key, "Value": value} for key, value in team.tags.items()],
                },
            )
            arns[ARN_FIELD[script.app_type]] = resource.get_att_string("Arn")
        self.arns = LifecycleConfigArns(**arns)
