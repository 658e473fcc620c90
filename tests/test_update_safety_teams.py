"""Day-2 edits of the teams file: what CloudFormation would replace, and which stacks change.

Baseline: teams.example.yaml (vision: own instance types, idle timeout, owner and budget;
churn-poc: own cost centre, retention destroy, two user profiles; analytics: defaults only).
A team-level edit may change that team's stack only; a `defaults:` edit may change the stacks
of the teams that inherit the field, and nothing else. Nothing stateful may be replaced or removed.
"""

from __future__ import annotations

import pytest

from studio_platform.teams_file import teams_schema
from update_safety_rules import DELETE, Case, ContextBuilder, assert_safe, edit, edits, example_teams, teams

BUDGET = {"monthly_limit_usd": 2000, "thresholds_percent": [80, 100], "emails": ["finops@example.com"]}
DEFAULT_BUDGET = edit("defaults", "budget", BUDGET)
DEFAULT_RETENTION_DESTROY = edit("defaults", "retention", "destroy")
DEFAULT_PROFILES = edit("defaults", "user_profiles", ["dave"])
VISION_TYPES = [*example_teams()["teams"][0]["instance_types"], "ml.g5.4xlarge"]


def team_case(case_id: str, team: str, setting: str, value=DELETE, marks=()) -> Case:
    return Case(id=case_id, before=teams(), after=teams(edit(team, setting, value)), teams=(team,), marks=marks)


def defaults_case(case_id: str, setting: str, value, inheriting: tuple[str, ...], base=None) -> Case:
    before = teams(base)
    after = teams(edits(base, edit("defaults", setting, value)) if base else edit("defaults", setting, value))
    return Case(id=case_id, before=before, after=after, teams=inheriting)


def reverse(case: Case, case_id: str, marks=()) -> Case:
    return Case(id=case_id, before=case.after, after=case.before, teams=case.teams, marks=marks)


# Vision's budget is the only one in the example: removing it removes the platform's last budget.
_vision_budget_removed = team_case("team-budget-removed", "vision", "budget")
TEAM_CASES = [
    team_case("team-instance_types-add-gpu-type", "vision", "instance_types", VISION_TYPES),
    team_case("team-idle_timeout_minutes-30-to-45", "vision", "idle_timeout_minutes", 45),
    team_case("team-pip_index_url-own-mirror", "analytics", "pip_index_url", "https://pypi.example.com/simple"),
    team_case("team-pip_index_url-mirror-off", "analytics", "pip_index_url", None),
    team_case("team-conda_channel_url-own-mirror", "analytics", "conda_channel_url", "https://conda.example.com/main"),
    team_case("team-cost_centre-changed", "churn-poc", "cost_centre", "0816"),
    team_case("team-owner-changed", "vision", "owner", "vision-platform@example.com"),
    team_case("team-budget-monthly_limit_usd-raised", "vision", "budget.monthly_limit_usd", 6000),
    team_case("team-budget-thresholds_percent-changed", "vision", "budget.thresholds_percent", [50, 90, 100]),
    team_case("team-budget-emails-added", "vision", "budget.emails", ["vision-leads@example.com", "cfo@example.com"]),
    team_case("team-budget-added", "analytics", "budget", {"monthly_limit_usd": 1000}),
    _vision_budget_removed,
    reverse(_vision_budget_removed, "team-budget-added-first-of-platform"),
    team_case("team-retention-retain-to-destroy", "analytics", "retention", "destroy"),
    team_case("team-retention-destroy-to-retain", "churn-poc", "retention", "retain"),
    team_case("team-user_profiles-added", "churn-poc", "user_profiles", ["alice", "bob-smith", "carol"]),
    team_case("team-user_profiles-removed", "churn-poc", "user_profiles", ["alice"]),
    # The ordering workflow writes `ordering` for the teams it creates; by hand it removes a group.
    team_case("team-cognito_group-stack-to-ordering", "analytics", "cognito_group", "ordering"),
]

INHERIT_ALL = ("vision", "churn-poc", "analytics")
_default_budget_added = defaults_case("defaults-budget-added", "budget", BUDGET, ("churn-poc", "analytics"))
_default_retention = defaults_case(
    "defaults-retention-retain-to-destroy", "retention", "destroy", ("vision", "analytics")
)
_default_profiles = defaults_case("defaults-user_profiles-added", "user_profiles", ["dave"], ("vision", "analytics"))
DEFAULTS_CASES = [
    defaults_case("defaults-instance_types-changed", "instance_types", ["system", "ml.t3.medium"], ("churn-poc", "analytics")),
    defaults_case("defaults-idle_timeout_minutes-60-to-90", "idle_timeout_minutes", 90, ("churn-poc", "analytics")),
    defaults_case("defaults-pip_index_url-changed", "pip_index_url", "https://pypi.example.com/simple", INHERIT_ALL),
    defaults_case("defaults-conda_channel_url-changed", "conda_channel_url", "https://conda.example.com/c", INHERIT_ALL),
    defaults_case("defaults-cost_centre-changed", "cost_centre", "4712", ("vision", "analytics")),
    defaults_case("defaults-owner-changed", "owner", "ml-platform@example.com", ("churn-poc", "analytics")),
    _default_budget_added,
    reverse(_default_budget_added, "defaults-budget-removed"),
    defaults_case(
        "defaults-budget-monthly_limit_usd-raised", "budget.monthly_limit_usd", 2500, ("churn-poc", "analytics"), DEFAULT_BUDGET
    ),
    defaults_case(
        "defaults-budget-thresholds_percent-changed", "budget.thresholds_percent", [90], ("churn-poc", "analytics"), DEFAULT_BUDGET
    ),
    defaults_case(
        "defaults-budget-emails-changed", "budget.emails", ["ml-leads@example.com"], ("churn-poc", "analytics"), DEFAULT_BUDGET
    ),
    _default_retention,
    reverse(_default_retention, "defaults-retention-destroy-to-retain"),
    _default_profiles,
    reverse(_default_profiles, "defaults-user_profiles-removed"),
]

TEAM_SET_CASES = [
    Case(
        id="teams-add-team",
        before=teams(),
        after=teams(lambda document: document["teams"].append({"name": "forecasting"})),
        teams=("forecasting",),
    ),
    Case(
        id="teams-remove-team",
        before=teams(),
        after=teams(lambda document: document["teams"].pop(1)),  # churn-poc: its stack simply disappears
        teams=("churn-poc",),
    ),
]
OIDC_PROVIDER = {
    "type": "oidc",
    "name": "EntraID",
    "issuer": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
    "client_id": "11111111-2222-3333-4444-555555555555",
    "client_secret_name": "studio/entra-client-secret",
}
SAML_PROVIDER = {
    "type": "saml",
    "name": "EntraID",
    "metadata_url": "https://login.microsoftonline.com/tenant/federationmetadata/2007-06/federationmetadata.xml",
}


def with_provider(provider: dict, *steps) -> ContextBuilder:
    def apply(document: dict) -> None:
        document["identity_provider"] = dict(provider)
        for step in steps:
            step(document)

    return teams(apply)


# Connecting the company's IdP touches the login stack only (provider, trigger, clients): the
# pool's custom attributes exist from the first deploy, so nothing is replaced. A team's IdP
# groups live in the trigger's code: a new code asset, no template change.
_provider_added = Case(id="identity_provider-added", before=teams(), after=with_provider(OIDC_PROVIDER))
IDENTITY_CASES = [
    _provider_added,
    reverse(_provider_added, "identity_provider-removed"),
    Case(id="identity_provider-oidc-to-saml", before=with_provider(OIDC_PROVIDER), after=with_provider(SAML_PROVIDER)),
    Case(
        id="team-idp_groups-set",
        before=with_provider(OIDC_PROVIDER),
        after=with_provider(OIDC_PROVIDER, edit("vision", "idp_groups", ["7f1c2a9e-5b1d-4c3e-9a8f-0123456789ab"])),
        # Only the trigger's code asset differs (an in-place code update, masked when templates
        # are compared): no resource, and no team stack, changes.
        changes_something=False,
    ),
]
CASES = TEAM_CASES + DEFAULTS_CASES + TEAM_SET_CASES + IDENTITY_CASES


@pytest.fixture(scope="module")
def teams_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("teams-files")


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_teams_file_change_is_safe(case, teams_dir):
    assert_safe(case, teams_dir)


@pytest.mark.parametrize("level", ["team", "defaults"])
def test_every_teams_file_setting_has_a_case(level):
    settings = set(teams_schema()["$defs"][level]["properties"]) - {"name"}
    budget_fields = set(teams_schema()["$defs"]["budget"]["properties"])
    covered = {c.id.split("-")[1] for c in CASES if c.id.startswith(f"{level}-")}
    covered_budget = {c.id.split("-")[2] for c in CASES if c.id.startswith(f"{level}-budget-")}
    assert settings <= covered, f"no {level}-level case for {sorted(settings - covered)}"
    assert budget_fields <= covered_budget, f"no {level}-level case for budget.{sorted(budget_fields - covered_budget)}"
    assert {f"{level}-budget-added", f"{level}-budget-removed"} <= {c.id for c in CASES}
