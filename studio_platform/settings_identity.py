"""The identity provider's settings (a teams file's `identity_provider:` block) and a team's `idp_groups`.

Rules as the services that receive them apply them: Cognito's ProviderName, Secrets Manager's
secret name, Cognito's attribute-mapping value. The settings model (studio_platform.settings)
builds IdentityProviderConfig from these types; teams_file.py checks that `idp_groups` is only
given with an identity provider.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Literal, get_args
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, Strict
from typing_extensions import TypeAliasType

from studio_platform.errors import ConfigError
from studio_platform.settings_types import HERE, Distinct

# --- identity provider (teams file only) ----------------------------------------------------------

IdentityProviderType = Literal["oidc", "saml"]
IDENTITY_PROVIDER_TYPES: tuple[str, ...] = get_args(IdentityProviderType)
# Cognito's ProviderName: 3-32 characters, `[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+`.
PROVIDER_NAME_MAX_LENGTH = 32
# Cognito's own and social provider names: an OIDC or SAML provider may not take them.
RESERVED_PROVIDER_NAMES = frozenset({"cognito", "facebook", "google", "loginwithamazon", "signinwithapple"})
# Secrets Manager's rule for a secret name.
SECRET_NAME_PATTERN = r"^[A-Za-z0-9/_+=.@-]{1,512}$"
# Cognito's attribute-mapping value: the IdP's claim (OIDC) or SAML attribute name (often a URI).
CLAIM_NAME_PATTERN = r"^[!-~]{1,256}$"
# An IdP group as the IdP sends it (an Entra object id, or a name); the groups attribute holds 2048.
IDP_GROUP_MAX_LENGTH = 256


def cognito_provider_name(value: str) -> str:
    """Cognito's ProviderName rule, with Unicode categories (Python's `re` has no `\\p{...}`)."""
    def separator(character: str) -> bool:
        return unicodedata.category(character).startswith("Z")

    shaped = (
        3 <= len(value) <= PROVIDER_NAME_MAX_LENGTH
        and all(character != "_" and not separator(character) for character in value[:1] + value[2:])
        and unicodedata.category(value[1])[0] in "LMSNP"
    )
    if not shaped:
        raise ConfigError(
            HERE,
            f"{value!r} must be 3-{PROVIDER_NAME_MAX_LENGTH} characters without spaces or underscores "
            "(Cognito's rule for a provider name; an underscore is allowed only as the second character)",
        )
    if value.lower() in RESERVED_PROVIDER_NAMES:
        raise ConfigError(HERE, f"{value!r} is a name Cognito reserves for its own or a social provider")
    return value


def https_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or any(character.isspace() for character in value):
        raise ConfigError(HERE, f"{value!r} must be an absolute https URL")
    return value


def idp_group(value: str) -> str:
    if not value.strip() or value != value.strip():
        raise ConfigError(
            HERE, f"{value!r} must be an IdP group id or name without leading or trailing spaces (matched exactly)"
        )
    return value


ProviderType = Annotated[IdentityProviderType, Field(description="oidc or saml (the protocol of the identity provider)")]
ProviderName = Annotated[
    str,
    Strict(),
    Field(description="the user pool's name of the identity provider (like EntraID)"),
    AfterValidator(cognito_provider_name),
]
HttpsUrl = Annotated[str, Strict(), Field(description="an absolute https URL"), AfterValidator(https_url)]
OidcClientId = Annotated[
    str, Strict(), Field(pattern=r"^\S{1,255}$", description="the IdP's application (client) id, without spaces (oidc only)")
]
SecretName = Annotated[
    str,
    Strict(),
    Field(
        pattern=SECRET_NAME_PATTERN,
        description="the name of the Secrets Manager secret holding the client secret (1-512 letters, digits and "
        "/ _ + = . @ -; oidc only); the template holds only a reference to it",
    ),
]
ClaimName = Annotated[
    str,
    Strict(),
    Field(
        pattern=CLAIM_NAME_PATTERN,
        description="the name of the IdP claim (OIDC) or SAML attribute that lists the user's groups: 1-256 "
        "printable characters without spaces",
    ),
]
IdpGroup = Annotated[
    str,
    Strict(),
    Field(
        min_length=1,
        max_length=IDP_GROUP_MAX_LENGTH,
        description=f"an IdP group as the IdP sends it (an Entra object id or a group name, 1-{IDP_GROUP_MAX_LENGTH} "
        "characters)",
    ),
    AfterValidator(idp_group),
]
IdpGroups = TypeAliasType(
    "idp_groups",
    Annotated[
        tuple[IdpGroup, ...],
        Field(
            min_length=1,
            description="a non-empty list of the IdP groups whose members enter this team (default: the group named "
            "like the team); needs identity_provider",
        ),
        Distinct(),
    ],
)
