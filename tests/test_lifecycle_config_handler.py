"""The lifecycle-config custom resource, every SageMaker call checked by botocore's Stubber."""

from __future__ import annotations

import base64
from datetime import datetime, timezone

import pytest

from lambda_context import LambdaContext
from lambda_loader import load_lambda_module
from stubbed_client import stubbed_client
from studio_runtime.custom_resource import InvalidProperties, custom_resource_event

handler = load_lambda_module("lifecycle_config", "handler")

CONTENT = base64.b64encode(b"#!/bin/bash\necho hello\n").decode()
OTHER_CONTENT = base64.b64encode(b"#!/bin/bash\necho changed\n").decode()
NAME = "ds-team-jupyterlab-0123abcd"
NEW_NAME = "ds-team-jupyterlab-89abcdef"
ARN = f"arn:aws:sagemaker:eu-central-1:123456789012:studio-lifecycle-config/{NAME}"
NEW_ARN = f"arn:aws:sagemaker:eu-central-1:123456789012:studio-lifecycle-config/{NEW_NAME}"
TAGS = [{"Key": "team", "Value": "ds-team"}]
MARK = "studio-platform:delete-when-unused"
NOW = datetime(2025, 6, 1, 12, 30, 5, tzinfo=timezone.utc)
MARKED_AT = "2025-06-01T12:30:05Z"


@pytest.fixture
def sagemaker():
    with stubbed_client("sagemaker") as stubbed:
        yield stubbed


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


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(handler, "utc_now", lambda: NOW, raising=False)


def run(client, evt, **kwargs):
    return handler.handle(custom_resource_event(evt), client=client, **kwargs)


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


def expect_tags(stubber, tags, arn=ARN, next_token=None, token=None):
    response = {"Tags": tags, **({"NextToken": next_token} if next_token else {})}
    params = {"ResourceArn": arn, "MaxResults": 100, **({"NextToken": token} if token else {})}
    stubber.add_response("list_tags", response, params)


def expect_in_use(stubber, times):
    for _ in range(times):
        stubber.add_client_error("delete_studio_lifecycle_config", service_error_code="ResourceInUse",
                                 service_message="in use by app default-jupyterlab",
                                 expected_params={"StudioLifecycleConfigName": NAME})


def expect_mark(stubber):
    expect_describe(stubber)
    mark = [{"Key": MARK, "Value": MARKED_AT}]
    stubber.add_response("add_tags", {"Tags": mark}, {"ResourceArn": ARN, "Tags": mark})


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
    expect_tags(stubber, TAGS)  # not marked: no DeleteTags
    assert run(client, event("Create")) == {"PhysicalResourceId": NAME, "Data": {"Arn": ARN}}


def test_adopting_a_config_marked_for_deferred_deletion_unmarks_it(sagemaker):
    # A reverted script brings back the name of a config whose delete was deferred: the
    # domain is about to use it again, so the sweeper must no longer delete it.
    client, stubber = sagemaker
    stubber.add_client_error("create_studio_lifecycle_config", service_error_code="ResourceInUse")
    expect_describe(stubber)
    expect_tags(stubber, TAGS, next_token="page-2")
    expect_tags(stubber, [{"Key": MARK, "Value": MARKED_AT}], token="page-2")
    stubber.add_response("delete_tags", {}, {"ResourceArn": ARN, "TagKeys": [MARK]})
    assert run(client, event("Update", physical_id=NEW_NAME, old=properties(NEW_NAME))) == {
        "PhysicalResourceId": NAME, "Data": {"Arn": ARN}}


def test_create_refuses_an_existing_config_with_other_content(sagemaker):
    client, stubber = sagemaker
    stubber.add_client_error("create_studio_lifecycle_config", service_error_code="ResourceInUse")
    expect_describe(stubber, content=OTHER_CONTENT)
    with pytest.raises(InvalidProperties, match="different content"):
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
    expect_tags(stubber, TAGS)
    result = run(client, event("Update", physical_id=NAME, old=properties()))
    assert result == {"PhysicalResourceId": NAME, "Data": {"Arn": ARN}}


def test_update_with_the_same_name_unmarks_a_marked_config(sagemaker):
    client, stubber = sagemaker
    expect_describe(stubber)
    expect_tags(stubber, [*TAGS, {"Key": MARK, "Value": MARKED_AT}])
    stubber.add_response("delete_tags", {}, {"ResourceArn": ARN, "TagKeys": [MARK]})
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
    expect_in_use(stubber, 2)
    stubber.add_response("delete_studio_lifecycle_config", {}, {"StudioLifecycleConfigName": NAME})
    waits = []
    assert run(client, event("Delete", physical_id=NAME), sleep=waits.append) == {"PhysicalResourceId": NAME}
    assert waits == list(handler.DELETE_RETRY_DELAYS_SECONDS[:2])


def test_delete_still_in_use_succeeds_and_marks_the_config_for_the_sweeper(sagemaker):
    # Today's code raised here after ~2.5 min: a failed stack event and an orphaned config.
    client, stubber = sagemaker
    attempts = len(handler.DELETE_RETRY_DELAYS_SECONDS) + 1
    expect_in_use(stubber, attempts)
    expect_mark(stubber)
    waits = []
    assert run(client, event("Delete", physical_id=NAME), sleep=waits.append) == {"PhysicalResourceId": NAME}
    assert waits == list(handler.DELETE_RETRY_DELAYS_SECONDS)


def test_delete_retry_stays_well_within_the_lambda_timeout():
    # The provider function's timeout is 5 minutes (studio_constructs/lifecycle_configs.py).
    assert sum(handler.DELETE_RETRY_DELAYS_SECONDS) + handler.RESERVE_SECONDS <= 90


def test_delete_in_use_marks_at_once_when_the_lambda_timeout_is_near(sagemaker):
    client, stubber = sagemaker
    expect_in_use(stubber, 1)
    expect_mark(stubber)
    waits = []
    result = run(client, event("Delete", physical_id=NAME), sleep=waits.append, seconds_left=lambda: 10.0)
    assert result == {"PhysicalResourceId": NAME}
    assert waits == []


def test_delete_in_use_then_gone_before_the_mark_succeeds_without_tagging(sagemaker):
    client, stubber = sagemaker
    expect_in_use(stubber, len(handler.DELETE_RETRY_DELAYS_SECONDS) + 1)
    stubber.add_client_error("describe_studio_lifecycle_config", service_error_code="ResourceNotFound",
                             expected_params={"StudioLifecycleConfigName": NAME})
    assert run(client, event("Delete", physical_id=NAME), sleep=lambda _: None) == {"PhysicalResourceId": NAME}


def test_delete_fails_when_the_mark_cannot_be_written(sagemaker):
    # Succeeding without a mark would orphan the config silently: better a visible failure.
    client, stubber = sagemaker
    expect_in_use(stubber, len(handler.DELETE_RETRY_DELAYS_SECONDS) + 1)
    expect_describe(stubber)
    stubber.add_client_error("add_tags", service_error_code="AccessDeniedException", http_status_code=400)
    with pytest.raises(Exception, match="AccessDenied"):
        run(client, event("Delete", physical_id=NAME), sleep=lambda _: None)


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
    with pytest.raises(InvalidProperties, match=message):
        run(client, event("Create", props=props))


def test_on_event_uses_the_shared_client_and_returns_the_provider_response(sagemaker, monkeypatch):
    client, stubber = sagemaker
    monkeypatch.setattr(handler, "sagemaker_client", lambda: client)
    expect_create(stubber)
    response = handler.on_event(event("Create"), LambdaContext())
    assert response == {"PhysicalResourceId": NAME, "Data": {"Arn": ARN}}
