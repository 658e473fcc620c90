"""Python side of tests/iam_eval/evaluate.mjs: one node process evaluates a whole batch.

A `Case` is one row of a decision table: who, which action on which resource, with which
request context, and the decision the design requires.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iam_model import ACCOUNT, Role

ROOT = Path(__file__).resolve().parent.parent
EVALUATOR = Path(__file__).resolve().parent / "iam_eval" / "evaluate.mjs"
ALLOW, DENY = "Allowed", "Denied"  # DENY: explicitly or implicitly, the caller cannot do it
ORG_ID = "o-exampleorg1"


@dataclass(frozen=True)
class Case:
    name: str
    role: Role
    action: str
    resource: str
    expected: str
    context: dict[str, Any] = field(default_factory=dict)
    resource_policy: dict | None = None  # bucket, key or trust policy of the target
    session: dict[str, str] = field(default_factory=dict)  # keys SageMaker sets on the role session
    extra_policies: tuple[dict, ...] = ()  # more identity policies attached to the role

    def request(self) -> dict[str, Any]:
        principal_context = {
            "aws:PrincipalArn": self.role.arn,
            "aws:PrincipalAccount": ACCOUNT,
            "aws:PrincipalOrgID": ORG_ID,
            "aws:ResourceAccount": ACCOUNT,
            "aws:ResourceOrgID": ORG_ID,
            "aws:SecureTransport": "true",
        }
        return {
            "principal": self.role.arn,
            "action": self.action,
            "resource": self.resource,
            "resourceAccount": ACCOUNT,
            "identityPolicies": [*self.role.identity_policies, *self.extra_policies],
            "resourcePolicy": self.resource_policy,
            "context": {**principal_context, **self.context},
            "sessionContext": self.session,
        }


def node_binary() -> str:
    local = ROOT / ".venv" / "node" / "bin" / "node"
    return str(local) if local.exists() else (shutil.which("node") or "node")


def evaluate(cases: list[Case]) -> dict[str, dict]:
    """Decision of every case by name, from one node process."""
    names = [case.name for case in cases]
    assert len(set(names)) == len(names), "case names must be unique"
    completed = subprocess.run(
        [node_binary(), str(EVALUATOR)],
        input=json.dumps([case.request() for case in cases]),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "NODE_OPTIONS": ""},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return dict(zip(names, json.loads(completed.stdout)))


def check(case: Case, outcome: dict) -> None:
    """The case's decision, valid input and a fully accepted context, or a readable failure."""
    assert "error" not in outcome, f"{case.name}: the simulator refused the request: {outcome}"
    assert outcome["ignoredContextKeys"] == [], (
        f"{case.name}: context keys {outcome['ignoredContextKeys']} do not exist for {case.action}; "
        "the case would test a request AWS never makes"
    )
    decision = ALLOW if outcome["decision"] == "Allowed" else DENY
    assert decision == case.expected, (
        f"{case.name}: expected {case.expected}, got {outcome['decision']} (decided by {outcome['decidedBy']})"
    )


def allow_everything() -> dict:
    """An administrator's careless extra attachment: the guardrails must still hold."""
    return {
        "name": "ExtraAllowEverything",
        "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    }
