"""The Cognito user pool data scientists sign in to, and its app clients (Postman, the login page)."""

from __future__ import annotations

from typing import Mapping, Sequence

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from studio_constructs.identity_federation import IdentityFederation, custom_name
from studio_constructs.login_page_contract import SCOPES
from studio_constructs.nag import acknowledge
from studio_platform.settings import IdentityProviderConfig
from studio_runtime.contracts.pre_token_generation import GROUPS_ATTRIBUTE, MAX_ATTRIBUTE_LENGTH, OVERAGE_ATTRIBUTE

# The login page's scopes (login_page_contract.SCOPES) as Cognito's; `openid` is the API's.
PAGE_SCOPES = {
    "openid": cognito.OAuthScope.OPENID,
    "email": cognito.OAuthScope.EMAIL,
    "profile": cognito.OAuthScope.PROFILE,
}


# The IdP's groups and Entra's overage marker, mapped at federated sign-in. In the schema even
# without an IdP: a pool's custom attributes can be added but never changed or removed, so they
# exist from the first deploy, and connecting an IdP later touches no attribute.
IDP_ATTRIBUTES = (GROUPS_ATTRIBUTE, OVERAGE_ATTRIBUTE)
# What a user's own access token may change about them: nothing that decides a team. Only
# attributes an IdP maps are writable (Cognito updates them at each federated sign-in with the
# client's write permission and refuses the sign-in without it); local users' groups come
# from Cognito groups, and the trigger ignores the IdP attributes of a user not federated.
LOCAL_WRITE_ATTRIBUTES = cognito.ClientAttributes().with_standard_attributes(email=True)

# Both app clients: short-lived access (a presigned URL is minted right after sign-in), revocable
# refresh tokens, the hosted UI only, and no hint whether a user name exists.
SHORT_LIVED_SESSIONS = dict(
    # Hosted UI only: no password or SRP flow, so no token with aws.cognito.signin.user.admin,
    # the scope that lets a user change their own attributes (an IdP's mapped groups among them,
    # which Cognito requires the clients to be allowed to write).
    auth_flows=cognito.AuthFlow(user_srp=False),
    access_token_validity=cdk.Duration.minutes(60),
    id_token_validity=cdk.Duration.minutes(60),
    refresh_token_validity=cdk.Duration.hours(12),
    enable_token_revocation=True,
    prevent_user_existence_errors=True,
)

class StudioUserPool(Construct):
    """Admin-created users only, strong passwords, optional TOTP MFA, threat protection.

    The client secret is never a stack output: `python -m studio_platform.postman_env`
    reads it with the caller's own credentials. With an `identity_provider`, both clients offer
    it beside local users (break-glass, the demo user). Attributes: `user_pool`, `client`,
    `domain`, `sign_in_url`, `federation` (IdentityFederation or None).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        domain_prefix: str,
        callback_urls: Sequence[str],
        deletion_protection: bool = True,
        identity_provider: IdentityProviderConfig | None = None,
        team_groups: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        """`team_groups`: every team's IdP groups (needed with `identity_provider`)."""
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
            custom_attributes={
                custom_name(attribute): cognito.StringAttribute(max_len=MAX_ATTRIBUTE_LENGTH, mutable=True)
                for attribute in IDP_ATTRIBUTES
            },
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
        self.federation: IdentityFederation | None = None
        if identity_provider is not None:
            self.federation = IdentityFederation(
                self,
                "IdentityFederation",
                user_pool=self.user_pool,
                provider=identity_provider,
                team_groups=team_groups or {},
            )
        self.client = self._add_client(
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
        return self._add_client(
            "LoginPageClient",
            generate_secret=False,
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),
                scopes=[PAGE_SCOPES[scope] for scope in SCOPES],
                callback_urls=page_urls,
                logout_urls=page_urls,
            ),
            **SHORT_LIVED_SESSIONS,
        )

    def _add_client(self, construct_id: str, **options) -> cognito.UserPoolClient:
        """A client offering local users and, when configured, the IdP (created after it)."""
        providers = [cognito.UserPoolClientIdentityProvider.COGNITO]
        write = LOCAL_WRITE_ATTRIBUTES
        if self.federation is not None:
            providers.insert(0, self.federation.client_provider)
            write = write.with_custom_attributes(*(custom_name(attribute) for attribute in IDP_ATTRIBUTES))
        client = self.user_pool.add_client(
            construct_id, supported_identity_providers=providers, write_attributes=write, **options
        )
        if self.federation is not None:
            client.node.add_dependency(self.federation.provider)
        return client
