"""The ordering stack's roles, evaluated with AWS's IAM logic: each does its step of an order,
and the nearest things it must not do are denied.

The deploy project is the sharp one: it may change team stacks only (never the shared stacks,
never delete one), lets CloudFormation act as the bootstrap's execution role and nothing else,
and has no IAM action of its own.
"""

from __future__ import annotations

import pytest
from iam_model import ACCOUNT, REGION, Platform
from iam_simulator import ALLOW, DENY, Case, check, evaluate
from platform_synth import default_context, synth_platform

STACK = "ordering-stack"
CFN = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack"
STACK_ID = "0a1b2c3d-4e5f-6789-abcd-ef0123456789"
BOOTSTRAP_ROLE = f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-{{}}-role-{ACCOUNT}-{REGION}"
STAGING = f"arn:aws:s3:::cdk-hnb659fds-assets-{ACCOUNT}-{REGION}"
POOL_OTHER = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_0ther0000"
TO_CLOUDFORMATION = {"iam:PassedToService": "cloudformation.amazonaws.com"}

# (name, role, action, resource, context, expected); "<...>" stands for an ARN of the templates.
ROWS = [
    # The deploy project: one team stack, through the bootstrap.
    ("deploy: change a team stack", "deploy", "cloudformation:CreateChangeSet",
     f"{CFN}/sagemaker-studio-stack-fraud-ml/{STACK_ID}", {}, ALLOW),
    ("deploy: run a team stack's change set", "deploy", "cloudformation:ExecuteChangeSet",
     f"{CFN}/sagemaker-studio-stack-fraud-ml/{STACK_ID}", {}, ALLOW),
    ("deploy: change the infrastructure stack", "deploy", "cloudformation:CreateChangeSet",
     f"{CFN}/infrastructure-stack/{STACK_ID}", {}, DENY),
    ("deploy: change the login stack", "deploy", "cloudformation:ExecuteChangeSet",
     f"{CFN}/sagemaker-login-stack/{STACK_ID}", {}, DENY),
    ("deploy: change the ordering stack", "deploy", "cloudformation:CreateChangeSet",
     f"{CFN}/ordering-stack/{STACK_ID}", {}, DENY),
    ("deploy: delete a team stack", "deploy", "cloudformation:DeleteStack",
     f"{CFN}/sagemaker-studio-stack-fraud-ml/{STACK_ID}", {}, DENY),
    ("deploy: pass the bootstrap execution role to CloudFormation", "deploy", "iam:PassRole",
     BOOTSTRAP_ROLE.format("cfn-exec"), TO_CLOUDFORMATION, ALLOW),
    ("deploy: pass the bootstrap execution role to Lambda", "deploy", "iam:PassRole",
     BOOTSTRAP_ROLE.format("cfn-exec"), {"iam:PassedToService": "lambda.amazonaws.com"}, DENY),
    ("deploy: pass a team's execution role", "deploy", "iam:PassRole",
     f"arn:aws:iam::{ACCOUNT}:role/fraud-ml-sagemaker-execution-role", TO_CLOUDFORMATION, DENY),
    ("deploy: publish assets through the bootstrap", "deploy", "sts:AssumeRole",
     BOOTSTRAP_ROLE.format("file-publishing"), {}, ALLOW),
    ("deploy: take the bootstrap deploy role", "deploy", "sts:AssumeRole", BOOTSTRAP_ROLE.format("deploy"), {}, DENY),
    ("deploy: create a role itself", "deploy", "iam:CreateRole", f"arn:aws:iam::{ACCOUNT}:role/anything", {}, DENY),
    ("deploy: attach a policy itself", "deploy", "iam:AttachRolePolicy",
     BOOTSTRAP_ROLE.format("cfn-exec"), {}, DENY),
    ("deploy: read an uploaded template", "deploy", "s3:GetObject", f"{STAGING}/0f1e2d3c.json", {}, ALLOW),
    ("deploy: overwrite an uploaded template", "deploy", "s3:PutObject", f"{STAGING}/0f1e2d3c.json", {}, DENY),
    ("deploy: read the teams file", "deploy", "s3:GetObjectVersion", "<teams file>", {}, ALLOW),
    ("deploy: change the teams file", "deploy", "s3:PutObject", "<teams file>", {}, DENY),
    ("deploy: read a team's data", "deploy", "s3:GetObject", f"arn:aws:s3:::fraud-ml-{REGION}-{ACCOUNT}/x", {}, DENY),
    # The ordering API: orders, the teams file (read), the caller's address, its own e-mail subscription.
    ("api: record an order", "api", "dynamodb:PutItem", "<orders table>", {}, ALLOW),
    ("api: query a requester's orders", "api", "dynamodb:Query", "<orders table>/index/by-requester", {}, ALLOW),
    ("api: write another table", "api", "dynamodb:PutItem", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/other", {}, DENY),
    ("api: start an order's workflow", "api", "states:StartExecution", "<state machine>", {}, ALLOW),
    ("api: read the teams file", "api", "s3:GetObject", "<teams file>", {}, ALLOW),
    ("api: change the teams file", "api", "s3:PutObject", "<teams file>", {}, DENY),
    ("api: look up a requester's address", "api", "cognito-idp:AdminGetUser", "<user pool>", {}, ALLOW),
    ("api: put a user into a group", "api", "cognito-idp:AdminAddUserToGroup", "<user pool>", {}, DENY),
    ("api: subscribe a requester's e-mail", "api", "sns:Subscribe", "<updates topic>", {"sns:Protocol": "email"}, ALLOW),
    ("api: subscribe a web hook to order updates", "api", "sns:Subscribe", "<updates topic>",
     {"sns:Protocol": "https"}, DENY),
    ("api: subscribe to the approvers' mail", "api", "sns:Subscribe", "<approvers topic>", {"sns:Protocol": "email"}, DENY),
    ("api: start a deploy", "api", "codebuild:StartBuild", "<deploy project>", {}, DENY),
    # The workflow's steps function: check, ask the approvers, write the teams file.
    ("steps: write the teams file", "steps", "s3:PutObject", "<teams file>", {}, ALLOW),
    ("steps: write another object of the bucket", "steps", "s3:PutObject", "<teams bucket>/other.json", {}, DENY),
    ("steps: delete the teams file", "steps", "s3:DeleteObject", "<teams file>", {}, DENY),
    ("steps: tell a missing teams file from a refused one", "steps", "s3:ListBucket", "<teams bucket>", {}, ALLOW),
    ("steps: list a team's bucket", "steps", "s3:ListBucket", f"arn:aws:s3:::fraud-ml-{REGION}-{ACCOUNT}", {}, DENY),
    ("steps: mail the approvers", "steps", "sns:Publish", "<approvers topic>", {}, ALLOW),
    ("steps: mail requesters", "steps", "sns:Publish", "<updates topic>", {}, DENY),
    ("steps: create a group", "steps", "cognito-idp:CreateGroup", "<user pool>", {}, DENY),
    # The state machine: the group, the deploy, the order's record, the notifications.
    ("workflow: create the team's group", "workflow", "cognito-idp:CreateGroup", "<user pool>", {}, ALLOW),
    ("workflow: add the requester to it", "workflow", "cognito-idp:AdminAddUserToGroup", "<user pool>", {}, ALLOW),
    ("workflow: create a group in another pool", "workflow", "cognito-idp:CreateGroup", POOL_OTHER, {}, DENY),
    ("workflow: delete a group", "workflow", "cognito-idp:DeleteGroup", "<user pool>", {}, DENY),
    ("workflow: create a user", "workflow", "cognito-idp:AdminCreateUser", "<user pool>", {}, DENY),
    ("workflow: start the deploy", "workflow", "codebuild:StartBuild", "<deploy project>", {}, ALLOW),
    ("workflow: start another project", "workflow", "codebuild:StartBuild",
     f"arn:aws:codebuild:{REGION}:{ACCOUNT}:project/other", {}, DENY),
    ("workflow: run its steps", "workflow", "lambda:InvokeFunction", "<steps function>", {}, ALLOW),
    ("workflow: invoke another function", "workflow", "lambda:InvokeFunction",
     f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:other", {}, DENY),
    ("workflow: update an order", "workflow", "dynamodb:UpdateItem", "<orders table>", {}, ALLOW),
    ("workflow: read every order", "workflow", "dynamodb:Scan", "<orders table>", {}, DENY),
    ("workflow: tell a requester", "workflow", "sns:Publish", "<updates topic>", {}, ALLOW),
    ("workflow: write the teams file", "workflow", "s3:PutObject", "<teams file>", {}, DENY),
    ("workflow: read the login page's address", "workflow", "ssm:GetParameter",
     f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/sagemaker-studio/login-page-url", {}, ALLOW),
    ("workflow: read another parameter", "workflow", "ssm:GetParameter",
     f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/prod/database-password", {}, DENY),
]
ROLE_PREFIXES = {
    "deploy": "TeamDeployProjectRole",
    "api": "ApiFunctionRole",
    "steps": "WorkflowStepsRole",
    "workflow": "WorkflowStateMachineRole",
}


@pytest.fixture(scope="module")
def platform() -> Platform:
    templates = synth_platform(default_context())
    return Platform({name: template.to_json() for name, template in templates.items()})


def placeholders(platform: Platform) -> dict[str, str]:
    def arn(kind: str, prefix: str) -> str:
        (found,) = [platform.arn(s, lid) for s, lid, _ in platform.resources(kind) if lid.startswith(prefix)]
        return found

    teams_bucket = arn("AWS::S3::Bucket", "StoreTeamsBucket4")
    project = platform.physical_id(STACK, next(lid for _, lid, _ in platform.resources("AWS::CodeBuild::Project")))
    return {
        "<teams file>": f"{teams_bucket}/teams.json",
        "<teams bucket>": teams_bucket,
        "<orders table>": arn("AWS::DynamoDB::GlobalTable", "StoreOrders"),
        "<state machine>": arn("AWS::StepFunctions::StateMachine", "WorkflowStateMachine"),
        "<user pool>": arn("AWS::Cognito::UserPool", "UserPool"),
        "<updates topic>": arn("AWS::SNS::Topic", "StoreUpdatesTopic"),
        "<approvers topic>": arn("AWS::SNS::Topic", "StoreApproversTopic"),
        "<steps function>": arn("AWS::Lambda::Function", "WorkflowStepsFunction"),
        "<deploy project>": f"arn:aws:codebuild:{REGION}:{ACCOUNT}:project/{project}",
    }


@pytest.fixture(scope="module")
def outcomes(platform):
    arns = placeholders(platform)
    roles = platform.roles()

    def role(short: str):
        (found,) = [r for r in roles.values() if r.stack == STACK and r.logical_id.startswith(ROLE_PREFIXES[short])]
        return found

    def placed(resource: str) -> str:
        for placeholder, value in arns.items():
            if resource.startswith(placeholder + "/") or resource == placeholder:
                return value + resource[len(placeholder):]
        return resource

    cases = [
        Case(name=name, role=role(short), action=action, resource=placed(resource), context=context, expected=expected)
        for name, short, action, resource, context, expected in ROWS
    ]
    results = evaluate(cases)
    return {case.name: (case, results[case.name]) for case in cases}


@pytest.mark.parametrize("name", [row[0] for row in ROWS])
def test_decision(outcomes, name):
    case, outcome = outcomes[name]
    check(case, outcome)
