"""The platform's settings model: what `-c` flags and the teams file are both validated into.

Frozen pydantic dataclasses: constructing one validates it, so a BudgetConfig or TeamConfig that
exists obeys every rule of studio_platform.settings_types. `TeamSettings` is what a team may set
(from flags for every team, from a teams file's `defaults:` or a team entry); `TeamEntry` adds
the name a teams file gives; `TeamConfig` is a team the stacks build; `TeamsDocument` is a whole
teams file (studio_platform/teams.schema.json is generated from it). Rules that relate several
inputs (a team listed twice, a flag the file also sets, the demo user's team) are the readers'
(config.py, teams_file.py); this module reads no input.
"""

from __future__ import annotations

import fnmatch
from typing import Annotated, Any, Callable, NamedTuple, Optional, TypeVar

from pydantic import ConfigDict, Field, Strict, ValidationInfo, field_validator, model_validator
from pydantic.dataclasses import dataclass
from pydantic_core import PydanticCustomError
from typing_extensions import dataclass_transform

from studio_platform import names, rules
from studio_platform.errors import ConfigError
from studio_platform.settings_identity import (
    ClaimName,
    HttpsUrl,
    IdpGroups,
    OidcClientId,
    ProviderName,
    ProviderType,
    SecretName,
)
from studio_platform.settings_types import (
    DEFAULT_IDLE_TIMEOUT_MINUTES,
    DEFAULT_INSTANCE_TYPES,
    DEFAULT_SESSION_SECONDS,
    DEFAULT_VPC_CIDR,
    HERE,
    MAX_BUDGET_EMAILS,
    MAX_BUDGET_THRESHOLDS,
    POSTMAN_CALLBACK_URL,
    DEFAULT_APPROVAL_HOURS,
    AccountId,
    ApprovalHours,
    ConnectionArn,
    DeploySourceText,
    EntraId,
    ApiEndpointType,
    ApiGatewayAccountRole,
    BudgetEmail,
    CallbackUrl,
    CognitoGroupSetting,
    CognitoUsername,
    CorsOrigin,
    Distinct,
    Email,
    IdleTimeoutMinutes,
    InstanceTypes,
    MirrorUrl,
    MonthlyLimit,
    NotNull,
    PageCertificateArn,
    PageDomain,
    Password,
    Percent,
    RegionName,
    RetiredName,
    RetentionSetting,
    RoleArn,
    SessionSeconds,
    TagValue,
    TeamName,
    UserProfiles,
    VpcCidr,
    drop_extensions,
    extensions_schema,
)


M = TypeVar("M")


@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(Field,))
def settings_model(description: str | None = None, *, extensions: bool = False) -> Callable[[type[M]], type[M]]:
    """A frozen, keyword-only pydantic dataclass whose unknown fields are errors.

    `description`: what a teams-file error says the mapping must be. `extensions`: `x-` keys are
    the author's own (YAML anchors live there): allowed by the schema, dropped before validation.
    """
    extra = ({"description": description} if description else {}) | (extensions_schema() if extensions else {})

    def build(cls: type[M]) -> type[M]:
        if extensions:
            cls._without_extensions = model_validator(mode="before")(classmethod(drop_extensions))
        config = ConfigDict(extra="forbid", json_schema_extra=extra or None)
        return dataclass(frozen=True, kw_only=True, config=config)(cls)

    return build


@settings_model("a mapping with monthly_limit_usd and optional thresholds_percent and emails")
class BudgetConfig:
    monthly_limit_usd: MonthlyLimit
    thresholds_percent: Annotated[
        tuple[Percent, ...],
        Field(
            min_length=1,
            max_length=MAX_BUDGET_THRESHOLDS,
            description=f"a list of 1 to {MAX_BUDGET_THRESHOLDS} distinct percentages of the monthly limit that alert "
            "(AWS Budgets allows 5 notifications per budget; one is the forecast alert)",
        ),
        Distinct(),
    ] = (80.0, 100.0)
    emails: Annotated[
        tuple[BudgetEmail, ...],
        Field(
            max_length=MAX_BUDGET_EMAILS,
            description=f"a list of at most {MAX_BUDGET_EMAILS} e-mail addresses to alert (the AWS Budgets limit per "
            "notification)",
        ),
        Distinct(),
    ] = ()


@settings_model("a mapping of team settings applied to every team (a team's own setting wins)", extensions=True)
class TeamSettings:
    """What a team may set; a teams file's `defaults:` block has exactly these fields."""

    instance_types: InstanceTypes = DEFAULT_INSTANCE_TYPES
    idle_timeout_minutes: IdleTimeoutMinutes = DEFAULT_IDLE_TIMEOUT_MINUTES
    pip_index_url: MirrorUrl = None
    conda_channel_url: MirrorUrl = None
    cost_centre: Annotated[Optional[TagValue], NotNull()] = None
    owner: Annotated[Optional[TagValue], NotNull()] = None
    budget: Annotated[Optional[BudgetConfig], NotNull()] = None
    retention: RetentionSetting = "retain"
    user_profiles: UserProfiles = ()

    @property
    def allowlist_warning(self) -> str | None:
        """Accepted, but nobody could open Studio: its own server app runs on `system`."""
        if any(fnmatch.fnmatchcase(rules.SYSTEM_INSTANCE_TYPE, pattern) for pattern in self.instance_types):
            return None
        return (
            f"{rules.SYSTEM_INSTANCE_TYPE!r} is not in the allowlist: Studio's own server app runs on it, "
            "so users cannot open Studio"
        )


@settings_model()
class TeamConfig(TeamSettings):
    """A team the stacks build: its name (checked by the reader for this account and region)."""

    name: str
    idp_groups: IdpGroups = ()
    cognito_group: CognitoGroupSetting = "stack"

    @property
    def entry_groups(self) -> tuple[str, ...]:
        """The IdP groups whose members enter this team: its own, or the group named like the team."""
        return self.idp_groups or (self.name,)

    @property
    def destroy_on_delete(self) -> bool:
        return self.retention == "destroy"

    @property
    def tags(self) -> dict[str, str]:
        """Tags for every resource of the team: access control and cost allocation."""
        tags = {names.TEAM_TAG_KEY: self.name}
        if self.cost_centre:
            tags["CostCentre"] = self.cost_centre
        if self.owner:
            tags["Owner"] = self.owner
        return tags


@settings_model("a mapping with the team's `name` and optional settings", extensions=True)
class TeamEntry(TeamSettings):
    """A team of a teams file; validate with context {"region", "account"} (the name's length rule)."""

    name: TeamName
    idp_groups: IdpGroups = ()
    cognito_group: CognitoGroupSetting = "stack"


@settings_model("a mapping with the team's `name`, `owner`, `cost_centre`, `budget` and optional settings")
class TeamOrder:
    """A team as a requester orders it through the ordering API: the teams file's rules, and
    the settings a requester may choose (retention, profiles and groups stay the platform's).
    Validate with context {"region", "account"}, like a TeamEntry."""

    name: TeamName
    owner: TagValue
    cost_centre: TagValue
    budget: BudgetConfig
    instance_types: InstanceTypes = DEFAULT_INSTANCE_TYPES
    idle_timeout_minutes: IdleTimeoutMinutes = DEFAULT_IDLE_TIMEOUT_MINUTES
    pip_index_url: MirrorUrl = None
    conda_channel_url: MirrorUrl = None


# Which fields each protocol needs (the others it refuses): OIDC signs in with a client of the
# IdP, SAML trusts the IdP's metadata document.
PROVIDER_FIELDS = {"oidc": ("issuer", "client_id", "client_secret_name"), "saml": ("metadata_url",)}


@settings_model("a mapping with the identity provider's type, name and its protocol's settings")
class IdentityProviderConfig:
    """The corporate identity provider the user pool federates (OIDC or SAML)."""

    type: ProviderType
    name: ProviderName
    issuer: Annotated[
        Optional[HttpsUrl], Field(validate_default=True, description="the OIDC issuer, an https URL (oidc only)")
    ] = None
    metadata_url: Annotated[
        Optional[HttpsUrl], Field(validate_default=True, description="the SAML metadata document's https URL (saml only)")
    ] = None
    client_id: Annotated[Optional[OidcClientId], Field(validate_default=True)] = None
    client_secret_name: Annotated[Optional[SecretName], Field(validate_default=True)] = None
    groups_claim: ClaimName = "groups"

    @field_validator("issuer", "metadata_url", "client_id", "client_secret_name", mode="wrap")
    @classmethod
    def fits_protocol(cls, value: Any, handler: Callable[[Any], Any], info: ValidationInfo) -> Any:
        protocol = info.data.get("type")
        needed = protocol is not None and info.field_name in PROVIDER_FIELDS[protocol]
        if value is None and needed:
            # "missing": worded from the field's description, and left out beside an unknown field
            # (`metadata:` for `metadata_url:`), like any other required field.
            raise PydanticCustomError("missing", "is required for this type")
        if value is not None and protocol is not None and not needed:
            raise ConfigError(HERE, f"is not a setting of an {protocol.upper()} provider; drop it")
        # Without a valid type (the problem reported), a given value is still checked by its own rule.
        return None if value is None else handler(value)


@settings_model("a mapping with a `teams:` list and an optional `defaults:` mapping", extensions=True)
class TeamsDocument:
    # Optional: without it, local Cognito users only.
    identity_provider: Annotated[Optional[IdentityProviderConfig], NotNull()] = None
    defaults: Annotated[TeamSettings, Field(default_factory=TeamSettings)]
    teams: Annotated[
        tuple[TeamEntry, ...],
        Field(min_length=1, description="a non-empty list of teams, each a mapping with at least a `name`"),
    ]
    retired_teams: Annotated[
        tuple[RetiredName, ...],
        Field(
            description="a list of team names removed with retention=retain whose data bucket still exists (such a "
            "name cannot be a team until that data is gone)"
        ),
        Distinct(),
    ] = ()


@settings_model()
class LoginConfig:
    api_endpoint_type: ApiEndpointType = "regional"
    callback_urls: tuple[CallbackUrl, ...] = (POSTMAN_CALLBACK_URL,)
    cors_origins: tuple[CorsOrigin, ...] = ()
    deletion_protection: Annotated[bool, Strict()] = True
    session_seconds: SessionSeconds = DEFAULT_SESSION_SECONDS
    alarm_emails: tuple[Email, ...] = ()
    api_gateway_account_role: ApiGatewayAccountRole = "create"
    # The login page's own DNS name and its certificate: both, or neither (CloudFront's name).
    page_domain: PageDomain = None
    page_certificate_arn: Annotated[PageCertificateArn, Field(validate_default=True)] = None

    @field_validator("page_certificate_arn")
    @classmethod
    def certificate_with_domain(cls, arn: str | None, info: ValidationInfo) -> str | None:
        if "page_domain" not in info.data:
            return arn  # the domain itself was refused; that is the problem to report
        domain = info.data["page_domain"]
        if domain and not arn:
            raise ConfigError(
                HERE, f"is required with a login page domain: an ACM certificate in us-east-1 that covers {domain}"
            )
        if arn and not domain:
            raise ConfigError(HERE, "has no effect without a login page domain: set -c login-page-domain too, or drop it")
        return arn

    @property
    def owns_api_gateway_account(self) -> bool:
        return self.api_gateway_account_role == "create"


class EntraApp(NamedTuple):
    """The Graph app registration the ordering workflow creates Entra ID groups as."""

    tenant_id: str
    client_id: str
    client_secret_name: str
    app_object_id: str


@settings_model()
class OrderingConfig:
    """The ordering stack: who approves, how long an order waits, where the deploy gets the code."""

    approver_emails: tuple[Email, ...] = ()
    approval_hours: ApprovalHours = DEFAULT_APPROVAL_HOURS
    # None: a zip in the ordering stack's own source bucket (README: Ordering a team).
    deploy_source: DeploySourceText = None
    deploy_connection_arn: Annotated[ConnectionArn, Field(validate_default=True)] = None
    # Off by default: the workflow also creates the team's Entra ID group through Microsoft
    # Graph, as the app registration `entra_client_id` of tenant `entra_tenant_id` (its secret
    # in Secrets Manager under `entra_client_secret_name`).
    entra_groups: Annotated[bool, Strict()] = False
    entra_tenant_id: Annotated[EntraId, Field(validate_default=True)] = None
    entra_client_id: Annotated[EntraId, Field(validate_default=True)] = None
    entra_client_secret_name: Annotated[Optional[SecretName], Field(validate_default=True)] = None
    # The sign-in application's service principal (Enterprise applications: Object ID), which
    # the new group is assigned to so that it reaches its users' tokens.
    entra_app_object_id: Annotated[EntraId, Field(validate_default=True)] = None

    @field_validator("deploy_connection_arn")
    @classmethod
    def connection_with_github(cls, arn: str | None, info: ValidationInfo) -> str | None:
        if "deploy_source" not in info.data:
            return arn  # the source itself was refused; that is the problem to report
        source = info.data["deploy_source"]
        github = source is not None and rules.parse_deploy_source(source, where=HERE).kind == "github"
        if github and not arn:
            raise ConfigError(HERE, "is required with a GitHub deploy source: the CodeConnections connection to it")
        if arn and not github:
            raise ConfigError(HERE, "has no effect without a GitHub deploy source: drop it, or set -c order-deploy-source")
        return arn

    @field_validator("entra_tenant_id", "entra_client_id", "entra_client_secret_name", "entra_app_object_id")
    @classmethod
    def entra_settings_with_entra_groups(cls, value: str | None, info: ValidationInfo) -> str | None:
        enabled = info.data.get("entra_groups", False)
        if enabled and value is None:
            raise ConfigError(HERE, "is required with -c order-entra-groups=true (the Graph app registration)")
        if value is not None and not enabled:
            raise ConfigError(HERE, "has no effect without -c order-entra-groups=true: set it too, or drop this")
        return value

    @property
    def entra(self) -> EntraApp | None:
        if not self.entra_groups:
            return None
        return EntraApp(self.entra_tenant_id, self.entra_client_id, self.entra_client_secret_name, self.entra_app_object_id)

    @property
    def source(self) -> rules.DeploySource | None:
        return None if self.deploy_source is None else rules.parse_deploy_source(self.deploy_source, where=HERE)


@settings_model()
class DemoUserConfig:
    username: CognitoUsername
    team: str
    # Never printed: repr=False keeps it out of logs and error messages.
    password: Optional[Password] = Field(default=None, repr=False)


@settings_model()
class PlatformConfig:
    account: AccountId
    region: RegionName
    # Empty: the region's first two zones. Checked against the region, when that is valid.
    availability_zones: Annotated[tuple[Annotated[str, Strict()], ...], Field(validate_default=True)] = ()
    vpc_cidr: VpcCidr = DEFAULT_VPC_CIDR
    teams: tuple[TeamConfig, ...] = ()
    login: LoginConfig = Field(default_factory=LoginConfig)
    ordering: OrderingConfig = Field(default_factory=OrderingConfig)
    demo_user: Optional[DemoUserConfig] = None
    identity_provider: Optional[IdentityProviderConfig] = None
    admin_role_arns: tuple[RoleArn, ...] = ()
    # Accepted, but worth a line on the terminal (e.g. an allowlist without `system`).
    warnings: tuple[str, ...] = ()

    @field_validator("availability_zones")
    @classmethod
    def zones_of_region(cls, zones: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        region = info.data.get("region")
        if region is None:
            return ()
        return rules.check_availability_zones(zones or (f"{region}a", f"{region}b"), region=region, where=HERE)

    def team(self, name: str) -> TeamConfig:
        return next(t for t in self.teams if t.name == name)


def model_fields(model: type) -> dict[str, Any]:
    """Field name -> pydantic FieldInfo of a settings model."""
    return model.__pydantic_fields__
