"""Typed platform configuration, read and validated once from CDK context.

Stacks and constructs never read context: `app.py` calls `load_platform_config` and hands
the typed values on. Every problem is found before any construct exists and reported
together, one line each, naming the flag (or the teams file, team and field) and the rule.
The values and their rules are the settings model's (studio_platform.settings); this module
reads the flags into it (studio_platform.flags), hands a teams file to teams_file.py, and
checks what relates several flags (a team listed twice, the demo user's team).
"""

from __future__ import annotations

from typing import Any, Iterable

from studio_platform import names
from studio_platform.context_keys import check_context_keys
from studio_platform.errors import ConfigError, Problems
from studio_platform.flags import TEAM_SETTING_FLAGS, ContextGetter, report_rank, settings_from_flags, split_list
from studio_platform.settings import (
    BudgetConfig,
    DemoUserConfig,
    IdentityProviderConfig,
    LoginConfig,
    OrderingConfig,
    PlatformConfig,
    TeamConfig,
    TeamSettings,
)
from studio_platform.settings_types import (
    API_ENDPOINT_TYPES,
    API_GATEWAY_ACCOUNT_ROLE_CHOICES,
    DEFAULT_IDLE_TIMEOUT_MINUTES,
    DEFAULT_INSTANCE_TYPES,
    DEFAULT_SESSION_SECONDS,
    DEFAULT_VPC_CIDR,
    MAX_SESSION_SECONDS,
    MIN_IDLE_TIMEOUT_MINUTES,
    MIN_SESSION_SECONDS,
    NATIVE_IDLE_MAX_MINUTES,
    POSTMAN_CALLBACK_URL,
    RETENTION_CHOICES,
    cognito_policy,
)
from studio_platform.teams_file import TeamsFile, read_teams_file

# The names other modules import from here.
__all__ = [
    "API_ENDPOINT_TYPES",
    "API_GATEWAY_ACCOUNT_ROLE_CHOICES",
    "DEFAULT_IDLE_TIMEOUT_MINUTES",
    "DEFAULT_INSTANCE_TYPES",
    "DEFAULT_SESSION_SECONDS",
    "DEFAULT_TEAMS",
    "DEFAULT_VPC_CIDR",
    "MAX_SESSION_SECONDS",
    "MIN_IDLE_TIMEOUT_MINUTES",
    "MIN_SESSION_SECONDS",
    "NATIVE_IDLE_MAX_MINUTES",
    "POSTMAN_CALLBACK_URL",
    "RETENTION_CHOICES",
    "TEAM_SETTING_FLAGS",
    "BudgetConfig",
    "ContextGetter",
    "DemoUserConfig",
    "IdentityProviderConfig",
    "LoginConfig",
    "OrderingConfig",
    "PlatformConfig",
    "TeamConfig",
    "check_password",
    "load_platform_config",
    "split_list",
    "team_defaults",
]

DEFAULT_TEAMS = ("team1",)


def load_platform_config(get: ContextGetter, *, keys: Iterable[str] = ()) -> PlatformConfig:
    """Every setting checked; all problems raised together (ConfigErrors), warnings kept.

    `keys`: every context key given (cdk.json and -c); unknown ones are problems.
    """
    problems = Problems()
    check_context_keys(keys, problems)
    # Team names are checked against the bucket-name length even when account or region is
    # wrong: the raw values' lengths give the operator the rest of the problems now.
    account, region = (str(get(key) or "").strip() for key in ("account", "region"))
    teams, identity_provider = problems.check(
        lambda: load_teams(get, region=region, account=account, problems=problems), TeamsFile((), None)
    )
    login, _ = settings_from_flags(LoginConfig, get, problems)
    ordering, _ = settings_from_flags(OrderingConfig, get, problems)
    if ordering is not None and ordering.entra_groups and identity_provider is None:
        problems.add(
            "-c order-entra-groups",
            "needs the teams file's identity_provider: its groups are how federated users enter a team",
        )
    demo_user = load_demo_user(get, teams, problems)
    config, _ = settings_from_flags(
        PlatformConfig,
        get,
        problems,
        teams=teams,
        login=login or LoginConfig(),
        ordering=ordering or OrderingConfig(),
        demo_user=demo_user,
        identity_provider=identity_provider,
        warnings=tuple(problems.warnings),
    )
    problems.found.sort(key=report_rank)
    problems.raise_if_any()
    return config


def team_defaults(get: ContextGetter, problems: Problems | None = None) -> dict[str, Any]:
    """TeamConfig fields of the team-setting flags that were given (and only those)."""
    own = problems is None
    problems = problems or Problems()
    settings, given = settings_from_flags(TeamSettings, get, problems)
    if "instance_types" in given and settings.allowlist_warning:
        problems.warn("-c instance-types", settings.allowlist_warning)
    if own:
        problems.raise_if_any()
    return {field: getattr(settings, field) for field in given}


def load_teams(get: ContextGetter, *, region: str, account: str, problems: Problems) -> TeamsFile:
    """The teams, and the identity provider only a teams file can name."""
    defaults = team_defaults(get, problems)
    retired = frozenset(split_list(get("retired-teams")))
    teams_file = get("teams-file")
    if teams_file:
        if get("domain-name") is not None:
            problems.add("-c domain-name", "conflicts with -c teams-file: name the teams in the file only")
        return read_teams_file(
            str(teams_file), defaults=defaults, region=region, account=account, also_retired=retired, problems=problems
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
    return TeamsFile(tuple(teams), None)


def load_demo_user(get: ContextGetter, teams: tuple[TeamConfig, ...], problems: Problems) -> DemoUserConfig | None:
    username = str(get("user") or "").strip()
    if not username:
        for flag in ("user-team", "password"):
            if get(flag) is not None:
                problems.add(f"-c {flag}", "has no effect without a demo user: set -c user too, or drop it")
        return None
    team = str(get("user-team") or (teams[0].name if teams else ""))
    if teams and team not in {t.name for t in teams}:
        problems.add("-c user-team", f"{team!r} is not one of the configured teams")
    password = None if get("password") is None else str(get("password"))
    user, _ = settings_from_flags(DemoUserConfig, get, problems, username=username, team=team, password=password)
    return user


def check_password(password: str) -> None:
    """The user pool's policy with Cognito's own character classes, checked before deploy so a
    password Cognito would refuse fails synth; the error names the rule, never the password."""
    try:
        cognito_policy(password)
    except ConfigError as broken:
        raise ConfigError("-c password", broken.rule) from None
