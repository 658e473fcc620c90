"""What the lifecycle-config roles may really do, evaluated by @cloud-copilot/iam-simulate
(AWS's evaluation logic) on the synthesized policies (tests/iam_model.py, tests/iam_simulator.py).

The sweeper's code deletes only marked configs; these cases show that its role could not
delete an unmarked one even if the code tried, and that the custom-resource handler can
remove no tag but the mark. Positive controls first: a role that can do nothing would pass
every Deny row.
"""

from __future__ import annotations

import pytest
from iam_model import ACCOUNT, REGION, Platform
from iam_simulator import ALLOW, DENY, Case, check, evaluate
from platform_synth import default_context, synth_platform

from studio_runtime.contracts.lifecycle_config import DELETE_WHEN_UNUSED_TAG

OLD_CONFIG = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:studio-lifecycle-config/team1-jupyterlab-0123abcd"
TEAM_TAG = {"aws:ResourceTag/DomainName": "team1"}
MARKED = {**TEAM_TAG, f"aws:ResourceTag/{DELETE_WHEN_UNUSED_TAG}": "2025-06-01T12:30:05Z"}

# (name, role, action, resource, context, expected)
ROWS = [
    ("sweeper lists configs", "Sweeper", "sagemaker:ListStudioLifecycleConfigs", "*", {}, ALLOW),
    ("sweeper reads tags of a config", "Sweeper", "sagemaker:ListTags", OLD_CONFIG, TEAM_TAG, ALLOW),
    ("sweeper deletes a marked config", "Sweeper", "sagemaker:DeleteStudioLifecycleConfig", OLD_CONFIG, MARKED, ALLOW),
    ("sweeper cannot delete an unmarked config", "Sweeper", "sagemaker:DeleteStudioLifecycleConfig",
     OLD_CONFIG, TEAM_TAG, DENY),
    ("sweeper cannot mark configs itself", "Sweeper", "sagemaker:AddTags", OLD_CONFIG,
     {"aws:TagKeys": [DELETE_WHEN_UNUSED_TAG]}, DENY),
    ("sweeper cannot delete a domain", "Sweeper", "sagemaker:DeleteDomain",
     f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:domain/d-abcdefghijkl", {"aws:ResourceTag/DomainName": "team1"}, DENY),
    ("handler marks a config", "Handler", "sagemaker:AddTags", OLD_CONFIG,
     {"aws:TagKeys": [DELETE_WHEN_UNUSED_TAG]}, ALLOW),
    ("handler deletes a config", "Handler", "sagemaker:DeleteStudioLifecycleConfig", OLD_CONFIG, TEAM_TAG, ALLOW),
    ("handler removes the mark", "Handler", "sagemaker:DeleteTags", OLD_CONFIG,
     {"aws:TagKeys": [DELETE_WHEN_UNUSED_TAG]}, ALLOW),
    ("handler cannot remove a team tag", "Handler", "sagemaker:DeleteTags", OLD_CONFIG,
     {"aws:TagKeys": ["DomainName"]}, DENY),
    ("handler cannot remove the mark with another tag", "Handler", "sagemaker:DeleteTags", OLD_CONFIG,
     {"aws:TagKeys": [DELETE_WHEN_UNUSED_TAG, "DomainName"]}, DENY),
    ("handler cannot untag a domain", "Handler", "sagemaker:DeleteTags",
     f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:domain/d-abcdefghijkl", {"aws:TagKeys": [DELETE_WHEN_UNUSED_TAG]}, DENY),
]


@pytest.fixture(scope="module")
def outcomes():
    templates = synth_platform(default_context())
    roles = Platform({name: template.to_json() for name, template in templates.items()}).roles()
    by_kind = {
        kind: next(role for role in roles.values() if role.logical_id.startswith(prefix))
        for kind, prefix in (
            ("Sweeper", "LifecycleConfigProviderSweeperFunctionRole"),
            ("Handler", "LifecycleConfigProviderHandlerRole"),
        )
    }
    cases = [
        Case(name=name, role=by_kind[kind], action=action, resource=resource, expected=expected, context=context)
        for name, kind, action, resource, context, expected in ROWS
    ]
    return {case.name: (case, outcome) for case, outcome in zip(cases, evaluate(cases).values())}


@pytest.mark.parametrize("name", [row[0] for row in ROWS])
def test_decision(outcomes, name):
    check(*outcomes[name])
