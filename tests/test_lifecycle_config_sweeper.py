"""The sweeper of lifecycle configs marked for deferred deletion (lambda/lifecycle_config/sweeper.py).

moto has no Studio lifecycle configs: every SageMaker call goes through botocore's Stubber,
which checks operation names and parameters (pagination tokens, MaxResults bounds) against
the service model, and fails on any call the test did not expect, so "never deletes an
unmarked config" means: no DeleteStudioLifecycleConfig was made for it.
"""

from __future__ import annotations

import json
import logging

import pytest

from lambda_context import LambdaContext
from lambda_loader import load_lambda_module
from stubbed_client import stubbed_client

sweeper = load_lambda_module("lifecycle_config", "sweeper")

MARK = "studio-platform:delete-when-unused"
MARKED_AT = "2025-06-01T12:30:05Z"
TEAM_TAGS = [{"Key": "DomainName", "Value": "team1"}]


def arn(name):
    return f"arn:aws:sagemaker:eu-central-1:123456789012:studio-lifecycle-config/{name}"


@pytest.fixture
def sagemaker():
    with stubbed_client("sagemaker") as stubbed:
        yield stubbed


@pytest.fixture
def log_lines():
    """The JSON lines of the function's Powertools logger, as written to its log."""
    logger = sweeper.logger
    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(self.format(record)))

    collector = Collect()
    collector.setFormatter(logger.registered_formatter)
    logger.addHandler(collector)
    yield lines
    logger.removeHandler(collector)


def expect_list(stubber, names, *, next_token=None, token=None):
    configs = [
        {"StudioLifecycleConfigName": name, "StudioLifecycleConfigArn": arn(name),
         "StudioLifecycleConfigAppType": "JupyterLab"}
        for name in names
    ]
    response = {"StudioLifecycleConfigs": configs, **({"NextToken": next_token} if next_token else {})}
    stubber.add_response("list_studio_lifecycle_configs", response,
                         {"MaxResults": 100, **({"NextToken": token} if token else {})})


def expect_tags(stubber, name, tags, *, next_token=None, token=None):
    response = {"Tags": tags, **({"NextToken": next_token} if next_token else {})}
    stubber.add_response("list_tags", response,
                         {"ResourceArn": arn(name), "MaxResults": 100, **({"NextToken": token} if token else {})})


def marked():
    return [*TEAM_TAGS, {"Key": MARK, "Value": MARKED_AT}]


def expect_delete(stubber, name, error=None):
    params = {"StudioLifecycleConfigName": name}
    if error:
        stubber.add_client_error("delete_studio_lifecycle_config", service_error_code=error,
                                 service_message=f"{error} for {name}", expected_params=params)
    else:
        stubber.add_response("delete_studio_lifecycle_config", {}, params)


def keep_order(items):
    """Tests fix the order the sweeper visits configs in (it shuffles in production)."""


def run(client, *, max_calls=100, seconds_left=lambda: 300.0, shuffle=keep_order):
    budget = sweeper.Budget(max_calls=max_calls, seconds_left=seconds_left)
    return sweeper.sweep(client, budget=budget, shuffle=shuffle)


def test_deletes_a_marked_config_once_free_and_ignores_unmarked_ones(sagemaker, log_lines):
    client, stubber = sagemaker
    expect_list(stubber, ["team1-jupyterlab-old", "team1-jupyterlab-new"])
    expect_tags(stubber, "team1-jupyterlab-old", marked())
    expect_delete(stubber, "team1-jupyterlab-old")
    expect_tags(stubber, "team1-jupyterlab-new", TEAM_TAGS)  # unmarked: no delete may follow
    report = run(client)
    assert (report.deleted, report.unmarked, report.still_in_use, report.stopped) == (
        ["team1-jupyterlab-old"], 1, [], "complete")
    assert {"message": "sweep_deleted", "config_name": "team1-jupyterlab-old",
            "marked_at": MARKED_AT}.items() <= log_lines[0].items()
    assert log_lines[-1]["message"] == "sweep_finished" and log_lines[-1]["deleted"] == ["team1-jupyterlab-old"]


def test_keeps_a_config_while_in_use_and_deletes_it_on_a_later_run(sagemaker, log_lines):
    client, stubber = sagemaker
    expect_list(stubber, ["team1-codeeditor-old"])
    expect_tags(stubber, "team1-codeeditor-old", marked())
    expect_delete(stubber, "team1-codeeditor-old", error="ResourceInUse")
    first = run(client)
    assert (first.still_in_use, first.deleted, first.failed) == (["team1-codeeditor-old"], [], [])
    assert [line["message"] for line in log_lines] == ["sweep_still_in_use", "sweep_finished"]
    assert log_lines[0]["marked_at"] == MARKED_AT and "ResourceInUse" in log_lines[0]["reason"]
    # The app stopped: the next run deletes it; a run after that finds nothing to do.
    expect_list(stubber, ["team1-codeeditor-old"])
    expect_tags(stubber, "team1-codeeditor-old", marked())
    expect_delete(stubber, "team1-codeeditor-old")
    assert run(client).deleted == ["team1-codeeditor-old"]
    expect_list(stubber, [])
    assert run(client).deleted == []


def test_never_deletes_unmarked_configs(sagemaker):
    client, stubber = sagemaker
    names = ["team1-jupyterlab-a", "team2-codeeditor-b", "someone-elses-config"]
    expect_list(stubber, names)
    for name in names:
        expect_tags(stubber, name, TEAM_TAGS)
    report = run(client)
    assert (report.unmarked, report.deleted, report.calls) == (3, [], 4)


def test_follows_pagination_of_configs_and_of_tags(sagemaker):
    client, stubber = sagemaker
    expect_list(stubber, ["team1-jupyterlab-a"], next_token="configs-2")
    expect_list(stubber, ["team1-kernelgateway-b"], token="configs-2")
    expect_tags(stubber, "team1-jupyterlab-a", TEAM_TAGS, next_token="tags-2")
    expect_tags(stubber, "team1-jupyterlab-a", [{"Key": MARK, "Value": MARKED_AT}], token="tags-2")
    expect_delete(stubber, "team1-jupyterlab-a")
    expect_tags(stubber, "team1-kernelgateway-b", TEAM_TAGS)
    report = run(client)
    assert (report.listed, report.deleted, report.unmarked, report.calls) == (2, ["team1-jupyterlab-a"], 1, 6)


def test_a_config_already_gone_counts_as_done(sagemaker):
    client, stubber = sagemaker
    expect_list(stubber, ["team1-jupyterlab-old"])
    expect_tags(stubber, "team1-jupyterlab-old", marked())
    expect_delete(stubber, "team1-jupyterlab-old", error="ResourceNotFound")
    report = run(client)
    assert (report.already_gone, report.failed, report.stopped) == (["team1-jupyterlab-old"], [], "complete")


def test_stops_at_the_call_budget(sagemaker):
    client, stubber = sagemaker
    expect_list(stubber, ["team1-jupyterlab-a", "team1-jupyterlab-b", "team1-jupyterlab-c"])
    expect_tags(stubber, "team1-jupyterlab-a", marked())
    expect_delete(stubber, "team1-jupyterlab-a")
    # Budget 3 = list + tags + delete: configs b and c wait for the next run (no call queued).
    report = run(client, max_calls=3)
    assert (report.deleted, report.calls, report.stopped) == (["team1-jupyterlab-a"], 3, "call_budget")


def test_stops_before_the_lambda_timeout(sagemaker):
    client, stubber = sagemaker
    expect_list(stubber, ["team1-jupyterlab-a", "team1-jupyterlab-b"])
    expect_tags(stubber, "team1-jupyterlab-a", TEAM_TAGS)
    left = iter([300.0, 200.0, sweeper.RESERVE_SECONDS - 1])
    report = run(client, seconds_left=lambda: next(left))
    assert (report.calls, report.unmarked, report.stopped) == (2, 1, "time_budget")


def test_throttling_after_botocore_retries_ends_the_run_quietly(sagemaker, log_lines):
    client, stubber = sagemaker
    expect_list(stubber, ["team1-jupyterlab-a", "team1-jupyterlab-b"])
    stubber.add_client_error("list_tags", service_error_code="ThrottlingException", service_message="Rate exceeded",
                             http_status_code=400)
    report = run(client)
    assert (report.stopped, report.failed, report.calls) == ("throttled", [], 2)
    assert log_lines[0]["message"] == "sweep_throttled" and log_lines[0]["level"] == "WARNING"


def test_each_run_visits_configs_in_the_shuffled_order(sagemaker):
    # With a budget smaller than the account's configs, a fixed order would starve the tail.
    client, stubber = sagemaker
    expect_list(stubber, ["team1-jupyterlab-a", "team1-jupyterlab-b"])
    expect_tags(stubber, "team1-jupyterlab-b", TEAM_TAGS)
    expect_tags(stubber, "team1-jupyterlab-a", TEAM_TAGS)
    assert run(client, shuffle=list.reverse).unmarked == 2


def test_an_unexpected_error_is_logged_the_rest_is_swept_and_the_run_fails(sagemaker, monkeypatch, log_lines):
    client, stubber = sagemaker
    monkeypatch.setattr(sweeper, "sagemaker_client", lambda: client)
    monkeypatch.setattr(sweeper.random, "shuffle", keep_order)
    monkeypatch.setenv("SWEEP_MAX_CALLS", "50")
    expect_list(stubber, ["team1-jupyterlab-a", "team1-jupyterlab-b"])
    expect_tags(stubber, "team1-jupyterlab-a", marked())
    expect_delete(stubber, "team1-jupyterlab-a", error="AccessDeniedException")
    expect_tags(stubber, "team1-jupyterlab-b", marked())
    expect_delete(stubber, "team1-jupyterlab-b")
    with pytest.raises(sweeper.SweepFailed, match="team1-jupyterlab-a"):
        sweeper.on_schedule({}, LambdaContext())
    failed = [line for line in log_lines if line["message"] == "sweep_failed"]
    assert failed[0]["level"] == "ERROR" and failed[0]["error_code"] == "AccessDeniedException"
    assert log_lines[-1]["deleted"] == ["team1-jupyterlab-b"]


def test_on_schedule_returns_the_report_within_the_configured_budget(sagemaker, monkeypatch):
    client, stubber = sagemaker
    monkeypatch.setattr(sweeper, "sagemaker_client", lambda: client)
    monkeypatch.setenv("SWEEP_MAX_CALLS", "1")
    expect_list(stubber, ["team1-jupyterlab-a"])
    result = sweeper.on_schedule({"source": "aws.events"}, LambdaContext())
    assert (result["listed"], result["calls"], result["stopped"]) == (1, 1, "call_budget")


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_a_bad_call_budget_is_refused(monkeypatch, value):
    monkeypatch.setenv("SWEEP_MAX_CALLS", value)
    with pytest.raises(ValueError, match="SWEEP_MAX_CALLS"):
        sweeper.max_calls_from_environment()


def test_a_scheduled_run_logs_its_tick_and_the_event_id(sagemaker, monkeypatch, log_lines):
    client, stubber = sagemaker
    monkeypatch.setattr(sweeper, "sagemaker_client", lambda: client)
    monkeypatch.setenv("SWEEP_MAX_CALLS", "5")
    expect_list(stubber, [])
    scheduled = {
        "version": "0", "id": "0b1c2d3e-aaaa-bbbb-cccc-000000000001", "detail-type": "Scheduled Event",
        "source": "aws.events", "account": "123456789012", "time": "2025-06-01T13:00:00Z", "region": "eu-central-1",
        "resources": ["arn:aws:events:eu-central-1:123456789012:rule/sweeper-schedule"], "detail": {},
    }
    assert sweeper.on_schedule(scheduled, LambdaContext())["stopped"] == "complete"
    [finished] = log_lines
    assert (finished["message"], finished["scheduled_at"], finished["correlation_id"]) == (
        "sweep_finished", "2025-06-01T13:00:00Z", "0b1c2d3e-aaaa-bbbb-cccc-000000000001")
