"""pydantic's ValidationError becomes our lines: the rule's own words, the reader's place, and
nothing of pydantic's text."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from studio_platform.settings import LoginConfig, PlatformConfig, TeamsDocument
from studio_platform.settings_errors import file_wording, flag_wording, schema_at, settings_problems
from studio_platform.teams_schema import model_schema

CONTEXT = {"region": "eu-central-1", "account": "111111111111"}
PYDANTIC_WORDS = ("Input should", "pydantic", "For further information", "validation error", "type=")


def file_lines(document) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        TypeAdapter(TeamsDocument).validate_python(document, context=CONTEXT)
    problems = settings_problems(
        refused.value,
        schema=model_schema(TeamsDocument),
        place=lambda location: "f: " + ".".join(map(str, location)),
        wording=file_wording,
    )
    return [str(problem) for problem in problems]


def flag_lines(model, **values) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        model(**values)
    problems = settings_problems(
        refused.value, schema=model_schema(model), place=lambda location: f"-c {location[0]}", wording=flag_wording(values)
    )
    return [str(problem) for problem in problems]


def test_an_unknown_field_is_the_one_line_where_a_required_one_is_also_missing():
    assert file_lines({"team": [{"name": "team1"}]}) == [
        "f: team: is not a known field (did you mean 'teams'?); allowed fields: defaults, identity_provider, retired_teams, teams"
    ]


def test_a_rule_of_rules_py_keeps_its_words_and_gets_the_place():
    assert file_lines({"teams": [{"name": "team1", "instance_types": ["system", "ml.t3.mediun"]}]}) == [
        "f: teams.0.instance_types.1: 'ml.t3.mediun' is not a SageMaker instance type (did you mean 'ml.t3.medium'?)"
    ]


def test_a_rule_that_names_an_item_extends_the_place():
    assert file_lines({"teams": [{"name": "team1", "user_profiles": ["ann", "Ann"]}]}) == [
        "f: teams.0.user_profiles[1]: 'Ann' repeats 'ann' (user_profiles[0]); SageMaker user profile names must be "
        "unique ignoring case"
    ]


def test_a_list_with_a_bad_item_is_not_also_called_too_short():
    assert file_lines({"teams": [{"name": "Team1"}]}) == [
        "f: teams.0.name: team name 'Team1' must be lowercase letters and digits, start with a letter, with single "
        "hyphens between them (SageMaker domain, S3 bucket and stack name rules)"
    ]


def test_shape_problems_are_worded_by_the_schema_description():
    assert file_lines({"teams": [{"name": "team1", "owner": None, "idle_timeout_minutes": "30"}]}) == [
        'f: teams.0.idle_timeout_minutes: must be a number of minutes between 5 and 240 after which idle apps are '
        'stopped, got "30"',
        "f: teams.0.owner: must be an AWS tag value: 1-256 letters, digits, spaces and . : / = + - @, got null",
    ]


def test_flag_problems_show_the_value_as_typed():
    assert flag_lines(LoginConfig, session_seconds=60, api_endpoint_type="edge") == [
        "-c api_endpoint_type: 'edge' must be one of: regional, private",
        "-c session_seconds: 60 must be between 1800 and 43200",
    ]
    assert flag_lines(LoginConfig, session_seconds=float("inf")) == ["-c session_seconds: inf is not a finite number"]
    assert flag_lines(PlatformConfig, region="eu-central-1") == [
        "-c account: is required (set it on the command line or in cdk.json)"
    ]


def test_several_problems_of_one_rule_are_several_lines():
    lines = flag_lines(PlatformConfig, account="111111111111", region="eu-central-1",
                       availability_zones=("eu-central-1x", "eu-central-1a", "us-east-1a"))
    assert lines == [
        "-c availability_zones: 'eu-central-1x' is not an availability zone of eu-central-1 (eu-central-1a to "
        "eu-central-1f)",
        "-c availability_zones: 'us-east-1a' is not an availability zone of eu-central-1 (eu-central-1a to "
        "eu-central-1f)",
    ]


@pytest.mark.parametrize(
    "document",
    [
        [],
        {"teams": "team1"},
        {"teams": [None, 7, {"name": 7}, {"name": "t", "budget": {"monthly_limit_usd": "x", "emails": 3}}]},
        {"teams": [{"name": "t", "retention": ["retain"], "user_profiles": [{"a": 1}], "instance_types": [[]]}]},
        {"defaults": {"budget": {}}, "teams": [{"name": "t"}], "retired_teams": [1, 1]},
    ],
)
def test_no_line_carries_pydantic_text(document):
    lines = file_lines(document)
    assert lines
    assert not [line for line in lines if any(word in line for word in PYDANTIC_WORDS)]


def test_schema_at_resolves_references_with_the_node_own_keys_on_top():
    schema = model_schema(TeamsDocument)
    assert schema_at(schema, ("teams", 0, "idle_timeout_minutes"))["maximum"] == 240
    assert schema_at(schema, ("teams", 0, "budget", "emails", 3))["description"].startswith("an e-mail address")
    assert schema_at(schema, ("defaults", "retention"))["default"] == "retain"
    assert schema_at(schema, ("no", "such", "place")) == {}
