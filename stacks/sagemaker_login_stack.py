"""`sagemaker-login-stack`: Cognito sign-in and the presigned-URL API."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from studio_constructs.user_pool import StudioUserPool
from studio_platform.config import LoginConfig


class SagemakerLoginStack(cdk.Stack):
    """Attributes: `user_pool` (the teams' groups live in it), `client`."""

    def __init__(self, scope: Construct, construct_id: str, *, login: LoginConfig, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        pool = StudioUserPool(
            self,
            "UserPool",
            domain_prefix=f"sagemaker-login-{self.account}",
            callback_urls=login.callback_urls,
            deletion_protection=login.deletion_protection,
        )
        self.user_pool = pool.user_pool
        self.client = pool.client
