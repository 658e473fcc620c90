"""The day-2 rule built on update_safety: which planned changes a platform change may not cause.

A change fails when it replaces or removes a stateful or fixed-name resource, when it changes
an export another stack imports, or, for a change scoped to some teams, when any other stack's
template changes at all (after normalisation). The only exceptions are the documented breaking
changes in DOCUMENTED_BREAKING, each with its reason.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from platform_synth import ROOT, default_context, synth_platform
from template_values import canonical
from update_safety import REMOVED, REPLACED, ResourceChange, UpdatePlan, plan_update

REGION = "eu-central-1"
EXAMPLE_TEAMS_FILE = ROOT / "teams.example.yaml"
# Builds a case's context; gets the directory that holds the case's teams files.
ContextBuilder = Callable[[Path], dict[str, Any]]

# Replacing or deleting one of these loses data, identity or history (the Budget's spend
# history and alert state; a Cognito user's `sub`, which profiles and audit logs key on).
STATEFUL_TYPES = frozenset(
    {
        "AWS::SageMaker::Domain",
        "AWS::SageMaker::UserProfile",
        "AWS::SageMaker::Space",
        "AWS::S3::Bucket",
        "AWS::KMS::Key",
        "AWS::KMS::Alias",
        "AWS::Cognito::UserPool",
        "AWS::Cognito::UserPoolGroup",
        "AWS::Cognito::UserPoolClient",
        "AWS::Cognito::UserPoolDomain",
        "AWS::Cognito::UserPoolUser",
        "AWS::SecretsManager::Secret",
        "AWS::Budgets::Budget",
        "AWS::EC2::VPC",
        "AWS::EC2::Subnet",
        "AWS::EFS::FileSystem",
        "AWS::DynamoDB::Table",
        "AWS::DynamoDB::GlobalTable",
    }
)
# A replaced resource with a fixed name collides with itself (CloudFormation creates the new
# one before deleting the old), and a removed one breaks whatever finds it by that name.
FIXED_NAME_PROPERTIES = {
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::StepFunctions::StateMachine": "StateMachineName",
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::CloudWatch::Dashboard": "DashboardName",
    "AWS::EC2::SecurityGroup": "GroupName",
    "AWS::WAFv2::WebACL": "Name",
    "AWS::SQS::Queue": "QueueName",
}
# Case id -> why the change may replace or remove stateful resources: the breaking changes the
# README's "Day-2 changes" table documents, and removals that are what the engineer asked for.
DOCUMENTED_BREAKING = {
    "flag-vpc-cidr": "a new VPC CIDR is a new network: the VPC, its subnets and endpoints and every "
    "team's domain (VpcId, SubnetIds) are replaced, so teams move their data first",
    "flag-availability-zones-third-zone": "the zones split the VPC CIDR: another zone renumbers every "
    "subnet, a new network in all but name (README: fixed after the first deploy)",
    "flag-user-renamed": "the demo user's name is its identity: another name is another Cognito user",
    "team-user_profiles-removed": "removing a profile from the file deletes that profile (asked for); "
    "its home directory stays on the EFS",
    "defaults-user_profiles-removed": "removing a default profile deletes it in every team (asked for)",
    "defaults-budget-removed": "removing a budget deletes that AWS Budget (asked for)",
    "team-budget-removed": "removing a budget deletes that AWS Budget (asked for)",
    "flag-order-deploy-source-github": "a deploy source of your own replaces the ordering stack's source bucket, "
    "which leaves the stack and stays in AWS with the zips uploaded to it (retained)",
    "flag-order-deploy-source-own-bucket": "the same, for a zip in a bucket of your own",
    "team-cognito_group-stack-to-ordering": "the ordering workflow sets `cognito_group: ordering` on the teams it "
    "creates; set by hand on a team its stack created, the stack deletes that group and its members (README: "
    "Ordering a team)",
}


@dataclass(frozen=True)
class Case:
    """One day-2 change: contexts before and after, and which team stacks it may touch.

    `teams=None` marks a platform-wide change (any stack may change, but nothing may be lost);
    a tuple lists the only team stacks allowed to change: every other stack, shared stacks
    included, must stay byte-identical after normalisation.
    """

    id: str
    before: ContextBuilder
    after: ContextBuilder
    teams: tuple[str, ...] | None = None
    changes_something: bool = True
    marks: tuple[Any, ...] = field(default=())


def flags(**overrides: Any) -> ContextBuilder:
    """cdk.json's context with `-c` overrides (keyword `_` becomes `-`)."""
    return lambda directory: default_context(**overrides)


def teams(edit: Callable[[dict[str, Any]], None] | None = None, **overrides: Any) -> ContextBuilder:
    """The example teams file after `edit`, plus `-c` overrides."""
    return lambda directory: default_context(teams_file=teams_file(directory, edit), **overrides)


def synth_templates(context: dict[str, Any]) -> dict[str, dict]:
    return {name: template.to_json() for name, template in synth_platform(context).items()}


def plan_case(case: Case, directory: Path) -> tuple[UpdatePlan, dict[str, dict], dict[str, dict]]:
    before, after = synth_templates(case.before(directory)), synth_templates(case.after(directory))
    return plan_update(before, after, region=REGION), before, after


def loses_state(change: ResourceChange) -> bool:
    if change.action not in (REPLACED, REMOVED):
        return False
    name_property = FIXED_NAME_PROPERTIES.get(change.resource_type)
    named = name_property is not None and name_property in change.resource.get("Properties", {})
    return change.resource_type in STATEFUL_TYPES or named


def violations(case: Case, plan: UpdatePlan, before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    """Every way the planned update breaks the rule, one readable line each."""
    found = [f"loses state: {change}" for change in plan.changes if loses_state(change)]
    found += [f"blocked: {conflict}" for conflict in plan.export_conflicts]
    if case.teams is not None:
        allowed = {f"sagemaker-studio-stack-{team}" for team in case.teams}
        for stack in sorted({*before, *after} - allowed):
            if stack not in after or stack not in before:
                found.append(f"{'removes' if stack in before else 'adds'} {stack}, outside the change's teams")
            elif canonical(before[stack]) != canonical(after[stack]):
                touched = [str(c) for c in plan.changes if c.stack == stack]
                touched = touched or [outside_resources(before[stack], after[stack])]
                found.append(f"touches {stack}, outside the change's teams: {'; '.join(touched)}")
    return found


def changed_stacks(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    """Stacks added, removed or changed, by their canonical text (asset hashes masked)."""
    return sorted(
        name
        for name in {*before, *after}
        if name not in before or name not in after or canonical(before[name]) != canonical(after[name])
    )


def outside_resources(before: dict[str, Any], after: dict[str, Any]) -> str:
    """What differs when no resource does: outputs (exports) by name, else the section names."""
    old, new = before.get("Outputs", {}), after.get("Outputs", {})
    outputs = [f"output {name} added" for name in new if name not in old]
    outputs += [f"output {name} removed" for name in old if name not in new]
    outputs += [f"output {name} changed" for name in old if name in new and old[name] != new[name]]
    sections = sorted(key for key in {*before, *after} - {"Outputs"} if before.get(key) != after.get(key))
    return "; ".join(outputs + [f"{key} changed" for key in sections]) or "template text only"


# --- teams files --------------------------------------------------------------------------------


def example_teams() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE_TEAMS_FILE.read_text(encoding="utf-8"))


def team(document: dict[str, Any], name: str) -> dict[str, Any]:
    return next(entry for entry in document["teams"] if entry["name"] == name)


def teams_file(directory: Path, edit: Callable[[dict[str, Any]], None] | None = None) -> str:
    """The example teams file after `edit`, at a path named by its content.

    Same content, same path: synth_platform caches per context, and the path is part of it.
    """
    document = example_teams()
    if edit is not None:
        edit(document)
    text = yaml.safe_dump(document, sort_keys=False)
    path = directory / f"teams-{hashlib.sha256(text.encode()).hexdigest()[:16]}.yaml"
    if not path.exists():
        path.write_text(text, encoding="utf-8")
    return str(path)


DELETE = object()  # `edit(..., DELETE)` removes the field


def edit(where: str, setting: str, value: Any = DELETE) -> Callable[[dict[str, Any]], None]:
    """An edit of the teams file: `where` is `defaults` or a team name, `setting` may be dotted."""

    def apply(document: dict[str, Any]) -> None:
        target = document.setdefault("defaults", {}) if where == "defaults" else team(document, where)
        *parents, last = setting.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        if value is DELETE:
            del target[last]
        else:
            target[last] = copy.deepcopy(value)

    return apply


def edits(*steps: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def apply(document: dict[str, Any]) -> None:
        for step in steps:
            step(document)

    return apply


def assert_safe(case: Case, directory: Path) -> None:
    """The case's update breaks no rule, or, if documented as breaking, still breaks one."""
    plan, before, after = plan_case(case, directory)
    changed = changed_stacks(before, after)
    if case.changes_something:
        assert changed, f"{case.id}: no template changed, so the case proves nothing"
    else:
        details = "; ".join(map(str, plan.changes))
        assert not changed, f"{case.id} must change nothing, but changes {changed}: {details}"
    found = violations(case, plan, before, after)
    if case.id in DOCUMENTED_BREAKING:
        assert found, f"{case.id} is listed as breaking but breaks nothing: remove it from DOCUMENTED_BREAKING"
    else:
        assert not found, f"{case.id}:\n  " + "\n  ".join(found)
