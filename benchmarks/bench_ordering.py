"""Benchmark of self-service ordering, offline: the ordering API's handler and the synthesized
workflow in moto (tests/ordering_world.py builds the stack's resources there).

    python benchmarks/bench_ordering.py

Measures what does not depend on moto's speed: AWS calls the API makes per order and per
approval, and the workflow's state transitions and task calls for one delivered order (Step
Functions bills standard workflows per state transition). Times are left out: with moto behind
the handler they measure moto. `run()` returns the rows for other scripts.
"""

from __future__ import annotations

import os
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(PROJECT_ROOT / "tests"), str(PROJECT_ROOT)]


def run() -> list[tuple[str, str]]:
    import botocore.client
    import pytest
    from moto import mock_aws

    from iam_model import ACCOUNT
    from test_ordering_workflow import APPROVER, awaiting_approval, decide, submit
    from studio_runtime.aws_clients import aws_client
    from lambda_loader import load_lambda_module
    from ordering_world import build_world

    calls: Counter[str] = Counter()
    main_thread = threading.get_ident()
    original = botocore.client.BaseClient._make_api_call

    def counting(client: Any, operation: str, params: Any) -> Any:
        if threading.get_ident() == main_thread:  # the API handler; the interpreter has its own threads
            calls[operation] += 1
        return original(client, operation, params)

    with pytest.MonkeyPatch.context() as patch, mock_aws(
        config={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
    ):
        patch.setenv("MOTO_ACCOUNT_ID", ACCOUNT)
        # The handlers' log lines would fill the table's output (their loggers read this once).
        patch.setenv("POWERTOOLS_LOG_LEVEL", "ERROR")
        aws_client.cache_clear()
        for code_dir in ("ordering_api", "ordering_steps"):
            patch.setattr(load_lambda_module(code_dir), "_clients", None)
        world = build_world(patch, approval_seconds=60)
        for username in ("dana", APPROVER):
            world.client("cognito-idp").admin_create_user(
                UserPoolId=world.pool_id,
                Username=username,
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}, {"Name": "email_verified", "Value": "true"}],
            )
        patch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
        # One order through to delivery: the API's calls and the workflow's transitions.
        order_id, execution = submit(world)
        submit_calls = dict(calls)
        calls.clear()
        awaiting_approval(world, order_id)
        calls.clear()  # the wait above reads the order itself
        decide(order_id, "approve")
        approve_calls = dict(calls)
        described = world.finished(execution)
        history = world.client("stepfunctions").get_execution_history(executionArn=execution, maxResults=1000)["events"]
        transitions = sum(1 for event in history if event["type"].endswith("StateEntered"))
        tasks = Counter(
            event["taskScheduledEventDetails"]["resourceType"]
            for event in history
            if event["type"] == "TaskScheduled"
        )
    assert described["status"] == "SUCCEEDED", described
    return [
        ("ordering API: AWS calls per order submitted", _calls(submit_calls)),
        ("ordering API: AWS calls per approval", _calls(approve_calls)),
        ("ordering workflow: state transitions per delivered order (poll once)", str(transitions)),
        ("ordering workflow: task calls per delivered order", _calls(dict(tasks))),
    ]


def _calls(found: dict[str, int]) -> str:
    total = sum(found.values())
    return f"{total} ({', '.join(f'{name} {count}' for name, count in sorted(found.items()))})"


if __name__ == "__main__":
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")
    from table import markdown_table

    print(markdown_table(run()))
