"""The deploy project: a CodeBuild project that deploys exactly one team's stack.

Each build gets TEAM and TEAMS_FILE_VERSION from the ordering workflow, downloads that version
of the teams file and runs `make deploy-team` (`cdk deploy sagemaker-studio-stack-<team>
--exclusively`) with the platform's own `-c` flags (CDK_CONTEXT_ARGS, rendered at synth).

What the build may do is what a team stack needs, through the CDK bootstrap:
- CloudFormation change sets on `sagemaker-studio-stack-*` stacks only (not the shared stacks,
  no DeleteStack), executed by the bootstrap's CloudFormation execution role, which it may pass
  to CloudFormation and to nothing else;
- the bootstrap's file-publishing role (assets) and lookup role (read only);
- never the bootstrap's deploy role, which may change any stack: the CDK CLI then proceeds with
  the project's own credentials ("current credentials could not be used to assume ... but are
  for the right account. Proceeding anyway");
- no IAM action of its own: roles and policies are created by CloudFormation as the team
  stack's template says.
"""

from __future__ import annotations

import shlex
from typing import Mapping

import aws_cdk as cdk
from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from studio_constructs.bootstrap import S, bootstrap_name, staging_bucket_name
from studio_constructs.buckets import PRIVATE_SSE_S3
from studio_constructs.checkov import skip_checkov
from studio_constructs.nag import acknowledge, acknowledge_rules, finding_ref
from studio_constructs.policy import Statement, add_statements
from studio_platform import names
from studio_platform.rules import DeploySource

# The zip the ordering stack's own source bucket is read at, when no deploy source is set.
DEFAULT_SOURCE_KEY = "platform.zip"
BUILD_TIMEOUT = cdk.Duration.minutes(60)
# CloudFormation calls `cdk deploy` makes for one stack (change-set deploy, progress, outputs).
CHANGE_SET_ACTIONS = [
    "cloudformation:CreateChangeSet",
    "cloudformation:DescribeChangeSet",
    "cloudformation:ExecuteChangeSet",
    "cloudformation:DeleteChangeSet",
    "cloudformation:DescribeStacks",
    "cloudformation:DescribeStackEvents",
    "cloudformation:GetTemplate",
    "cloudformation:GetTemplateSummary",
]
DOWNLOADED_TEAMS_FILE = "ordered-teams.json"


class TeamDeployProject(Construct):
    """Attributes: `project`, `role`, `source_bucket` and `source_key` (None with a deploy source of your own)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        source: DeploySource | None,
        connection_arn: str | None,
        teams_bucket: s3.IBucket,
        teams_file_key: str,
        encryption_key: kms.IKey,
        context_flags: Mapping[str, str],
    ) -> None:
        """`context_flags`: the platform's own `-c` flags (flag -> text), passed to every build."""
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.source_bucket: s3.Bucket | None = None
        self.source_key = DEFAULT_SOURCE_KEY
        log_group = logs.LogGroup(
            self, "Logs", retention=logs.RetentionDays.ONE_YEAR, removal_policy=cdk.RemovalPolicy.RETAIN
        )
        self.project = codebuild.Project(
            self,
            "Project",
            description="Deploys one team's SageMaker Studio stack (sagemaker-studio-stack-<team>) for the ordering workflow",
            source=self._source(source),
            environment=codebuild.BuildEnvironment(
                build_image=codebuild.LinuxBuildImage.STANDARD_7_0,
                compute_type=codebuild.ComputeType.SMALL,
                privileged=False,
            ),
            environment_variables={
                "TEAMS_BUCKET": codebuild.BuildEnvironmentVariable(value=teams_bucket.bucket_name),
                "TEAMS_FILE_KEY": codebuild.BuildEnvironmentVariable(value=teams_file_key),
                "CDK_CONTEXT_ARGS": codebuild.BuildEnvironmentVariable(value=context_arguments(context_flags)),
                # Set by the workflow for each build.
                "TEAM": codebuild.BuildEnvironmentVariable(value=""),
                "TEAMS_FILE_VERSION": codebuild.BuildEnvironmentVariable(value=""),
            },
            build_spec=codebuild.BuildSpec.from_object(build_spec()),
            encryption_key=encryption_key,
            timeout=BUILD_TIMEOUT,
            concurrent_build_limit=2,
            logging=codebuild.LoggingOptions(cloud_watch=codebuild.CloudWatchLoggingOptions(log_group=log_group)),
        )
        self.role = self.project.role
        if connection_arn is not None:
            self._use_connection(connection_arn)
        self._grant_team_stack_deploys(stack)
        self._acknowledge_codebuild_grants(s3_source=source is None or source.kind == "s3")

    def _source(self, source: DeploySource | None) -> codebuild.ISource:
        if source is not None and source.kind == "github":
            owner, repo = source.location.removeprefix("https://github.com/").removesuffix(".git").split("/")
            return codebuild.Source.git_hub(owner=owner, repo=repo, branch_or_ref=source.ref, webhook=False)
        if source is not None:
            bucket_name, key = source.location.split("/", 1)
            return codebuild.Source.s3(bucket=s3.Bucket.from_bucket_name(self, "SourceBucket", bucket_name), path=key)
        self.source_bucket = s3.Bucket(self, "SourceBucket", **PRIVATE_SSE_S3, removal_policy=cdk.RemovalPolicy.RETAIN)
        no_access_logs = (
            "Holds one zip of this project that the platform team uploads; CloudTrail records who wrote it, and its "
            "versions are kept, so server access logs would add a bucket without adding an answer."
        )
        acknowledge(self.source_bucket, "AwsSolutions-S1", no_access_logs)
        skip_checkov(self.source_bucket, "CKV_AWS_18", no_access_logs)
        return codebuild.Source.s3(bucket=self.source_bucket, path=DEFAULT_SOURCE_KEY)

    def _acknowledge_codebuild_grants(self, *, s3_source: bool) -> None:
        """What aws-cdk-lib's Project grants its role for its own logs, reports, key and source."""
        findings = {
            f"Resource::arn:{{partition}}:codebuild:{{region}}:{{account}}:report-group/{finding_ref(self, self.project.project_name)}-*":
            "CodeBuild test reports of this project only (aws-cdk-lib's default grant; the build writes none).",
            f"Resource::arn:{{partition}}:logs:{{region}}:{{account}}:log-group:/aws/codebuild/{finding_ref(self, self.project.project_name)}:*":
            "CodeBuild's default log group of this project only (aws-cdk-lib's default grant; the build logs to its own group).",
            "Action::kms:GenerateDataKey*": "Envelope encryption of build artifacts and logs with the ordering key only.",
            "Action::kms:ReEncrypt*": "Envelope encryption of build artifacts and logs with the ordering key only.",
        }
        if s3_source:
            for action in ("s3:GetBucket*", "s3:GetObject*", "s3:List*"):
                findings[f"Action::{action}"] = (
                    "aws-cdk-lib's read grant for an S3 source: the source bucket and its one zip only."
                )
        stack = cdk.Stack.of(self)
        acknowledge_rules(
            self.role,
            {
                "AwsSolutions-IAM5[" + finding.format(partition=stack.partition, region=stack.region, account=stack.account) + "]": reason
                for finding, reason in findings.items()
            },
        )

    def _use_connection(self, connection_arn: str) -> None:
        """A GitHub source read through CodeConnections (no token stored in CodeBuild)."""
        project = self.project.node.default_child
        project.add_property_override("Source.Auth", {"Type": "CODECONNECTIONS", "Resource": connection_arn})
        add_statements(
            self.role,
            [
                (
                    Statement(
                        sid="ReadSourceThroughConnection",
                        actions=[
                            "codeconnections:UseConnection",
                            "codeconnections:GetConnectionToken",
                            "codestar-connections:UseConnection",
                            "codestar-connections:GetConnectionToken",
                        ],
                        resources=[connection_arn],
                    ),
                    None,
                )
            ],
        )

    def _grant_team_stack_deploys(self, stack: cdk.Stack) -> None:
        team_stacks = stack.format_arn(
            service="cloudformation", resource="stack", resource_name=f"{names.TEAM_STACK_PREFIX}*/*"
        )
        execution_role = bootstrap_name(stack, S.DEFAULT_CLOUDFORMATION_ROLE_ARN)
        statements = [
            (
                Statement(sid="ChangeTeamStacksOnly", actions=CHANGE_SET_ACTIONS, resources=[team_stacks]),
                f"Team stacks are named {names.TEAM_STACK_PREFIX}<team>, one per team the workflow deploys; the "
                "prefix keeps the shared stacks (infrastructure, login, ordering) out of reach.",
            ),
            (
                Statement(
                    sid="CloudFormationRunsAsBootstrapExecutionRole",
                    actions=["iam:PassRole"],
                    resources=[execution_role],
                    conditions={"StringEquals": {"iam:PassedToService": "cloudformation.amazonaws.com"}},
                ),
                None,
            ),
            (
                Statement(
                    sid="PublishAssetsAndLookUpThroughBootstrap",
                    actions=["sts:AssumeRole"],
                    resources=[
                        bootstrap_name(stack, S.DEFAULT_FILE_ASSET_PUBLISHING_ROLE_ARN),
                        bootstrap_name(stack, S.DEFAULT_LOOKUP_ROLE_ARN),
                    ],
                ),
                None,
            ),
            (
                Statement(
                    sid="CloudFormationReadsUploadedTemplates",
                    actions=["s3:GetObject"],
                    resources=[f"arn:{stack.partition}:s3:::{staging_bucket_name(stack)}/*"],
                ),
                "Templates and assets are content-hashed object names in the CDK bootstrap's staging bucket; "
                "CloudFormation reads a change set's template with the caller's credentials.",
            ),
            (
                Statement(
                    sid="ReadBootstrapVersion",
                    actions=["ssm:GetParameter"],
                    resources=[
                        stack.format_arn(
                            service="ssm",
                            resource="parameter",
                            resource_name=bootstrap_name(stack, S.DEFAULT_BOOTSTRAP_STACK_VERSION_SSM_PARAMETER).lstrip("/"),
                        )
                    ],
                ),
                None,
            ),
        ]
        add_statements(self.role, statements)


def context_arguments(flags: Mapping[str, str]) -> str:
    """`-c 'flag=value' ...`, each quoted for the shell of `make deploy-team`.

    Make expands `$` in what it is given, and no flag of the platform needs one: refused here."""
    for flag, value in flags.items():
        if "$" in value:
            raise ValueError(f"-c {flag}: a value with '$' cannot be passed to the deploy project")
    return " ".join(f"-c {shlex.quote(f'{flag}={value}')}" for flag, value in sorted(flags.items()))


def build_spec() -> dict:
    pattern = names.TEAM_NAME_PATTERN.pattern
    return {
        "version": "0.2",
        "env": {"shell": "bash"},
        "phases": {
            "build": {
                "commands": [
                    f'[[ "$TEAM" =~ {pattern} ]] || {{ echo "error: TEAM=$TEAM is not a team name" >&2; exit 2; }}',
                    '[[ -n "$TEAMS_FILE_VERSION" ]] || { echo "error: TEAMS_FILE_VERSION is not set" >&2; exit 2; }',
                    'aws s3api get-object --bucket "$TEAMS_BUCKET" --key "$TEAMS_FILE_KEY" '
                    f'--version-id "$TEAMS_FILE_VERSION" {DOWNLOADED_TEAMS_FILE} > /dev/null',
                    f'make deploy-team TEAM="$TEAM" TEAMS_FILE={DOWNLOADED_TEAMS_FILE}',
                ]
            }
        },
    }
