"""The teams file: the example loads, precedence holds, every mistake is one line naming the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from app_process import run_app
from jsonschema import Draft202012Validator

from studio_platform import names
from studio_platform.config import (
    DEFAULT_INSTANCE_TYPES,
    NATIVE_IDLE_MAX_MINUTES,
    BudgetConfig,
    TeamConfig,
    load_platform_config,
    team_defaults,
)
from studio_platform.errors import ConfigError
from studio_platform.teams_file import load_teams_file, teams_schema

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "teams.example.yaml"
ACCOUNT = "111111111111"
REGION = "eu-central-1"


def load(path, **context):
    defaults = team_defaults({k.replace("_", "-"): v for k, v in context.items()}.get)
    return load_teams_file(str(path), defaults=defaults, region=REGION, account=ACCOUNT)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Relative paths resolve against the working directory, as when the CDK app runs."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_example_loads_into_three_teams():
    vision, churn, analytics = load(EXAMPLE)
    pip = "https://artifactory.example.com/artifactory/api/pypi/pypi-remote/simple"
    conda = "https://artifactory.example.com/artifactory/api/conda/conda-remote"
    assert vision == TeamConfig(
        name="vision",
        instance_types=("system", "ml.t3.medium", "ml.m5.xlarge", "ml.g4dn.xlarge", "ml.g5.2xlarge"),
        idle_timeout_minutes=30.0,
        pip_index_url=pip,
        conda_channel_url=conda,
        cost_centre="4711",
        owner="vision-leads@example.com",
        budget=BudgetConfig(
            monthly_limit_usd=5000.0,
            thresholds_percent=(50.0, 80.0, 100.0),
            emails=("vision-leads@example.com", "finops@example.com"),
        ),
    )
    assert churn.name == "churn-poc" and churn.destroy_on_delete
    assert churn.user_profiles == ("alice", "bob-smith")
    assert churn.tags == {"DomainName": "churn-poc", "CostCentre": "0815", "Owner": "platform-team@example.com"}
    assert analytics == TeamConfig(
        name="analytics",
        pip_index_url=pip,
        conda_channel_url=conda,
        cost_centre="4711",
        owner="platform-team@example.com",
    )
    assert analytics.instance_types == DEFAULT_INSTANCE_TYPES and analytics.budget is None


def test_flags_fill_what_the_file_leaves_open_then_file_defaults_then_team_settings(in_tmp):
    (in_tmp / "teams.yaml").write_text(
        "defaults:\n"
        "  idle_timeout_minutes: 45\n"
        "  pip_index_url: https://file.example.com/simple\n"
        "teams:\n"
        "  - name: plain\n"
        "  - name: custom\n"
        "    idle_timeout_minutes: 90\n"
        "    pip_index_url: null\n"
        "    budget: {monthly_limit_usd: 100}\n"
    )
    plain, custom = load(
        "teams.yaml",
        instance_types="ml.t3.medium",
        conda_channel_url="https://flag.example.com/conda",
        retention="destroy",
    )
    assert plain.instance_types == ("ml.t3.medium",)  # flags for what the file does not set
    assert plain.conda_channel_url == "https://flag.example.com/conda"
    assert plain.retention == custom.retention == "destroy"
    assert plain.idle_timeout_minutes == 45.0  # file defaults
    assert plain.pip_index_url == "https://file.example.com/simple"
    assert custom.idle_timeout_minutes == 90.0  # the team beats the file defaults
    assert custom.pip_index_url is None
    assert custom.budget == BudgetConfig(monthly_limit_usd=100.0, thresholds_percent=(80.0, 100.0))


def test_a_flag_the_file_also_sets_is_refused_naming_every_place(in_tmp):
    (in_tmp / "teams.yaml").write_text(
        "defaults:\n  idle_timeout_minutes: 45\nteams:\n  - name: plain\n  - name: custom\n    retention: retain\n"
    )
    with pytest.raises(ConfigError) as refused:
        load("teams.yaml", idle_timeout_minutes=30, retention="destroy")
    lines = str(refused.value).splitlines()
    assert lines == [
        "-c idle-timeout-minutes: teams.yaml sets idle_timeout_minutes too (defaults), which would override "
        "this flag without a word; set it in one place",
        "-c retention: teams.yaml sets retention too (teams[1] (custom)), which would override this flag "
        "without a word; set it in one place",
    ]


def test_json_file_gives_the_same_teams_as_yaml(in_tmp):
    import yaml

    (in_tmp / "teams.json").write_text(json.dumps(yaml.safe_load(EXAMPLE.read_text())))
    assert load("teams.json") == load(EXAMPLE)


def team(fields: str) -> str:
    """A valid file around one team's extra YAML lines (indented 4)."""
    return "teams:\n  - name: team1\n" + "".join(f"    {line}\n" for line in fields.splitlines())


BAD_FILES = [
    # (file text, where after "teams.yaml", fragment of the rule)
    (team("idle_timeout: 30"), ": teams[0] (team1).idle_timeout", "did you mean 'idle_timeout_minutes'"),
    ("defaults:\n  retension: destroy\nteams:\n  - name: team1\n", ": defaults.retension", "allowed fields"),
    ("team:\n  - name: team1\n", ": team", "not a known field (did you mean 'teams'?)"),
    ("defaults: {}\n", ": teams", "is required: a non-empty list of teams"),
    ("teams: []\n", ": teams", "must be a non-empty list of teams"),
    ("- name: team1\n", "", "must be a mapping with a `teams:` list"),
    (
        team("idle_timeout_minutes: soon"),
        ": teams[0] (team1).idle_timeout_minutes",
        'must be a number of minutes between 5 and 240 after which idle apps are stopped, got "soon"',
    ),
    (team("idle_timeout_minutes: 300"), ": teams[0] (team1).idle_timeout_minutes", "stopped, got 300"),
    (team("idle_timeout_minutes: true"), ": teams[0] (team1).idle_timeout_minutes", "got true"),
    (team("instance_types: ml.t3.medium"), ": teams[0] (team1).instance_types", "must be a non-empty list"),
    (team("instance_types: []"), ": teams[0] (team1).instance_types", "got []"),
    (team("instance_types: [system, t3]"), ": teams[0] (team1).instance_types[1]", "not a SageMaker instance type"),
    (team("cost_centre: 4711"), ": teams[0] (team1).cost_centre", "put it in quotes"),
    (team("owner: no"), ": teams[0] (team1).owner", "AWS tag value"),
    (team("owner: a&b"), ": teams[0] (team1).owner", "AWS tag value"),
    (team("owner: " + "a" * 257), ": teams[0] (team1).owner", "1-256"),
    ("teams:\n  - name: Team_1\n", ": teams[0] (Team_1).name", "lowercase"),
    ("teams:\n  - name: " + "a" * 40 + "\n", f": teams[0] ({'a' * 40}).name", "characters"),
    ("teams:\n  - owner: x\n", ": teams[0].name", "is required: a team name"),
    ("teams:\n  - name: 7\n", ": teams[0].name", "got 7; put it in quotes"),
    ("teams:\n  - team1\n", ": teams[0]", "must be a mapping with the team's `name`"),
    (team("pip_index_url: http://pypi.example.com/simple"), ": teams[0] (team1).pip_index_url", "absolute https URL"),
    (team("conda_channel_url: conda.example.com"), ": teams[0] (team1).conda_channel_url", "absolute https URL"),
    (
        "defaults:\n  pip_index_url: https://x.example.com/$(id)\nteams:\n  - name: team1\n",
        ": defaults.pip_index_url",
        "not allowed",
    ),
    (
        "teams:\n  - name: team1\n  - name: team2\n  - name: team3\n    budget: {monthly_limit_usd: -5}\n",
        ": teams[2] (team3).budget.monthly_limit_usd",
        "must be a number greater than 0, got -5",
    ),
    (team("budget: {monthly_limit_usd: 0}"), ": teams[0] (team1).budget.monthly_limit_usd", "greater than 0, got 0"),
    (team("budget: {emails: [a@example.com]}"), ": teams[0] (team1).budget.monthly_limit_usd", "is required"),
    (team("budget: {monthly_limit_usd: 9, limit: 3}"), ": teams[0] (team1).budget.limit", "not a known field"),
    (team("budget: 500"), ": teams[0] (team1).budget", "must be a mapping with monthly_limit_usd"),
    (
        team("budget: {monthly_limit_usd: 9, thresholds_percent: [0]}"),
        ": teams[0] (team1).budget.thresholds_percent[0]",
        "a number between 1 and 1000 (percent of the monthly limit), got 0",
    ),
    (
        team("budget: {monthly_limit_usd: 9, thresholds_percent: [10, 20, 30, 40, 50]}"),
        ": teams[0] (team1).budget.thresholds_percent",
        "1 to 4",
    ),
    (
        team("budget: {monthly_limit_usd: 9, thresholds_percent: [80, 80]}"),
        ": teams[0] (team1).budget.thresholds_percent",
        "lists 80 more than once",
    ),
    (
        team("budget: {monthly_limit_usd: 9, emails: [ok@example.com, not-an-email]}"),
        ": teams[0] (team1).budget.emails[1]",
        'must be an e-mail address (like ml-leads@example.com), got "not-an-email"',
    ),
    (
        team("budget: {monthly_limit_usd: 9, emails: [" + ", ".join(f"u{i}@example.com" for i in range(11)) + "]}"),
        ": teams[0] (team1).budget.emails",
        "at most 10",
    ),
    (team("retention: delete"), ": teams[0] (team1).retention", 'retain or destroy (what happens'),
    (
        "teams:\n  - name: team1\n  - name: team2\n  - name: team1\n",
        ": teams[2] (team1).name",
        "team 'team1' is already defined at teams[0]",
    ),
    (
        team("user_profiles: [alice, Bob, bob]"),
        ": teams[0] (team1).user_profiles[2]",
        "'bob' repeats 'Bob' (user_profiles[1]); SageMaker user profile names must be unique ignoring case",
    ),
    (team("user_profiles: [-alice]"), ": teams[0] (team1).user_profiles[0]", "SageMaker user profile name"),
    (team("user_profiles: [" + "a" * 64 + "]"), ": teams[0] (team1).user_profiles[0]", "1-63"),
    (
        "teams:\n  - name: team1\n   owner: x\n",
        ":3:4",
        "invalid YAML: expected <block end>, but found '<block mapping start>' (while parsing a block collection)",
    ),
    ("teams:\n  - name: team1\n    owner: a\n    owner: b\n", ":4:5", "invalid YAML: the key 'owner' is given twice"),
    ("teams: [name: team1\n", ":2:1", "invalid YAML"),
    ("", "", "the file is empty"),
    ("# only a comment\n", "", "the file is empty"),
]


@pytest.mark.parametrize(("text", "where", "fragment"), BAD_FILES)
def test_each_mistake_is_one_error_naming_file_team_and_field(in_tmp, text, where, fragment):
    (in_tmp / "teams.yaml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load("teams.yaml")
    assert caught.value.where == f"teams.yaml{where}"
    assert fragment in caught.value.rule
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ('{"teams": [\n  {"name": "team1",}\n]}\n', "teams.json:2:20", "invalid JSON"),
        ('{"teams": [], "teams": []}', "teams.json", "the key 'teams' is given twice"),
        ("   \n", "teams.json", "the file is empty"),
        (
            '{"teams": [{"name": "team1", "budget": {"monthly_limit_usd": -5}}]}',
            "teams.json: teams[0] (team1).budget.monthly_limit_usd",
            "greater than 0",
        ),
    ],
)
def test_json_mistakes(in_tmp, text, where, fragment):
    (in_tmp / "teams.json").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load("teams.json")
    assert (caught.value.where, fragment in caught.value.rule) == (where, True), caught.value


def test_unreadable_files(in_tmp):
    with pytest.raises(ConfigError, match=r"^missing\.yaml: file not found \(relative paths are resolved against "):
        load("missing.yaml")
    (in_tmp / "folder.yaml").mkdir()
    with pytest.raises(ConfigError, match=r"^folder\.yaml: is a directory"):
        load("folder.yaml")
    (in_tmp / "latin1.yaml").write_bytes("teams:\n  - name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"^latin1\.yaml: cannot be read: it is not UTF-8 text"):
        load("latin1.yaml")


def test_schema_is_valid_and_agrees_with_the_code():
    schema = teams_schema()
    Draft202012Validator.check_schema(schema)
    definitions = schema["$defs"]
    assert definitions["user_profiles"]["items"]["pattern"] == names.SAGEMAKER_NAME_PATTERN.pattern
    assert definitions["idle_timeout_minutes"]["maximum"] == NATIVE_IDLE_MAX_MINUTES
    assert definitions["retention"]["enum"] == ["retain", "destroy"]
    # The team and the defaults accept the same settings, and those are TeamConfig's fields; a
    # team's own IdP groups and Cognito group are the exceptions (a default would put every team
    # behind one group, or mark every team's group as the ordering workflow's).
    settings = set(TeamConfig.__dataclass_fields__) - {"name"}
    assert set(definitions["team"]["properties"]) - {"name"} == settings
    assert set(definitions["defaults"]["properties"]) == settings - {"idp_groups", "cognito_group"}


def test_every_rule_in_the_schema_has_a_description_to_report():
    def walk(node, at):
        if isinstance(node, dict):
            # A `properties` map names fields (identity_provider has one called `type`): not a rule.
            is_rule = not at.endswith("/properties")
            if is_rule and "$ref" not in node and set(node) & {"type", "enum"}:
                assert node.get("description"), f"{at} has no description"
            for key, value in node.items():
                walk(value, f"{at}/{key}")

    walk(teams_schema(), "#")


def test_load_platform_config_uses_the_teams_file():
    config = load_platform_config({"account": ACCOUNT, "region": REGION, "teams-file": str(EXAMPLE)}.get)
    assert [t.name for t in config.teams] == ["vision", "churn-poc", "analytics"]
    assert config.team("vision").budget.monthly_limit_usd == 5000.0


def test_load_platform_config_reports_a_bad_teams_file(in_tmp):
    (in_tmp / "teams.yaml").write_text("teams:\n  - name: team1\n  - name: team1\n")
    with pytest.raises(ConfigError) as caught:
        load_platform_config({"account": ACCOUNT, "region": REGION, "teams-file": "teams.yaml"}.get)
    assert caught.value.where == "teams.yaml: teams[1] (team1).name"


def test_app_prints_one_error_line_for_a_bad_teams_file(tmp_path):
    bad = tmp_path / "teams.yaml"
    bad.write_text("teams:\n  - name: team1\n    idle_timeout_minutes: 999\n")
    result = run_app(tmp_path, {"account": ACCOUNT, "region": REGION, "teams-file": str(bad)})
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {bad}: teams[0] (team1).idle_timeout_minutes: must be a number"), lines
    assert lines[0].endswith("got 999")
    assert "Traceback" not in result.stderr


def test_x_keys_hold_yaml_anchors_for_reuse(in_tmp):
    (in_tmp / "teams.yaml").write_text(
        "x-gpu-types: &gpu [system, ml.g5.2xlarge]\n"
        "teams:\n"
        "  - name: vision\n"
        "    x-note: trains on GPUs\n"
        "    instance_types: *gpu\n"
        "  - name: speech\n"
        "    instance_types: *gpu\n"
    )
    vision, speech = load("teams.yaml")
    assert vision.instance_types == speech.instance_types == ("system", "ml.g5.2xlarge")


def test_a_sound_file_still_gives_its_teams_when_a_flag_is_wrong(in_tmp):
    (in_tmp / "teams.yaml").write_text("teams:\n  - name: team1\n")
    context = {"account": "abc", "region": REGION, "teams-file": "teams.yaml", "user": "demo", "user-team": "team9"}
    with pytest.raises(ConfigError) as caught:
        load_platform_config(context.get)
    assert [line.split(": ", 1)[0] for line in str(caught.value).splitlines()] == ["-c account", "-c user-team"]


def test_field_problems_and_repeated_names_are_reported_in_one_round(in_tmp):
    (in_tmp / "teams.yaml").write_text(
        "retired_teams: [old]\nteams:\n  - name: team1\n    owner: a&b\n  - name: team1\n  - name: old\n"
    )
    with pytest.raises(ConfigError) as caught:
        load("teams.yaml")
    assert [line.split(": ", 2)[1] for line in str(caught.value).splitlines()] == [
        "teams[0] (team1).owner",
        "teams[1] (team1).name",
        "teams[2] (old).name",
    ]
