"""The lifecycle-config custom resource, every SageMaker call checked by botocore's Stubber."""

from __future__ import annotations

import base64

import boto3
import pytest
from botocore.stub import Stubber

from lambda_loader import load_lambda_module

handler = load_lambda_module("lifecycle_config", "handler")

CONTENT = base64.b64encode(b"#!/bin/bash\necho hello\n").decode()
OTHER_CONTENT = base64.b64encode(b"#!/bin/bash\necho changed\n").decode()
NAME = "ds-team-jupyterlab-0123abcd"
NEW_NAME = "ds-team-jupyterlab-89abcdef"
ARN = f"arn:aws:sagemaker:eu-central-1:123456789012:studio-lifecycle-config/{NAME}"
NEW_ARN = f"arn:aws:sagemaker:eu-central-1:123456789012:studio-lifecycle-config/{NEW_NAME}"
TAGS = [{"Key": "team", "Value": "ds-team"}]


@pytest.fixture
def sagemaker():
    client = boto3.client("sagemaker", region_name="eu-central-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def properties(name=NAME, content=CONTENT):
    return {"ServiceToken": "arn:aws:lambda:x", "ConfigName": name, "AppType": "JupyterLab",
            "ContentBase64": content, "Tags": TAGS}


def event(request_type, *, props=None, physical_id=None, old=None):
    result = {"RequestType": request_type, "ResourceProperties": props or properties()}
    if physical_id is not None:
        result["PhysicalResourceId"] = physical_id
    if old is not None:
        result["OldResourceProperties"] = old
    return result


def run(client, evt, **kwargs):
    return handler.handle(handler.parse_request(evt), client=client, **kwargs)


def expect_create(stubber, name=NAME, content=CONTENT, arn=ARN):
    stubber.add_response(
        "create_studio_lifecycle_config",
        {"StudioLifecycleConfigArn": arn},
        {"StudioLifecycleConfigName": name, "StudioLifecycleConfigContent": content,
         "StudioLifecycleConfigAppType": "JupyterLab", "Tags": TAGS},
    )


def expect_describe(stubber, name=NAME, content=CONTENT, arn=ARN):
    stubber.add_response(
        "describe_studio_lifecycle_config",
        {"StudioLifecycleConfigArn": arn, "StudioLifecycleConfigName": name,
         "StudioLifecycleConfigContent": content, "StudioLifecycleConfigAppType": "JupyterLab"},
        {"StudioLifecycleConfigName": name},
    )


def test_create_returns_name_and_arn(sagemaker):
    client, stubber = sagemaker
    expect_create(stubber)
    assert run(client, event("Create")) == {"PhysicalResourceId": NAME, "Data": {"Arn": ARN}}


@pytest.mark.parametrize(
    ("code", "message"),
    [("ResourceInUse", "Lifecycle config already exists"), ("ValidationException", "Config already exists: x")],
)
def test_create_adopts_an_existing_config_with_the_same_content(sagemaker, code, message):
    client, stubber = sagemaker
    stubber.add_client_error("create_studio_lifecycle_config", service_error_code=code, service_message=message)
    expect_describe(stubber)
    assert run(client, event("Create")) == {"PhysicalResourceId": NAME, "Data": {"Arn": ARN}}


def test_create_refuses_an_existing_config_with_other_content(sagemaker):
    client, stubber = sagemaker
    stubber.add_client_error("create_studio_lifecycle_config", service_error_code="ResourceInUse")
    expect_describe(stubber, content=OTHER_CONTENT)
    with pytest.raises(handler.RequestError, match="different content"):
        run(client, event("Create"))


def test_create_passes_other_errors_on(sagemaker):
    client, stubber = sagemaker
    stubber.add_client_error("create_studio_lifecycle_config", service_error_code="ValidationException",
                             service_message="Content is not valid")
    with pytest.raises(Exception, match="Content is not valid"):
        run(client, event("Create"))


def test_update_to_a_new_name_creates_the_new_config(sagemaker):
    client, stubber = sagemaker
    expect_create(stubber, name=NEW_NAME, content=OTHER_CONTENT, arn=NEW_ARN)
    result = run(client, event("Update", props=properties(NEW_NAME, OTHER_CONTENT), physical_id=NAME,
                               old=properties()))
    assert result == {"PhysicalResourceId": NEW_NAME, "Data": {"Arn": NEW_ARN}}


def test_update_with_the_same_name_keeps_the_config(sagemaker):
    client, stubber = sagemaker
    expect_describe(stubber)
    result = run(client, event("Update", physical_id=NAME, old=properties()))
    assert result == {"PhysicalResourceId": NAME, "Data": {"Arn": ARN}}


def test_update_with_the_same_name_recreates_a_config_deleted_out_of_band(sagemaker):
    client, stubber = sagemaker
    stubber.add_client_error("describe_studio_lifecycle_config", service_error_code="ResourceNotFound")
    expect_create(stubber)
    result = run(client, event("Update", physical_id=NAME, old=properties()))
    assert result == {"PhysicalResourceId": NAME, "Data": {"Arn": ARN}}


def test_delete_removes_the_config(sagemaker):
    client, stubber = sagemaker
    stubber.add_response("delete_studio_lifecycle_config", {}, {"StudioLifecycleConfigName": NAME})
    assert run(client, event("Delete", physical_id=NAME)) == {"PhysicalResourceId": NAME}


def test_delete_of_a_config_already_gone_succeeds(sagemaker):
    client, stubber = sagemaker
    stubber.add_client_error("delete_studio_lifecycle_config", service_error_code="ResourceNotFound",
                             expected_params={"StudioLifecycleConfigName": NAME})
    assert run(client, event("Delete", physical_id=NAME)) == {"PhysicalResourceId": NAME}


def test_delete_ignores_broken_properties_and_ids_that_are_no_config_name(sagemaker):
    client, _ = sagemaker  # no call expected: the stubber fails on any
    broken = {"ConfigName": "", "AppType": "nonsense"}
    assert run(client, event("Delete", props=broken, physical_id="arn:bad/id")) == {"PhysicalResourceId": "arn:bad/id"}


def test_delete_retries_while_in_use_then_succeeds(sagemaker):
    client, stubber = sagemaker
    for _ in range(2):
        stubber.add_client_error("delete_studio_lifecycle_config", service_error_code="ResourceInUse",
                                 service_message="in use by domain d-123")
    stubber.add_response("delete_studio_lifecycle_config", {}, {"StudioLifecycleConfigName": NAME})
    waits = []
    assert run(client, event("Delete", physical_id=NAME), sleep=waits.append) == {"PhysicalResourceId": NAME}
    assert waits == list(handler.DELETE_RETRY_DELAYS_SECONDS[:2])


def test_delete_still_in_use_fails_with_a_clear_message(sagemaker):
    client, stubber = sagemaker
    attempts = len(handler.DELETE_RETRY_DELAYS_SECONDS) + 1
    for _ in range(attempts):
        stubber.add_client_error("delete_studio_lifecycle_config", service_error_code="ResourceInUse",
                                 service_message="in use by domain d-123")
    waits = []
    with pytest.raises(RuntimeError, match=f"still attached.*after {attempts} delete attempts"):
        run(client, event("Delete", physical_id=NAME), sleep=waits.append)
    assert waits == list(handler.DELETE_RETRY_DELAYS_SECONDS)


def test_delete_in_use_stops_waiting_before_the_lambda_timeout(sagemaker):
    client, stubber = sagemaker
    stubber.add_client_error("delete_studio_lifecycle_config", service_error_code="ResourceInUse")
    waits = []
    with pytest.raises(RuntimeError, match="after 1 delete attempts"):
        run(client, event("Delete", physical_id=NAME), sleep=waits.append, seconds_left=lambda: 10.0)
    assert waits == []


@pytest.mark.parametrize(
    ("props", "message"),
    [
        (properties(name="bad_name"), "ConfigName"),
        ({**properties(), "AppType": "RStudio"}, "AppType"),
        (properties(content="A" * 16385), "16384"),
        ({**properties(), "Tags": "team=x"}, "Tags"),
    ],
)
def test_bad_properties_are_refused_before_any_call(sagemaker, props, message):
    client, _ = sagemaker
    with pytest.raises(handler.RequestError, match=message):
        run(client, event("Create", props=props))


def test_on_event_uses_the_shared_client_and_returns_the_provider_response(sagemaker, monkeypatch):
    client, stubber = sagemaker
    monkeypatch.setattr(handler, "_client", client)
    expect_create(stubber)
    response = handler.on_event(event("Create"), None)
    assert response == {"PhysicalResourceId": NAME, "Data": {"Arn": ARN}}
