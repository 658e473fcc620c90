"""Teardown custom resource: event parsing, error classification and the JSON log format."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from botocore.stub import Stubber
from lambda_loader import load_lambda_module

from lambda_context import LambdaContext
from studio_runtime.contracts.domain_teardown import HomeEfsRetention
from studio_runtime.custom_resource import InvalidProperties

handler = load_lambda_module("domain_teardown", "handler")
from teardown.aws import Aws, CallBudget, Clients, RetryLater, TeardownFailed  # noqa: E402
from teardown.network import _permissions_referencing  # noqa: E402
from teardown.request import domain_arn_from_stack_id, parse_request  # noqa: E402

STACK_ID = "arn:aws:cloudformation:eu-central-1:111122223333:stack/team1/guid"


def event(**properties):
    base = {"DomainId": "d-abc123", "VpcId": "vpc-1", "HomeEfsRetention": "Delete"}
    base.update(properties)
    return {"RequestType": "Delete", "StackId": STACK_ID, "PhysicalResourceId": "teardown-d-abc123",
            "ResourceProperties": base}


def test_domain_arn_follows_the_stack_partition_region_and_account():
    china_stack = "arn:aws-cn:cloudformation:cn-north-1:444455556666:stack/team1/guid"
    assert domain_arn_from_stack_id(stack_id=china_stack, domain_id="d-x") == (
        "arn:aws-cn:sagemaker:cn-north-1:444455556666:domain/d-x")


def test_properties_are_read_from_the_event():
    request = parse_request(event())
    assert (request.domain_id, request.vpc_id) == ("d-abc123", "vpc-1")
    assert request.home_efs_retention is HomeEfsRetention.DELETE


def test_no_start_stamp_means_none_and_a_naive_one_is_ignored():
    assert parse_request(event()).started_at is None
    stamped = dict(event(), Data={"TeardownStartedAt": "2026-11-25T12:00:00"})
    assert parse_request(stamped).started_at is None


@pytest.mark.parametrize(("key", "value", "message"), [
    ("DomainId", "", "DomainId"),
    ("VpcId", None, "VpcId"),
    ("HomeEfsRetention", "delete", "HomeEfsRetention: Input should be 'Retain' or 'Delete'"),
])
def test_bad_properties_are_rejected_with_the_property_named(key, value, message):
    with pytest.raises(InvalidProperties, match=message):
        parse_request(event(**{key: value}))


def test_an_unknown_request_type_is_rejected():
    with pytest.raises(InvalidProperties, match="RequestType"):
        parse_request(dict(event(), RequestType="Replace"))


def make_aws(max_calls=10):
    client = boto3.client("sagemaker", region_name="eu-central-1")
    clients = Clients(sagemaker=client, efs=None, ec2=None)
    return Aws(clients=clients, budget=CallBudget(max_calls=max_calls, seconds_left=lambda: 50.0)), Stubber(client)


@pytest.mark.parametrize("code", ["InternalFailure", "ServiceUnavailable", "ThrottlingException"])
def test_transient_service_errors_postpone(code):
    aws, stubber = make_aws()
    stubber.add_client_error("describe_domain", service_error_code=code, http_status_code=500)
    with stubber, pytest.raises(RetryLater, match=code):
        aws.call("sagemaker", "describe_domain", resource="domain d-1", DomainId="d-1")


@pytest.mark.parametrize("error", [
    EndpointConnectionError(endpoint_url="https://api.sagemaker.eu-central-1.amazonaws.com"),
    ReadTimeoutError(endpoint_url="https://api.sagemaker.eu-central-1.amazonaws.com"),
])
def test_network_failures_postpone(error, monkeypatch):
    aws, _ = make_aws()

    def fail(**_):
        raise error

    monkeypatch.setattr(aws.clients.sagemaker, "describe_domain", fail)
    with pytest.raises(RetryLater):
        aws.call("sagemaker", "describe_domain", resource="domain d-1", DomainId="d-1")


def test_access_denied_fails_naming_operation_and_resource():
    aws, stubber = make_aws()
    stubber.add_client_error("delete_domain", service_error_code="AccessDeniedException", service_message="no")
    with stubber, pytest.raises(TeardownFailed, match="delete_domain on domain d-1: AccessDeniedException: no"):
        aws.call("sagemaker", "delete_domain", resource="domain d-1", DomainId="d-1")


def test_the_budget_counts_calls_and_refuses_once_spent():
    aws, stubber = make_aws(max_calls=1)
    stubber.add_response("describe_domain", {"DomainId": "d-1"}, {"DomainId": "d-1"})
    with stubber:
        aws.call("sagemaker", "describe_domain", resource="domain d-1", DomainId="d-1")
        with pytest.raises(RetryLater, match="budget"):
            aws.call("sagemaker", "describe_domain", resource="domain d-1", DomainId="d-1")
    assert aws.budget.calls_made == 1


def test_only_group_references_to_the_nfs_pair_are_revoked():
    rules = [
        {"IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049, "IpRanges": [{"CidrIp": "10.0.0.0/16"}],
         "UserIdGroupPairs": [{"GroupId": "sg-pair", "UserId": "1"}, {"GroupId": "sg-team", "UserId": "1"}]},
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    ]
    assert _permissions_referencing(rules, {"sg-pair"}) == [
        {"IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049, "UserIdGroupPairs": [{"GroupId": "sg-pair"}]}]


def test_log_lines_are_single_json_objects_with_action_and_fields(capsys):
    event_with_id = dict(event(), RequestId="req-7", LogicalResourceId="DomainTeardown")
    handler.on_event(event_with_id, LambdaContext(function_name="teardown-fn"))
    [line] = capsys.readouterr().out.strip().splitlines()
    parsed = json.loads(line)
    assert parsed["message"] == "on_event" and parsed["level"] == "INFO"
    assert parsed["request_type"] == "Delete" and parsed["domain_id"] == "d-abc123"
    assert (parsed["correlation_id"], parsed["function_name"]) == ("req-7", "teardown-fn")
