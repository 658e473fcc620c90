"""Structured logs: one JSON line per request with who/what/outcome, and never a URL or token."""

from __future__ import annotations

import json
import logging

import pytest
from lambda_loader import load_lambda_module
from presign_fakes import (
    ACCESS_TOKEN,
    DOMAIN_ID,
    PRESIGNED_URL,
    SUB,
    USERNAME,
    FakeSageMaker,
    make_context,
    make_event,
)

handler_module = load_lambda_module("presign_url_generator", "handler")
from presign.sagemaker import SageMakerGateway  # noqa: E402
from presign.service import Dependencies  # noqa: E402
from presign_fakes import FakeClock  # noqa: E402

SECRETS = (PRESIGNED_URL, "SECRET-LOGIN-TOKEN-123", ACCESS_TOKEN, "SECRET-ACCESS-TOKEN")


@pytest.fixture
def fake(monkeypatch):
    sagemaker = FakeSageMaker([(DOMAIN_ID, "team1", "InService")])
    clock = FakeClock()
    deps = Dependencies(gateway=SageMakerGateway(sagemaker), clock=clock, sleep=clock.sleep)
    monkeypatch.setattr(handler_module, "_container", deps)
    return sagemaker


def log_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_one_json_line_per_request_with_identity_and_outcome(fake, capsys):
    response = handler_module.handler(make_event(), make_context())

    lines = log_lines(capsys.readouterr().out)
    assert response["statusCode"] == 200
    assert len(lines) == 1
    entry = lines[0]
    assert entry["username"] == USERNAME and entry["sub"] == SUB and entry["domain"] == "team1"
    assert entry["status"] == 200 and entry["reason"] == "ok"
    assert entry["function_request_id"] == "lambda-req-1" and entry["correlation_id"] == "api-req-1"
    assert isinstance(entry["latency_ms"], float)
    assert entry["domain_id"] == DOMAIN_ID and entry["profile"].endswith(SUB.replace("-", ""))
    assert entry["profile_cache"] == "miss"


def test_the_line_says_when_the_profile_came_from_the_cache(fake, capsys):
    handler_module.handler(make_event(), make_context())  # first login: creates the profile
    calls_before = len(fake.operations())
    handler_module.handler(make_event(), make_context())

    first, second = log_lines(capsys.readouterr().out)
    assert (first["profile_cache"], second["profile_cache"]) == ("miss", "hit")
    assert fake.operations()[calls_before:] == ["CreatePresignedDomainUrl"]


def test_refusals_are_logged_with_their_reason(fake, capsys):
    handler_module.handler(make_event(groups="team10"), make_context())

    (entry,) = log_lines(capsys.readouterr().out)
    assert (entry["status"], entry["reason"]) == (403, "not_a_group_member")


def test_no_secret_reaches_any_log(fake, capsys, caplog):
    caplog.set_level(logging.DEBUG)  # everything, botocore included
    event = make_event()
    event["headers"]["X-Amz-Security-Token"] = "SECRET-ACCESS-TOKEN"

    for request in (event, make_event(groups="nope"), make_event(domain_name="bad_name")):
        handler_module.handler(request, make_context())
    captured = capsys.readouterr()
    every_log = captured.out + captured.err + caplog.text

    assert every_log.count('"status"') == 3
    for secret in SECRETS:
        assert secret not in every_log


def test_unexpected_failure_logs_a_traceback_but_not_the_url(fake, capsys, monkeypatch):
    def broken(**_):
        raise KeyError("AuthorizedUrl")

    monkeypatch.setattr(fake, "create_presigned_domain_url", broken)

    response = handler_module.handler(make_event(), make_context())

    out = capsys.readouterr().out
    assert response["statusCode"] == 500
    assert "Traceback" in out and PRESIGNED_URL not in out
