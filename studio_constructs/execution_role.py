"""`<team>-sagemaker-execution-role`: what a team's Studio users and jobs may do.

Three managed policies, each reviewable on its own:
- `TeamSageMakerAccess`: create with the team tag, manage what carries it, plus the
  plumbing jobs need (logs, metrics, image pulls, VPC network interfaces, org roles).
- `TeamGuardrails`: explicit Deny statements that no later Allow can undo; among them the
  team boundary: nothing tagged with another team's DomainName can be touched or re-tagged.
- `TeamStudioDomainAccess` (from `allow_studio_domain`): apps and spaces of the team's
  domain only (a Deny for every other domain), and the caller's own profile for
  CreatePresignedDomainUrl. Separate because the domain references this role: a policy
  attached after the domain exists breaks the role <-> domain cycle.
Bucket and key access come from their constructs' `grant_*` methods.
"""

from __future__ import annotations

from typing import Sequence

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from studio_constructs.execution_role_actions import (
    ADMIN_SAGEMAKER_ACTIONS,
    BUCKET_ADMIN_ACTIONS,
    CREATED_RESOURCE_TYPES,
    CREATE_ACTIONS,
    DOMAIN_BOUND_ACTIONS,
    IAM_CHANGE_ACTIONS,
    INSTANCE_TYPE_ACTIONS,
    JOB_ACTIONS,
    MANAGE_TAGGED_ACTIONS,
    OWN_PROFILE,
    READ_ONLY_UNSCOPED_ACTIONS,
    STUDIO_DOMAIN_ACTIONS,
)
from studio_constructs.policy import Statement, managed_policy
from studio_platform import names


class TeamExecutionRole(Construct):
    """The execution role of one team's domain, its profiles, spaces and jobs.

    Attributes: `role`, `access_policy`, `guardrails`.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        team: str,
        role_name: str,
        key_arn: str,
        instance_types: Sequence[str],
        vpc: ec2.IVpc,
    ) -> None:
        super().__init__(scope, construct_id)
        if not instance_types:
            raise ValueError("TeamExecutionRole needs a non-empty instance_types allowlist")
        self.team = team
        stack = cdk.Stack.of(self)
        self.role = iam.Role(
            self,
            "Role",
            role_name=role_name,
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            description=f"SageMaker Studio execution role of team {team}",
            max_session_duration=cdk.Duration.hours(12),
        )
        # With the domain's ExecutionRoleIdentityConfig USER_PROFILE_NAME, SageMaker sets the user
        # profile as the session's source identity: CloudTrail then names the person behind each call.
        self.role.assume_role_policy.add_statements(
            iam.PolicyStatement(
                actions=["sts:SetSourceIdentity"], principals=[iam.ServicePrincipal("sagemaker.amazonaws.com")]
            )
        )
        self.access_policy = managed_policy(
            self, "TeamSageMakerAccess", roles=[self.role], statements=self._access_statements(stack, vpc)
        )
        # Guardrails only deny: cdk-nag's wildcard rule looks at what a policy allows.
        self.guardrails = managed_policy(
            self,
            "TeamGuardrails",
            roles=[self.role],
            statements=[(statement, None) for statement in self._guardrail_statements(key_arn, instance_types)],
        )

    def _access_statements(self, stack: cdk.Stack, vpc: ec2.IVpc) -> list[tuple[Statement, str]]:
        """Each statement with the reason a reviewer needs for its wildcards."""
        team_request_tag = {"StringEquals": {names.REQUEST_TEAM_TAG: self.team}}
        team_resource_tag = {"StringEquals": {names.RESOURCE_TEAM_TAG: self.team}}
        any_sagemaker = [stack.format_arn(service="sagemaker", resource="*")]
        vpc_arn = stack.format_arn(service="ec2", resource="vpc", resource_name=vpc.vpc_id)
        statement = Statement
        return [
            (
                statement(
                    sid="CreateOnlyWithTeamTag",
                    actions=CREATE_ACTIONS,
                    resources=any_sagemaker,
                    conditions=team_request_tag,
                ),
                "Names of jobs, models and endpoints are chosen at run time; creation requires the request "
                "tag DomainName=<team>, which the guardrails forbid setting to another team.",
            ),
            (
                statement(
                    sid="ManageOnlyTeamTagged",
                    actions=MANAGE_TAGGED_ACTIONS,
                    resources=any_sagemaker,
                    conditions=team_resource_tag,
                ),
                "Describe/Update/Delete/Stop act only on resources tagged DomainName=<team> "
                "(aws:ResourceTag); domain and profile changes are denied explicitly.",
            ),
            (
                statement(
                    sid="TagOnCreateWithTeamTag",
                    actions=["sagemaker:AddTags"],
                    resources=[
                        stack.format_arn(service="sagemaker", resource=kind, resource_name="*")
                        for kind in CREATED_RESOURCE_TYPES
                    ],
                    # sagemaker:TaggingAction is present only when tags travel with a Create call:
                    # a standalone AddTags (re-tagging an existing resource) never matches.
                    conditions={
                        "StringEquals": {
                            names.REQUEST_TEAM_TAG: self.team,
                            "sagemaker:TaggingAction": [action.split(":")[1] for action in CREATE_ACTIONS],
                        }
                    },
                ),
                "Tag-on-create needs AddTags on the new resource, whose name is chosen at run time; "
                "bounded to the types the team creates, to Create calls and to the team request tag.",
            ),
            # Studio tags what it creates with its own keys (sagemaker:domain-arn, ...) and no
            # DomainName; those calls must pass on resources the team already owns.
            (
                statement(
                    sid="TagTeamTagged",
                    actions=["sagemaker:AddTags"],
                    resources=any_sagemaker,
                    conditions=team_resource_tag,
                ),
                "Studio adds its own sagemaker:* tags to team resources; bounded by aws:ResourceTag DomainName.",
            ),
            (
                statement(sid="ReadOnlyListing", actions=READ_ONLY_UNSCOPED_ACTIONS, resources=["*"]),
                "SageMaker List*/Search/GetSearchSuggestions have no resource-level permissions; they "
                "return metadata only.",
            ),
            (
                statement(
                    sid="PassOnlyItselfToSageMaker",
                    actions=["iam:PassRole"],
                    resources=[self.role.role_arn],
                    conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
                ),
                "",
            ),
            (
                statement(
                    sid="AssumeRolesInOtherOrganisationAccounts",
                    actions=["sts:AssumeRole"],
                    resources=[stack.format_arn(service="iam", region="", account="*", resource="role", resource_name="*")],
                    conditions={
                        "StringEquals": {"aws:ResourceOrgID": "${aws:PrincipalOrgID}"},
                        "StringNotEquals": {"aws:ResourceAccount": stack.account},
                    },
                ),
                "Teams reach data in other accounts of the organisation (blog: RDS, S3, Athena); the "
                "target must be in the caller's organisation and not this platform account.",
            ),
            (
                statement(
                    sid="SageMakerLogs",
                    actions=[
                        "logs:CreateLogGroup",
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                        "logs:DescribeLogStreams",
                    ],
                    resources=[
                        stack.format_arn(
                            service="logs",
                            resource="log-group",
                            resource_name="/aws/sagemaker/*",
                            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                        )
                    ],
                ),
                "SageMaker jobs write to log groups named per job under /aws/sagemaker/; nothing else.",
            ),
            (
                statement(
                    sid="SageMakerMetrics",
                    actions=["cloudwatch:PutMetricData"],
                    resources=["*"],
                    conditions={"StringLike": {"cloudwatch:namespace": ["/aws/sagemaker/*", "aws/sagemaker/*"]}},
                ),
                "PutMetricData has no resource level; bounded to SageMaker metric namespaces.",
            ),
            (
                statement(sid="EcrLogin", actions=["ecr:GetAuthorizationToken"], resources=["*"]),
                "ecr:GetAuthorizationToken has no resource-level permissions.",
            ),
            (
                statement(
                    sid="PullImages",
                    actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                    resources=[stack.format_arn(service="ecr", account="*", resource="repository", resource_name="*")],
                ),
                "Training and processing images live in AWS-owned registries of other accounts; "
                "read-only pulls in this region.",
            ),
            (
                statement(
                    sid="DescribeNetworkForVpcJobs",
                    actions=[
                        "ec2:DescribeVpcs",
                        "ec2:DescribeSubnets",
                        "ec2:DescribeSecurityGroups",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeDhcpOptions",
                    ],
                    resources=["*"],
                ),
                "EC2 Describe actions have no resource-level permissions; jobs in the VPC need them.",
            ),
            (
                statement(
                    sid="NetworkInterfacesOnlyInStudioVpc",
                    actions=[
                        "ec2:CreateNetworkInterface",
                        "ec2:CreateNetworkInterfacePermission",
                        "ec2:DeleteNetworkInterface",
                        "ec2:DeleteNetworkInterfacePermission",
                    ],
                    resources=["*"],
                    conditions={"ArnEquals": {"ec2:Vpc": vpc_arn}},
                ),
                "Network interfaces for VPC jobs get ids at run time; bounded to the Studio VPC by ec2:Vpc.",
            ),
        ]

    def _guardrail_statements(self, key_arn: str, instance_types: Sequence[str]) -> list[Statement]:
        stack = cdk.Stack.of(self)
        return [
            Statement(
                sid="DenyDomainAndProfileChanges", deny=True, actions=ADMIN_SAGEMAKER_ACTIONS, resources=["*"]
            ),
            # The team boundary: whatever carries another team's DomainName tag is untouchable
            # (no describe, tag, untag, stop or delete), so re-tagging cannot move it across.
            Statement(
                sid="DenyResourcesOfOtherTeams",
                deny=True,
                actions=["sagemaker:*", "kms:*"],
                resources=["*"],
                conditions={
                    "Null": {names.RESOURCE_TEAM_TAG: "false"},
                    "StringNotEquals": {names.RESOURCE_TEAM_TAG: self.team},
                },
            ),
            Statement(
                sid="DenyPresignedUrlsOfOtherProfiles",
                deny=True,
                actions=["sagemaker:CreatePresignedDomainUrl"],
                resources=[],
                not_resources=[stack.format_arn(service="sagemaker", resource="user-profile", resource_name=OWN_PROFILE)],
            ),
            Statement(
                sid="DenyPassingOtherRoles",
                deny=True,
                actions=["iam:PassRole"],
                resources=[],
                not_resources=[self.role.role_arn],
            ),
            Statement(sid="DenyBucketAdministration", deny=True, actions=BUCKET_ADMIN_ACTIONS, resources=["*"]),
            Statement(sid="DenyIamChanges", deny=True, actions=IAM_CHANGE_ACTIONS, resources=["*"]),
            Statement(
                sid="DenyInstanceTypesOutsideAllowlist",
                deny=True,
                actions=INSTANCE_TYPE_ACTIONS,
                resources=["*"],
                conditions={"ForAnyValue:StringNotLike": {"sagemaker:InstanceTypes": list(instance_types)}},
            ),
            # A missing key counts as "not equal": jobs must name the team key's ARN explicitly.
            # StringNotEquals, not ArnNotEquals: a key id or alias is no ARN, and ArnNotEquals
            # does not match a value that is no ARN, so it would let a foreign key id through.
            Statement(
                sid="DenyJobVolumesWithoutTeamKey",
                deny=True,
                actions=JOB_ACTIONS,
                resources=["*"],
                conditions={"StringNotEquals": {"sagemaker:VolumeKmsKeyArn": key_arn}},
            ),
            Statement(
                sid="DenyJobOutputsWithoutTeamKey",
                deny=True,
                actions=JOB_ACTIONS,
                resources=["*"],
                conditions={"StringNotEquals": {"sagemaker:OutputKmsKeyArn": key_arn}},
            ),
            # The DomainName tag is the team boundary: it may be set only to this team, never removed.
            Statement(
                sid="DenyForeignTeamTag",
                deny=True,
                actions=["sagemaker:AddTags", *CREATE_ACTIONS],
                resources=["*"],
                conditions={
                    "Null": {names.REQUEST_TEAM_TAG: "false"},
                    "StringNotEquals": {names.REQUEST_TEAM_TAG: self.team},
                },
            ),
            Statement(
                sid="DenyRemovingTeamTag",
                deny=True,
                actions=["sagemaker:DeleteTags"],
                resources=["*"],
                conditions={"ForAnyValue:StringEquals": {"aws:TagKeys": [names.TEAM_TAG_KEY]}},
            ),
        ]

    def allow_studio_domain(self, *, domain_id: str) -> iam.ManagedPolicy:
        """Apps and spaces of the team's own domain; nothing of other domains."""
        stack = cdk.Stack.of(self)
        resources = [
            stack.format_arn(service="sagemaker", resource=kind, resource_name=f"{domain_id}/*")
            for kind in ("app", "space")
        ]
        profiles = stack.format_arn(service="sagemaker", resource="user-profile", resource_name=f"{domain_id}/*")
        statements = [
            Statement(sid="AppsAndSpacesOfTeamDomain", actions=STUDIO_DOMAIN_ACTIONS, resources=resources),
            Statement(
                sid="OpenOwnProfileInStudio",
                actions=["sagemaker:CreatePresignedDomainUrl"],
                resources=[stack.format_arn(service="sagemaker", resource="user-profile", resource_name=OWN_PROFILE)],
            ),
            # Apps and spaces of another domain stay out of reach even if they carried this team's tag.
            Statement(
                sid="DenyAppsAndSpacesOfOtherDomains",
                deny=True,
                actions=DOMAIN_BOUND_ACTIONS,
                resources=[],
                not_resources=[*resources, profiles],
            ),
            Statement(
                sid="DescribeTeamDomainAndProfiles",
                actions=["sagemaker:DescribeDomain", "sagemaker:DescribeUserProfile"],
                resources=[
                    stack.format_arn(service="sagemaker", resource="domain", resource_name=domain_id),
                    profiles,
                ],
            ),
        ]
        reason = (
            "Apps, spaces and profiles are created at run time inside the team's domain; the "
            "wildcard is bounded to that domain id in the ARN."
        )
        return managed_policy(
            self,
            "TeamStudioDomainAccess",
            roles=[self.role],
            statements=[(statement, reason) for statement in statements],
        )
