"""Reading CloudFormation templates for update_safety: normalisation, pointers, references."""

from __future__ import annotations

import json
import re
from typing import Any, Iterator, Mapping

ASSET_KEY = re.compile(r"^[0-9a-f]{64}(\.zip|\.json)?$")
SUB_REFERENCE = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")
CDK_METADATA_TYPE = "AWS::CDK::Metadata"
CDK_METADATA_CONDITION = "CDKMetadataAvailable"


# --- normalisation ----------------------------------------------------------------------------


def normalise(template: Mapping[str, Any]) -> dict[str, Any]:
    """The template without what never reaches AWS: Metadata sections and the CDKMetadata resource."""
    result = {key: value for key, value in template.items() if key != "Metadata"}
    result["Resources"] = {
        logical_id: {key: value for key, value in resource.items() if key != "Metadata"}
        for logical_id, resource in template.get("Resources", {}).items()
        if resource.get("Type") != CDK_METADATA_TYPE
    }
    conditions = {k: v for k, v in template.get("Conditions", {}).items() if k != CDK_METADATA_CONDITION}
    if conditions:
        result["Conditions"] = conditions
    else:
        result.pop("Conditions", None)
    return result


def canonical(template: Mapping[str, Any]) -> str:
    """The text two templates are compared by: normalised, Lambda asset hashes masked, keys sorted.

    An asset hash in `Code.S3Key` moves with the bundle's bytes (a dependency, the packaging),
    not with the change under test; update_safety still reports it as an in-place update.
    """
    result = normalise(template)
    for resource in result["Resources"].values():
        code = resource.get("Properties", {}).get("Code")
        if resource["Type"] == "AWS::Lambda::Function" and isinstance(code, dict):
            if isinstance(code.get("S3Key"), str) and ASSET_KEY.match(code["S3Key"]):
                resource["Properties"] = {**resource["Properties"], "Code": {**code, "S3Key": "<asset hash>.zip"}}
    return json.dumps(result, sort_keys=True, indent=1)


# --- reading values ---------------------------------------------------------------------------


def values_at(value: Any, pointer: str, path: str = "") -> dict[str, Any]:
    """Concrete path -> value for every match of a pointer (`*` = each array item)."""
    if not pointer:
        return {path: value}
    if is_intrinsic(value):  # the pointer's target is computed at deploy time: the whole is the value
        return {path: value}
    head, _, rest = pointer.lstrip("/").partition("/")
    rest = f"/{rest}" if rest else ""
    if head == "*" and isinstance(value, list):
        found: dict[str, Any] = {}
        for index, item in enumerate(value):
            found.update(values_at(item, rest, f"{path}/{index}"))
        return found
    if isinstance(value, dict) and head in value:
        return values_at(value[head], rest, f"{path}/{head}")
    return {}


def is_intrinsic(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith(("Fn::", "Ref"))


def walk(value: Any) -> Iterator[Any]:
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def referenced_resources(value: Any) -> set[str]:
    """Logical ids a value reads through Ref, Fn::GetAtt or Fn::Sub."""
    found: set[str] = set()
    for node in walk(value):
        if not isinstance(node, dict):
            continue
        if isinstance(node.get("Ref"), str):
            found.add(node["Ref"])
        attribute = node.get("Fn::GetAtt")
        if isinstance(attribute, list) and attribute:
            found.add(attribute[0])
        elif isinstance(attribute, str):
            found.add(attribute.split(".")[0])
        sub = node.get("Fn::Sub")
        text = sub[0] if isinstance(sub, list) and sub else sub
        if isinstance(text, str):
            found.update(SUB_REFERENCE.findall(text))
    return found


def imported_exports(value: Any) -> set[str]:
    return {
        node["Fn::ImportValue"]
        for node in walk(value)
        if isinstance(node, dict) and isinstance(node.get("Fn::ImportValue"), str)
    }


def cross_stack_reads(value: Any) -> set[str]:
    """`export <name>` for each Fn::ImportValue (strong), `output <stack>/<output>` for each
    Fn::GetStackOutput (weak: CloudFormation protects nothing, but the value still moves)."""
    found = {f"export {name}" for name in imported_exports(value)}
    for node in walk(value):
        read = node.get("Fn::GetStackOutput") if isinstance(node, dict) else None
        if isinstance(read, dict):
            found.add(f"output {read.get('StackName')}/{read.get('OutputName')}")
    return found


def exports_of(template: Mapping[str, Any]) -> dict[str, Any]:
    """Export name -> exported value (names built with intrinsics are kept as their JSON)."""
    found = {}
    for output in template.get("Outputs", {}).values():
        if "Export" in output:
            name = output["Export"]["Name"]
            found[name if isinstance(name, str) else json.dumps(name, sort_keys=True)] = output["Value"]
    return found


def cross_stack_sources(stack: str, template: Mapping[str, Any]) -> dict[str, Any]:
    """What other stacks can read from this one, keyed as `cross_stack_reads` names them."""
    found = {f"export {name}": value for name, value in exports_of(template).items()}
    found.update({f"output {stack}/{name}": output["Value"] for name, output in template.get("Outputs", {}).items()})
    return found
