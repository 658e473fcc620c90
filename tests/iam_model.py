"""Synthesized templates -> the concrete IAM policies AWS would evaluate after a deploy.

CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split,
Fn::ImportValue for strong and Fn::GetStackOutput for weak cross-stack references) are resolved for one fixed account and region. Every resource gets a
deterministic fake physical id derived from its stack and logical id (or its name property),
so ARNs are stable across runs and distinct across teams.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterator

ACCOUNT = "111111111111"
REGION = "eu-central-1"

# type -> (property holding a chosen name, ARN pattern of the physical id, Ref returns the ARN)
RESOURCE_KINDS: dict[str, tuple[str | None, str, bool]] = {
    "AWS::IAM::Role": ("RoleName", "arn:aws:iam::{account}:role/{id}", False),
    "AWS::IAM::ManagedPolicy": ("ManagedPolicyName", "arn:aws:iam::{account}:policy/{id}", True),
    "AWS::S3::Bucket": ("BucketName", "arn:aws:s3:::{id}", False),
    "AWS::KMS::Key": (None, "arn:aws:kms:{region}:{account}:key/{id}", False),
    "AWS::KMS::Alias": ("AliasName", "arn:aws:kms:{region}:{account}:{id}", False),
    "AWS::Lambda::Function": ("FunctionName", "arn:aws:lambda:{region}:{account}:function:{id}", False),
    "AWS::Logs::LogGroup": ("LogGroupName", "arn:aws:logs:{region}:{account}:log-group:{id}:*", False),
    "AWS::SageMaker::Domain": (None, "arn:aws:sagemaker:{region}:{account}:domain/{id}", False),
    "AWS::SecretsManager::Secret": ("Name", "arn:aws:secretsmanager:{region}:{account}:secret:{id}-AbCdEf", True),
    "AWS::SNS::Topic": ("TopicName", "arn:aws:sns:{region}:{account}:{id}", True),
    "AWS::StepFunctions::StateMachine": ("StateMachineName", "arn:aws:states:{region}:{account}:stateMachine:{id}", True),
    "AWS::Cognito::UserPool": (None, "arn:aws:cognito-idp:{region}:{account}:userpool/{id}", False),
    "AWS::DynamoDB::GlobalTable": ("TableName", "arn:aws:dynamodb:{region}:{account}:table/{id}", False),
    "AWS::CodeBuild::Project": ("Name", "arn:aws:codebuild:{region}:{account}:project/{id}", False),
    "AWS::Events::Connection": ("Name", "arn:aws:events:{region}:{account}:connection/{id}/0a1b2c3d", False),
}
# Services whose ids AWS generates in a fixed shape (the rest get a readable generated name).
GENERATED_ID_SHAPES = {
    "AWS::SageMaker::Domain": lambda digest: "d-" + _base36(digest)[:12],
    "AWS::KMS::Key": lambda digest: str(uuid.UUID(digest[:32])),
    "AWS::EC2::VPC": lambda digest: "vpc-" + digest[:17],
    "AWS::EC2::Subnet": lambda digest: "subnet-" + digest[:17],
    "AWS::EC2::SecurityGroup": lambda digest: "sg-" + digest[:17],
    "AWS::Cognito::UserPool": lambda digest: f"{REGION}_" + _base36(digest)[:9],
}
PSEUDO_PARAMETERS = {
    "AWS::AccountId": ACCOUNT,
    "AWS::Region": REGION,
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::NoValue": None,
}


def _base36(hex_digest: str) -> str:
    number, digits = int(hex_digest, 16), "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, remainder = divmod(number, 36)
        out += digits[remainder]
    return out


@dataclass
class Role:
    stack: str
    logical_id: str
    name: str
    arn: str
    trust_policy: dict
    identity_policies: list[dict] = field(default_factory=list)  # [{"name", "policy"}] as iam-simulate takes them
    aws_managed_policy_arns: list[str] = field(default_factory=list)  # AWS's own documents, not in our templates


class Platform:
    """All stacks of one synthesized configuration, with intrinsics resolved."""

    def __init__(self, templates: dict[str, dict]) -> None:
        self.templates = templates
        self._exports = {
            output["Export"]["Name"]: (stack, output["Value"])
            for stack, template in templates.items()
            for output in template.get("Outputs", {}).values()
            if "Export" in output
        }

    # --- physical ids and ARNs -------------------------------------------------
    def physical_id(self, stack: str, logical_id: str) -> str:
        resource = self.templates[stack]["Resources"][logical_id]
        kind = resource["Type"]
        name_property = RESOURCE_KINDS.get(kind, (None, "", False))[0]
        if name_property and name_property in resource.get("Properties", {}):
            return self.resolve(stack, resource["Properties"][name_property])
        digest = hashlib.sha256(f"{stack}/{logical_id}".encode()).hexdigest()
        if kind in GENERATED_ID_SHAPES:
            return GENERATED_ID_SHAPES[kind](digest)
        name = f"{stack}-{logical_id}"[:50] + "-" + digest[:8].upper()
        return name.lower() if kind == "AWS::S3::Bucket" else name

    def arn(self, stack: str, logical_id: str) -> str:
        kind = self.templates[stack]["Resources"][logical_id]["Type"]
        if kind not in RESOURCE_KINDS:
            raise KeyError(f"{stack}/{logical_id}: no ARN pattern for {kind}")
        return RESOURCE_KINDS[kind][1].format(account=ACCOUNT, region=REGION, id=self.physical_id(stack, logical_id))

    def _ref(self, stack: str, name: str) -> Any:
        if name in PSEUDO_PARAMETERS:
            return PSEUDO_PARAMETERS[name]
        if name == "AWS::StackName":
            return stack
        kind = self.templates[stack]["Resources"][name]["Type"]
        return self.arn(stack, name) if RESOURCE_KINDS.get(kind, (None, "", False))[2] else self.physical_id(stack, name)

    def _get_att(self, stack: str, logical_id: str, attribute: str) -> str:
        kind = self.templates[stack]["Resources"][logical_id]["Type"]
        if attribute in ("Arn", "DomainArn", "KeyArn"):
            return self.arn(stack, logical_id)
        if attribute in ("DomainId", "KeyId", "UserPoolId", "RoleId"):
            return self.physical_id(stack, logical_id)
        if kind == "AWS::EC2::VPC" and attribute == "DefaultSecurityGroup":
            return GENERATED_ID_SHAPES["AWS::EC2::SecurityGroup"](hashlib.sha256(f"{stack}/{logical_id}/sg".encode()).hexdigest())
        return f"{self.physical_id(stack, logical_id)}.{attribute}"

    # --- intrinsics ------------------------------------------------------------
    def resolve(self, stack: str, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(stack, item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) != 1 or not next(iter(value)).startswith(("Fn::", "Ref")):
            return {key: self.resolve(stack, item) for key, item in value.items()}
        (function, argument), = value.items()
        if function == "Ref":
            return self._ref(stack, argument)
        if function == "Fn::GetAtt":
            logical_id, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
            return self._get_att(stack, logical_id, attribute)
        if function == "Fn::Join":
            separator, parts = argument
            return separator.join(str(part) for part in self.resolve(stack, parts))
        if function == "Fn::Select":
            index, items = self.resolve(stack, argument)
            return items[int(index)]
        if function == "Fn::Split":
            separator, text = self.resolve(stack, argument)
            return text.split(separator)
        if function == "Fn::Sub":
            return self._sub(stack, argument)
        if function == "Fn::ImportValue":
            producer, exported = self._exports[self.resolve(stack, argument)]
            return self.resolve(producer, exported)
        if function == "Fn::GetStackOutput":
            producer = self.resolve(stack, argument["StackName"])
            return self.resolve(producer, self.templates[producer]["Outputs"][argument["OutputName"]]["Value"])
        raise ValueError(f"{stack}: unsupported intrinsic {function}")

    def _sub(self, stack: str, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument

        def substitute(match: re.Match) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"  # ${!Literal} stays literal
            if name in variables:
                return str(self.resolve(stack, variables[name]))
            if "." in name:
                return str(self._get_att(stack, *name.split(".", 1)))
            return str(self._ref(stack, name))

        return re.sub(r"\$\{([^}]+)\}", substitute, text)

    # --- what IAM evaluates ----------------------------------------------------
    def resources(self, resource_type: str) -> Iterator[tuple[str, str, dict]]:
        for stack, template in self.templates.items():
            for logical_id, resource in template["Resources"].items():
                if resource["Type"] == resource_type:
                    yield stack, logical_id, resource.get("Properties", {})

    def roles(self) -> dict[str, Role]:
        """Every IAM role by name, with all policies that CloudFormation attaches to it."""
        roles: dict[str, Role] = {}
        for stack, logical_id, properties in self.resources("AWS::IAM::Role"):
            role = Role(
                stack=stack,
                logical_id=logical_id,
                name=self.physical_id(stack, logical_id),
                arn=self.arn(stack, logical_id),
                trust_policy=self.resolve(stack, properties["AssumeRolePolicyDocument"]),
            )
            for inline in properties.get("Policies", []):
                role.identity_policies.append(
                    {"name": f"{logical_id}/{inline['PolicyName']}", "policy": self.resolve(stack, inline["PolicyDocument"])}
                )
            for managed in self.resolve(stack, properties.get("ManagedPolicyArns", [])):
                role.aws_managed_policy_arns.append(managed)
            roles[role.name] = role
        for policy_type in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            for stack, logical_id, properties in self.resources(policy_type):
                document = self.resolve(stack, properties["PolicyDocument"])
                for role_name in self.resolve(stack, properties.get("Roles", [])):
                    roles[role_name].identity_policies.append({"name": logical_id, "policy": document})
        return roles

    def bucket_policies(self) -> dict[str, dict]:
        """Bucket name -> its bucket policy."""
        return {
            self.resolve(stack, properties["Bucket"]): self.resolve(stack, properties["PolicyDocument"])
            for stack, _, properties in self.resources("AWS::S3::BucketPolicy")
        }

    def key_policies(self) -> dict[str, dict]:
        """Key ARN -> its key policy."""
        return {
            self.arn(stack, logical_id): self.resolve(stack, properties["KeyPolicy"])
            for stack, logical_id, properties in self.resources("AWS::KMS::Key")
        }

    def all_policy_documents(self) -> Iterator[tuple[str, dict]]:
        """(where, document) for every identity, resource, key and trust policy of every stack."""
        for role in self.roles().values():
            yield f"{role.stack}/{role.logical_id} trust", role.trust_policy
            for policy in role.identity_policies:
                yield f"{role.stack}/{policy['name']}", policy["policy"]
        for bucket, document in self.bucket_policies().items():
            yield f"bucket {bucket}", document
        for key, document in self.key_policies().items():
            yield f"key {key}", document
        for stack, logical_id, properties in self.resources("AWS::SNS::TopicPolicy"):
            yield f"{stack}/{logical_id}", self.resolve(stack, properties["PolicyDocument"])
