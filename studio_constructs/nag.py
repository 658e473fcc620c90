"""cdk-nag v3 acknowledgements, kept next to the resource they concern.

cdk-nag v3 matches each finding exactly: `AwsSolutions-IAM5[Resource::<arn>]` is one
finding, `AwsSolutions-IAM5[Action::s3:*]` another. `finding_ref` renders an ARN that
holds CloudFormation tokens the way cdk-nag prints it (`<LogicalId.Attr>`).
"""

from __future__ import annotations

from typing import Any, Iterable

import aws_cdk as cdk
from constructs import IConstruct


def acknowledge(construct: IConstruct, rule: str, reason: str, *, findings: Iterable[str] = ()) -> None:
    """Accept AwsSolutions `rule` on `construct` with a reason.

    Without `findings` the rule itself is acknowledged; with them, each `rule[finding]`.
    """
    if len(reason) < 20:
        raise ValueError(f"acknowledgement of {rule} needs a specific reason, got {reason!r}")
    ids = [f"{rule}[{finding}]" for finding in findings] or [rule]
    # One call for all findings: each jsii round trip costs synth time at 100 teams.
    cdk.Validations.of(construct).acknowledge(
        *(cdk.Acknowledgment(id=f"AwsSolutions::{finding_id}", reason=reason) for finding_id in ids)
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


def acknowledge_wildcards(construct: IConstruct, statements: Iterable[tuple[Any, str]]) -> None:
    """Acknowledge AwsSolutions-IAM5 for each wildcard action/resource of each statement
    (`policy.Statement`, read in Python), with that statement's reason, in one call."""
    acknowledgments = []
    for statement, reason in statements:
        findings = [f"Action::{action}" for action in statement.actions if "*" in action]
        findings += [
            f"Resource::{rendered}"
            for rendered in (finding_ref(construct, resource) for resource in statement.resources)
            if "*" in rendered
        ]
        if findings and len(reason) < 20:
            raise ValueError(f"acknowledgement of {findings} needs a specific reason, got {reason!r}")
        acknowledgments += [
            cdk.Acknowledgment(id=f"AwsSolutions::AwsSolutions-IAM5[{finding}]", reason=reason) for finding in findings
        ]
    if acknowledgments:
        cdk.Validations.of(construct).acknowledge(*acknowledgments)


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
