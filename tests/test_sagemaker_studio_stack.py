"""SageMakerStudioStack: key, data bucket, domain, execution role guardrails, group, tags."""

from __future__ import annotations

import json

import pytest
from platform_synth import default_context, only, synth_platform

TEAM = "team1"


@pytest.fixture(scope="module")
def templates():
    return synth_platform(default_context(domain_name="team1,team2", instance_types="system,ml.t3.medium,ml.m5.large"))


@pytest.fixture(scope="module")
def template(templates):
    return templates[f"sagemaker-studio-stack-{TEAM}"]


def policy_statements(template, policy_suffix):
    for logical_id, policy in template.find_resources("AWS::IAM::ManagedPolicy").items():
        if policy_suffix in logical_id:
            return policy["Properties"]["PolicyDocument"]["Statement"]
    raise AssertionError(f"no managed policy {policy_suffix}")


def by_sid(statements):
    return {s["Sid"]: s for s in statements}


def test_one_stack_per_team(templates):
    assert {"sagemaker-studio-stack-team1", "sagemaker-studio-stack-team2"} <= set(templates)


def test_team_key_rotates_and_has_team_alias(template):
    template.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})
    template.has_resource_properties("AWS::KMS::Alias", {"AliasName": f"alias/sagemaker-studio/{TEAM}"})


def test_key_policy_names_only_root_and_the_execution_role(template):
    statements = only(template, "AWS::KMS::Key")["Properties"]["KeyPolicy"]["Statement"]
    principals = [json.dumps(s["Principal"]) for s in statements]
    assert any(":root" in p for p in principals)
    role_statements = [s for s in statements if "ExecutionRole" in json.dumps(s["Principal"])]
    assert {s["Sid"] for s in role_statements} == {"TeamExecutionRoleUse", "TeamExecutionRoleGrantsForAwsResources"}
    grant = next(s for s in role_statements if s["Sid"] == "TeamExecutionRoleGrantsForAwsResources")
    assert grant["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}


def test_data_bucket_name_and_protection(template):
    buckets = template.find_resources("AWS::S3::Bucket")
    data = next(b["Properties"] for b in buckets.values() if b["Properties"].get("BucketName"))
    assert data["BucketName"] == f"{TEAM}-eu-central-1-111111111111"
    sse = data["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert "KMSMasterKeyID" in sse["ServerSideEncryptionByDefault"]
    assert sse["BucketKeyEnabled"] is True
    assert data["VersioningConfiguration"] == {"Status": "Enabled"}
    assert data["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert data["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert "DestinationBucketName" in data["LoggingConfiguration"]
    rule = data["LifecycleConfiguration"]["Rules"][0]
    assert rule["Transitions"] == [{"StorageClass": "STANDARD_IA", "TransitionInDays": 30}]


def test_bucket_policy_ssl_only_and_team_only(template):
    policies = template.find_resources("AWS::S3::BucketPolicy")
    statements = [s for p in policies.values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    assert any(
        s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}} for s in statements
    )
    team_only = next(s for s in statements if s.get("Sid") == "DataAccessOnlyForTheTeam")
    assert team_only["Effect"] == "Deny" and team_only["Principal"] == {"AWS": "*"}
    allowed = json.dumps(team_only["Condition"]["ArnNotLike"]["aws:PrincipalArn"])
    assert "ExecutionRole" in allowed
    # The only "*" principal statements are denials.
    assert all(s["Effect"] == "Deny" for s in statements if s.get("Principal") in ("*", {"AWS": "*"}))


def test_domain_is_vpc_only_iam_new_studio(template):
    domain = only(template, "AWS::SageMaker::Domain")["Properties"]
    assert domain["DomainName"] == TEAM
    assert domain["AuthMode"] == "IAM"
    assert domain["AppNetworkAccessType"] == "VpcOnly"
    assert domain["TagPropagation"] == "ENABLED"
    assert "Fn::GetAtt" in domain["KmsKeyId"]
    assert len(domain["SubnetIds"]) == 2
    user = domain["DefaultUserSettings"]
    assert user["StudioWebPortal"] == "ENABLED"
    assert user["DefaultLandingUri"] == "studio::"
    assert "ExecutionRole" in json.dumps(user["ExecutionRole"])
    assert user["SecurityGroups"] == domain["DomainSettings"]["SecurityGroupIds"]
    assert domain["DefaultSpaceSettings"]["SecurityGroups"] == user["SecurityGroups"]
    assert domain["DefaultSpaceSettings"]["ExecutionRole"] == user["ExecutionRole"]
    for app in ("JupyterLabAppSettings", "CodeEditorAppSettings"):
        idle = user[app]["AppLifecycleManagement"]["IdleSettings"]
        assert idle["LifecycleManagement"] == "ENABLED"
        assert 60 <= idle["IdleTimeoutInMinutes"] <= idle["MaxIdleTimeoutInMinutes"] <= 525600


def test_domain_security_group_allows_nfs_and_app_ports_from_itself_only(template):
    groups = [
        g["Properties"]
        for g in template.find_resources("AWS::EC2::SecurityGroup").values()
        if "SageMaker Studio domain" in g["Properties"]["GroupDescription"]
    ]
    assert len(groups) == 1
    ingress = template.find_resources("AWS::EC2::SecurityGroupIngress")
    rules = sorted((r["Properties"]["FromPort"], r["Properties"]["ToPort"]) for r in ingress.values())
    assert rules == [(2049, 2049), (8192, 65535)]
    assert all("SourceSecurityGroupId" in r["Properties"] and r["Properties"]["IpProtocol"] == "tcp" for r in ingress.values())
    assert "SecurityGroupIngress" not in groups[0]


def test_execution_role_name_and_trust(template):
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "RoleName": f"{TEAM}-sagemaker-execution-role",
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        # SetSourceIdentity: the domain's ExecutionRoleIdentityConfig names the user profile.
                        "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
                        "Effect": "Allow",
                        "Principal": {"Service": "sagemaker.amazonaws.com"},
                    }
                ]
            },
        },
    )


def test_guardrails_really_deny(template):
    statements = by_sid(policy_statements(template, "TeamGuardrails"))
    assert all(s["Effect"] == "Deny" for s in statements.values())
    assert {"sagemaker:CreateDomain", "sagemaker:UpdateDomain", "sagemaker:CreateUserProfile", "sagemaker:UpdateUserProfile"} <= set(
        statements["DenyDomainAndProfileChanges"]["Action"]
    )
    assert "s3:CreateBucket" in statements["DenyBucketAdministration"]["Action"]
    assert {"iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:CreatePolicyVersion"} <= set(
        statements["DenyIamChanges"]["Action"]
    )
    instance = statements["DenyInstanceTypesOutsideAllowlist"]
    assert instance["Condition"] == {
        "ForAnyValue:StringNotLike": {"sagemaker:InstanceTypes": ["system", "ml.t3.medium", "ml.m5.large"]}
    }
    assert "sagemaker:CreateApp" in instance["Action"] and "sagemaker:CreateTrainingJob" in instance["Action"]
    # The keys the service authorization reference lists for jobs today (VolumeKmsKey/OutputKmsKey are deprecated).
    assert "sagemaker:VolumeKmsKeyArn" in statements["DenyJobVolumesWithoutTeamKey"]["Condition"]["StringNotEquals"]
    assert "sagemaker:OutputKmsKeyArn" in statements["DenyJobOutputsWithoutTeamKey"]["Condition"]["StringNotEquals"]
    foreign = statements["DenyForeignTeamTag"]["Condition"]
    assert foreign["StringNotEquals"] == {"aws:RequestTag/DomainName": TEAM}
    assert foreign["Null"] == {"aws:RequestTag/DomainName": "false"}


def test_access_is_tag_scoped(template):
    statements = by_sid(policy_statements(template, "TeamSageMakerAccess"))
    assert statements["CreateOnlyWithTeamTag"]["Condition"] == {"StringEquals": {"aws:RequestTag/DomainName": TEAM}}
    assert statements["ManageOnlyTeamTagged"]["Condition"] == {"StringEquals": {"aws:ResourceTag/DomainName": TEAM}}
    # Studio's own tags (no DomainName in the request) pass on team-owned resources.
    assert statements["TagTeamTagged"]["Condition"] == {"StringEquals": {"aws:ResourceTag/DomainName": TEAM}}
    passrole = statements["PassOnlyItselfToSageMaker"]
    assert passrole["Condition"] == {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
    assume = statements["AssumeRolesInOtherOrganisationAccounts"]["Condition"]
    assert assume["StringEquals"] == {"aws:ResourceOrgID": "${aws:PrincipalOrgID}"}
    assert assume["StringNotEquals"] == {"aws:ResourceAccount": "111111111111"}
    assert all(s["Effect"] == "Allow" for s in statements.values())


def test_studio_access_is_bound_to_the_team_domain(template):
    statements = by_sid(policy_statements(template, "TeamStudioDomainAccess"))
    resources = json.dumps(statements["AppsAndSpacesOfTeamDomain"]["Resource"])
    assert "DomainId" in resources and ":app/" in resources and ":space/" in resources
    assert "sagemaker:DeleteApp" in statements["AppsAndSpacesOfTeamDomain"]["Action"]


def test_cognito_group_named_after_team(template):
    template.has_resource_properties("AWS::Cognito::UserPoolGroup", {"GroupName": TEAM})


def test_every_taggable_resource_carries_the_team_tag(template):
    untagged = []
    for logical_id, resource in template.to_json()["Resources"].items():
        tags = resource.get("Properties", {}).get("Tags")
        if tags is None:
            continue
        pairs = tags if isinstance(tags, list) else [{"Key": k, "Value": v} for k, v in tags.items()]
        if {"Key": "DomainName", "Value": TEAM} not in pairs:
            untagged.append(logical_id)
    assert untagged == []
    domain = only(template, "AWS::SageMaker::Domain")
    assert {"Key": "DomainName", "Value": TEAM} in domain["Properties"]["Tags"]


def test_teams_get_separate_names(templates):
    other = templates["sagemaker-studio-stack-team2"]
    assert only(other, "AWS::SageMaker::Domain")["Properties"]["DomainName"] == "team2"
    other.has_resource_properties("AWS::IAM::Role", {"RoleName": "team2-sagemaker-execution-role"})


def test_domain_attaches_lifecycle_configs_through_its_own_properties(template):
    configs = template.find_resources("Custom::StudioLifecycleConfig")
    by_app = {c["Properties"]["AppType"]: (logical_id, c["Properties"]) for logical_id, c in configs.items()}
    assert set(by_app) == {"JupyterLab", "CodeEditor", "KernelGateway"}
    for app, (_, props) in by_app.items():
        assert props["ConfigName"].startswith(f"{TEAM}-")
        assert len(props["ContentBase64"]) <= 16384
    user = only(template, "AWS::SageMaker::Domain")["Properties"]["DefaultUserSettings"]
    jupyter_lab_id = by_app["JupyterLab"][0]
    assert user["JupyterLabAppSettings"]["BuiltInLifecycleConfigArn"] == {"Fn::GetAtt": [jupyter_lab_id, "Arn"]}
    assert user["CodeEditorAppSettings"]["BuiltInLifecycleConfigArn"] == {"Fn::GetAtt": [by_app["CodeEditor"][0], "Arn"]}
    assert user["KernelGatewayAppSettings"]["LifecycleConfigArns"] == [{"Fn::GetAtt": [by_app["KernelGateway"][0], "Arn"]}]
    template.resource_count_is("Custom::AWS", 0)  # no UpdateDomain SDK call


def test_teardown_runs_before_the_domain_with_team_retention(template):
    teardown = only(template, "Custom::StudioDomainTeardown")["Properties"]
    assert teardown["HomeEfsRetention"] == "Retain"
    assert "Fn::GetAtt" in teardown["DomainId"]


def test_admin_roles_from_context_keep_bucket_access():
    admin = "arn:aws:iam::111111111111:role/platform-admin"
    template = synth_platform(default_context(admin_role_arns=admin))["sagemaker-studio-stack-team1"]
    statements = [s for p in template.find_resources("AWS::S3::BucketPolicy").values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    team_only = next(s for s in statements if s.get("Sid") == "DataAccessOnlyForTheTeam")
    assert admin in team_only["Condition"]["ArnNotLike"]["aws:PrincipalArn"]


def test_teams_file_brings_budget_profiles_and_retention():
    from pathlib import Path

    example = str(Path(__file__).resolve().parent.parent / "teams.example.yaml")
    templates = synth_platform(default_context(teams_file=example, domain_name=None))
    churn = templates["sagemaker-studio-stack-churn-poc"]
    profiles = churn.find_resources("AWS::SageMaker::UserProfile")
    assert len(profiles) == 2
    teardown_id, teardown = next(iter(churn.find_resources("Custom::StudioDomainTeardown").items()))
    assert teardown["Properties"]["HomeEfsRetention"] == "Delete"
    assert set(profiles) <= set(teardown["DependsOn"])  # teardown runs before CloudFormation's profile deletes
    assert all(b["DeletionPolicy"] == "Delete" for b in churn.find_resources("AWS::S3::Bucket").values())
    vision = templates["sagemaker-studio-stack-vision"]
    vision.resource_count_is("AWS::Budgets::Budget", 1)
    guard = next(
        s
        for p in vision.find_resources("AWS::IAM::ManagedPolicy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Sid") == "DenyInstanceTypesOutsideAllowlist"
    )
    assert any(t.startswith("ml.g") for t in guard["Condition"]["ForAnyValue:StringNotLike"]["sagemaker:InstanceTypes"])


def test_a_team_the_ordering_workflow_created_uses_its_group(tmp_path):
    teams = tmp_path / "teams.json"
    teams.write_text(json.dumps({"teams": [{"name": "team1"}, {"name": "fraud-ml", "cognito_group": "ordering"}]}))
    templates = synth_platform(default_context(teams_file=str(teams), domain_name=None))
    templates["sagemaker-studio-stack-team1"].resource_count_is("AWS::Cognito::UserPoolGroup", 1)
    # The workflow made the group before the stack; a second one would fail the deploy.
    templates["sagemaker-studio-stack-fraud-ml"].resource_count_is("AWS::Cognito::UserPoolGroup", 0)
