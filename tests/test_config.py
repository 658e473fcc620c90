"""Context validation: every bad input is one ConfigError naming the flag and the rule."""

from __future__ import annotations

import pytest

from studio_platform.config import DEFAULT_INSTANCE_TYPES, load_platform_config
from studio_platform.errors import ConfigError
from studio_platform.names import max_team_name_length

BASE = {"account": "111111111111", "region": "eu-central-1", "domain-name": "team1", "user": "demo-user"}


def load(**overrides):
    context = {**BASE, **{k.replace("_", "-"): v for k, v in overrides.items()}}
    return load_platform_config(context.get)


def test_defaults_give_one_team_two_zones_and_demo_user():
    config = load()
    assert [t.name for t in config.teams] == ["team1"]
    assert config.availability_zones == ("eu-central-1a", "eu-central-1b")
    assert config.vpc_cidr == "10.0.0.0/16"
    assert config.teams[0].instance_types == DEFAULT_INSTANCE_TYPES
    assert config.demo_user.username == "demo-user" and config.demo_user.team == "team1"
    assert config.demo_user.password is None


def test_comma_list_gives_several_teams():
    assert [t.name for t in load(domain_name="team1, team2,team3").teams] == ["team1", "team2", "team3"]


@pytest.mark.parametrize(
    ("overrides", "flag", "fragment"),
    [
        ({"domain_name": "Team1"}, "-c domain-name", "lowercase"),
        ({"domain_name": "team_1"}, "-c domain-name", "lowercase"),
        ({"domain_name": "team1-"}, "-c domain-name", "hyphens"),
        ({"domain_name": "1team"}, "-c domain-name", "start with a letter"),
        ({"domain_name": "a" * 40}, "-c domain-name", "characters"),
        ({"domain_name": "team1,team1"}, "-c domain-name", "listed twice"),
        ({"domain_name": ""}, "-c domain-name", "at least one team"),
        ({"account": "12345"}, "-c account", "12 digits"),
        ({"account": None}, "-c account", "required"),
        ({"region": "europe"}, "-c region", "region name"),
        ({"availability_zones": "eu-central-1a"}, "-c availability-zones", "at least 2"),
        ({"availability_zones": "eu-central-1a,us-east-1b"}, "-c availability-zones", "not an availability zone"),
        ({"vpc_cidr": "10.0.0.0/8"}, "-c vpc-cidr", "/16 and /22"),
        ({"vpc_cidr": "8.8.0.0/16"}, "-c vpc-cidr", "private"),
        ({"instance_types": "ml.t3.medium,large"}, "-c instance-types", "instance type"),
        ({"idle_timeout_minutes": "abc"}, "-c idle-timeout-minutes", "number"),
        ({"pip_index_url": "http://mirror/simple"}, "-c pip-index-url", "https"),
        ({"pip_index_url": "https://mirror/simple;reboot"}, "-c pip-index-url", "not allowed"),
        ({"password": "short"}, "-c password", "at least 12"),
        ({"user_team": "team9"}, "-c user-team", "not one of"),
        ({"api_endpoint_type": "edge"}, "-c api-endpoint-type", "regional, private"),
        ({"user_pool_deletion_protection": "maybe"}, "-c user-pool-deletion-protection", "true or false"),
        ({"admin_role_arns": "arn:aws:iam::111111111111:user/bob"}, "-c admin-role-arns", "IAM role ARN"),
    ],
)
def test_bad_input_names_flag_and_rule(overrides, flag, fragment):
    with pytest.raises(ConfigError) as raised:
        load(**overrides)
    assert raised.value.where == flag
    assert fragment in raised.value.rule
    assert "\n" not in str(raised.value)


def test_team_name_limit_follows_region_and_account():
    longest = max_team_name_length("eu-central-1", "111111111111")
    assert load(domain_name="a" * longest).teams[0].name == "a" * longest
    with pytest.raises(ConfigError):
        load(domain_name="a" * (longest + 1))
    # A bucket name `<team>-<region>-<account>` must stay within 63 characters.
    assert longest + len("-eu-central-1-111111111111") <= 63


def test_password_is_kept_out_of_repr():
    config = load(password="Str0ng!Passw0rd#")
    assert config.demo_user.password == "Str0ng!Passw0rd#"
    assert "Str0ng" not in repr(config)


def test_every_problem_of_a_run_is_reported_together():
    with pytest.raises(ConfigError) as raised:
        load(account="abc", region="mars-1", domain_name="Team_1,team2", alarm_emails="x@", cors_origins="https://a.com/")
    wheres = [line.split(": ", 1)[0] for line in str(raised.value).splitlines()]
    assert wheres == ["-c account", "-c region", "-c domain-name", "-c cors-origins", "-c alarm-emails"]


def test_unknown_keys_are_problems_but_cdk_keys_are_not():
    keys = [*BASE, "domain_name", "@aws-cdk/core:newStyleStackSynthesis", "aws:cdk:bundling-stacks",
            "availability-zones:account=111111111111:region=eu-central-1", "acknowledged-issue-numbers"]
    with pytest.raises(ConfigError) as raised:
        load_platform_config(BASE.get, keys=keys)
    assert str(raised.value) == "-c domain_name: is not a setting of this app (did you mean -c domain-name?)"


def test_an_allowlist_without_system_is_a_warning_not_an_error():
    config = load(instance_types="ml.t3.*")
    assert config.teams[0].instance_types == ("ml.t3.*",)
    assert config.warnings == (
        "-c instance-types: 'system' is not in the allowlist: Studio's own server app runs on it, so users cannot "
        "open Studio",
    )
    assert load(instance_types="system,ml.t3.*").warnings == ()


def test_the_readme_flags_table_lists_exactly_the_keys_the_app_reads():
    from pathlib import Path

    from studio_platform.context_keys import APP_KEYS

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    table = readme.split("## Context flags", 1)[1].split("\n\n", 2)[1]
    first_cells = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `")]
    flags = {name for cell in first_cells for name in cell.split("`")[1::2]}
    assert flags == set(APP_KEYS)
