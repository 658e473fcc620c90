"""Typed platform configuration, parsed and validated once from CDK context.

Stacks and constructs never read context: `app.py` calls `load_platform_config` and hands
the typed values on. Every problem is found before any construct exists and reported
together, one line each, naming the flag (or the teams file, team and field) and the rule.
"""

from __future__ import annotations

import fnmatch
import ipaddress
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence
from urllib.parse import urlsplit

from studio_platform import cognito_password, names, rules
from studio_platform.context_keys import check_context_keys
from studio_platform.errors import ConfigError, Problems

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
DEFAULT_TEAMS = ("team1",)
DEFAULT_IDLE_TIMEOUT_MINUTES = 60.0
MIN_IDLE_TIMEOUT_MINUTES = 5
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
        tags = {names.TEAM_TAG_KEY: self.name}
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
    # Accepted, but worth a line on the terminal (e.g. an allowlist without `system`).
    warnings: tuple[str, ...] = ()

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
    rules.check_finite(number, where=where)
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


def parse_each(value: Any, check: Callable[..., str], *, where: str) -> tuple[str, ...]:
    """Every item of a comma list through `check`; all bad items reported, not only the first."""
    problems = Problems()
    items = tuple(problems.check(lambda item=item: check(item, where=where), "") for item in split_list(value))
    problems.raise_if_any()
    return items


def check_instance_types(
    types: Sequence[str], *, where: str, problems: Problems, indexed: bool = False
) -> tuple[str, ...]:
    """The allowlist: at least one type, each known to SageMaker; a warning without `system`.

    `indexed`: name each item's position (`where[i]`), as for a list in the teams file.
    """
    if not types:
        raise ConfigError(where, "the instance-type allowlist must name at least one type")
    checked = tuple(
        problems.check(lambda i=i, t=t: rules.check_instance_type(t, where=f"{where}[{i}]" if indexed else where), t)
        for i, t in enumerate(types)
    )
    if not any(fnmatch.fnmatchcase(rules.SYSTEM_INSTANCE_TYPE, t) for t in checked):
        problems.warn(
            where,
            f"{rules.SYSTEM_INSTANCE_TYPE!r} is not in the allowlist: Studio's own server app runs on it, "
            "so users cannot open Studio",
        )
    return checked


def parse_availability_zones(value: Any, *, region: str) -> tuple[str, ...]:
    where = "-c availability-zones"
    zones = split_list(value) or (f"{region}a", f"{region}b")
    if len(zones) < 2:
        raise ConfigError(where, "give at least 2 availability zones (Studio needs subnets in 2+ AZs)")
    if len(set(zones)) != len(zones):
        raise ConfigError(where, f"availability zones must be distinct, got {','.join(zones)}")
    return parse_each(zones, lambda zone, where: rules.check_availability_zone(zone, region=region, where=where), where=where)


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


# Team settings a -c flag sets for every team: flag -> TeamConfig field (a teams file may not repeat them).
TEAM_SETTING_FLAGS = {
    "instance-types": "instance_types",
    "idle-timeout-minutes": "idle_timeout_minutes",
    "pip-index-url": "pip_index_url",
    "conda-channel-url": "conda_channel_url",
    "retention": "retention",
}


def team_defaults(get: ContextGetter, problems: Problems | None = None) -> dict[str, Any]:
    """TeamConfig fields of the team-setting flags that were given (and only those)."""
    own = problems is None
    problems = problems or Problems()
    parsers: dict[str, Callable[[Any, str], Any]] = {
        "instance-types": lambda value, where: check_instance_types(split_list(value), where=where, problems=problems),
        "idle-timeout-minutes": lambda value, where: parse_number(
            value, where=where, low=MIN_IDLE_TIMEOUT_MINUTES, high=NATIVE_IDLE_MAX_MINUTES
        ),
        "pip-index-url": lambda value, where: parse_url(value, where=where),
        "conda-channel-url": lambda value, where: parse_url(value, where=where),
        "retention": lambda value, where: parse_choice(value, where=where, choices=RETENTION_CHOICES, default="retain"),
    }
    defaults: dict[str, Any] = {}
    for flag, parse in parsers.items():
        value = get(flag)
        if value is None:
            continue
        parsed = problems.check(lambda: parse(value, f"-c {flag}"), None)
        if parsed is not None:
            defaults[TEAM_SETTING_FLAGS[flag]] = parsed
    if own:
        problems.raise_if_any()
    return defaults


def load_teams(get: ContextGetter, *, region: str, account: str, problems: Problems) -> tuple[TeamConfig, ...]:
    defaults = team_defaults(get, problems)
    retired = frozenset(split_list(get("retired-teams")))
    teams_file = get("teams-file")
    if teams_file:
        if get("domain-name") is not None:
            problems.add("-c domain-name", "conflicts with -c teams-file: name the teams in the file only")
        from studio_platform.teams_file import load_teams_file

        return problems.check(
            lambda: load_teams_file(
                str(teams_file),
                defaults=defaults,
                region=region,
                account=account,
                also_retired=retired,
                problems=problems,
            ),
            (),
        )
    where = "-c domain-name"
    team_names = split_list(get("domain-name")) if get("domain-name") is not None else DEFAULT_TEAMS
    if not team_names:
        raise ConfigError(where, "name at least one team (like -c domain-name=team1,team2) or pass -c teams-file")
    teams = []
    for name in dict.fromkeys(team_names):
        if team_names.count(name) > 1:
            problems.add(where, f"team {name!r} is listed twice")
        elif name in retired:
            problems.add(where, names.retired_team_rule(name, region, account))
        elif problems.check(lambda: names.check_team_name(name, where=where, region=region, account=account), None):
            teams.append(TeamConfig(name=name, **defaults))
    return tuple(teams)


def load_login(get: ContextGetter, problems: Problems) -> LoginConfig:
    session = get("session-duration-seconds")

    def field(step: Callable[[], Any], default: Any) -> Any:
        return problems.check(step, default)

    return LoginConfig(
        api_endpoint_type=field(
            lambda: parse_choice(
                get("api-endpoint-type"), where="-c api-endpoint-type", choices=API_ENDPOINT_TYPES, default="regional"
            ),
            "regional",
        ),
        callback_urls=field(
            lambda: parse_each(get("callback-urls"), rules.check_callback_url, where="-c callback-urls"), ()
        )
        or (POSTMAN_CALLBACK_URL,),
        cors_origins=field(lambda: parse_each(get("cors-origins"), rules.check_cors_origin, where="-c cors-origins"), ()),
        deletion_protection=field(
            lambda: parse_bool(
                get("user-pool-deletion-protection"), where="-c user-pool-deletion-protection", default=True
            ),
            True,
        ),
        session_seconds=field(
            lambda: int(
                parse_number(
                    session, where="-c session-duration-seconds", low=MIN_SESSION_SECONDS, high=MAX_SESSION_SECONDS
                )
            ),
            DEFAULT_SESSION_SECONDS,
        )
        if session is not None
        else DEFAULT_SESSION_SECONDS,
        alarm_emails=field(lambda: parse_each(get("alarm-emails"), rules.check_email, where="-c alarm-emails"), ()),
        api_gateway_account_role=field(
            lambda: parse_choice(
                get("api-gateway-account-role"),
                where="-c api-gateway-account-role",
                choices=API_GATEWAY_ACCOUNT_ROLE_CHOICES,
                default="create",
            ),
            "create",
        ),
    )


def load_demo_user(get: ContextGetter, teams: tuple[TeamConfig, ...], problems: Problems) -> DemoUserConfig | None:
    username = str(get("user") or "").strip()
    if not username:
        for flag in ("password", "user-team"):
            if get(flag) is not None:
                problems.add(f"-c {flag}", "has no effect without a demo user: set -c user too, or drop it")
        return None
    if not 1 <= len(username) <= 128 or any(c.isspace() for c in username):
        problems.add("-c user", f"{username!r} must be 1-128 characters without spaces (Cognito username)")
    team = str(get("user-team") or (teams[0].name if teams else ""))
    if teams and team not in {t.name for t in teams}:
        problems.add("-c user-team", f"{team!r} is not one of the configured teams")
    password = get("password")
    if password is not None:
        password = str(password)
        problems.check(lambda: check_password(password), None)
    return DemoUserConfig(username=username, team=team, password=password)


def check_password(password: str) -> None:
    """The user pool's policy with Cognito's own character classes, checked before deploy so a
    password Cognito would refuse fails synth; the error names the rule, never the password."""
    broken_rule = cognito_password.policy_violation(password)
    if broken_rule is not None:
        raise ConfigError("-c password", broken_rule)


def parse_admin_role_arns(value: Any) -> tuple[str, ...]:
    """Roles of the platform team that keep object access to every team bucket."""
    def check(arn: str, where: str) -> str:
        if not names.IAM_ROLE_ARN_PATTERN.match(arn):
            raise ConfigError(where, f"{arn!r} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
        return arn

    return parse_each(value, check, where="-c admin-role-arns")


def require(get: ContextGetter, key: str) -> str:
    value = get(key)
    if value is None or str(value).strip() == "":
        raise ConfigError(f"-c {key}", "is required (set it on the command line or in cdk.json)")
    return str(value).strip()


def load_platform_config(get: ContextGetter, *, keys: Iterable[str] = ()) -> PlatformConfig:
    """Every setting checked; all problems raised together (ConfigErrors), warnings kept.

    `keys`: every context key given (cdk.json and -c); unknown ones are problems.
    """
    problems = Problems()
    check_context_keys(keys, problems)
    account = problems.check(lambda: names.check_account(require(get, "account")), "")
    region = problems.check(lambda: check_region(require(get, "region")), "")
    # Team names are checked against the bucket-name length even when account or region is
    # wrong: the raw values' lengths give the operator the rest of the problems now.
    raw_account, raw_region = account or str(get("account") or ""), region or str(get("region") or "")
    teams = problems.check(lambda: load_teams(get, region=raw_region, account=raw_account, problems=problems), ())
    config = PlatformConfig(
        account=account,
        region=region,
        availability_zones=problems.check(
            lambda: parse_availability_zones(get("availability-zones"), region=region), ()
        )
        if region
        else (),
        vpc_cidr=problems.check(lambda: parse_vpc_cidr(get("vpc-cidr")), DEFAULT_VPC_CIDR),
        teams=teams,
        login=load_login(get, problems),
        demo_user=load_demo_user(get, teams, problems),
        admin_role_arns=problems.check(lambda: parse_admin_role_arns(get("admin-role-arns")), ()),
        warnings=tuple(problems.warnings),
    )
    problems.raise_if_any()
    return config


def check_region(region: str) -> str:
    return rules.check_known_region(names.check_region(region), where="-c region")
