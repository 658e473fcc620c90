"""The ordering stack as moto resources, for running its synthesized workflow.

Every resource the state machine names is created in moto under the physical name that
tests/iam_model.py gives it, so the definition is used exactly as synthesized (intrinsics
resolved). What moto cannot do is filled in as AWS does it, and only that:
- a Lambda task runs the function's real handler in this process, with the environment the
  template gives it (moto would need Docker); an exception becomes an `Unhandled` function error
  with its class name as errorType, as the Python runtime reports it;
- moto's aws-sdk integration knows neither boto3's name `cognito-idp` for
  `cognitoidentityprovider` nor AWS's error prefix `CognitoIdentityProvider.`: both are added,
  so the definition's Catch on `CognitoIdentityProvider.GroupExistsException` is exercised;
- moto leaves out the aws-sdk integration's case mapping (its hooks are empty): Step Functions
  takes and returns the API's member names with a capital first letter (`ProjectName`,
  `Build.Id` for CodeBuild's `projectName`, `build.id`), mapped here by botocore's model;
- time is compressed: the approval timeout and the deploy poll interval are set small, after
  checking they are what was synthesized.
"""

from __future__ import annotations

import json
import re
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

import boto3
import botocore.session
from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service,
    state_task_service_aws_sdk,
)

from iam_model import ACCOUNT, REGION, Platform
from lambda_context import LambdaContext
from lambda_loader import load_lambda_module
from platform_synth import default_context, synth_platform
from studio_platform.names import LOGIN_PAGE_URL_PARAMETER
from studio_runtime import order_records as records
from studio_runtime.contracts import ordering_api, ordering_steps

STACK = "ordering-stack"
LOGIN_STACK = "sagemaker-login-stack"
SYNTHESIZED_POLL_SECONDS = 60
SYNTHESIZED_APPROVAL_SECONDS = 72 * 3600
LOGIN_PAGE = "https://login.example.com/"


@dataclass
class OrderingWorld:
    platform: Platform
    names: dict[str, str]  # role of a resource -> its physical name or ARN
    pool_id: str
    definition: dict[str, Any]
    clients: dict[str, Any]
    state_machine_arn: str = ""
    invocations: list[tuple[str, dict]] = field(default_factory=list)

    def client(self, service: str) -> Any:
        return self.clients[service]

    # --- what the API and the workflow left behind ---------------------------------------------
    def order(self, order_id: str) -> dict[str, Any]:
        item = self.client("dynamodb").get_item(
            TableName=self.names["table"], Key={k: {"S": v} for k, v in records.order_key(order_id).items()}
        )["Item"]
        return boto3.dynamodb.types.TypeDeserializer().deserialize({"M": item})

    def history(self, order_id: str) -> dict[str, dict[str, Any]]:
        found = self.client("dynamodb").query(
            TableName=self.names["table"],
            KeyConditionExpression="pk = :pk AND begins_with(sk, :event)",
            ExpressionAttributeValues={":pk": {"S": f"ORDER#{order_id}"}, ":event": {"S": records.EVENT_PREFIX}},
        )["Items"]
        deserialize = boto3.dynamodb.types.TypeDeserializer().deserialize
        return {item["sk"]["S"].removeprefix(records.EVENT_PREFIX): deserialize({"M": item}) for item in found}

    def holder_of(self, team: str) -> str | None:
        item = self.client("dynamodb").get_item(
            TableName=self.names["table"], Key={k: {"S": v} for k, v in records.team_key(team).items()}
        ).get("Item")
        return item["order_id"]["S"] if item else None

    def teams_file(self) -> dict[str, Any] | None:
        try:
            body = self.client("s3").get_object(Bucket=self.names["teams_bucket"], Key="teams.json")["Body"].read()
        except self.client("s3").exceptions.NoSuchKey:
            return None
        return json.loads(body)

    def messages(self, queue: str) -> list[dict[str, Any]]:
        """SNS notifications delivered to one of the observing queues (approvers, requester)."""
        sqs = self.client("sqs")
        found = []
        while True:
            batch = sqs.receive_message(QueueUrl=self.names[queue], MaxNumberOfMessages=10).get("Messages", [])
            if not batch:
                return found
            for message in batch:
                found.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self.names[queue], ReceiptHandle=message["ReceiptHandle"])

    def mail(self, queue: str) -> list[dict[str, Any]]:
        """`messages`, once at least one has arrived (a step publishes after it records)."""
        return self.wait_for(lambda: self.messages(queue), what=f"a message on {queue}")

    # --- driving it ----------------------------------------------------------------------------
    def start(self, order: dict[str, Any]) -> str:
        """An execution as the ordering API starts it (the order and the name already recorded)."""
        return self.client("stepfunctions").start_execution(
            stateMachineArn=self.state_machine_arn, name=order[records.WorkflowInput.ORDER_ID], input=json.dumps(order)
        )["executionArn"]

    def wait_for(self, check: Callable[[], Any], *, seconds: float = 30, what: str = "condition") -> Any:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = check()
            if found:
                return found
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")

    def finished(self, execution_arn: str) -> dict[str, Any]:
        sfn = self.client("stepfunctions")

        def done() -> dict[str, Any] | None:
            described = sfn.describe_execution(executionArn=execution_arn)
            return described if described["status"] != "RUNNING" else None

        return self.wait_for(done, what=f"the end of {execution_arn}")

    def visited(self, execution_arn: str) -> list[str]:
        """The states the execution entered, in order."""
        events = self.client("stepfunctions").get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
        return [event["stateEnteredEventDetails"]["name"] for event in events if "stateEnteredEventDetails" in event]


def ordering_templates() -> dict[str, dict]:
    return {name: template.to_json() for name, template in synth_platform(default_context()).items()}


def logical_id(template: dict, kind: str, prefix: str) -> str:
    """The one resource of `kind` whose logical id is `prefix` and CDK's 8-digit hash."""
    found = [
        lid for lid, r in template["Resources"].items() if r["Type"] == kind and re.fullmatch(f"{prefix}[0-9A-F]{{8}}", lid)
    ]
    assert len(found) == 1, f"expected one {kind} {prefix}*, found {found}"
    return found[0]


def build_world(monkeypatch, *, approval_seconds: int, poll_seconds: int = 1) -> OrderingWorld:
    """Inside mock_aws: the ordering stack's resources, its functions' environments, the
    state machine from the synthesized definition."""
    templates = ordering_templates()
    platform = Platform(templates)
    ordering = templates[STACK]
    ids = {
        "table": logical_id(ordering, "AWS::DynamoDB::GlobalTable", "StoreOrders"),
        "teams_bucket": logical_id(ordering, "AWS::S3::Bucket", "StoreTeamsBucket"),
        "approvers_topic": logical_id(ordering, "AWS::SNS::Topic", "StoreApproversTopic"),
        "updates_topic": logical_id(ordering, "AWS::SNS::Topic", "StoreUpdatesTopic"),
        "project": logical_id(ordering, "AWS::CodeBuild::Project", "TeamDeployProject"),
        "steps": logical_id(ordering, "AWS::Lambda::Function", "WorkflowStepsFunction"),
        "api": logical_id(ordering, "AWS::Lambda::Function", "ApiFunction"),
        "state_machine": logical_id(ordering, "AWS::StepFunctions::StateMachine", "WorkflowStateMachine"),
    }
    names = {role: platform._ref(STACK, lid) for role, lid in ids.items()}
    clients = {
        service: boto3.client(service, region_name=REGION)
        for service in ("dynamodb", "s3", "sns", "sqs", "cognito-idp", "codebuild", "lambda", "iam", "stepfunctions", "ssm")
    }
    world = OrderingWorld(platform=platform, names=names, pool_id="", definition={}, clients=clients)
    _create_table(world, ordering["Resources"][ids["table"]]["Properties"])
    s3 = clients["s3"]
    s3.create_bucket(Bucket=names["teams_bucket"], CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket=names["teams_bucket"], VersioningConfiguration={"Status": "Enabled"})
    for topic in ("approvers_topic", "updates_topic"):
        clients["sns"].create_topic(Name=names[topic].rsplit(":", 1)[1])
    world.pool_id = clients["cognito-idp"].create_user_pool(PoolName="platform")["UserPool"]["Id"]
    role_arn = clients["iam"].create_role(RoleName="moto-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    clients["codebuild"].create_project(
        name=names["project"],
        source={"type": "S3", "location": "source-bucket/platform.zip"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL"},
        serviceRole=role_arn,
    )
    _functions(world, monkeypatch, ordering, {ids["steps"]: ordering_steps.CODE_DIR, ids["api"]: ordering_api.CODE_DIR}, role_arn)
    world.definition = _definition(world, ordering["Resources"][ids["state_machine"]]["Properties"], approval_seconds, poll_seconds)
    world.state_machine_arn = clients["stepfunctions"].create_state_machine(
        name=names["state_machine"].rsplit(":", 1)[1], definition=json.dumps(world.definition), roleArn=role_arn
    )["stateMachineArn"]
    assert world.state_machine_arn == names["state_machine"]
    _observe_topics(world)
    # What the login stack publishes: the login page's address.
    clients["ssm"].put_parameter(Name=LOGIN_PAGE_URL_PARAMETER, Value=LOGIN_PAGE, Type="String")
    return world


def _create_table(world: OrderingWorld, properties: dict) -> None:
    world.client("dynamodb").create_table(
        TableName=world.names["table"],
        KeySchema=properties["KeySchema"],
        AttributeDefinitions=properties["AttributeDefinitions"],
        GlobalSecondaryIndexes=[
            {key: index[key] for key in ("IndexName", "KeySchema", "Projection")} for index in properties["GlobalSecondaryIndexes"]
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def _functions(world: OrderingWorld, monkeypatch, ordering: dict, code_dirs: dict[str, str], role_arn: str) -> None:
    """Both functions created in moto; their template environment set in this process (the
    handlers read it per call); moto's invoke runs the real handler."""
    by_name = {}
    fake_pool_id = _fake_pool_id(world)
    for lid, code_dir in code_dirs.items():
        properties = ordering["Resources"][lid]["Properties"]
        name = world.names["steps" if code_dir == ordering_steps.CODE_DIR else "api"]
        world.client("lambda").create_function(
            FunctionName=name, Runtime="python3.12", Role=role_arn, Handler=properties["Handler"], Code={"ZipFile": b"PK"}
        )
        by_name[name] = code_dir
        for key, value in world.platform.resolve(STACK, properties["Environment"]["Variables"]).items():
            monkeypatch.setenv(key, str(value).replace(fake_pool_id, world.pool_id))
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)

    def invoke(backend, function_name, qualifier, body, headers, response_headers):
        name = function_name.rsplit(":", 1)[-1]
        event = json.loads(body)
        world.invocations.append((by_name[name], event))
        try:
            result = load_lambda_module(by_name[name]).handler(event, LambdaContext(function_name=name))
        except Exception as error:  # noqa: BLE001 - the Lambda runtime reports any exception so
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps(
                {"errorMessage": str(error), "errorType": type(error).__name__, "stackTrace": traceback.format_tb(error.__traceback__)}
            ).encode()
        return json.dumps(result).encode()

    monkeypatch.setattr(LambdaSimpleBackend, "invoke", invoke)
    _map_sdk_cases(monkeypatch)
    monkeypatch.setitem(state_task_service.StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES, "cognitoidentityprovider", "cognito-idp")
    monkeypatch.setitem(state_task_service_aws_sdk._SERVICE_ERROR_NAMES, "cognitoidentityprovider", "CognitoIdentityProvider")


def _map_sdk_cases(monkeypatch) -> None:
    task = state_task_service_aws_sdk.StateTaskServiceAwsSdk
    models = botocore.session.get_session()

    def operation(state: Any) -> Any:
        action = state.resource.api_action
        return models.get_service_model(state._get_boto_service_name()).operation_model(action[0].upper() + action[1:])

    def parameters(state: Any, values: dict, *_: Any) -> None:
        state._to_boto_request(values, operation(state).input_shape)

    def response(state: Any, values: Any, *_: Any) -> None:
        shape = operation(state).output_shape
        if shape is not None:  # an operation that answers nothing (AdminAddUserToGroup)
            state._from_boto_response(values, shape)

    monkeypatch.setattr(task, "_normalise_parameters", parameters)
    monkeypatch.setattr(task, "_normalise_response", response)


def _fake_pool_id(world: OrderingWorld) -> str:
    login = world.platform.templates[LOGIN_STACK]
    return world.platform.physical_id(LOGIN_STACK, logical_id(login, "AWS::Cognito::UserPool", "UserPool"))


def _definition(world: OrderingWorld, properties: dict, approval_seconds: int, poll_seconds: int) -> dict:
    text = world.platform.resolve(STACK, properties["DefinitionString"]).replace(_fake_pool_id(world), world.pool_id)
    definition = json.loads(text)
    states = definition["States"]
    assert states["RequestApproval"]["TimeoutSeconds"] == SYNTHESIZED_APPROVAL_SECONDS
    assert states["WaitForDeploy"]["Seconds"] == SYNTHESIZED_POLL_SECONDS
    states["RequestApproval"]["TimeoutSeconds"] = approval_seconds
    states["WaitForDeploy"]["Seconds"] = poll_seconds
    return definition


def _observe_topics(world: OrderingWorld) -> None:
    """SQS queues stand where e-mail cannot: one on the approvers' topic, one on the updates topic
    with the filter the ordering API gives a requester's subscription (dana's address)."""
    sqs, sns = world.client("sqs"), world.client("sns")
    for queue, topic, filter_policy in (
        ("approvers_queue", "approvers_topic", None),
        ("requester_queue", "updates_topic", {records.REQUESTER_ATTRIBUTE: ["dana@example.com"]}),
        ("other_requester_queue", "updates_topic", {records.REQUESTER_ATTRIBUTE: ["erin@example.com"]}),
    ):
        url = sqs.create_queue(QueueName=queue)["QueueUrl"]
        world.names[queue] = url
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        attributes = {"RawMessageDelivery": "false"}
        if filter_policy:
            attributes["FilterPolicy"] = json.dumps(filter_policy)
        sns.subscribe(TopicArn=world.names[topic], Protocol="sqs", Endpoint=arn, Attributes=attributes)
