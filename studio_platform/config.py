"""Typed platform configuration, parsed and validated once from CDK context.

Stacks and constructs never read context: `app.py` calls `load_platform_config` and hands
the typed values on. Every rule failure raises `ConfigError` naming the flag (or the teams
file, team and field) and the rule, before any construct exists.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit
from dataclasses import dataclass, field
from typing import Any, Callable

from studio_platform import cognito_password, names
from studio_platform.errors import ConfigError

ContextGetter = Callable[[str], Any]

DEFAULT_INSTANCE_TYPES = (
    "system",
    "ml.t3.medium",
    "ml.t3.large",
    "ml.t3.xlarge",
    "ml.m5.large",
    "ml.m5.xlarge",
    "ml.m5.2xlarge",
    "ml.c5.large",
    "ml.c5.xlarge",
    "ml.c5.2xlarge",
)
DEFAULT_IDLE_TIMEOUT_MINUTES = 60.0
# SageMaker's native idle settings accept 60..525600 minutes; ours is a second line of
# defence behind the lifecycle checker, so it stops apps at most this long after idling.
NATIVE_IDLE_MAX_MINUTES = 240
DEFAULT_VPC_CIDR = "10.0.0.0/16"
POSTMAN_CALLBACK_URL = "https://oauth.pstmn.io/v1/browser-callback"
DEFAULT_SESSION_SECONDS = 8 * 3600
MAX_SESSION_SECONDS = 43200
MIN_SESSION_SECONDS = 1800
RETENTION_CHOICES = ("retain", "destroy")
API_ENDPOINT_TYPES = ("regional", "private")
# Who sets the account's API Gateway CloudWatch Logs role: this platform (login stack), or
# someone else before the first deploy (another platform already owns the account singleton).
API_GATEWAY_ACCOUNT_ROLE_CHOICES = ("create", "existing")


@dataclass(frozen=True)
class BudgetConfig:
    monthly_limit_usd: float
    thresholds_percent: tuple[float, ...] = (80.0, 100.0)
    emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class TeamConfig:
    name: str
    instance_types: tuple[str, ...] = DEFAULT_INSTANCE_TYPES
    idle_timeout_minutes: float = DEFAULT_IDLE_TIMEOUT_MINUTES
    pip_index_url: str | None = None
    conda_channel_url: str | None = None
    cost_centre: str | None = None
    owner: str | None = None
    budget: BudgetConfig | None = None
    retention: str = "retain"
    user_profiles: tuple[str, ...] = ()

    @property
    def destroy_on_delete(self) -> bool:
        return self.retention == "destroy"

    @property
    def tags(self) -> dict[str, str]:
        """Tags for every resource of the team: access control and cost allocation."""
        tags = {"DomainName": self.name}
        if self.cost_centre:
            tags["CostCentre"] = self.cost_centre
        if self.owner:
            tags["Owner"] = self.owner
        return tags


@dataclass(frozen=True)
class DemoUserConfig:
    username: str
    team: str
    # Never printed: repr=False keeps it out of logs and error messages.
    password: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class LoginConfig:
    api_endpoint_type: str = "regional"
    callback_urls: tuple[str, ...] = (POSTMAN_CALLBACK_URL,)
    cors_origins: tuple[str, ...] = ()
    deletion_protection: bool = True
    session_seconds: int = DEFAULT_SESSION_SECONDS
    alarm_emails: tuple[str, ...] = ()
    api_gateway_account_role: str = "create"

    @property
    def owns_api_gateway_account(self) -> bool:
        return self.api_gateway_account_role == "create"


@dataclass(frozen=True)
class PlatformConfig:
    account: str
    region: str
    availability_zones: tuple[str, ...]
    vpc_cidr: str
    teams: tuple[TeamConfig, ...]
    login: LoginConfig
    demo_user: DemoUserConfig | None = None
    admin_role_arns: tuple[str, ...] = ()

    def team(self, name: str) -> TeamConfig:
        return next(t for t in self.teams if t.name == name)


def split_list(value: Any) -> tuple[str, ...]:
    """A context value given as `a,b,c` on the command line or as a JSON list in cdk.json."""
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        items = str(value).split(",")
    return tuple(item.strip() for item in items if item.strip())


def parse_bool(value: Any, *, where: str, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise ConfigError(where, f"{value!r} must be true or false")


def parse_number(value: Any, *, where: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(where, f"{value!r} must be a number") from None
    if not low <= number <= high:
        raise ConfigError(where, f"{value!r} must be between {low:g} and {high:g}")
    return number


def parse_choice(value: Any, *, where: str, choices: tuple[str, ...], default: str) -> str:
    if value is None or value == "":
        return default
    text = str(value).strip().lower()
    if text not in choices:
        raise ConfigError(where, f"{value!r} must be one of: {', '.join(choices)}")
    return text


def parse_url(value: Any, *, where: str, schemes: tuple[str, ...] = ("https",)) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme not in schemes or not parts.netloc or any(c.isspace() for c in text):
        raise ConfigError(where, f"{text!r} must be an absolute {'/'.join(schemes)} URL")
    # The URL is embedded in a shell script: refuse characters a shell would interpret.
    if any(c in text for c in "'\"`$\\;|&<>"):
        raise ConfigError(where, f"{text!r} contains a character that is not allowed in a mirror URL")
    return text


def parse_urls(value: Any, *, where: str, schemes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(parse_url(u, where=where, schemes=schemes) or "" for u in split_list(value))


def parse_instance_types(value: Any, *, where: str) -> tuple[str, ...]:
    types = split_list(value)
    if not types:
        raise ConfigError(where, "the instance-type allowlist must name at least one type")
    return tuple(names.check_instance_type(t, where=where) for t in types)


def parse_availability_zones(value: Any, *, region: str) -> tuple[str, ...]:
    where = "-c availability-zones"
    zones = split_list(value) or (f"{region}a", f"{region}b")
    if len(zones) < 2:
        raise ConfigError(where, "give at least 2 availability zones (Studio needs subnets in 2+ AZs)")
    if len(set(zones)) != len(zones):
        raise ConfigError(where, f"availability zones must be distinct, got {','.join(zones)}")
    for zone in zones:
        if not (zone.startswith(region) and len(zone) == len(region) + 1 and zone[-1].isalpha()):
            raise ConfigError(where, f"{zone!r} is not an availability zone of {region} (like {region}a)")
    return zones


def parse_vpc_cidr(value: Any) -> str:
    where = "-c vpc-cidr"
    text = str(value or DEFAULT_VPC_CIDR).strip()
    try:
        network = ipaddress.IPv4Network(text, strict=True)
    except ValueError:
        raise ConfigError(where, f"{text!r} must be an IPv4 network in CIDR form (like 10.0.0.0/16)") from None
    if not network.is_private or not 16 <= network.prefixlen <= 22:
        raise ConfigError(where, f"{text!r} must be a private range with a prefix between /16 and /22")
    return text


def team_defaults(get: ContextGetter) -> dict[str, Any]:
    """Platform-wide team defaults from context; a teams file may override them per team."""
    defaults: dict[str, Any] = {}
    if get("instance-types") is not None:
        defaults["instance_types"] = parse_instance_types(get("instance-types"), where="-c instance-types")
    if get("idle-timeout-minutes") is not None:
        defaults["idle_timeout_minutes"] = parse_number(
            get("idle-timeout-minutes"), where="-c idle-timeout-minutes", low=5, high=NATIVE_IDLE_MAX_MINUTES
        )
    defaults["pip_index_url"] = parse_url(get("pip-index-url"), where="-c pip-index-url")
    defaults["conda_channel_url"] = parse_url(get("conda-channel-url"), where="-c conda-channel-url")
    defaults["retention"] = parse_choice(
        get("retention"), where="-c retention", choices=RETENTION_CHOICES, default="retain"
    )
    return defaults


def load_teams(get: ContextGetter, *, region: str, account: str) -> tuple[TeamConfig, ...]:
    defaults = team_defaults(get)
    retired = frozenset(split_list(get("retired-teams")))
    teams_file = get("teams-file")
    if teams_file:
        from studio_platform.teams_file import load_teams_file

        teams = load_teams_file(
            str(teams_file), defaults=defaults, region=region, account=account, also_retired=retired
        )
    else:
        where = "-c domain-name"
        team_names = split_list(get("domain-name"))
        if not team_names:
            raise ConfigError(where, "name at least one team (like -c domain-name=team1,team2) or pass -c teams-file")
        teams = tuple(
            TeamConfig(name=names.check_team_name(n, where=where, region=region, account=account), **defaults)
            for n in team_names
        )
        for team in teams:
            if team.name in retired:
                raise ConfigError(where, names.retired_team_rule(team.name, region, account))
    seen: set[str] = set()
    for team in teams:
        if team.name in seen:
            raise ConfigError("-c teams-file" if teams_file else "-c domain-name", f"team {team.name!r} is listed twice")
        seen.add(team.name)
    return teams


def load_login(get: ContextGetter) -> LoginConfig:
    callback_urls = parse_urls(get("callback-urls"), where="-c callback-urls", schemes=("https", "http"))
    cors_origins = parse_urls(get("cors-origins"), where="-c cors-origins", schemes=("https",))
    session = get("session-duration-seconds")
    return LoginConfig(
        api_endpoint_type=parse_choice(
            get("api-endpoint-type"), where="-c api-endpoint-type", choices=API_ENDPOINT_TYPES, default="regional"
        ),
        callback_urls=callback_urls or (POSTMAN_CALLBACK_URL,),
        cors_origins=cors_origins,
        deletion_protection=parse_bool(
            get("user-pool-deletion-protection"), where="-c user-pool-deletion-protection", default=True
        ),
        session_seconds=int(
            parse_number(
                session,
                where="-c session-duration-seconds",
                low=MIN_SESSION_SECONDS,
                high=MAX_SESSION_SECONDS,
            )
        )
        if session is not None
        else DEFAULT_SESSION_SECONDS,
        alarm_emails=split_list(get("alarm-emails")),
        api_gateway_account_role=parse_choice(
            get("api-gateway-account-role"),
            where="-c api-gateway-account-role",
            choices=API_GATEWAY_ACCOUNT_ROLE_CHOICES,
            default="create",
        ),
    )


def load_demo_user(get: ContextGetter, teams: tuple[TeamConfig, ...]) -> DemoUserConfig | None:
    username = str(get("user") or "").strip()
    if not username:
        return None
    if not 1 <= len(username) <= 128 or any(c.isspace() for c in username):
        raise ConfigError("-c user", f"{username!r} must be 1-128 characters without spaces (Cognito username)")
    team = str(get("user-team") or teams[0].name)
    if team not in {t.name for t in teams}:
        raise ConfigError("-c user-team", f"{team!r} is not one of the configured teams")
    password = get("password")
    if password is not None:
        password = str(password)
        check_password(password)
    return DemoUserConfig(username=username, team=team, password=password)


def check_password(password: str) -> None:
    """The user pool's policy with Cognito's own character classes, checked before deploy so a
    password Cognito would refuse fails synth; the error names the rule, never the password."""
    broken_rule = cognito_password.policy_violation(password)
    if broken_rule is not None:
        raise ConfigError("-c password", broken_rule)


def parse_admin_role_arns(value: Any) -> tuple[str, ...]:
    """Roles of the platform team that keep object access to every team bucket."""
    arns = split_list(value)
    for arn in arns:
        if not names.IAM_ROLE_ARN_PATTERN.match(arn):
            raise ConfigError("-c admin-role-arns", f"{arn!r} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
    return arns


def require(get: ContextGetter, key: str) -> str:
    value = get(key)
    if value is None or str(value).strip() == "":
        raise ConfigError(f"-c {key}", "is required (set it on the command line or in cdk.json)")
    return str(value).strip()


def load_platform_config(get: ContextGetter) -> PlatformConfig:
    account = names.check_account(require(get, "account"))
    region = names.check_region(require(get, "region"))
    teams = load_teams(get, region=region, account=account)
    return PlatformConfig(
        account=account,
        region=region,
        availability_zones=parse_availability_zones(get("availability-zones"), region=region),
        vpc_cidr=parse_vpc_cidr(get("vpc-cidr")),
        teams=teams,
        login=load_login(get),
        demo_user=load_demo_user(get, teams),
        admin_role_arns=parse_admin_role_arns(get("admin-role-arns")),
    )
