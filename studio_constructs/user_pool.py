"""The Cognito user pool data scientists sign in to, and its app clients (Postman, the login page)."""

from __future__ import annotations

from typing import Sequence

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from studio_constructs.login_page_contract import SCOPES
from studio_constructs.nag import acknowledge

# The login page's scopes (login_page_contract.SCOPES) as Cognito's; `openid` is the API's.
PAGE_SCOPES = {
    "openid": cognito.OAuthScope.OPENID,
    "email": cognito.OAuthScope.EMAIL,
    "profile": cognito.OAuthScope.PROFILE,
}


# Both app clients: short-lived access (a presigned URL is minted right after sign-in), revocable
# refresh tokens, the hosted UI only, and no hint whether a user name exists.
SHORT_LIVED_SESSIONS = dict(
    supported_identity_providers=[cognito.UserPoolClientIdentityProvider.COGNITO],
    access_token_validity=cdk.Duration.minutes(60),
    id_token_validity=cdk.Duration.minutes(60),
    refresh_token_validity=cdk.Duration.hours(12),
    enable_token_revocation=True,
    prevent_user_existence_errors=True,
)

class StudioUserPool(Construct):
    """Admin-created users only, strong passwords, optional TOTP MFA, threat protection.

    The client secret is never a stack output: `python -m studio_platform.postman_env`
    reads it with the caller's own credentials. Attributes: `user_pool`, `client`,
    `domain`, `sign_in_url`.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        domain_prefix: str,
        callback_urls: Sequence[str],
        deletion_protection: bool = True,
    ) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(username=True),
            sign_in_case_sensitive=False,
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=cdk.Duration.days(3),
                password_history_size=5,
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            # Users are created by the platform team; recovery goes through them, not e-mail.
            account_recovery=cognito.AccountRecovery.NONE,
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=deletion_protection,
            removal_policy=cdk.RemovalPolicy.RETAIN if deletion_protection else cdk.RemovalPolicy.DESTROY,
        )
        acknowledge(
            self.user_pool,
            "AwsSolutions-COG2",
            "MFA is optional by design: users enrol TOTP themselves; Postman's hosted-UI flow supports it.",
        )
        self.client = self.user_pool.add_client(
            "PostmanClient",
            generate_secret=True,
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),
                scopes=[cognito.OAuthScope.OPENID],
                callback_urls=list(callback_urls),
            ),
            **SHORT_LIVED_SESSIONS,
        )
        self.domain = self.user_pool.add_domain(
            "Domain", cognito_domain=cognito.CognitoDomainOptions(domain_prefix=domain_prefix)
        )
        self.sign_in_url = self.domain.base_url()
        cdk.CfnOutput(self, "UserPoolId", value=self.user_pool.user_pool_id)
        cdk.CfnOutput(self, "UserPoolClientId", value=self.client.user_pool_client_id)
        cdk.CfnOutput(self, "CognitoSigninDomain", value=self.sign_in_url)

    def add_login_page_client(self, *, page_origins: Sequence[str]) -> cognito.UserPoolClient:
        """The login page's client: public (a browser keeps no secret), code grant (the page always
        sends PKCE), returning only to the page itself (`<origin>/`), after sign-in and sign-out."""
        page_urls = [f"{origin}/" for origin in page_origins]
        return self.user_pool.add_client(
            "LoginPageClient",
            generate_secret=False,
            # Hosted UI / managed login only: no password or SRP flow through this client.
            auth_flows=cognito.AuthFlow(user_srp=False),
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),
                scopes=[PAGE_SCOPES[scope] for scope in SCOPES],
                callback_urls=page_urls,
                logout_urls=page_urls,
            ),
            **SHORT_LIVED_SESSIONS,
        )
