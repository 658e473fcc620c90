"""Python Lambda functions and custom-resource providers built the same way everywhere.

Every function gets its own role (no AWS managed policy), a log group with a retention,
JSON logs, the current Python runtime with the runtime's boto3 (no bundling, no Docker).
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import custom_resources as cr
from constructs import Construct

from studio_constructs.nag import acknowledge

LAMBDA_ROOT = Path(__file__).resolve().parent.parent / "lambda"
RUNTIME = lambda_.Runtime.PYTHON_3_14
LOG_RETENTION = logs.RetentionDays.ONE_YEAR


class PythonFunction(Construct):
    """A function from `lambda/<code_dir>/`. Attributes: `function`, `role`, `log_group`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code_dir: str,
        handler: str,
        description: str,
        timeout: cdk.Duration,
        environment: Mapping[str, str] | None = None,
        memory_size: int = 256,
        tracing: bool = False,
    ) -> None:
        super().__init__(scope, construct_id)
        source = LAMBDA_ROOT / code_dir
        if not (source / "handler.py").is_file():
            raise ValueError(f"PythonFunction: {source}/handler.py does not exist")
        self.log_group = logs.LogGroup(
            self, "LogGroup", retention=LOG_RETENTION, removal_policy=cdk.RemovalPolicy.DESTROY
        )
        self.role = iam.Role(
            self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description
        )
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=RUNTIME,
            architecture=lambda_.Architecture.ARM_64,
            code=lambda_.Code.from_asset(str(source), exclude=["__pycache__", "*.pyc"]),
            handler=handler,
            description=description,
            timeout=timeout,
            memory_size=memory_size,
            environment=dict(environment or {}),
            role=self.role,
            log_group=self.log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            tracing=lambda_.Tracing.ACTIVE if tracing else lambda_.Tracing.DISABLED,
        )
        # Only the function's own log group; the role has no managed policy.
        self.log_group.grant_write(self.role)
        # aws-cdk-lib lists the role in DependsOn although Role's GetAtt already orders them
        # (cfn-lint W3005): redundant, harmless, and not ours to change.
        self.function.node.default_child.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3005"]}})
        if tracing:
            acknowledge(
                self.role,
                "AwsSolutions-IAM5",
                "X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions.",
            )


class PythonCustomResourceProvider(Construct):
    """A custom-resource provider whose `on_event` (and optional `is_complete`) are ours.

    CDK's Provider framework sends the CloudFormation responses, retries `is_complete` and
    enforces `total_timeout`, so the handlers stay plain functions.
    Attributes: `handler` (PythonFunction), `service_token`.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code_dir: str,
        description: str,
        timeout: cdk.Duration = cdk.Duration.minutes(2),
        with_is_complete: bool = False,
        query_interval: cdk.Duration = cdk.Duration.seconds(30),
        total_timeout: cdk.Duration = cdk.Duration.hours(1),
    ) -> None:
        super().__init__(scope, construct_id)
        self.handler = PythonFunction(
            self,
            "Handler",
            code_dir=code_dir,
            handler="handler.on_event",
            description=description,
            timeout=timeout,
        )
        is_complete = None
        if with_is_complete:
            is_complete = lambda_.Function(
                self,
                "IsComplete",
                runtime=RUNTIME,
                architecture=lambda_.Architecture.ARM_64,
                code=lambda_.Code.from_asset(str(LAMBDA_ROOT / code_dir), exclude=["__pycache__", "*.pyc"]),
                handler="handler.is_complete",
                description=f"{description} (completion check)",
                timeout=timeout,
                role=self.handler.role,
                log_group=self.handler.log_group,
                logging_format=lambda_.LoggingFormat.JSON,
            )
        self.provider = cr.Provider(
            self,
            "Provider",
            on_event_handler=self.handler.function,
            is_complete_handler=is_complete,
            query_interval=query_interval if with_is_complete else None,
            total_timeout=total_timeout if with_is_complete else None,
            log_group=logs.LogGroup(
                self, "FrameworkLogGroup", retention=LOG_RETENTION, removal_policy=cdk.RemovalPolicy.DESTROY
            ),
        )
        self.service_token = self.provider.service_token
        acknowledge(
            self.provider,
            "AwsSolutions-IAM4",
            "CDK's Provider framework function uses AWSLambdaBasicExecutionRole for its own logs; "
            "it only relays CloudFormation events to our handler.",
        )
        acknowledge(
            self.provider,
            "AwsSolutions-IAM5",
            "The Provider framework may invoke only our handler function and its versions (`<arn>:*`), "
            "and, with a completion check, its own state machine.",
        )
        acknowledge(
            self.provider,
            "AwsSolutions-L1",
            "The Provider framework's Node.js runtime is chosen by aws-cdk-lib, not by this app.",
        )
        if with_is_complete:
            acknowledge(
                self.provider,
                "AwsSolutions-SF1",
                "The Provider framework's waiter state machine is internal to aws-cdk-lib; our handler logs every step.",
            )
            acknowledge(
                self.provider,
                "AwsSolutions-SF2",
                "The Provider framework's waiter state machine is internal to aws-cdk-lib; X-Ray adds nothing there.",
            )

    def resource(
        self, scope: Construct, construct_id: str, *, resource_type: str, properties: Mapping[str, object]
    ) -> cdk.CustomResource:
        return cdk.CustomResource(
            scope,
            construct_id,
            service_token=self.service_token,
            resource_type=resource_type,
            properties=dict(properties),
        )
