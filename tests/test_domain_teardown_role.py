"""The teardown provider's role, evaluated with AWS's IAM logic (@cloud-copilot/iam-simulate) on
the synthesized policies: every call the teardown makes is allowed with the context AWS sends
(both retentions), and the same calls outside the Studio VPC or on resources SageMaker did not
make for a platform domain are denied. Synth runs cdk-nag: an open finding fails it.
"""

from __future__ import annotations

import pytest
from iam_model import ACCOUNT, REGION, Platform, Role
from iam_simulator import ALLOW, DENY, Case, check, evaluate
from platform_synth import default_context, synth_platform

INFRASTRUCTURE = "infrastructure-stack"
DOMAIN_ID = "d-abc123def456"
DOMAIN_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:domain/{DOMAIN_ID}"
FOREIGN_VPC = f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/vpc-0ffffffffffffffff"
HOME_EFS = {"aws:ResourceTag/ManagedByAmazonSageMakerResource": DOMAIN_ARN}
EFS = f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/fs-0123456789abcdef0"
SAGEMAKER = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"
EC2 = f"arn:aws:ec2:{REGION}:{ACCOUNT}"

# (name, action, resource, context or a function of the Studio VPC's ARN, expected decision)
ROWS = [
    ("list apps", "sagemaker:ListApps", "*", {}, ALLOW),
    ("list spaces", "sagemaker:ListSpaces", "*", {}, ALLOW),
    ("list profiles", "sagemaker:ListUserProfiles", "*", {}, ALLOW),
    ("describe domain", "sagemaker:DescribeDomain", DOMAIN_ARN, {}, ALLOW),
    ("delete app", "sagemaker:DeleteApp", f"{SAGEMAKER}:app/{DOMAIN_ID}/team-space/jupyterlab/default", {}, ALLOW),
    ("delete space", "sagemaker:DeleteSpace", f"{SAGEMAKER}:space/{DOMAIN_ID}/team-space", {}, ALLOW),
    ("delete profile", "sagemaker:DeleteUserProfile", f"{SAGEMAKER}:user-profile/{DOMAIN_ID}/alice", {}, ALLOW),
    ("delete platform domain", "sagemaker:DeleteDomain", DOMAIN_ARN, {"aws:ResourceTag/DomainName": "team1"}, ALLOW),
    ("delete other domain", "sagemaker:DeleteDomain", DOMAIN_ARN, {}, DENY),
    ("find home EFS", "elasticfilesystem:DescribeFileSystems", EFS, {}, ALLOW),  # lists every file system
    ("list its mount targets", "elasticfilesystem:DescribeMountTargets", EFS, HOME_EFS, ALLOW),
    ("delete its mount target", "elasticfilesystem:DeleteMountTarget", EFS, HOME_EFS, ALLOW),
    ("delete home EFS", "elasticfilesystem:DeleteFileSystem", EFS, HOME_EFS, ALLOW),
    ("mount targets of other EFS", "elasticfilesystem:DeleteMountTarget", EFS, {}, DENY),
    ("delete other EFS", "elasticfilesystem:DeleteFileSystem", EFS, {}, DENY),
    ("delete EFS tagged by another", "elasticfilesystem:DeleteFileSystem", EFS,
     {"aws:ResourceTag/ManagedByAmazonSageMakerResource": "team-data"}, DENY),
    ("find NFS groups", "ec2:DescribeSecurityGroups", "*", {}, ALLOW),
    *[(f"{verb} in Studio VPC", f"ec2:{verb}", f"{EC2}:security-group/sg-0aaaaaaaaaaaaaaa1", "studio", ALLOW)
      for verb in ("RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "DeleteSecurityGroup")],
    ("mount target interface", "ec2:DeleteNetworkInterface", f"{EC2}:network-interface/eni-0123456789abcdef0",
     "studio", ALLOW),
    ("group in another VPC", "ec2:DeleteSecurityGroup", f"{EC2}:security-group/sg-0aaaaaaaaaaaaaaa1", "foreign", DENY),
    ("interface in another VPC", "ec2:DeleteNetworkInterface", f"{EC2}:network-interface/eni-0123456789abcdef0",
     "foreign", DENY),
    ("create groups", "ec2:CreateSecurityGroup", f"{EC2}:security-group/sg-0aaaaaaaaaaaaaaa1", "studio", DENY),
    ("create domains", "sagemaker:CreateDomain", DOMAIN_ARN, {}, DENY),
]


@pytest.fixture(scope="module")
def outcomes():
    templates = synth_platform(default_context())
    platform = Platform({name: template.to_json() for name, template in templates.items()})
    role = _teardown_role(platform)
    (vpc_id,) = [lid for stack, lid, _ in platform.resources("AWS::EC2::VPC") if stack == INFRASTRUCTURE]
    studio_vpc = f"{EC2}:vpc/{platform.physical_id(INFRASTRUCTURE, vpc_id)}"
    vpc_context = {"studio": {"ec2:Vpc": studio_vpc}, "foreign": {"ec2:Vpc": FOREIGN_VPC}}
    cases = [
        Case(name=name, role=role, action=action, resource=resource, expected=expected,
             context=vpc_context[context] if isinstance(context, str) else context)
        for name, action, resource, context, expected in ROWS
    ]
    return {case.name: (case, outcome) for case, outcome in zip(cases, evaluate(cases).values())}


def _teardown_role(platform: Platform) -> Role:
    """The one role allowed sagemaker:DeleteDomain: the teardown provider's handler."""
    deleting = [
        role for role in platform.roles().values()
        if any(statement["Effect"] == "Allow" and "sagemaker:DeleteDomain" in _actions(statement)
               for policy in role.identity_policies for statement in policy["policy"]["Statement"])
    ]
    assert len(deleting) == 1 and deleting[0].stack == INFRASTRUCTURE, [role.name for role in deleting]
    return deleting[0]


def _actions(statement: dict) -> list[str]:
    actions = statement.get("Action", [])
    return actions if isinstance(actions, list) else [actions]


@pytest.mark.parametrize("name", [row[0] for row in ROWS])
def test_decision(outcomes, name):
    case, outcome = outcomes[name]
    check(case, outcome)
