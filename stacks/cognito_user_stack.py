"""`cognito-user-stack`: the demo user of the seed's command line, in its team's group."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from studio_constructs.demo_user import DemoUser
from studio_platform.config import DemoUserConfig


class CognitoUserStack(cdk.Stack):
    """The password never enters the template: see `DemoUser`. Attribute: `demo_user`."""

    def __init__(
        self, scope: Construct, construct_id: str, *, user: DemoUserConfig, user_pool: cognito.IUserPool, **kwargs
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        # Weak on purpose: dropping `-c user` removes this stack and the login stack's exports it
        # read in one deploy; a demo user needs no protection against the pool going away.
        cdk.CrossStackReferences.of(self).consume(cdk.ReferenceStrength.WEAK)
        self.demo_user = DemoUser(
            self,
            "DemoUser",
            user_pool=user_pool,
            username=user.username,
            group_name=user.team,
            password=user.password,
        )
        cdk.CfnOutput(
            self,
            "DemoUserPasswordSecretArn",
            value=self.demo_user.password_secret.secret_arn,
            description="Secrets Manager secret holding the demo user's password (the ARN, never the value)",
        )
