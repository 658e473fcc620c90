"""What team A must never do to team B's resources (actor A != owner B): every row is DENY.

Contexts carry what AWS would send: B's resources carry B's DomainName tag (Studio propagates
the domain's tags to apps, spaces and profiles; creates require it), tagging requests carry
aws:RequestTag/* and aws:TagKeys.
"""

from __future__ import annotations

from iam_simulator import DENY
from iam_team_cases import (
    Spec,
    b_app,
    b_bucket_policy,
    b_key_policy,
    b_object,
    b_profile,
    b_space,
    named,
    new_job,
    owner_tagged,
    retag_as_actor,
    studio_session,
    untag_domain_name,
)


def _domain(a, b):
    return b.arn("domain", b.domain_id)


def _b_key(a, b):
    return b.key_arn


def _sagemaker_rows(kind: str, resource, actions: list[str]) -> list[Spec]:
    rows = [Spec(f"{action.split(':')[1]} B's {kind}", action, resource, DENY, owner_tagged) for action in actions]
    rows.append(Spec(f"re-tag B's {kind} as A's (AddTags DomainName=A)", "sagemaker:AddTags", resource, DENY, retag_as_actor))
    rows.append(Spec(f"remove DomainName from B's {kind}", "sagemaker:DeleteTags", resource, DENY, untag_domain_name))
    return rows


FOREIGN = [
    Spec("read B's object", "s3:GetObject", b_object, DENY, policy=b_bucket_policy),
    Spec("write B's object", "s3:PutObject", b_object, DENY, policy=b_bucket_policy),
    Spec("delete B's object", "s3:DeleteObject", b_object, DENY, policy=b_bucket_policy),
    Spec("replace B's bucket policy", "s3:PutBucketPolicy", lambda a, b: f"arn:aws:s3:::{b.bucket}", DENY,
         policy=b_bucket_policy),
    Spec("delete B's bucket", "s3:DeleteBucket", lambda a, b: f"arn:aws:s3:::{b.bucket}", DENY, policy=b_bucket_policy),
    Spec("decrypt with B's key", "kms:Decrypt", _b_key, DENY, owner_tagged, policy=b_key_policy),
    Spec("generate data key with B's key", "kms:GenerateDataKey", _b_key, DENY, owner_tagged, policy=b_key_policy),
    Spec("grant on B's key", "kms:CreateGrant", _b_key, DENY,
         lambda a, b: {**b.tag, "kms:GrantIsForAWSResource": "true"}, policy=b_key_policy),
    *_sagemaker_rows("domain", _domain, ["sagemaker:DescribeDomain", "sagemaker:UpdateDomain", "sagemaker:DeleteDomain"]),
    *_sagemaker_rows("profile", b_profile, ["sagemaker:DescribeUserProfile", "sagemaker:UpdateUserProfile",
                                             "sagemaker:DeleteUserProfile"]),
    Spec("open B's profile (CreatePresignedDomainUrl)", "sagemaker:CreatePresignedDomainUrl", b_profile, DENY,
         owner_tagged, session=studio_session),
    Spec("create an app in B's domain", "sagemaker:CreateApp", b_app, DENY,
         lambda a, b: {"sagemaker:InstanceTypes": ["ml.t3.medium"]}),
    *_sagemaker_rows("app", b_app, ["sagemaker:DescribeApp", "sagemaker:DeleteApp", "sagemaker:ListTags"]),
    Spec("delete B's app even if it carried A's tag", "sagemaker:DeleteApp", b_app, DENY, lambda a, b: dict(a.tag)),
    Spec("create a space in B's domain", "sagemaker:CreateSpace", b_space, DENY),
    *_sagemaker_rows("space", b_space, ["sagemaker:DescribeSpace", "sagemaker:UpdateSpace", "sagemaker:DeleteSpace",
                                         "sagemaker:ListTags"]),
    Spec("update B's space even if it carried A's tag", "sagemaker:UpdateSpace", b_space, DENY, lambda a, b: dict(a.tag)),
    *_sagemaker_rows("training job", named("training-job", "train"),
                     ["sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob"]),
    *_sagemaker_rows("processing job", named("processing-job", "prep"),
                     ["sagemaker:DescribeProcessingJob", "sagemaker:StopProcessingJob"]),
    *_sagemaker_rows("model", named("model", "model"), ["sagemaker:DescribeModel", "sagemaker:DeleteModel"]),
    *_sagemaker_rows("endpoint", named("endpoint", "serve"),
                     ["sagemaker:DescribeEndpoint", "sagemaker:UpdateEndpoint", "sagemaker:DeleteEndpoint",
                      "sagemaker:InvokeEndpoint"]),
    Spec("create a training job tagged DomainName=B", "sagemaker:CreateTrainingJob", named("training-job", "spoof"), DENY,
         lambda a, b: new_job("ml.m5.xlarge", team=b.name)(a, b)),
    Spec("training job writing with B's key", "sagemaker:CreateTrainingJob", named("training-job", "steal"), DENY,
         new_job("ml.m5.xlarge", key=_b_key)),
    Spec("pass B's role", "iam:PassRole", lambda a, b: b.role.arn, DENY,
         lambda a, b: {"iam:PassedToService": "sagemaker.amazonaws.com"}),
    Spec("assume B's role", "sts:AssumeRole", lambda a, b: b.role.arn, DENY, policy=lambda a, b: b.role.trust_policy),
]
