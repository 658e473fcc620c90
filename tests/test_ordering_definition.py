"""The synthesized workflow definition, read as AWS would: every SDK call it makes exists with
the parameters it sends (botocore's models; moto's interpreter does not validate them), every
error it catches or retries by name is one the service can raise, and every step that can fail
leads to a recorded, notified end.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

import botocore.session
import pytest

from iam_model import Platform
from ordering_variants import ENTRA_FLAGS, WITH_PROVIDER
from ordering_world import STACK, logical_id, ordering_templates
from platform_synth import default_context, synth_platform

MODELS = botocore.session.get_session()
# Step Functions' aws-sdk service names that differ from boto3's.
SDK_SERVICES = {"cognitoidentityprovider": "cognito-idp"}
# Optimized integrations: resource -> (boto3 service, operation).
OPTIMIZED = {
    "dynamodb:updateItem": ("dynamodb", "UpdateItem"),
    "dynamodb:putItem": ("dynamodb", "PutItem"),
    "dynamodb:deleteItem": ("dynamodb", "DeleteItem"),
    "sns:publish": ("sns", "Publish"),
    "lambda:invoke": ("lambda", "Invoke"),
    "lambda:invoke.waitForTaskToken": ("lambda", "Invoke"),
}
# States that record an order's end or tell someone; a failure there has nothing left to tell.
RECORDING = re.compile(r"^(Mark|Notify|Release)")
# Catches that are not failures: the step's work was done already (idempotent steps), so the
# workflow goes on exactly as after a success.
CONTINUATIONS = {
    ("CreateGroup", "CognitoIdentityProvider.GroupExistsException"),
    ("AddRequesterToGroup", "CognitoIdentityProvider.UserNotFoundException"),
    ("AssignEntraGroup", "States.Http.StatusCode.400"),
}
# Step Functions' names for Lambda's own failures (its optimized integration).
LAMBDA_ERRORS = {"ServiceException", "AWSLambdaException", "SdkClientException", "ClientExecutionTimeoutException"}


# The default workflow, and the one that also makes the team's Entra ID group.
VARIANTS = {"default": None, "entra-groups": {**WITH_PROVIDER, **ENTRA_FLAGS}}
# Step Functions' HTTP task: its own parameters, not an AWS API's.
HTTP_TASK = "http:invoke"
HTTP_PARAMETERS = {"ApiEndpoint", "Method", "Authentication", "Headers", "RequestBody", "QueryParameters", "Transform"}
HTTP_REQUIRED = {"ApiEndpoint", "Method", "Authentication"}


@pytest.fixture(scope="module", params=list(VARIANTS))
def definition(request) -> dict[str, Any]:
    overrides = VARIANTS[request.param]
    templates = (
        ordering_templates()
        if overrides is None
        else {name: t.to_json() for name, t in synth_platform(default_context(**overrides)).items()}
    )
    properties = templates[STACK]["Resources"][
        logical_id(templates[STACK], "AWS::StepFunctions::StateMachine", "WorkflowStateMachine")
    ]["Properties"]
    return json.loads(Platform(templates).resolve(STACK, properties["DefinitionString"]))


def tasks(definition: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, state in definition["States"].items():
        if state["Type"] == "Task":
            yield name, state


def operation_of(resource: str) -> Any:
    integration = resource.removeprefix("arn:aws:states:::")
    if integration.startswith("aws-sdk:"):
        _, service, action = integration.split(":")
        service = SDK_SERVICES.get(service, service)
        return MODELS.get_service_model(service).operation_model(action[0].upper() + action[1:])
    service, operation = OPTIMIZED[integration]
    return MODELS.get_service_model(service).operation_model(operation)


def written_keys(parameters: dict[str, Any]) -> set[str]:
    return {key.removesuffix(".$") for key in parameters}


def test_every_sdk_call_exists_with_the_parameters_it_sends(definition):
    checked = 0
    for name, state in tasks(definition):
        if state["Resource"].endswith(HTTP_TASK):
            sent = written_keys(state["Parameters"])
            assert sent <= HTTP_PARAMETERS and HTTP_REQUIRED <= sent, f"{name}: {sorted(sent)}"
            continue
        operation = operation_of(state["Resource"])
        members = operation.input_shape.members
        # aws-sdk tasks write member names with a capital first letter (Step Functions maps them back).
        by_sfn_name = {member[0].upper() + member[1:]: member for member in members}
        sent = written_keys(state["Parameters"])
        unknown = sent - set(members) - set(by_sfn_name)
        assert not unknown, f"{name}: {operation.name} has no parameters {sorted(unknown)}"
        named = {by_sfn_name.get(key, key) for key in sent}
        missing = set(operation.input_shape.required_members) - named
        assert not missing, f"{name}: {operation.name} needs {sorted(missing)}"
        checked += 1
    assert checked >= 15


def test_every_error_named_by_a_catch_or_retry_can_happen(definition):
    prefixes = {}
    for _, state in tasks(definition):
        if ":aws-sdk:" in state["Resource"]:
            model = operation_of(state["Resource"]).service_model
            prefix = model.metadata["serviceId"].replace(" ", "")
            # Modeled errors, and the name Step Functions gives an unmodeled one.
            prefixes[prefix] = {shape.name for shape in model.error_shapes} | {f"{prefix}Exception"}
        elif ":lambda:" in state["Resource"]:
            prefixes["Lambda"] = LAMBDA_ERRORS
    for name, state in definition["States"].items():
        for handler in state.get("Catch", []) + state.get("Retry", []):
            for error in handler["ErrorEquals"]:
                if error.startswith("States.") or "." not in error:
                    continue  # Step Functions' own, or raised by name by the steps function
                prefix, error_name = error.split(".", 1)
                assert prefix in prefixes, f"{name}: {error} names a service this workflow does not call"
                assert error_name in prefixes[prefix], f"{name}: {prefix} never raises {error_name}"


def test_every_step_that_can_fail_ends_the_order_recorded_and_told(definition):
    states = definition["States"]
    for name, state in tasks(definition):
        if RECORDING.match(name):
            continue
        catch_all = [c for c in state.get("Catch", []) if "States.ALL" in c["ErrorEquals"]]
        assert catch_all, f"{name} has no catch-all: a failure would leave the order in its last status"
        for catch in state["Catch"]:
            (first_error, *_) = catch["ErrorEquals"]
            if (name, first_error) in CONTINUATIONS:
                assert catch["ErrorEquals"] == [first_error] and catch["Next"] == state["Next"], (name, catch)
                continue
            path = list(walk(states, catch["Next"]))
            assert any(states[step]["Type"] == "Task" and step.startswith("Mark") for step in path), (
                f"{name}: {catch['ErrorEquals']} reaches the end without recording the order"
            )
            assert any(step.startswith("Notify") for step in path), f"{name}: {catch['ErrorEquals']} tells nobody"
            assert states[path[-1]]["Type"] in ("Fail", "Succeed")


def walk(states: dict[str, Any], start: str) -> Iterator[str]:
    """The states from `start` to an end, taking each Choice's default (the no-address branch
    of a notification also ends there)."""
    current = start
    for _ in range(len(states)):
        yield current
        state = states[current]
        if state["Type"] in ("Fail", "Succeed") or state.get("End"):
            return
        current = state["Choices"][0]["Next"] if state["Type"] == "Choice" else state["Next"]
    raise AssertionError(f"{start}: no end within {len(states)} states")
