"""The scheduled sweeper of lifecycle configs marked for deferred deletion.

The lifecycle-config custom resource cannot delete a config that a running app (or a
domain/profile/space setting) still uses; instead of failing the stack it tags the config
with DELETE_WHEN_UNUSED_TAG (studio_runtime.contracts.lifecycle_config). This function runs
on a schedule and deletes marked configs once SageMaker stops answering ResourceInUse (code:
lambda/lifecycle_config/sweeper.py).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from constructs import Construct

from studio_constructs.nag import acknowledge
from studio_constructs.policy import Statement, add_statements
from studio_constructs.python_function import PythonFunction
from studio_runtime.contracts.lifecycle_config import CODE_DIR, DELETE_WHEN_UNUSED_TAG, Environment

# Why a failed run needs no dead-letter queue or failure destination (cdk-nag Serverless,
# checkov CKV_AWS_116): nothing of the run is lost, the tags on the configs are the state.
SCHEDULED_RUN_NEEDS_NO_DEAD_LETTER = (
    "A scheduled sweep: the event carries no data (the delete-when-unused tags on the configs are the whole "
    "state), and the next scheduled run repeats a failed or undelivered one; a dead-lettered copy would have "
    "nothing to replay. Failures are in the function's JSON log."
)


def lifecycle_config_arn(scope: Construct, name: str = "*") -> str:
    return cdk.Stack.of(scope).format_arn(service="sagemaker", resource="studio-lifecycle-config", resource_name=name)


class LifecycleConfigSweeper(Construct):
    """Attributes: `function` (PythonFunction), `rule` (the schedule)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        interval: cdk.Duration = cdk.Duration.hours(1),
        max_calls_per_run: int = 300,
    ) -> None:
        super().__init__(scope, construct_id)
        if max_calls_per_run < 1:
            raise ValueError("LifecycleConfigSweeper: max_calls_per_run must be positive")
        self.function = PythonFunction(
            self,
            "Function",
            code_dir=CODE_DIR,
            handler="sweeper.on_schedule",
            description="Deletes Studio lifecycle configs marked delete-when-unused once no app or domain uses them",
            # A run stops itself 20 s before this; the call budget usually ends it far earlier.
            timeout=cdk.Duration.minutes(5),
            environment={Environment.SWEEP_MAX_CALLS: str(max_calls_per_run)},
            no_dead_letter_reason=SCHEDULED_RUN_NEEDS_NO_DEAD_LETTER,
        )
        self.rule = events.Rule(
            self,
            "Schedule",
            description="Sweeps Studio lifecycle configs marked for deferred deletion",
            schedule=events.Schedule.rate(interval),
            targets=[targets.LambdaFunction(self.function.function)],
        )
        # A failed run is not re-run at once by Lambda's asynchronous retries: the next
        # scheduled run repeats it anyway, and an immediate retry would only double the calls.
        self.function.function.configure_async_invoke(retry_attempts=0)
        acknowledge(
            self.function.function.node.find_child("EventInvokeConfig"),
            "Serverless-LambdaAsyncFailureDestination",
            SCHEDULED_RUN_NEEDS_NO_DEAD_LETTER,
        )
        acknowledge(self.rule, "Serverless-EventBusDLQ", SCHEDULED_RUN_NEEDS_NO_DEAD_LETTER)
        self._grant()

    def _grant(self) -> None:
        configs = lifecycle_config_arn(self)
        statements = [
            (
                Statement(actions=["sagemaker:ListStudioLifecycleConfigs"], resources=["*"]),
                "ListStudioLifecycleConfigs has no resource-level permissions; it only lists names.",
            ),
            (
                Statement(actions=["sagemaker:ListTags"], resources=[configs]),
                "The sweeper reads the tags of every lifecycle config (names are decided at deploy "
                "time) to find the marked ones; read-only, and only on lifecycle configs.",
            ),
            (
                Statement(
                    sid="DeleteMarkedLifecycleConfigs",
                    actions=["sagemaker:DeleteStudioLifecycleConfig"],
                    resources=[configs],
                    # Never an unmarked config, whatever the code does.
                    conditions={"Null": {f"aws:ResourceTag/{DELETE_WHEN_UNUSED_TAG}": "false"}},
                ),
                "Only lifecycle configs tagged delete-when-unused by the platform's custom resource; "
                "their names are decided at deploy time.",
            ),
        ]
        add_statements(self.function.role, statements)
