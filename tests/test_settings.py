"""The settings model: a config object that exists obeys every rule, whoever built it."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import TypeAdapter, ValidationError

from studio_platform import names
from studio_platform.settings import (
    BudgetConfig,
    DemoUserConfig,
    PlatformConfig,
    TeamConfig,
    TeamEntry,
    TeamsDocument,
    TeamSettings,
)
from studio_platform.settings_types import DEFAULT_INSTANCE_TYPES

CONTEXT = {"region": "eu-central-1", "account": "111111111111"}


def test_a_team_has_exactly_the_settings_plus_its_name_and_groups():
    settings = {field.name for field in dataclasses.fields(TeamSettings)}
    own = {"name", "idp_groups", "cognito_group"}
    assert {field.name for field in dataclasses.fields(TeamConfig)} == settings | own
    assert {field.name for field in dataclasses.fields(TeamEntry)} == settings | own


@pytest.mark.parametrize(
    "settings",
    [
        {"instance_types": ("ml.t3.mediun",)},
        {"instance_types": ()},
        {"idle_timeout_minutes": 241},
        {"idle_timeout_minutes": float("nan")},
        {"pip_index_url": "https://mirror.example.com/$(id)"},
        {"owner": None},
        {"retention": "keep"},
        {"budget": BudgetConfig(monthly_limit_usd=1), "unknown": 1},
    ],
)
def test_code_cannot_build_a_team_the_readers_would_refuse(settings):
    with pytest.raises(ValidationError):
        TeamConfig(name="team1", **settings)


def test_defaults_are_the_documented_ones_and_a_team_is_frozen():
    team = TeamConfig(name="team1")
    assert team.instance_types == DEFAULT_INSTANCE_TYPES and team.idle_timeout_minutes == 60.0
    assert (team.budget, team.owner, team.retention, team.user_profiles) == (None, None, "retain", ())
    assert team.tags == {"DomainName": "team1"} and not team.destroy_on_delete
    with pytest.raises(dataclasses.FrozenInstanceError):
        team.name = "team2"


def test_an_allowlist_that_cannot_start_studio_is_a_warning():
    assert TeamSettings(instance_types=("ml.t3.*",)).allowlist_warning.startswith("'system' is not in the allowlist")
    assert TeamSettings(instance_types=("sys*", "ml.t3.*")).allowlist_warning is None


def test_budget_defaults_and_distinct_thresholds():
    assert BudgetConfig(monthly_limit_usd=10).thresholds_percent == (80.0, 100.0)
    with pytest.raises(ValidationError, match="unique_items"):
        BudgetConfig(monthly_limit_usd=10, thresholds_percent=(80, 80.0))
    with pytest.raises(ValidationError):
        BudgetConfig(monthly_limit_usd=10, emails=("fin..ops@example.com",))


def test_the_demo_password_is_checked_and_never_shown():
    user = DemoUserConfig(username="demo-user", team="team1", password="Str0ng!Passw0rd#")
    assert "Str0ng" not in repr(user)
    with pytest.raises(ValidationError) as refused:
        DemoUserConfig(username="demo-user", team="team1", password="weak-but-secret")
    assert "weak-but-secret" not in str(refused.value.errors(include_input=False))


def test_zones_default_to_the_region_and_are_checked_against_it():
    assert PlatformConfig(account="111111111111", region="us-west-2").availability_zones == ("us-west-2a", "us-west-2b")
    with pytest.raises(ValidationError) as refused:
        PlatformConfig(account="111111111111", region="mars-1", availability_zones=("x", "y"))
    assert [error["loc"] for error in refused.value.errors()] == [("region",)]  # zones wait for a valid region


def test_a_teams_file_keeps_x_keys_out_of_the_settings_but_not_out_of_a_budget():
    document = {"x-top": 1, "defaults": {"x-d": 2}, "teams": [{"name": "team1", "x-t": 3}]}
    assert TypeAdapter(TeamsDocument).validate_python(document, context=CONTEXT).teams[0].name == "team1"
    with pytest.raises(ValidationError):
        TypeAdapter(TeamsDocument).validate_python(
            {"teams": [{"name": "team1", "budget": {"monthly_limit_usd": 1, "x-b": 1}}]}, context=CONTEXT
        )


def test_a_team_name_in_a_file_follows_the_deployment_length_rule():
    longer_region = {**CONTEXT, "region": "ap-southeast-3"}
    long_name = "a" * names.max_team_name_length(**CONTEXT)
    assert names.max_team_name_length(**longer_region) < len(long_name)
    assert TypeAdapter(TeamEntry).validate_python({"name": long_name}, context=CONTEXT).name == long_name
    with pytest.raises(ValidationError, match="characters; at most"):
        TypeAdapter(TeamEntry).validate_python({"name": long_name}, context=longer_region)
