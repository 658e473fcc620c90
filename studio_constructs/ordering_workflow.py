"""The ordering workflow: one Step Functions execution per order, named by the order's id.

    Validate -> RequestApproval (task token; times out) -> Approved?
      -> CreateGroup [-> Upsert/Read/AssignEntraGroup, with -c order-entra-groups] -> RegisterTeam
      -> StartDeploy -> MarkDeploying -> (WaitForDeploy -> CheckDeploy)* -> AddRequesterToGroup
      -> ReadLoginAddress -> MarkReady -> NotifyReady -> Delivered
    Rejected: MarkRejected -> NotifyRejected -> Rejected (succeeds: the order got its answer)
    Expired / Invalid / any failure: Mark* -> Notify* -> Fail (studio_constructs/order_outcomes.py)

Every step may run twice with the same effect: the group creation accepts an existing group,
the teams file takes an entry once, StartBuild carries the order id as idempotency token, and
the table writes set values. Every failure marks the order, keeps the error and cause on it,
and tells the requester (a failure the platform must look at tells the approvers too).
The definition is what tests/test_ordering_workflow.py runs in moto's interpreter.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from studio_constructs.entra_groups import EntraGroupTasks
from studio_constructs.nag import acknowledge_rules, finding_ref, ignore_redundant_depends_on
from studio_constructs.order_outcomes import OrderOutcomes
from studio_constructs.ordering_store import OrderingStore
from studio_constructs.python_function import PythonFunction
from studio_constructs.team_deploy_project import TeamDeployProject
from studio_platform.settings import EntraApp
from studio_runtime import order_records as records
from studio_runtime.contracts.ordering_steps import (
    CODE_DIR,
    IDP_GROUPS,
    REGISTER,
    REQUEST_APPROVAL,
    VALIDATE,
    Environment,
)

Status = records.Status
DDB = tasks.DynamoAttributeValue
ORDER = "$.order"
# How often the workflow asks CodeBuild whether the deploy has finished.
DEPLOY_POLL = cdk.Duration.seconds(60)
GROUP_EXISTS = "CognitoIdentityProvider.GroupExistsException"
USER_NOT_FOUND = "CognitoIdentityProvider.UserNotFoundException"
COGNITO_RETRYABLE = ["CognitoIdentityProvider.TooManyRequestsException", "CognitoIdentityProvider.InternalErrorException"]
# CodeBuild's throttling is not a modeled error: Step Functions names unmodeled errors
# `<Service>.<Service>Exception`.
CODEBUILD_RETRYABLE = ["CodeBuild.AccountLimitExceededException", "CodeBuild.CodeBuildException"]
# Build states that are not an answer yet (BatchGetBuilds' BuildStatus).
BUILD_RUNNING = "IN_PROGRESS"
BUILD_SUCCEEDED = "SUCCEEDED"


class OrderingWorkflow(Construct):
    """Attributes: `state_machine`, `steps` (the steps function), `approval_timeout`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        store: OrderingStore,
        user_pool: cognito.IUserPool,
        deploy: TeamDeployProject,
        approval_hours: int,
        entra: EntraApp | None = None,
    ) -> None:
        """`entra`: also create the team's Entra ID group through Microsoft Graph (off by default)."""
        super().__init__(scope, construct_id)
        self._store = store
        self._user_pool = user_pool
        self.approval_timeout = cdk.Duration.hours(approval_hours)
        self._outcomes = OrderOutcomes(self, store=store, approval_timeout=self.approval_timeout)
        stack = cdk.Stack.of(self)
        self.steps = PythonFunction(
            self,
            "Steps",
            code_dir=CODE_DIR,
            handler="handler.handler",
            description="Ordering workflow steps: check an order, ask for approval, add the team to the teams file",
            timeout=cdk.Duration.seconds(30),
            packages=("studio_platform",),
            environment={
                Environment.ORDERS_TABLE: store.table.table_name,
                Environment.TEAMS_BUCKET: store.teams_bucket.bucket_name,
                Environment.TEAMS_FILE_KEY: store.teams_file_key,
                Environment.ACCOUNT_ID: stack.account,
                Environment.APPROVERS_TOPIC_ARN: store.approvers_topic.topic_arn,
                Environment.APPROVAL_TIMEOUT_HOURS: str(approval_hours),
                Environment.LOG_LEVEL: "INFO",
            },
            no_dead_letter_reason="Invoked synchronously by the ordering workflow, which retries and records every "
            "failure on the order itself.",
        )
        self._deploy = deploy
        self.entra = (
            None
            if entra is None
            else EntraGroupTasks(
                self,
                "EntraGroups",
                tenant_id=entra.tenant_id,
                client_id=entra.client_id,
                client_secret_name=entra.client_secret_name,
                app_object_id=entra.app_object_id,
                state_scope=self,
            )
        )
        log_group = logs.LogGroup(
            self, "Logs", retention=logs.RetentionDays.ONE_YEAR, removal_policy=cdk.RemovalPolicy.RETAIN
        )
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            definition_body=sfn.DefinitionBody.from_chainable(self._definition()),
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=False),
            comment="One execution per team order: validate, approve, create the group, add the team, deploy, notify",
        )
        ignore_redundant_depends_on(self.state_machine)
        acknowledge_rules(
            self.state_machine.role,
            {
                "AwsSolutions-IAM5[Resource::*]": "X-Ray trace segments and Step Functions log delivery "
                "(logs:CreateLogDelivery and friends) have no resource-level permissions; aws-cdk-lib grants them "
                "for this state machine's own traces and execution log. With Entra ID groups, "
                "states:InvokeHTTPEndpoint too, which its condition limits to Microsoft Graph.",
                f"AwsSolutions-IAM5[Resource::{finding_ref(self, self.steps.function.function_arn)}:*]": "The "
                "workflow invokes its own steps function (any version, as aws-cdk-lib's LambdaInvoke grants), "
                "nothing else.",
            },
        )

    # --- the happy path ---------------------------------------------------------------------------

    def _definition(self) -> sfn.IChainable:
        start = sfn.Pass(self, "Start", parameters={"order.$": "$"})
        validate = self._step("Validate", VALIDATE, result_selector={"entry.$": "$.Payload.entry"}, result_path="$.validated")
        approval = tasks.LambdaInvoke(
            self,
            "RequestApproval",
            lambda_function=self.steps.function,
            integration_pattern=sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
            payload=sfn.TaskInput.from_object(
                {"action": REQUEST_APPROVAL, "order": sfn.JsonPath.object_at(ORDER), "task_token": sfn.JsonPath.task_token}
            ),
            task_timeout=sfn.Timeout.duration(self.approval_timeout),
            result_path="$.decision",
        )
        register = self._step(
            "RegisterTeam",
            REGISTER,
            # The Entra ID group the workflow made becomes the entry's idp_groups.
            extra={IDP_GROUPS: sfn.JsonPath.array(sfn.JsonPath.string_at("$.entra.id"))} if self.entra else {},
            result_selector={"version.$": "$.Payload.teams_file_version"},
            result_path="$.registered",
        )
        register.add_retry(errors=[records.TEAMS_FILE_CHANGED_ERROR], interval=cdk.Duration.seconds(1), max_attempts=5, backoff_rate=2)

        create_group = self._cognito("CreateGroup", "createGroup", {
            "UserPoolId": self._user_pool.user_pool_id,
            "GroupName": sfn.JsonPath.string_at("$.order.team"),
            "Description": sfn.JsonPath.format("Members may open SageMaker Studio domain {}", sfn.JsonPath.string_at("$.order.team")),
        })
        add_requester = self._cognito("AddRequesterToGroup", "adminAddUserToGroup", {
            "UserPoolId": self._user_pool.user_pool_id,
            "Username": sfn.JsonPath.string_at("$.order.requester"),
            "GroupName": sfn.JsonPath.string_at("$.order.team"),
        })
        start_deploy = tasks.CallAwsService(
            self,
            "StartDeploy",
            service="codebuild",
            action="startBuild",
            iam_action="codebuild:StartBuild",
            iam_resources=[self._deploy.project.project_arn],
            parameters={
                "ProjectName": self._deploy.project.project_name,
                "IdempotencyToken": sfn.JsonPath.string_at("$.order.order_id"),
                "EnvironmentVariablesOverride": [
                    {"Name": "TEAM", "Type": "PLAINTEXT", "Value": sfn.JsonPath.string_at("$.order.team")},
                    {"Name": "TEAMS_FILE_VERSION", "Type": "PLAINTEXT", "Value": sfn.JsonPath.string_at("$.registered.version")},
                ],
            },
            result_selector={"id.$": "$.Build.Id"},
            result_path="$.build",
        )
        start_deploy.add_retry(errors=CODEBUILD_RETRYABLE, interval=cdk.Duration.seconds(10), max_attempts=5, backoff_rate=2)
        wait = sfn.Wait(self, "WaitForDeploy", time=sfn.WaitTime.duration(DEPLOY_POLL))
        check = tasks.CallAwsService(
            self,
            "CheckDeploy",
            service="codebuild",
            action="batchGetBuilds",
            iam_action="codebuild:BatchGetBuilds",
            iam_resources=[self._deploy.project.project_arn],
            parameters={"Ids": sfn.JsonPath.array(sfn.JsonPath.string_at("$.build.id"))},
            # A wildcard and ArrayGetItem rather than `$.Builds[0].BuildStatus`: the same value in
            # AWS, and a scalar in moto's interpreter too (its JSONPath wraps an indexed parent).
            result_selector={
                "status": sfn.JsonPath.array_get_item(sfn.JsonPath.list_at("$.Builds[*].BuildStatus"), 0)
            },
            result_path="$.build_state",
        )
        check.add_retry(errors=CODEBUILD_RETRYABLE, interval=cdk.Duration.seconds(10), max_attempts=5, backoff_rate=2)
        deploy_failed = sfn.Pass(
            self,
            "DeployFailed",
            parameters={
                "step": "Deploy",
                "error": "DeployFailed",
                "cause": sfn.JsonPath.format(
                    "CodeBuild build {} ended {}; the build log is in CloudWatch Logs",
                    sfn.JsonPath.string_at("$.build.id"),
                    sfn.JsonPath.string_at("$.build_state.status"),
                ),
            },
            result_path="$.failure",
        )

        failed = self._outcomes.failed()
        steps = [("Validate", validate), ("RequestApproval", approval), ("CreateGroup", create_group),
                 ("RegisterTeam", register), ("StartDeploy", start_deploy), ("CheckDeploy", check),
                 ("AddRequesterToGroup", add_requester)]
        after_group: sfn.IChainable = register
        if self.entra:
            steps += [(task.node.id, task) for task in self.entra.tasks]
            after_group = self.entra.first
            self.entra.last.add_catch(register, errors=[self.entra.already_assigned], result_path=sfn.JsonPath.DISCARD)
            self.entra.last.next(register)
        for step, state in steps:
            if step in ("Validate", "RegisterTeam"):
                state.add_catch(self._outcomes.invalid(step), errors=[records.ORDER_INVALID_ERROR], result_path="$.failure")
            if step == "RequestApproval":
                state.add_catch(self._outcomes.expired(), errors=[sfn.Errors.TIMEOUT], result_path="$.failure")
            state.add_catch(self._outcomes.failure_of(step, failed), errors=[sfn.Errors.ALL], result_path="$.failure")
        deploy_failed.next(failed)
        create_group.add_catch(after_group, errors=[GROUP_EXISTS], result_path=sfn.JsonPath.DISCARD)
        add_requester.add_catch(self._outcomes.ready(), errors=[USER_NOT_FOUND], result_path=sfn.JsonPath.DISCARD)

        mark_deploying = self._outcomes.mark("MarkDeploying", Status.DEPLOYING, {
            records.Attribute.BUILD_ID: DDB.from_string(sfn.JsonPath.string_at("$.build.id")),
            records.Attribute.TEAMS_FILE_VERSION: DDB.from_string(sfn.JsonPath.string_at("$.registered.version")),
        })
        deploy_done = (
            sfn.Choice(self, "DeployDone?")
            .when(sfn.Condition.string_equals("$.build_state.status", BUILD_RUNNING), wait)
            .when(sfn.Condition.string_equals("$.build_state.status", BUILD_SUCCEEDED), add_requester)
            .otherwise(deploy_failed)
        )
        wait.next(check).next(deploy_done)
        approved = (
            sfn.Choice(self, "Approved?")
            .when(
                sfn.Condition.string_equals(f"$.decision.{records.Decision.FIELD}", records.Decision.APPROVED),
                create_group,
            )
            .otherwise(self._outcomes.rejected())
        )
        create_group.next(after_group)
        register.next(start_deploy).next(mark_deploying).next(wait)
        add_requester.next(self._outcomes.ready())
        return start.next(validate).next(approval).next(approved)

    def _step(self, state_id: str, action: str, *, extra: dict | None = None, **result: str | dict) -> tasks.LambdaInvoke:
        return tasks.LambdaInvoke(
            self,
            state_id,
            lambda_function=self.steps.function,
            payload=sfn.TaskInput.from_object({"action": action, "order": sfn.JsonPath.object_at(ORDER), **(extra or {})}),
            retry_on_service_exceptions=True,
            **result,
        )

    def _cognito(self, state_id: str, action: str, parameters: dict) -> tasks.CallAwsService:
        task = tasks.CallAwsService(
            self,
            state_id,
            service="cognitoidentityprovider",
            action=action,
            iam_action=f"cognito-idp:{action[0].upper()}{action[1:]}",
            iam_resources=[self._user_pool.user_pool_arn],
            parameters=parameters,
            result_path=sfn.JsonPath.DISCARD,
        )
        task.add_retry(errors=COGNITO_RETRYABLE, interval=cdk.Duration.seconds(2), max_attempts=4, backoff_rate=2)
        return task
