"""The approvers' e-mail: what the order asks for and how to answer it, in plain text.

It never carries the task token: approvers answer through the ordering API, which reads the
token from the order's item.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from order_steps.event import WorkflowOrder
from order_steps.records import iso_utc
from studio_platform.settings_types import DEFAULT_IDLE_TIMEOUT_MINUTES, DEFAULT_INSTANCE_TYPES

# SNS refuses a Subject over 100 characters, or one with anything but printable ASCII.
SUBJECT_MAX = 100


def approval_subject(team: str) -> str:
    subject = f"SageMaker Studio order: team {team} awaits approval"
    printable = "".join(char if " " <= char <= "~" else "?" for char in subject)
    return printable[:SUBJECT_MAX]


def approval_message(*, order: WorkflowOrder, deadline: datetime) -> str:
    entry = order.entry
    budget = entry.get("budget") if isinstance(entry.get("budget"), dict) else {}
    requester = order.requester + (f" <{order.requester_email}>" if order.requester_email else "")
    answer = f"{order.api_url}/orders/{order.order_id}"
    lines = [
        f"A SageMaker Studio domain for team {order.team} awaits your approval.",
        "",
        f"Order:           {order.order_id}",
        f"Team:            {order.team}",
        f"Requester:       {requester}",
        f"Owner:           {_text(entry.get('owner'))}",
        f"Cost centre:     {_text(entry.get('cost_centre'))}",
        f"Monthly budget:  {_text(budget.get('monthly_limit_usd'))} USD"
        f"{_alerts(budget.get('thresholds_percent'))}",
        f"Instance types:  {_instance_types(entry.get('instance_types'))}",
        f"Idle timeout:    {_text(entry.get('idle_timeout_minutes', DEFAULT_IDLE_TIMEOUT_MINUTES))} minutes",
        f"pip mirror:      {_text(entry.get('pip_index_url'), missing='none (public PyPI)')}",
        f"conda mirror:    {_text(entry.get('conda_channel_url'), missing='none (public channels)')}",
        "",
        "To answer, signed in as an approver, send one of:",
        f"  POST {answer}/approve",
        f"  POST {answer}/reject",
        'with a JSON body {"reason": "..."} (optional to approve, required to reject).',
        "",
        f"Answer by {iso_utc(deadline)} (UTC); an order nobody answers by then expires.",
    ]
    return "\n".join(lines) + "\n"


def _text(value: Any, *, missing: str = "-") -> str:
    if value is None or value == "":
        return missing
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _alerts(thresholds: Any) -> str:
    if not isinstance(thresholds, list) or not thresholds:
        return ""
    return " (alerts at " + ", ".join(f"{_text(percent)} %" for percent in thresholds) + ")"


def _instance_types(types: Any) -> str:
    if isinstance(types, list) and types:
        return ", ".join(str(name) for name in types)
    return "the platform's default: " + ", ".join(DEFAULT_INSTANCE_TYPES)
