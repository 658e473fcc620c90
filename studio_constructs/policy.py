"""IAM statements described in Python first, then built once, always with their reasons.

Keeping actions and resources as Python lists lets cdk-nag acknowledgements name each
wildcard without reading the statement back through jsii (a round trip per property, which
dominated synth time at 100 teams). Constructs hand statements to a role through
`add_statements` or `managed_policy` only: each statement travels with the reason for its
wildcards, and one without a reason is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from aws_cdk import aws_iam as iam

from constructs import Construct

from studio_constructs.nag import acknowledge_wildcards, has_wildcards


@dataclass(frozen=True)
class Statement:
    actions: Sequence[str]
    resources: Sequence[str]
    sid: str | None = None
    conditions: Mapping[str, Any] | None = None
    deny: bool = False
    principals: Sequence[iam.IPrincipal] = field(default_factory=tuple)
    # Set instead of `resources` for "everything but these" (a Deny that spares the team's own ARNs).
    not_resources: Sequence[str] = ()

    def to_json(self) -> dict[str, Any]:
        if self.principals:
            raise ValueError("Statement.to_json: statements with principals must use build()")
        document: dict[str, Any] = {
            "Effect": "Deny" if self.deny else "Allow",
            "Action": list(self.actions),
        }
        if self.not_resources:
            document["NotResource"] = list(self.not_resources)
        else:
            document["Resource"] = list(self.resources)
        if self.sid:
            document["Sid"] = self.sid
        if self.conditions:
            document["Condition"] = dict(self.conditions)
        return document

    def build(self) -> iam.PolicyStatement:
        return iam.PolicyStatement(
            sid=self.sid,
            effect=iam.Effect.DENY if self.deny else iam.Effect.ALLOW,
            actions=list(self.actions),
            resources=list(self.resources) or None,
            not_resources=list(self.not_resources) or None,
            conditions=dict(self.conditions) if self.conditions else None,
            principals=list(self.principals) or None,
        )


def policy_document(statements: Sequence[Statement]) -> iam.PolicyDocument:
    """One jsii call for the whole document instead of one object per statement."""
    return iam.PolicyDocument.from_json({"Version": "2012-10-17", "Statement": [s.to_json() for s in statements]})


# A statement with the reason a reviewer needs for its wildcards (None: it has none).
Reasoned = tuple[Statement, "str | None"]


def add_statements(role: iam.IRole, statements: Sequence[Reasoned]) -> None:
    """Statements into the role's own policy, each wildcard acknowledged with its reason."""
    _require_reasons(role, statements)
    for statement, _ in statements:
        role.add_to_principal_policy(statement.build())
    acknowledge_wildcards(role, [(statement, reason) for statement, reason in statements if reason])


def managed_policy(
    scope: Construct, construct_id: str, *, roles: Sequence[iam.IRole], statements: Sequence[Reasoned]
) -> iam.ManagedPolicy:
    """Statements as one managed policy for `roles`, each wildcard acknowledged with its reason."""
    _require_reasons(scope, statements)
    policy = iam.ManagedPolicy(
        scope, construct_id, roles=list(roles), document=policy_document([statement for statement, _ in statements])
    )
    acknowledge_wildcards(policy, [(statement, reason) for statement, reason in statements if reason])
    return policy


def _require_reasons(scope: Construct, statements: Sequence[Reasoned]) -> None:
    """An allowed wildcard without a reason is refused here, before cdk-nag reports it bare."""
    unexplained = [
        statement.sid or list(statement.actions)
        for statement, reason in statements
        if has_wildcards(scope, statement) and not reason
    ]
    if unexplained:
        raise ValueError(f"statements with wildcards need a reason: {unexplained}")
