"""The company's identity provider in the user pool, and the trigger that turns its groups into teams.

The provider (OIDC or SAML, from the teams file's `identity_provider:`) maps the user's groups
claim into GROUPS_ATTRIBUTE and Entra ID's overage marker into OVERAGE_ATTRIBUTE. The
pre-token-generation trigger (V2 event, lambda/pre_token_generation/) reads them and sets the
tokens' `cognito:groups` to the teams whose IdP groups the user is in: the presign API's check
(group == domain name) stays as it is. The mapping of every team to its IdP groups is a file in
the function's code (TEAM_GROUPS_FILE): Lambda's environment holds 4 KB, too little for many
teams with Entra object ids.
"""

from __future__ import annotations

import json
from typing import Mapping, Sequence

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from studio_constructs.python_function import PythonFunction
from studio_platform.settings import IdentityProviderConfig
from studio_runtime.contracts.pre_token_generation import (
    CODE_DIR,
    GROUPS_ATTRIBUTE,
    OVERAGE_ATTRIBUTE,
    TEAM_GROUPS_FILE,
    Environment,
)

CUSTOM_PREFIX = "custom:"
# The OIDC scopes Cognito requests from the IdP: the user's id, e-mail and name claims.
OIDC_SCOPES = ("openid", "email", "profile")
# Entra ID replaces the groups claim by a link past its limit: `_claim_names` in a JWT, this
# attribute in SAML. Mapped, it tells "too many groups" from "no groups".
OIDC_OVERAGE_CLAIM = "_claim_names"
SAML_OVERAGE_ATTRIBUTE = "http://schemas.microsoft.com/claims/groups.link"
SAML_EMAIL_ATTRIBUTE = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"


def custom_name(attribute: str) -> str:
    """`custom:idp_groups` as the user pool's schema names it (`idp_groups`)."""
    return attribute.removeprefix(CUSTOM_PREFIX)


def team_groups_document(team_groups: Mapping[str, Sequence[str]]) -> str:
    """TEAM_GROUPS_FILE's text: {"<team>": ["<IdP group>", ...]}, sorted so its hash is stable."""
    return json.dumps({team: list(groups) for team, groups in sorted(team_groups.items())}, indent=1, sort_keys=True)


class IdentityFederation(Construct):
    """Attributes: `provider` (the user pool's identity provider), `provider_name`,
    `client_provider` (what an app client lists), `trigger` (the PythonFunction)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        user_pool: cognito.UserPool,
        provider: IdentityProviderConfig,
        team_groups: Mapping[str, Sequence[str]],
    ) -> None:
        super().__init__(scope, construct_id)
        if not team_groups:
            raise ValueError("IdentityFederation needs the IdP groups of at least one team")
        self.provider_name = provider.name
        if provider.type == "oidc":
            self.provider: cognito.UserPoolIdentityProviderBase = self._oidc(user_pool, provider)
        else:
            self.provider = self._saml(user_pool, provider)
        self.client_provider = cognito.UserPoolClientIdentityProvider.custom(provider.name)
        self.trigger = PythonFunction(
            self,
            "PreTokenGeneration",
            code_dir=CODE_DIR,
            handler="handler.handler",
            description="Sets a federated user's Cognito groups to the teams of their IdP groups",
            timeout=cdk.Duration.seconds(5),
            environment={Environment.IDENTITY_PROVIDER: provider.name},
            generated_files={TEAM_GROUPS_FILE: team_groups_document(team_groups)},
        )
        # V2: the event that may override the access token's groups and claims (Plus plan).
        user_pool.add_trigger(
            cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
            self.trigger.function,
            cognito.LambdaVersion.V2_0,
        )

    def _oidc(self, user_pool: cognito.UserPool, provider: IdentityProviderConfig) -> cognito.UserPoolIdentityProviderOidc:
        # A {{resolve:secretsmanager:...}} dynamic reference: CloudFormation reads the secret at
        # deploy time, the template and its outputs never hold it.
        secret = cdk.SecretValue.secrets_manager(provider.client_secret_name)
        return cognito.UserPoolIdentityProviderOidc(
            self,
            "Oidc",
            user_pool=user_pool,
            name=provider.name,
            client_id=provider.client_id,
            client_secret=secret.unsafe_unwrap(),
            issuer_url=provider.issuer,
            scopes=list(OIDC_SCOPES),
            attribute_request_method=cognito.OidcAttributeRequestMethod.GET,
            attribute_mapping=cognito.AttributeMapping(
                email=cognito.ProviderAttribute.other("email"),
                custom={
                    "username": cognito.ProviderAttribute.other("sub"),
                    GROUPS_ATTRIBUTE: cognito.ProviderAttribute.other(provider.groups_claim),
                    OVERAGE_ATTRIBUTE: cognito.ProviderAttribute.other(OIDC_OVERAGE_CLAIM),
                },
            ),
        )

    def _saml(self, user_pool: cognito.UserPool, provider: IdentityProviderConfig) -> cognito.UserPoolIdentityProviderSaml:
        return cognito.UserPoolIdentityProviderSaml(
            self,
            "Saml",
            user_pool=user_pool,
            name=provider.name,
            metadata=cognito.UserPoolIdentityProviderSamlMetadata.url(provider.metadata_url),
            attribute_mapping=cognito.AttributeMapping(
                email=cognito.ProviderAttribute.other(SAML_EMAIL_ATTRIBUTE),
                custom={
                    GROUPS_ATTRIBUTE: cognito.ProviderAttribute.other(provider.groups_claim),
                    OVERAGE_ATTRIBUTE: cognito.ProviderAttribute.other(SAML_OVERAGE_ATTRIBUTE),
                },
            ),
        )
