"""IAM statements described in Python first, then built once.

Keeping actions and resources as Python lists lets cdk-nag acknowledgements name each
wildcard without reading the statement back through jsii (a round trip per property, which
dominated synth time at 100 teams).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from aws_cdk import aws_iam as iam

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


Reasoned = tuple[Statement, "str | None"]


def add_statements(role: iam.IRole, statements: Sequence[Reasoned]) -> None:
    """The one way a construct gives a role its statements: each is added to the role's policy,
    and each wildcard action or resource is acknowledged for cdk-nag with its statement's reason.

    A statement without wildcards carries `None`; a wildcard without a reason is refused here,
    before cdk-nag would report it without one."""
    unexplained = [
        statement.sid or list(statement.actions)
        for statement, reason in statements
        if has_wildcards(role, statement) and not reason
    ]
    if unexplained:
        raise ValueError(f"statements with wildcards need a reason: {unexplained}")
    for statement, _ in statements:
        role.add_to_principal_policy(statement.build())
    acknowledge_wildcards(role, [(statement, reason) for statement, reason in statements if reason])
