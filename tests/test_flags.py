"""`-c` flags into the settings model: text into typed values, then the model's own rules."""

from __future__ import annotations

import pytest

from studio_platform import flags
from studio_platform.context_keys import APP_KEYS
from studio_platform.errors import ConfigError, Problems
from studio_platform.flags import FLAGS, NOT_GIVEN, adapt, report_rank, settings_from_flags
from studio_platform.settings import LoginConfig, PlatformConfig, TeamSettings, model_fields


def test_every_flag_fills_a_real_field_and_every_app_key_has_a_place_in_the_report():
    assert set(FLAGS) == set(APP_KEYS)
    for flag, (model, field) in FLAGS.items():
        assert model is None or field in model_fields(model), flag


def test_team_setting_flags_are_the_team_settings_a_flag_sets():
    assert flags.TEAM_SETTING_FLAGS == {
        "instance-types": "instance_types",
        "idle-timeout-minutes": "idle_timeout_minutes",
        "pip-index-url": "pip_index_url",
        "conda-channel-url": "conda_channel_url",
        "retention": "retention",
    }


@pytest.mark.parametrize(
    ("model", "field", "value", "expected"),
    [
        (TeamSettings, "instance_types", "system, ml.t3.medium,,", ("system", "ml.t3.medium")),
        (TeamSettings, "instance_types", ["system", " ml.t3.*"], ("system", "ml.t3.*")),
        (TeamSettings, "instance_types", "", ()),  # may not be empty: the model says why
        (LoginConfig, "callback_urls", " , ", NOT_GIVEN),  # empty: Postman's callback
        (TeamSettings, "idle_timeout_minutes", "30", 30.0),
        (TeamSettings, "idle_timeout_minutes", 45, 45.0),
        (LoginConfig, "session_seconds", "3600.7", 3600),
        (LoginConfig, "session_seconds", "3600", 3600),
        (LoginConfig, "deletion_protection", "No", False),
        (LoginConfig, "deletion_protection", " yes ", True),
        (LoginConfig, "deletion_protection", False, False),
        (LoginConfig, "deletion_protection", "", NOT_GIVEN),
        (TeamSettings, "retention", " DESTROY ", "destroy"),
        (TeamSettings, "retention", "", NOT_GIVEN),
        (TeamSettings, "pip_index_url", " https://m.example.com ", "https://m.example.com"),
        (TeamSettings, "pip_index_url", "  ", NOT_GIVEN),
    ],
)
def test_adapt_reads_text_as_the_field_type(model, field, value, expected):
    adapted = adapt(value, model, field, where="-c x")
    assert adapted == expected and type(adapted) is type(expected)


@pytest.mark.parametrize(
    ("model", "field", "value", "rule"),
    [
        (TeamSettings, "idle_timeout_minutes", "soon", "'soon' must be a number"),
        (TeamSettings, "idle_timeout_minutes", "", "'' must be a number"),
        (LoginConfig, "deletion_protection", "maybe", "'maybe' must be true or false"),
    ],
)
def test_text_that_does_not_read_as_its_type_is_refused(model, field, value, rule):
    with pytest.raises(ConfigError) as refused:
        adapt(value, model, field, where="-c x")
    assert (refused.value.where, refused.value.rule) == ("-c x", rule)


def test_the_model_reports_what_flags_set_and_each_problem_under_its_flag():
    context = {"idle-timeout-minutes": "45", "retention": "keep", "pip-index-url": "http://m.example.com"}
    problems = Problems()
    settings, given = settings_from_flags(TeamSettings, context.get, problems)
    assert (settings, given) == (None, set())
    assert [str(problem) for problem in problems.found] == [
        "-c pip-index-url: 'http://m.example.com' must be an absolute https URL",
        "-c retention: 'keep' must be one of: retain, destroy",
    ]
    problems = Problems()
    settings, given = settings_from_flags(TeamSettings, {"idle-timeout-minutes": "45"}.get, problems)
    assert (settings.idle_timeout_minutes, given, problems.found) == (45.0, {"idle_timeout_minutes"}, [])


def test_fields_the_reader_worked_out_are_validated_with_the_flags():
    problems = Problems()
    config, given = settings_from_flags(PlatformConfig, {"account": "111111111111", "region": "eu-west-1"}.get, problems,
                                        warnings=("w",))
    assert config.availability_zones == ("eu-west-1a", "eu-west-1b") and config.warnings == ("w",)
    assert given == {"account", "region"}


def test_problems_are_ranked_unknown_keys_first_then_in_flag_order_with_the_file_at_teams_file():
    found = [
        ConfigError("-c admin-role-arns", "x"),
        ConfigError("teams.yaml: teams[0] (a).name", "x"),
        ConfigError("-c domain-name", "x"),
        ConfigError("-c domain_name", "x"),
        ConfigError("-c account", "x"),
    ]
    assert [problem.where for problem in sorted(found, key=report_rank)] == [
        "-c domain_name",
        "-c account",
        "-c domain-name",
        "teams.yaml: teams[0] (a).name",
        "-c admin-role-arns",
    ]
