"""What CloudFormation would do to each resource when a synthesized app is deployed over another.

Decided from CloudFormation's registry resource schemas as bundled by cfn-lint: a changed
value at or under one of a type's `createOnlyProperties` (JSON pointers, `*` for any array
item) replaces the resource. Rules beyond the schemas, in the order they are applied:

- a changed logical id is a removal plus an addition; a changed `Type` is a replacement;
- `conditionalCreateOnlyProperties` ("may require replacement" in the docs) count as
  create-only: CloudFormation decides at deploy time, and a safety check must assume the worst;
- custom resources (`Custom::*`, `AWS::CloudFormation::CustomResource`) have no schema. Any
  change to them, `ServiceToken` included, is an update: CloudFormation sends an Update event
  and only the provider's answer (a new PhysicalResourceId) can turn it into a replacement,
  which a template cannot show;
- replacement cascades: a replaced resource gets new Ref/GetAtt values, so a resource whose
  create-only property references it (Ref, GetAtt, Sub) is replaced too, and one that only
  references it elsewhere is updated. Outputs whose value references a replaced resource change,
  and so do the create-only properties of other stacks that read them, strongly
  (`Fn::ImportValue` of the export) or weakly (`Fn::GetStackOutput`): a fixed point over stacks;
- an export that another stack imports can neither change value nor disappear: CloudFormation
  refuses the producer's update ("cannot update export ... in use"), reported as an
  `ExportConflict`. A weak read (`Fn::GetStackOutput`) blocks nothing;
- nothing that never reaches AWS as a change counts: resource and template `Metadata`
  (aws:cdk:*, cfn-lint, cdk_nag), the `AWS::CDK::Metadata` resource and its condition. A new
  asset hash in a Lambda function's `Code.S3Key` is an in-place code update (`Code` is not
  create-only); `template_values.canonical` masks it when whole templates are compared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Mapping

import cfnlint

from template_values import (
    cross_stack_reads,
    cross_stack_sources,
    imported_exports,
    normalise,
    referenced_resources,
    values_at,
)

SCHEMAS = Path(cfnlint.__file__).resolve().parent / "data" / "schemas"
CUSTOM_RESOURCE_TYPES = ("AWS::CloudFormation::CustomResource",)

ADDED, REMOVED, REPLACED, UPDATED = "added", "removed", "replaced", "updated"
ABSENT = object()  # a value missing on one side, distinct from any JSON value


@dataclass(frozen=True)
class ResourceChange:
    stack: str
    logical_id: str
    resource_type: str
    action: str  # ADDED, REMOVED, REPLACED or UPDATED
    why: str
    # The resource as it is before the change (after, for ADDED): its name properties and policies.
    resource: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.stack}/{self.logical_id} ({self.resource_type}) {self.action}: {self.why}"


@dataclass(frozen=True)
class ExportConflict:
    stack: str
    export_name: str
    importers: tuple[str, ...]
    why: str

    def __str__(self) -> str:
        return f"{self.stack} export {self.export_name} {self.why} while {', '.join(self.importers)} import it"


@dataclass(frozen=True)
class UpdatePlan:
    changes: tuple[ResourceChange, ...]
    export_conflicts: tuple[ExportConflict, ...]
    added_stacks: tuple[str, ...]
    removed_stacks: tuple[str, ...]

    def find(self, stack: str, logical_id: str) -> ResourceChange | None:
        return next((c for c in self.changes if (c.stack, c.logical_id) == (stack, logical_id)), None)


# --- schemas ----------------------------------------------------------------------------------


def is_custom_resource(resource_type: str) -> bool:
    return resource_type.startswith("Custom::") or resource_type in CUSTOM_RESOURCE_TYPES


@lru_cache(maxsize=None)
def create_only_pointers(resource_type: str, region: str) -> tuple[str, ...]:
    """Create-only and conditional create-only pointers of a type, relative to `Properties`."""
    if is_custom_resource(resource_type):
        return ()
    providers = json.loads((SCHEMAS / "providers" / f"{region}.json").read_text())
    if resource_type not in providers:
        raise KeyError(f"{resource_type} has no registry schema for {region}: cannot judge its updates")
    schema = json.loads((SCHEMAS / "resources" / f"{providers[resource_type]}.json").read_text())
    pointers = [*schema.get("createOnlyProperties", ()), *schema.get("conditionalCreateOnlyProperties", ())]
    return tuple(pointer.removeprefix("/properties") for pointer in pointers)


# --- planning ---------------------------------------------------------------------------------


def plan_update(
    before: Mapping[str, Mapping[str, Any]], after: Mapping[str, Mapping[str, Any]], *, region: str
) -> UpdatePlan:
    """Every resource change of deploying `after` (stack name -> template) over `before`."""
    old = {name: normalise(template) for name, template in before.items()}
    new = {name: normalise(template) for name, template in after.items()}
    common = [name for name in new if name in old]
    replaced: dict[str, dict[str, str]] = {name: {} for name in common}
    moved: dict[str, str] = {}  # cross-stack source ("export X", "output S/O") -> how its value changes
    while True:  # cross-stack fixed point: replacements change exports, reads of those replace
        for name in common:
            replaced[name] = replacements(old[name], new[name], moved, region=region)
        now_moved = {
            source: why
            for name in common
            for source, why in source_changes(name, old[name], new[name], replaced[name]).items()
        }
        if now_moved == moved:
            break
        moved = now_moved
    changes: list[ResourceChange] = []
    for name in common:
        changes += stack_changes(name, old[name], new[name], replaced[name], moved)
    for name in (n for n in new if n not in old):
        changes += [
            ResourceChange(name, lid, r["Type"], ADDED, "new stack", r) for lid, r in new[name]["Resources"].items()
        ]
    return UpdatePlan(
        changes=tuple(changes),
        export_conflicts=tuple(export_conflicts(old, new, replaced)),
        added_stacks=tuple(n for n in new if n not in old),
        removed_stacks=tuple(n for n in old if n not in new),
    )


def replacements(
    old: Mapping[str, Any], new: Mapping[str, Any], moved: Mapping[str, str], *, region: str
) -> dict[str, str]:
    """Logical id -> why, for the resources of one stack that CloudFormation would replace."""
    before, after = old["Resources"], new["Resources"]
    common = [lid for lid in after if lid in before]
    replaced: dict[str, str] = {}
    while True:  # cascades through Ref/GetAtt: iterate until no new replacement appears
        found = dict(replaced)
        for lid in (lid for lid in common if lid not in found):
            why = replacement_reason(before[lid], after[lid], found, moved, region=region)
            if why:
                found[lid] = why
        if found == replaced:
            return replaced
        replaced = found


def replacement_reason(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    replaced: Mapping[str, str],
    moved: Mapping[str, str],
    *,
    region: str,
) -> str | None:
    if old["Type"] != new["Type"]:
        return f"Type changed from {old['Type']} to {new['Type']}"
    old_props, new_props = old.get("Properties", {}), new.get("Properties", {})
    for pointer in create_only_pointers(new["Type"], region):
        old_values, new_values = values_at(old_props, pointer), values_at(new_props, pointer)
        if old_values != new_values:
            paths = sorted(
                p for p in {*old_values, *new_values} if old_values.get(p, ABSENT) != new_values.get(p, ABSENT)
            )
            return f"create-only {pointer} changed ({', '.join(paths)})"
        why = changed_inputs(new_values, replaced, moved)
        if why:
            return f"create-only {pointer} {why}"
    return None


def changed_inputs(values: Any, replaced: Mapping[str, str], moved: Mapping[str, str]) -> str | None:
    """Why values unchanged in the template still change in AWS: a Ref/GetAtt to a replaced
    resource, or a read of another stack's output that changes."""
    stale = sorted(referenced_resources(values) & set(replaced))
    if stale:
        return f"references replaced {', '.join(stale)}"
    read = sorted(cross_stack_reads(values) & set(moved))
    if read:
        return f"reads changed {', '.join(read)}"
    return None


def source_changes(
    stack: str, old: Mapping[str, Any], new: Mapping[str, Any], replaced: Mapping[str, str]
) -> dict[str, str]:
    """Cross-stack source -> how its value changes: removed, a new value, or a replaced resource."""
    before, after = cross_stack_sources(stack, old), cross_stack_sources(stack, new)
    changed = {}
    for source, value in before.items():
        stale = sorted(referenced_resources(value) & set(replaced))
        if source not in after:
            changed[source] = "is removed"
        elif after[source] != value:
            changed[source] = "changes value"
        elif stale:
            changed[source] = f"changes value (references replaced {', '.join(stale)})"
    return changed


def export_conflicts(
    old: Mapping[str, Mapping[str, Any]],
    new: Mapping[str, Mapping[str, Any]],
    replaced: Mapping[str, Mapping[str, str]],
) -> Iterator[ExportConflict]:
    """Exports that change or go while another stack imports them (weak reads block nothing)."""
    for name in old:
        changes = source_changes(name, old[name], new.get(name, {"Resources": {}}), replaced.get(name, {}))
        for source, why in sorted(changes.items()):
            if not source.startswith("export "):
                continue
            export = source.removeprefix("export ")
            importers = tuple(sorted(n for n, t in old.items() if n != name and export in imported_exports(t)))
            if importers:
                yield ExportConflict(name, export, importers, why)


def stack_changes(
    stack: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    replaced: Mapping[str, str],
    moved: Mapping[str, str],
) -> list[ResourceChange]:
    before, after = old["Resources"], new["Resources"]
    changes = [
        ResourceChange(stack, lid, r["Type"], REMOVED, removal_reason(r), r) for lid, r in before.items() if lid not in after
    ]
    changes += [
        ResourceChange(stack, lid, r["Type"], ADDED, "new logical id", r) for lid, r in after.items() if lid not in before
    ]
    for lid in (lid for lid in after if lid in before):
        if lid in replaced:
            changes.append(ResourceChange(stack, lid, after[lid]["Type"], REPLACED, replaced[lid], before[lid]))
            continue
        why = update_reason(before[lid], after[lid], replaced, moved)
        if why:
            changes.append(ResourceChange(stack, lid, after[lid]["Type"], UPDATED, why, before[lid]))
    return changes


def removal_reason(resource: Mapping[str, Any]) -> str:
    policy = resource.get("DeletionPolicy", "Delete")
    kept = f" (DeletionPolicy {policy}: kept in AWS)" if policy != "Delete" else ""
    return f"logical id no longer in the template{kept}"


def update_reason(
    old: Mapping[str, Any], new: Mapping[str, Any], replaced: Mapping[str, str], moved: Mapping[str, str]
) -> str | None:
    differing = sorted(key for key in set(old) | set(new) if key != "Properties" and old.get(key) != new.get(key))
    old_props, new_props = old.get("Properties", {}), new.get("Properties", {})
    differing += sorted(
        f"Properties.{k}" for k in set(old_props) | set(new_props) if old_props.get(k) != new_props.get(k)
    )
    if differing:
        return f"{', '.join(differing)} changed"
    return changed_inputs(new_props, replaced, moved)
