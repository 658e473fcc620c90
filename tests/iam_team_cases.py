"""Decision tables for team execution roles: what team A may do to its own and to team B's resources.

Each row is a `Spec`: a name, the action, and functions of (actor A, owner B) giving the resource
ARN, the request context AWS would send, and the target's resource policy. Rows are static (so
pytest can name them before any synth); `materialize` turns a row into a `Case` for two teams.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from iam_model import ACCOUNT, REGION, Platform, Role
from iam_simulator import ALLOW, DENY, Case

SAGEMAKER = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"
STUDIO_USER = "alice"  # the Studio user profile whose session makes the call


@dataclass(frozen=True)
class Team:
    name: str
    role: Role
    domain_id: str
    bucket: str
    bucket_policy: dict
    key_arn: str
    key_policy: dict

    @property
    def tag(self) -> dict[str, str]:
        return {"aws:ResourceTag/DomainName": self.name}

    def arn(self, kind: str, name: str) -> str:
        return f"{SAGEMAKER}:{kind}/{name}"


def team_of(platform: Platform, team: str) -> Team:
    stack = f"sagemaker-studio-stack-{team}"
    (domain_id,) = [lid for s, lid, _ in platform.resources("AWS::SageMaker::Domain") if s == stack]
    (key_id,) = [lid for s, lid, _ in platform.resources("AWS::KMS::Key") if s == stack]
    bucket = f"{team}-{REGION}-{ACCOUNT}"
    key_arn = platform.arn(stack, key_id)
    return Team(
        name=team,
        role=platform.roles()[f"{team}-sagemaker-execution-role"],
        domain_id=platform.physical_id(stack, domain_id),
        bucket=bucket,
        bucket_policy=platform.bucket_policies()[bucket],
        key_arn=key_arn,
        key_policy=platform.key_policies()[key_arn],
    )


Context = Callable[[Team, Team], dict[str, Any]]


@dataclass(frozen=True)
class Spec:
    name: str
    action: str
    resource: Callable[[Team, Team], str]
    expected: str
    context: Context = lambda a, b: {}
    policy: Callable[[Team, Team], dict | None] = lambda a, b: None
    session: Callable[[Team, Team], dict[str, str]] = lambda a, b: {}

    def materialize(self, actor: Team, owner: Team, *, label: str, extra: tuple[dict, ...] = ()) -> Case:
        return Case(
            name=f"{label}: {self.name}",
            role=actor.role,
            action=self.action,
            resource=self.resource(actor, owner),
            expected=self.expected,
            context=self.context(actor, owner),
            resource_policy=self.policy(actor, owner),
            session=self.session(actor, owner),
            extra_policies=extra,
        )


def studio_session(a: Team, b: Team) -> dict[str, str]:
    """SageMaker puts the caller's domain and profile on the execution role session of a Studio user."""
    return {"sagemaker:DomainId": a.domain_id, "sagemaker:UserProfileName": STUDIO_USER}


KeyOf = Callable[[Team, Team], "str | None"]


def new_job(instance: str, *, key: KeyOf = lambda a, b: a.key_arn, output_key: KeyOf | None = None,
            team: str | None = None) -> Context:
    """A Create*Job request; `key` names the volume key (and the output key unless `output_key`), None = omitted."""

    def context(a: Team, b: Team) -> dict[str, Any]:
        keys = {"sagemaker:VolumeKmsKeyArn": key(a, b), "sagemaker:OutputKmsKeyArn": (output_key or key)(a, b)}
        return {
            "aws:RequestTag/DomainName": team or a.name,
            "aws:TagKeys": ["DomainName"],
            "sagemaker:InstanceTypes": [instance],
            **{name: value for name, value in keys.items() if value is not None},
        }

    return context


def retag_as_actor(a: Team, b: Team) -> dict[str, Any]:
    return {**b.tag, "aws:RequestTag/DomainName": a.name, "aws:TagKeys": ["DomainName"]}


def untag_domain_name(a: Team, b: Team) -> dict[str, Any]:
    return {**b.tag, "aws:TagKeys": ["DomainName"]}


def owner_tagged(a: Team, b: Team) -> dict[str, Any]:
    return dict(b.tag)


def b_app(a: Team, b: Team) -> str:
    return b.arn("app", f"{b.domain_id}/{STUDIO_USER}/jupyterlab/default")


def b_space(a: Team, b: Team) -> str:
    return b.arn("space", f"{b.domain_id}/shared-space")


def b_profile(a: Team, b: Team) -> str:
    return b.arn("user-profile", f"{b.domain_id}/{STUDIO_USER}")


def b_object(a: Team, b: Team) -> str:
    return f"arn:aws:s3:::{b.bucket}/data/train.csv"


def b_bucket_policy(a: Team, b: Team) -> dict:
    return b.bucket_policy


def b_key_policy(a: Team, b: Team) -> dict:
    return b.key_policy


def named(kind: str, name: str) -> Callable[[Team, Team], str]:
    return lambda a, b: b.arn(kind, f"{b.name}-{name}")


# Everyday work of a team on its own resources (actor == owner): must be ALLOWED.
OWN_WORK = [
    Spec("create training job with own key", "sagemaker:CreateTrainingJob", named("training-job", "train"), ALLOW,
         new_job("ml.m5.xlarge")),
    Spec("create processing job with own key", "sagemaker:CreateProcessingJob", named("processing-job", "prep"), ALLOW,
         new_job("ml.t3.medium")),
    Spec("tag the new training job on create", "sagemaker:AddTags", named("training-job", "train"), ALLOW,
         lambda a, b: {"aws:RequestTag/DomainName": a.name, "aws:TagKeys": ["DomainName"],
                       "sagemaker:TaggingAction": "CreateTrainingJob"}),
    Spec("pass own role to SageMaker", "iam:PassRole", lambda a, b: a.role.arn, ALLOW,
         lambda a, b: {"iam:PassedToService": "sagemaker.amazonaws.com"}),
    Spec("describe own training job", "sagemaker:DescribeTrainingJob", named("training-job", "train"), ALLOW, owner_tagged),
    Spec("stop own training job", "sagemaker:StopTrainingJob", named("training-job", "train"), ALLOW, owner_tagged),
    Spec("invoke own endpoint", "sagemaker:InvokeEndpoint", named("endpoint", "serve"), ALLOW, owner_tagged),
    Spec("create own JupyterLab app", "sagemaker:CreateApp", b_app, ALLOW,
         lambda a, b: {"sagemaker:InstanceTypes": ["ml.t3.medium"]}),
    Spec("delete own app", "sagemaker:DeleteApp", b_app, ALLOW, owner_tagged),
    Spec("create own space", "sagemaker:CreateSpace", b_space, ALLOW),
    Spec("delete own space", "sagemaker:DeleteSpace", b_space, ALLOW, owner_tagged),
    Spec("open own profile (CreatePresignedDomainUrl)", "sagemaker:CreatePresignedDomainUrl", b_profile, ALLOW,
         owner_tagged, session=studio_session),
    Spec("read own object", "s3:GetObject", b_object, ALLOW, policy=b_bucket_policy),
    Spec("write own object", "s3:PutObject", b_object, ALLOW, policy=b_bucket_policy),
    Spec("delete own object", "s3:DeleteObject", b_object, ALLOW, policy=b_bucket_policy),
    Spec("decrypt with own key", "kms:Decrypt", lambda a, b: a.key_arn, ALLOW, owner_tagged, policy=b_key_policy),
    Spec("generate data key with own key", "kms:GenerateDataKey", lambda a, b: a.key_arn, ALLOW, owner_tagged,
         policy=b_key_policy),
]

# What a team must not do to itself: the cost, encryption and tag guardrails (Deny statements,
# so they hold even next to an `Allow *`).
GUARDRAIL_LIMITS = [
    Spec("training job on a forbidden instance type", "sagemaker:CreateTrainingJob", named("training-job", "big"), DENY,
         new_job("ml.p4d.24xlarge")),
    Spec("app on a forbidden instance type", "sagemaker:CreateApp", b_app, DENY,
         lambda a, b: {"sagemaker:InstanceTypes": ["ml.g5.48xlarge"]}),
    Spec("training job naming the key by id, not ARN", "sagemaker:CreateTrainingJob", named("training-job", "keyid"), DENY,
         new_job("ml.m5.xlarge", key=lambda a, b: a.key_arn.split("/")[-1])),
    Spec("processing job naming the key by alias ARN", "sagemaker:CreateProcessingJob", named("processing-job", "alias"),
         DENY, new_job("ml.m5.xlarge", key=lambda a, b: f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/sagemaker-studio/{a.name}")),
    Spec("training job without an output key", "sagemaker:CreateTrainingJob", named("training-job", "plain-out"), DENY,
         new_job("ml.m5.xlarge", output_key=lambda a, b: None)),
    Spec("processing job without a volume key", "sagemaker:CreateProcessingJob", named("processing-job", "plain-vol"),
         DENY, new_job("ml.m5.xlarge", key=lambda a, b: None, output_key=lambda a, b: a.key_arn)),
    Spec("remove own DomainName tag", "sagemaker:DeleteTags", named("training-job", "train"), DENY, untag_domain_name),
    Spec("open a colleague's profile in own domain", "sagemaker:CreatePresignedDomainUrl",
         lambda a, b: b.arn("user-profile", f"{b.domain_id}/bob"), DENY, owner_tagged, session=studio_session),
    Spec("delete own domain", "sagemaker:DeleteDomain", lambda a, b: b.arn("domain", b.domain_id), DENY, owner_tagged),
    Spec("attach a policy to own role", "iam:AttachRolePolicy", lambda a, b: a.role.arn, DENY,
         lambda a, b: {"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"}),
    Spec("change own bucket's policy", "s3:PutBucketPolicy", lambda a, b: f"arn:aws:s3:::{a.bucket}", DENY,
         policy=b_bucket_policy),
]
OWN_LIMITS = [
    *GUARDRAIL_LIMITS,
    Spec("tag an untagged model as own (not on create)", "sagemaker:AddTags", lambda a, b: b.arn("model", "orphan"), DENY,
         lambda a, b: {"aws:RequestTag/DomainName": a.name, "aws:TagKeys": ["DomainName"]}),
]
