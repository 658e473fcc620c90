"""The presigned-URL API: Cognito-authorized REST API in front of PreSignUrlGenerator."""

from __future__ import annotations

from typing import Sequence

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from studio_constructs.policy import Statement, add_statements
from studio_constructs.nag import acknowledge
from studio_constructs.python_function import PythonFunction
from studio_constructs.rest_api import attach_web_acl, logged_stage, own_execution_logs
from studio_platform import names
from studio_runtime.contracts.presign import (
    CODE_DIR,
    OWNER_SUB_TAG,
    PROFILE_TAG_KEYS,
    ROUTE_METHOD,
    ROUTE_RESOURCE,
    Environment,
)

# Well under API Gateway's 29 s integration timeout.
FUNCTION_TIMEOUT = cdk.Duration.seconds(20)
URL_EXPIRES_SECONDS = 60


class PresignedUrlApi(Construct):
    """`GET /domainName/{domainName}/getPresignedUrl`, scope `openid`, validated, logged, throttled.

    No browser may call it until `allow_origins` names the origins that may (CORS).
    Attributes: `api`, `function`, `url`, `origin` (scheme and host of `url`, without the stage).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        user_pool: cognito.IUserPool,
        session_seconds: int,
        private_endpoint: ec2.IInterfaceVpcEndpoint | None = None,
        rate_limit: int = 20,
        burst_limit: int = 40,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        generator = PythonFunction(
            self,
            "PreSignUrlGenerator",
            code_dir=CODE_DIR,
            handler="handler.handler",
            description="Checks the caller's team group and returns a short-lived SageMaker Studio URL",
            timeout=FUNCTION_TIMEOUT,
            tracing=True,
            environment={
                Environment.URL_EXPIRES_SECONDS: str(URL_EXPIRES_SECONDS),
                Environment.SESSION_DURATION_SECONDS: str(session_seconds),
                Environment.LANDING_URI: "studio::",
                Environment.DOMAIN_CACHE_TTL_SECONDS: "300",
                Environment.PROFILE_CACHE_TTL_SECONDS: "300",
                Environment.PROFILE_READY_TIMEOUT_SECONDS: "12",
                Environment.LOG_LEVEL: "INFO",
            },
        )
        self.function = generator.function
        self._grant_sagemaker(generator.role, stack)

        self.api = apigateway.RestApi(
            self,
            "Api",
            rest_api_name="sagemaker-presigned-url",
            description="Presigned URLs into each team's SageMaker Studio domain",
            endpoint_configuration=self._endpoint(private_endpoint),
            policy=self._private_policy(private_endpoint),
            deploy_options=logged_stage(self, rate_limit=rate_limit, burst_limit=burst_limit),
            cloud_watch_role=False,
        )
        self.url = self.api.url
        # From the API's id alone: `url` names the stage, and whatever reads it (a page's CSP)
        # would depend on the stage, which depends on the methods, whose CORS names the page.
        self.origin = f"https://{self.api.rest_api_id}.execute-api.{stack.region}.{stack.url_suffix}"
        own_execution_logs(
            self,
            self.api,
            no_cache_reason="No API cache on purpose: every response is a per-user presigned Studio URL valid 60 s; a "
            "cache would hand one user's URL to another or serve expired ones.",
        )
        authorizer = apigateway.CognitoUserPoolsAuthorizer(self, "Authorizer", cognito_user_pools=[user_pool])
        validator = self.api.add_request_validator(
            "RequestValidator", validate_request_parameters=True, validate_request_body=True
        )
        route = self.api.root.resource_for_path(ROUTE_RESOURCE)
        self._route = route
        self._allowed_origins: tuple[str, ...] | None = None
        route.add_method(
            ROUTE_METHOD,
            apigateway.LambdaIntegration(self.function),
            authorizer=authorizer,
            authorization_type=apigateway.AuthorizationType.COGNITO,
            authorization_scopes=["openid"],
            request_validator=validator,
            request_parameters={"method.request.path.domainName": True},
        )
        attach_web_acl(self, self.api, metric_name="PresignedUrlApi")

    @staticmethod
    def _endpoint(private_endpoint: ec2.IInterfaceVpcEndpoint | None) -> apigateway.EndpointConfiguration:
        if private_endpoint is None:
            return apigateway.EndpointConfiguration(types=[apigateway.EndpointType.REGIONAL])
        return apigateway.EndpointConfiguration(types=[apigateway.EndpointType.PRIVATE], vpc_endpoints=[private_endpoint])

    @staticmethod
    def _private_policy(private_endpoint: ec2.IInterfaceVpcEndpoint | None) -> iam.PolicyDocument | None:
        """A private API answers only through the platform's execute-api endpoint."""
        if private_endpoint is None:
            return None
        return iam.PolicyDocument(
            statements=[
                iam.PolicyStatement(
                    principals=[iam.AnyPrincipal()],
                    actions=["execute-api:Invoke"],
                    resources=["execute-api:/*"],
                    conditions={"StringEquals": {"aws:SourceVpce": private_endpoint.vpc_endpoint_id}},
                ),
            ]
        )

    def _grant_sagemaker(self, role: iam.IRole, stack: cdk.Stack) -> None:
        profile_arn = stack.format_arn(service="sagemaker", resource="user-profile", resource_name="*/*")
        statements = [
            Statement(sid="FindDomains", actions=["sagemaker:ListDomains"], resources=["*"]),
            Statement(
                sid="UseProfiles",
                actions=["sagemaker:DescribeUserProfile", "sagemaker:ListTags", "sagemaker:CreatePresignedDomainUrl"],
                resources=[profile_arn],
            ),
            Statement(
                sid="CreateProfilesOnlyWithDomainTag",
                actions=["sagemaker:CreateUserProfile", "sagemaker:AddTags"],
                resources=[profile_arn],
                conditions={
                    "Null": {names.REQUEST_TEAM_TAG: "false", f"aws:RequestTag/{OWNER_SUB_TAG}": "false"},
                    "ForAllValues:StringEquals": {"aws:TagKeys": list(PROFILE_TAG_KEYS)},
                },
            ),
        ]
        reasons = {
            "FindDomains": "ListDomains has no resource-level permissions; the Lambda maps a team name to its domain id "
            "(ListDomains also reports the status, so no DescribeDomain is needed).",
            "UseProfiles": "Profiles are created at first login in whichever team domain the caller belongs to; "
            "the Lambda checks group membership and the profile's CognitoSub tag.",
            "CreateProfilesOnlyWithDomainTag": "First login creates the caller's profile; the request must carry "
            "the DomainName tag and only the three identity tags.",
        }
        add_statements(role, [(statement, reasons[statement.sid]) for statement in statements])

    def allow_origins(self, origins: Sequence[str]) -> None:
        """Let exactly these browser origins call the API (once; none = no CORS at all).

        The preflight (OPTIONS on the route) and the function's `Access-Control-Allow-Origin`
        answer each of them. API Gateway's own answers (the authorizer's 401 for an expired
        token, throttling's 429, 5xx) can carry one fixed origin only: the first, so the page
        served there sees them and sends the scientist back to sign-in instead of a network error.
        """
        if self._allowed_origins is not None:
            raise RuntimeError("PresignedUrlApi.allow_origins: the allowed origins are set once")
        self._allowed_origins = tuple(origins)
        if not origins:
            return
        self.function.add_environment(Environment.ALLOWED_ORIGINS, ",".join(origins))
        self._route.add_cors_preflight(
            allow_origins=list(origins),
            allow_methods=[ROUTE_METHOD],
            allow_headers=["Authorization"],
            max_age=cdk.Duration.minutes(10),
        )
        first_origin = {
            "Access-Control-Allow-Origin": f"'{origins[0]}'",
            "Vary": "'Origin'",
        }
        for response_type in (apigateway.ResponseType.DEFAULT_4_XX, apigateway.ResponseType.DEFAULT_5_XX):
            self.api.add_gateway_response(
                f"Cors{response_type.response_type}", type=response_type, response_headers=first_origin
            )
        for rule in ("AwsSolutions-APIG4", "AwsSolutions-COG4"):
            acknowledge(
                self._route.node.find_child("OPTIONS"),
                rule,
                "CORS preflight (OPTIONS) carries no credentials by the CORS standard and returns "
                "only the configured origins; GET requires a Cognito token with scope openid.",
            )
