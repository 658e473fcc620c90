"""The Logger every function uses: JSON on the current stdout, quiet botocore, Lambda context."""

from __future__ import annotations

import json
import logging

from lambda_context import LambdaContext
from studio_runtime.lambda_time import seconds_left
from studio_runtime.log import service_logger


def test_actions_are_json_lines_with_their_fields_and_the_lambda_context(capsys) -> None:
    logger = service_logger("log-test")

    @logger.inject_lambda_context(correlation_id_path="RequestId")
    def handler(event, context):
        logger.info("deleted", config_name="cfg-1", attempt=2)

    handler({"RequestId": "req-7"}, LambdaContext(function_name="fn"))
    line = json.loads(capsys.readouterr().out.strip())
    assert (line["message"], line["config_name"], line["attempt"], line["service"]) == ("deleted", "cfg-1", 2, "log-test")
    assert (line["correlation_id"], line["function_name"], line["cold_start"] in (True, False)) == ("req-7", "fn", True)
    assert "RequestId" not in line  # the event itself is never logged


def test_botocore_never_logs_bodies_at_debug() -> None:
    logging.getLogger("botocore").setLevel(logging.DEBUG)
    service_logger("log-test")
    assert logging.getLogger("botocore").level == logging.INFO


def test_seconds_left_follows_the_context_and_is_unbounded_without_one() -> None:
    assert seconds_left(None)() == float("inf")
    left = seconds_left(LambdaContext(timeout_seconds=30))()
    assert 29 < left <= 30
