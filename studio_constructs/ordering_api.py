"""The ordering API: requesters order a team's domain, approvers approve or reject.

Every route sits behind the platform's user pool (access token, scope openid); the function
decides by group: `platform-requesters` order and see their own orders, `platform-admins`
see every order and answer them (never their own). Both groups are created here.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from studio_constructs.ordering_store import OrderingStore
from studio_constructs.policy import Statement, add_statements
from studio_constructs.python_function import PythonFunction
from studio_constructs.rest_api import attach_web_acl, logged_stage, own_execution_logs
from studio_platform import names
from studio_runtime.contracts.ordering_api import CODE_DIR, ROUTES, Environment

GROUP_DESCRIPTIONS = {
    names.REQUESTERS_GROUP: "May order a SageMaker Studio domain for a team through the ordering API",
    names.APPROVERS_GROUP: "Platform admins: approve or reject orders for SageMaker Studio domains",
}


class OrderingApi(Construct):
    """Attributes: `api`, `url`, `function`, `groups` (group name -> CfnUserPoolGroup)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        user_pool: cognito.IUserPool,
        store: OrderingStore,
        state_machine: sfn.IStateMachine,
        rate_limit: int = 5,
        burst_limit: int = 10,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        handler = PythonFunction(
            self,
            "Function",
            code_dir=CODE_DIR,
            handler="handler.handler",
            description="Ordering API: orders for team SageMaker Studio domains, and their approval",
            timeout=cdk.Duration.seconds(20),
            tracing=True,
            packages=("studio_platform",),
            environment={
                Environment.ORDERS_TABLE: store.table.table_name,
                Environment.STATE_MACHINE_ARN: state_machine.state_machine_arn,
                Environment.TEAMS_BUCKET: store.teams_bucket.bucket_name,
                Environment.TEAMS_FILE_KEY: store.teams_file_key,
                Environment.ACCOUNT_ID: stack.account,
                Environment.USER_POOL_ID: user_pool.user_pool_id,
                Environment.UPDATES_TOPIC_ARN: store.updates_topic.topic_arn,
                Environment.LOG_LEVEL: "INFO",
            },
        )
        self.function = handler.function
        store.grant_orders(handler.role)
        state_machine.grant_start_execution(handler.role)
        state_machine.grant_task_response(handler.role)
        store.grant_read_teams_file(handler.role)
        add_statements(
            handler.role,
            [
                (
                    Statement(sid="FindRequesterAddress", actions=["cognito-idp:AdminGetUser"], resources=[user_pool.user_pool_arn]),
                    None,
                ),
                (
                    Statement(
                        sid="SubscribeRequestersByEmail",
                        actions=["sns:Subscribe"],
                        resources=[store.updates_topic.topic_arn],
                        conditions={"StringEquals": {"sns:Protocol": "email"}},
                    ),
                    None,
                ),
            ],
        )
        self.groups = {
            name: cognito.CfnUserPoolGroup(
                self, f"Group-{name}", user_pool_id=user_pool.user_pool_id, group_name=name, description=description
            )
            for name, description in GROUP_DESCRIPTIONS.items()
        }
        self.api = apigateway.RestApi(
            self,
            "Api",
            rest_api_name="sagemaker-studio-ordering",
            description="Orders for team SageMaker Studio domains and their approval",
            endpoint_configuration=apigateway.EndpointConfiguration(types=[apigateway.EndpointType.REGIONAL]),
            deploy_options=logged_stage(self, rate_limit=rate_limit, burst_limit=burst_limit),
            cloud_watch_role=False,
        )
        self.url = self.api.url
        own_execution_logs(
            self,
            self.api,
            no_cache_reason="No API cache on purpose: answers are per caller (their own orders) and change with "
            "every approval; a cache would show one requester's orders to another or stale statuses.",
        )
        authorizer = apigateway.CognitoUserPoolsAuthorizer(self, "Authorizer", cognito_user_pools=[user_pool])
        validator = self.api.add_request_validator(
            "RequestValidator", validate_request_parameters=True, validate_request_body=True
        )
        integration = apigateway.LambdaIntegration(self.function)
        for method, path in ROUTES:
            parameters = {f"method.request.path.{name}": True for name in _path_parameters(path)}
            self.api.root.resource_for_path(path).add_method(
                method,
                integration,
                authorizer=authorizer,
                authorization_type=apigateway.AuthorizationType.COGNITO,
                authorization_scopes=["openid"],
                request_validator=validator,
                request_parameters=parameters or None,
            )
        attach_web_acl(self, self.api, metric_name="OrderingApi")


def _path_parameters(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]
