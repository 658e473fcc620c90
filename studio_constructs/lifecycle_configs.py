"""The team's Studio lifecycle configurations, created by a custom resource.

Configs are immutable, so each name carries a hash of its content (`<team>-<app>-<hash>`):
a changed script is a new physical resource, the domain's properties switch to the new
ARN, and CloudFormation deletes the old config in its cleanup phase. The domain attaches
them through its own properties (no UpdateDomain call fighting CloudFormation). An old
config a running app still uses is tagged for deferred deletion instead of failing the
stack; the provider's `LifecycleConfigSweeper` deletes it once unused.

One `LifecycleConfigProvider` serves every team (in the infrastructure stack), for the
same reason as the teardown provider: Lambda functions and IAM roles per team do not scale.
"""

from __future__ import annotations

from typing import Mapping

import aws_cdk as cdk
from constructs import Construct

from studio_constructs.lifecycle_config_sweeper import LifecycleConfigSweeper, lifecycle_config_arn
from studio_constructs.lifecycle_content import render_lifecycle_configs
from studio_constructs.policy import Statement, add_statements
from studio_constructs.python_function import PythonCustomResourceProvider
from studio_constructs.studio_domain import LifecycleConfigArns
from studio_runtime.contracts.lifecycle_config import (
    CODE_DIR,
    DELETE_WHEN_UNUSED_TAG,
    RESOURCE_TYPE,
    Properties,
)

ARN_FIELD = {"JupyterLab": "jupyter_lab", "CodeEditor": "code_editor", "KernelGateway": "kernel_gateway"}


class LifecycleConfigProvider(Construct):
    """Creates and deletes Studio lifecycle configs for all teams, and sweeps the ones whose
    delete had to be deferred. Attributes: `service_token`, `sweeper`."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        provider = PythonCustomResourceProvider(
            self,
            "Provider",
            code_dir=CODE_DIR,
            description="Manages the Studio lifecycle configurations of the team domains",
            # Delete retries about 35 s while a config is still attached, then defers it to the
            # sweeper; the rest is margin for botocore's own retries.
            timeout=cdk.Duration.minutes(5),
        )
        self.service_token = provider.service_token
        configs = lifecycle_config_arn(self)
        manage = Statement(
            actions=[
                "sagemaker:CreateStudioLifecycleConfig",
                "sagemaker:DescribeStudioLifecycleConfig",
                "sagemaker:DeleteStudioLifecycleConfig",
                "sagemaker:AddTags",
            ],
            resources=[configs],
        )
        # Adopting a config again reads its tags and removes the deferred-deletion mark, no other tag.
        # A Sid keeps minimizePolicies from folding it into `manage` (it stays reviewable alone).
        read_tags = Statement(sid="ReadLifecycleConfigTags", actions=["sagemaker:ListTags"], resources=[configs])
        unmark = Statement(
            sid="RemoveDeferredDeletionMark",
            actions=["sagemaker:DeleteTags"],
            resources=[configs],
            conditions={"ForAllValues:StringEquals": {"aws:TagKeys": [DELETE_WHEN_UNUSED_TAG]}},
        )
        names_reason = "Config names carry a team prefix and a content hash decided at synth time; "
        statements = [
            (manage, names_reason + "only the lifecycle-config actions, only on lifecycle configs."),
            (read_tags, names_reason + "reads tags of lifecycle configs only."),
            (unmark, names_reason + "removes only the delete-when-unused tag key, only from lifecycle configs."),
        ]
        add_statements(provider.handler.role, statements)
        self.sweeper = LifecycleConfigSweeper(self, "Sweeper")


class TeamLifecycleConfigs(Construct):
    """Attributes: `arns` (LifecycleConfigArns for StudioDomain), `scripts` (rendered)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        team: str,
        idle_timeout_minutes: float,
        service_token: str,
        pip_index_url: str | None = None,
        conda_channel_url: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        # Raises ConfigError naming the script when its base64 content exceeds 16384 characters.
        self.scripts = render_lifecycle_configs(
            team=team,
            idle_timeout_minutes=idle_timeout_minutes,
            pip_index_url=pip_index_url,
            conda_channel_url=conda_channel_url,
        )
        arns: dict[str, str] = {}
        for script in self.scripts:
            resource = cdk.CustomResource(
                self,
                script.app_type,
                service_token=service_token,
                resource_type=RESOURCE_TYPE,
                properties=Properties.cfn(
                    ConfigName=script.name,
                    AppType=script.app_type,
                    ContentBase64=script.content_base64,
                    Tags=[{"Key": key, "Value": value} for key, value in (tags or {}).items()],
                ),
            )
            arns[ARN_FIELD[script.app_type]] = resource.get_att_string("Arn")
        self.arns = LifecycleConfigArns(**arns)
