"""The budget-notifications provider's role, evaluated with AWS's IAM logic
(@cloud-copilot/iam-simulate, tests/iam_simulator.py) on the synthesized policies: every
Budgets call the handler makes is allowed on a team budget, and nothing on budgets outside
the platform's names, another account's budgets, or budget actions. Positive controls first:
a role that can do nothing would pass every Deny row.
"""

from __future__ import annotations

import pytest
from iam_model import ACCOUNT, Platform
from iam_simulator import ALLOW, DENY, Case, check, evaluate
from platform_synth import default_context, synth_platform

TEAM_BUDGET = f"arn:aws:budgets::{ACCOUNT}:budget/sagemaker-studio-team1"
BUDGET_ACTION = f"{TEAM_BUDGET}/action/0a1b2c3d-aaaa-bbbb-cccc-000000000001"
# The Budgets API operations the handler calls, with the IAM action each one needs
# (service authorization reference: Describe* -> ViewBudget, the writes -> ModifyBudget).
HANDLER_CALLS = {
    "DescribeNotificationsForBudget": "budgets:ViewBudget",
    "DescribeSubscribersForNotification": "budgets:ViewBudget",
    "CreateNotification": "budgets:ModifyBudget",
    "DeleteNotification": "budgets:ModifyBudget",
    "CreateSubscriber": "budgets:ModifyBudget",
    "DeleteSubscriber": "budgets:ModifyBudget",
}

# (name, action, resource, expected)
ROWS = [
    *[(f"{operation} on a team budget", action, TEAM_BUDGET, ALLOW) for operation, action in HANDLER_CALLS.items()],
    ("modify a budget outside the platform", "budgets:ModifyBudget", f"arn:aws:budgets::{ACCOUNT}:budget/finance-total",
     DENY),
    ("view a budget outside the platform", "budgets:ViewBudget", f"arn:aws:budgets::{ACCOUNT}:budget/finance-total",
     DENY),
    ("modify a team budget of another account", "budgets:ModifyBudget",
     "arn:aws:budgets::222222222222:budget/sagemaker-studio-team1", DENY),
    ("create a budget action", "budgets:CreateBudgetAction", BUDGET_ACTION, DENY),
    ("execute a budget action", "budgets:ExecuteBudgetAction", BUDGET_ACTION, DENY),
    ("tag a team budget", "budgets:TagResource", TEAM_BUDGET, DENY),
]


@pytest.fixture(scope="module")
def outcomes():
    templates = synth_platform(default_context())
    roles = Platform({name: template.to_json() for name, template in templates.items()}).roles()
    [role] = [r for r in roles.values() if r.logical_id.startswith("BudgetNotificationsProviderHandlerRole")]
    cases = [
        Case(name=name, role=role, action=action, resource=resource, expected=expected)
        for name, action, resource, expected in ROWS
    ]
    return {case.name: (case, outcome) for case, outcome in zip(cases, evaluate(cases).values())}


@pytest.mark.parametrize("name", [row[0] for row in ROWS])
def test_decision(outcomes, name):
    check(*outcomes[name])
