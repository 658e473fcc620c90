"""The action lists of `<team>-sagemaker-execution-role`, one per purpose (see execution_role.py)."""

from __future__ import annotations

CREATE_ACTIONS = [
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTransformJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateAutoMLJob",
    "sagemaker:CreateAutoMLJobV2",
    "sagemaker:CreateModel",
    "sagemaker:CreateModelPackage",
    "sagemaker:CreateModelPackageGroup",
    "sagemaker:CreateEndpointConfig",
    "sagemaker:CreateEndpoint",
    "sagemaker:CreateExperiment",
    "sagemaker:CreateTrial",
    "sagemaker:CreateTrialComponent",
    "sagemaker:CreatePipeline",
]
# The resource types CREATE_ACTIONS make: the only ones tag-on-create may tag.
CREATED_RESOURCE_TYPES = [
    "training-job",
    "processing-job",
    "transform-job",
    "hyper-parameter-tuning-job",
    "automl-job",
    "model",
    "model-package",
    "model-package-group",
    "endpoint-config",
    "endpoint",
    "experiment",
    "experiment-trial",
    "experiment-trial-component",
    "pipeline",
]
MANAGE_TAGGED_ACTIONS = [
    "sagemaker:Describe*",
    "sagemaker:Update*",
    "sagemaker:Delete*",
    "sagemaker:Stop*",
    "sagemaker:StartPipelineExecution",
    "sagemaker:InvokeEndpoint",
    "sagemaker:ListTags",
    "sagemaker:AssociateTrialComponent",
    "sagemaker:DisassociateTrialComponent",
    "sagemaker:BatchPutMetrics",
]
READ_ONLY_UNSCOPED_ACTIONS = ["sagemaker:List*", "sagemaker:Search", "sagemaker:GetSearchSuggestions"]
# Actions that carry `sagemaker:InstanceTypes`: where the cost of a team is decided.
INSTANCE_TYPE_ACTIONS = [
    "sagemaker:CreateApp",
    "sagemaker:CreateSpace",
    "sagemaker:UpdateSpace",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTransformJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateEndpointConfig",
    "sagemaker:CreateNotebookInstance",
]
# Jobs whose volumes and outputs must use the team key. The service authorization reference
# lists sagemaker:VolumeKmsKeyArn and sagemaker:OutputKmsKeyArn for each of them (the older
# VolumeKmsKey/OutputKmsKey are deprecated and no action carries them any more).
JOB_ACTIONS = [
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTransformJob",
    "sagemaker:CreateHyperParameterTuningJob",
]
ADMIN_SAGEMAKER_ACTIONS = [
    "sagemaker:CreateDomain",
    "sagemaker:UpdateDomain",
    "sagemaker:DeleteDomain",
    "sagemaker:CreateUserProfile",
    "sagemaker:UpdateUserProfile",
    "sagemaker:DeleteUserProfile",
]
BUCKET_ADMIN_ACTIONS = [
    "s3:CreateBucket",
    "s3:DeleteBucket",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutEncryptionConfiguration",
    "s3:PutBucketPublicAccessBlock",
]
IAM_CHANGE_ACTIONS = [
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:UpdateRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:CreatePolicy",
    "iam:CreatePolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:CreateUser",
    "iam:CreateAccessKey",
]
APP_AND_SPACE_ACTIONS = [
    "sagemaker:CreateApp",
    "sagemaker:DeleteApp",
    "sagemaker:DescribeApp",
    "sagemaker:CreateSpace",
    "sagemaker:UpdateSpace",
    "sagemaker:DeleteSpace",
    "sagemaker:DescribeSpace",
]
STUDIO_DOMAIN_ACTIONS = [*APP_AND_SPACE_ACTIONS, "sagemaker:AddTags", "sagemaker:ListTags"]
# Actions on apps, spaces and profiles that must never reach another domain, whatever the tags say.
DOMAIN_BOUND_ACTIONS = [*APP_AND_SPACE_ACTIONS, "sagemaker:CreatePresignedDomainUrl"]
# Studio's own profile of the calling session: SageMaker sets both keys on the execution role's
# session of a Studio user ("Give your users access to spaces" in the SageMaker guide).
OWN_PROFILE = "${sagemaker:DomainId}/${sagemaker:UserProfileName}"
