"""cdk-nag v3 acknowledgements, kept next to the resource they concern.

app.py runs the packs of `PACKS`. A rule id starts with its pack's name
(`AwsSolutions-IAM5`, `Serverless-LambdaDLQ`) and is acknowledged as `<pack>::<rule id>`.
cdk-nag v3 matches each finding exactly: `AwsSolutions-IAM5[Resource::<arn>]` is one
finding, `AwsSolutions-IAM5[Action::s3:*]` another. `finding_ref` renders an ARN that
holds CloudFormation tokens the way cdk-nag prints it (`<LogicalId.Attr>`).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import aws_cdk as cdk
from constructs import IConstruct

from studio_constructs.checkov import MIN_REASON_LENGTH

# The packs app.py adds (their plugin names; tests/test_nag_packs.py checks the app runs each).
PACKS = ("AwsSolutions", "Serverless")


def acknowledge(construct: IConstruct, rule: str, reason: str, *, findings: Iterable[str] = ()) -> None:
    """Accept `rule` (e.g. `AwsSolutions-IAM5`, `Serverless-LambdaDLQ`) on `construct` with a reason.

    Without `findings` the rule itself is acknowledged; with them, each `rule[finding]`.
    """
    ids = [f"{rule}[{finding}]" for finding in findings] or [rule]
    _acknowledge(construct, [(finding_id, reason) for finding_id in ids])


def acknowledge_rules(construct: IConstruct, reasons: Mapping[str, str]) -> None:
    """Several rules at once ({rule id: reason}) on `construct`."""
    _acknowledge(construct, list(reasons.items()))


def validation_id(rule_id: str) -> str:
    """`Serverless-LambdaDLQ` -> `Serverless::Serverless-LambdaDLQ`, the id aws-cdk-lib matches."""
    pack = rule_id.split("-", 1)[0]
    if pack not in PACKS:
        raise ValueError(f"{rule_id!r} is not a rule of the cdk-nag packs the app runs ({', '.join(PACKS)})")
    return f"{pack}::{rule_id}"


def _acknowledge(construct: IConstruct, entries: list[tuple[str, str]]) -> None:
    for rule_id, reason in entries:
        if len(reason.strip()) < MIN_REASON_LENGTH:
            raise ValueError(f"acknowledgement of {rule_id} needs a specific reason, got {reason!r}")
    if entries:
        # One call for all findings: each jsii round trip costs synth time at 100 teams.
        cdk.Validations.of(construct).acknowledge(
            *(cdk.Acknowledgment(id=validation_id(rule_id), reason=reason) for rule_id, reason in entries)
        )


def finding_ref(scope: IConstruct, value: str) -> str:
    """`value` (maybe holding tokens) as cdk-nag prints it in a finding id."""
    if "${Token[" not in value:
        return value  # a plain string needs no round trip through jsii
    return _flatten(cdk.Stack.of(scope).resolve(value))


def _flatten(resolved: Any) -> str:
    if isinstance(resolved, str):
        return resolved
    if isinstance(resolved, dict):
        if "Fn::Join" in resolved:
            separator, parts = resolved["Fn::Join"]
            return separator.join(_flatten(part) for part in parts)
        if "Ref" in resolved:
            return f"<{resolved['Ref']}>"
        if "Fn::GetAtt" in resolved:
            logical_id, attribute = resolved["Fn::GetAtt"]
            return f"<{logical_id}.{attribute}>"
    raise ValueError(f"cannot render {resolved!r} as a cdk-nag finding id")


def wildcard_findings(construct: IConstruct, statement: Any) -> list[str]:
    """The AwsSolutions-IAM5 findings a statement (`policy.Statement`, read in Python) raises;
    the rule looks at what a statement allows, so a Deny raises none."""
    if statement.deny:
        return []
    findings = [f"Action::{action}" for action in statement.actions if "*" in action]
    findings += [
        f"Resource::{rendered}"
        for rendered in (finding_ref(construct, resource) for resource in statement.resources)
        if "*" in rendered
    ]
    return findings


def has_wildcards(construct: IConstruct, statement: Any) -> bool:
    return bool(wildcard_findings(construct, statement))


def acknowledge_wildcards(construct: IConstruct, statements: Iterable[tuple[Any, str]]) -> None:
    """Acknowledge AwsSolutions-IAM5 for each wildcard action/resource of each statement,
    with that statement's reason, in one call."""
    entries = [
        (f"AwsSolutions-IAM5[{finding}]", reason)
        for statement, reason in statements
        for finding in wildcard_findings(construct, statement)
    ]
    _acknowledge(construct, entries)


def ignore_redundant_depends_on(construct: IConstruct) -> None:
    """aws-cdk-lib lists a role in DependsOn although the role's GetAtt already orders them
    (cfn-lint W3005): redundant, harmless, and not ours to change; the template says so."""
    resource = construct.node.default_child or construct
    resource.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3005"]}})


def ignore_cdk_provider_lint(scope: IConstruct, provider_id: str) -> None:
    """The same for the handler of an aws-cdk-lib singleton provider of the stack."""
    provider = cdk.Stack.of(scope).node.try_find_child(provider_id)
    if provider is not None:
        ignore_redundant_depends_on(provider.node.find_child("Handler"))
