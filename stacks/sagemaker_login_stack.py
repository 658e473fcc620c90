"""`sagemaker-login-stack`: Cognito sign-in, the presigned-URL API and the login page."""

from __future__ import annotations

from typing import Mapping, Sequence

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from studio_constructs.api_gateway_account import ApiGatewayAccountLogging
from studio_constructs.login_monitoring import LoginMonitoring
from studio_constructs.login_page import LoginPage
from studio_constructs.login_page_contract import page_config
from studio_constructs.presigned_url_api import PresignedUrlApi
from studio_constructs.user_pool import StudioUserPool
from studio_platform import names
from studio_platform.config import IdentityProviderConfig, LoginConfig


class SagemakerLoginStack(cdk.Stack):
    """Attributes: `user_pool` (the teams' groups live in it), `federation` (the company's IdP and
    the trigger mapping its groups to teams, or None), `client` (Postman's), `api`,
    `login_page`, `page_client`, `monitoring`, `account_logging` (the account's API Gateway
    logging role, unless another owner sets it)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        login: LoginConfig,
        execute_api_endpoint: ec2.IInterfaceVpcEndpoint | None = None,
        identity_provider: IdentityProviderConfig | None = None,
        team_groups: Mapping[str, Sequence[str]] | None = None,
        **kwargs,
    ) -> None:
        """`identity_provider`: the company's IdP, with `team_groups` (every team's IdP groups)."""
        super().__init__(scope, construct_id, **kwargs)
        pool = StudioUserPool(
            self,
            "UserPool",
            domain_prefix=f"sagemaker-login-{self.account}",
            callback_urls=login.callback_urls,
            deletion_protection=login.deletion_protection,
            identity_provider=identity_provider,
            team_groups=team_groups,
        )
        self.user_pool = pool.user_pool
        self.client = pool.client
        self.federation = pool.federation
        # Construct id "PreSignedURL" keeps the sample's output key `PreSignedURLApiEndpoint...`.
        self.api = PresignedUrlApi(
            self,
            "PreSignedURL",
            user_pool=self.user_pool,
            session_seconds=login.session_seconds,
            private_endpoint=execute_api_endpoint,
        )
        self.login_page = LoginPage(
            self,
            "LoginPage",
            api_origin=self.api.origin,
            cognito_origin=pool.sign_in_url,
            domain_name=login.page_domain,
            certificate_arn=login.page_certificate_arn,
        )
        self.page_client = pool.add_login_page_client(page_origins=self.login_page.origins)
        # The page's origins first: API Gateway's own error answers name the first one.
        self.api.allow_origins(list(dict.fromkeys([*self.login_page.origins, *login.cors_origins])))
        self.login_page.publish(
            page_config(
                api_url=self.api.url,
                cognito_domain=pool.sign_in_url,
                client_id=self.page_client.user_pool_client_id,
                issuer=f"https://cognito-idp.{self.region}.{self.url_suffix}/{self.user_pool.user_pool_id}",
                identity_provider=identity_provider.name if identity_provider else None,
            )
        )
        # The ordering workflow reads the page's address here when it delivers a team.
        ssm.StringParameter(
            self,
            "LoginPageUrlParameter",
            parameter_name=names.LOGIN_PAGE_URL_PARAMETER,
            string_value=self.login_page.url,
            description="The login page data scientists open (read by the ordering workflow)",
        )
        self.account_logging: ApiGatewayAccountLogging | None = None
        if login.owns_api_gateway_account:
            self.account_logging = ApiGatewayAccountLogging(self, "ApiGatewayAccountLogging")
            self.account_logging.add_dependent(self.api.api.deployment_stage)
        self.monitoring = LoginMonitoring(
            self,
            "Monitoring",
            api=self.api.api,
            function=self.api.function,
            alarm_emails=login.alarm_emails,
        )
