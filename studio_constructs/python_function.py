"""Python Lambda functions and custom-resource providers built the same way everywhere.

Every function gets its own role (no AWS managed policy), a log group with a retention,
JSON logs, the current Python runtime with the runtime's boto3, Powertools from AWS's public
layer, and its code with the runtime core (function_code.py; no Docker).
"""

from __future__ import annotations

from typing import Mapping, Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import custom_resources as cr
from constructs import Construct

from studio_constructs.checkov import (
    CDK_PLUMBING_NO_DEAD_LETTER,
    SYNCHRONOUS_INVOCATION_ONLY,
    skip_checkov,
    skip_cdk_function_checks,
    skip_project_function_checks,
)
from studio_constructs.function_code import LAMBDA_ROOT, staged_code
from studio_constructs.nag import acknowledge, acknowledge_rules, finding_ref, ignore_redundant_depends_on
from studio_constructs.powertools_layer import powertools_layer

RUNTIME = lambda_.Runtime.PYTHON_3_14
ARCHITECTURE = lambda_.Architecture.ARM_64
LOG_RETENTION = logs.RetentionDays.ONE_YEAR

# Why the functions below are as they are (cdk-nag Serverless pack; checkov's shared reasons).
UNTRACED_FUNCTION = (
    "Not on a request path (tracing=True marks the ones that are): it runs while CloudFormation deploys or on a "
    "schedule. Our handlers use the runtime's boto3 without the X-Ray SDK, so active tracing would record only the "
    "invocation segment, whose duration and init time the function's JSON platform.report log line already holds, "
    "and would grant the role xray:PutTraceSegments on *."
)
CDK_PLUMBING_MEMORY = (
    "aws-cdk-lib's Provider framework function (Node.js) only forwards the CloudFormation event to our handler and "
    "relays the answer; aws-cdk-lib runs it at Lambda's 128 MB default and exposes no memory option."
)
CDK_PLUMBING_UNTRACED = (
    "aws-cdk-lib's Provider framework function only forwards the CloudFormation event to our handler, whose JSON "
    "log records every step, and relays the answer; aws-cdk-lib exposes no tracing option for it."
)
WAITER_UNTRACED = (
    "The Provider framework's internal waiter only polls our completion check; our handler "
    "logs every step, and aws-cdk-lib exposes no tracing option for it."
)


class PythonFunction(Construct):
    """A function from `lambda/<code_dir>/`. Attributes: `function`, `role`, `log_group`, `code_dir`."""

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
        role: iam.IRole | None = None,
        no_dead_letter_reason: str = SYNCHRONOUS_INVOCATION_ONLY,
        generated_files: Mapping[str, str] | None = None,
        packages: Sequence[str] = (),
    ) -> None:
        """`no_dead_letter_reason`: why failed invocations need no dead-letter queue (the
        default fits every function a caller invokes synchronously). `generated_files`: file
        name -> text written beside the handler (data too large for the environment).
        `packages`: project packages the function imports besides the core (function_code)."""
        super().__init__(scope, construct_id)
        self.code_dir = code_dir
        source = LAMBDA_ROOT / code_dir
        if not (source / "handler.py").is_file():
            raise ValueError(f"PythonFunction: {source}/handler.py does not exist")
        self.log_group = logs.LogGroup(
            self, "LogGroup", retention=LOG_RETENTION, removal_policy=cdk.RemovalPolicy.DESTROY
        )
        # A function may share the role of another (a provider's completion check does).
        self.role = role or iam.Role(
            self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description
        )
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            code=lambda_.Code.from_asset(
                str(staged_code(code_dir, tuple(sorted((generated_files or {}).items())), tuple(packages)))
            ),
            layers=[powertools_layer(self, runtime=RUNTIME, architecture=ARCHITECTURE)],
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
        ignore_redundant_depends_on(self.function)
        skip_project_function_checks(
            self.function, has_environment=bool(environment), no_dead_letter_reason=no_dead_letter_reason
        )
        accepted = {"Serverless-LambdaDLQ": no_dead_letter_reason}
        if not tracing:
            accepted["Serverless-LambdaTracing"] = UNTRACED_FUNCTION
        acknowledge_rules(self.function, accepted)
        if tracing:
            acknowledge(
                self.role,
                "AwsSolutions-IAM5",
                "X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions.",
                findings=["Resource::*"],  # v3 matches the finding, not the bare rule id
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
            is_complete = PythonFunction(
                self,
                "IsComplete",
                code_dir=code_dir,
                handler="handler.is_complete",
                description=f"{description} (completion check)",
                timeout=timeout,
                role=self.handler.role,
            ).function
        # Our own framework role: the default one carries AWSLambdaBasicExecutionRole (IAM4).
        framework_logs = logs.LogGroup(
            self, "FrameworkLogGroup", retention=LOG_RETENTION, removal_policy=cdk.RemovalPolicy.DESTROY
        )
        # Two roles, as the framework itself does: one shared role would form a cycle through
        # the waiter state machine (on_event starts it, it invokes is_complete).
        framework_role = self._framework_role("FrameworkRole", description, framework_logs)
        waiter_role = (
            self._framework_role("FrameworkWaiterRole", description, framework_logs) if with_is_complete else None
        )
        self.provider = cr.Provider(
            self,
            "Provider",
            on_event_handler=self.handler.function,
            is_complete_handler=is_complete,
            query_interval=query_interval if with_is_complete else None,
            total_timeout=total_timeout if with_is_complete else None,
            framework_on_event_role=framework_role,
            framework_complete_and_timeout_role=waiter_role,
            log_group=framework_logs,
            disable_waiter_state_machine_logging=False if with_is_complete else None,
            waiter_state_machine_log_options=(
                cr.LogOptions(destination=framework_logs, level=sfn.LogLevel.ALL, include_execution_data=True)
                if with_is_complete
                else None
            ),
        )
        self.service_token = self.provider.service_token
        handlers = [self.handler.function, *([is_complete] if is_complete else [])]
        for role in (framework_role, waiter_role):
            if role is not None:
                self._acknowledge_framework(role, handlers)
        self._accept_framework_functions()

    def _framework_role(self, construct_id: str, description: str, log_group: logs.ILogGroup) -> iam.Role:
        role = iam.Role(
            self, construct_id, assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description
        )
        log_group.grant_write(role)
        return role

    def _accept_framework_functions(self) -> None:
        for name in ("framework-onEvent", "framework-isComplete", "framework-onTimeout"):
            framework = self.provider.node.try_find_child(name)
            if framework is not None:
                ignore_redundant_depends_on(framework)
                skip_cdk_function_checks(framework)
                acknowledge_rules(
                    framework,
                    {
                        "Serverless-LambdaDLQ": CDK_PLUMBING_NO_DEAD_LETTER,
                        "Serverless-LambdaDefaultMemorySize": CDK_PLUMBING_MEMORY,
                        "Serverless-LambdaTracing": CDK_PLUMBING_UNTRACED,
                    },
                )

    def _acknowledge_framework(self, framework_role: iam.IRole, handlers: list[lambda_.IFunction]) -> None:
        invoke_reason = (
            "CDK's Provider framework may invoke every version of our own handler function "
            "(lambda:InvokeFunction on <function arn>:*), nothing else."
        )
        acknowledge(
            framework_role,
            "AwsSolutions-IAM5",
            invoke_reason,
            findings=[f"Resource::{finding_ref(self, fn.function_arn)}:*" for fn in handlers],
        )
        waiter = self.provider.node.try_find_child("waiter-state-machine")
        if waiter is not None:
            ignore_redundant_depends_on(waiter)
            skip_checkov(
                waiter.node.find_child("Role").node.find_child("DefaultPolicy"),
                "CKV_AWS_111",
                "Step Functions log delivery (logs:CreateLogDelivery, PutResourcePolicy and friends) has no "
                "resource-level permissions; aws-cdk-lib grants it for the waiter's own execution log.",
            )
        if waiter is not None and framework_role.node.id == "FrameworkWaiterRole":
            log_delivery = (
                "Step Functions log delivery (logs:CreateLogDelivery and friends) has no resource-level "
                "permissions; granted by aws-cdk-lib for the waiter's own execution log."
            )
            invoke_own = (
                "The Provider framework's waiter state machine may invoke only its own completion "
                "and timeout functions (every version), nothing else."
            )
            frameworks = [self.provider.node.find_child(n) for n in ("framework-isComplete", "framework-onTimeout")]
            acknowledge_rules(
                waiter,
                {
                    "AwsSolutions-SF2": WAITER_UNTRACED,
                    "Serverless-StepFunctionStateMachineXray": WAITER_UNTRACED,
                    "AwsSolutions-IAM5[Resource::*]": log_delivery,
                    **{
                        f"AwsSolutions-IAM5[Resource::{finding_ref(self, fn.function_arn)}:*]": invoke_own
                        for fn in frameworks
                    },
                },
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
