"""Shared fakes for the teardown tests (no tests here): events, Stubber-backed clients and
canned SageMaker/EFS/EC2 descriptions. Stubbers check parameters and responses against the
service models and fail on any call that was not queued (e.g. a delete under Retain).
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.stub import Stubber
from lambda_loader import load_lambda_module

handler = load_lambda_module("domain_teardown", "handler")
from teardown import logger as teardown_logger  # noqa: E402  (importable once the loader ran)
from teardown.aws import Clients  # noqa: E402

DOMAIN_ID = "d-abc123def456"
VPC_ID = "vpc-0123456789abcdef0"
ACCOUNT = "111122223333"
REGION = "eu-central-1"
DOMAIN_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:domain/{DOMAIN_ID}"
STACK_ID = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/team1-studio/5f1a0b30-0000-11ef-0000-0a1b2c3d4e5f"
STARTED_AT = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
IN_SERVICE = "InService"
INBOUND_SG = "sg-0aaaaaaaaaaaaaaa1"
OUTBOUND_SG = "sg-0bbbbbbbbbbbbbbb2"
HOME_EFS = "fs-0123456789abcdef0"


def event(request_type="Delete", *, retention="Delete", started_at=STARTED_AT, **overrides):
    built = {
        "RequestType": request_type,
        "StackId": STACK_ID,
        "RequestId": "req-1",
        "LogicalResourceId": "DomainTeardown",
        "ResourceType": "Custom::DomainTeardown",
        "ResourceProperties": {
            "ServiceToken": "arn:aws:lambda:eu-central-1:111122223333:function:provider",
            "DomainId": DOMAIN_ID,
            "VpcId": VPC_ID,
            "HomeEfsRetention": retention,
        },
    }
    if request_type != "Create":
        built["PhysicalResourceId"] = f"teardown-{DOMAIN_ID}"
    if started_at is not None:
        built["Data"] = {"TeardownStartedAt": started_at.isoformat()}
    built.update(overrides)
    return built


class Stubs:
    def __init__(self):
        self.clients = Clients(
            sagemaker=boto3.client("sagemaker", region_name=REGION),
            efs=boto3.client("efs", region_name=REGION),
            ec2=boto3.client("ec2", region_name=REGION),
        )
        self.sagemaker = Stubber(self.clients.sagemaker)
        self.efs = Stubber(self.clients.efs)
        self.ec2 = Stubber(self.clients.ec2)
        for stubber in self.all():
            stubber.activate()

    def all(self):
        return (self.sagemaker, self.efs, self.ec2)

    def poll(self, request_event, *, seconds_left=lambda: 55.0):
        request = handler.parse_request(request_event)
        result = handler.handle_is_complete(request=request, clients=self.clients, seconds_left=seconds_left)
        for stubber in self.all():
            stubber.assert_no_pending_responses()
        return result["IsComplete"]

    # -- sagemaker ------------------------------------------------------------------------
    def domain(self, status=IN_SERVICE, *, reason=None, modified=STARTED_AT + timedelta(minutes=1)):
        response = {"DomainId": DOMAIN_ID, "DomainArn": DOMAIN_ARN, "Status": status, "LastModifiedTime": modified,
                    "HomeEfsFileSystemId": HOME_EFS}
        if reason:
            response["FailureReason"] = reason
        self.sagemaker.add_response("describe_domain", response, {"DomainId": DOMAIN_ID})

    def domain_gone(self):
        self.error(self.sagemaker, "describe_domain", "ResourceNotFound", {"DomainId": DOMAIN_ID})

    def apps(self, *apps, token=None, next_token=None):
        self._list("list_apps", "Apps", list(apps), token, next_token)

    def spaces(self, *names_and_statuses):
        spaces = [{"DomainId": DOMAIN_ID, "SpaceName": n, "Status": s} for n, s in names_and_statuses]
        self._list("list_spaces", "Spaces", spaces, None, None)

    def profiles(self, *names_and_statuses):
        profiles = [{"DomainId": DOMAIN_ID, "UserProfileName": n, "Status": s} for n, s in names_and_statuses]
        self._list("list_user_profiles", "UserProfiles", profiles, None, None)

    def _list(self, operation, key, items, token, next_token):
        params = {"DomainIdEquals": DOMAIN_ID, "MaxResults": 100}
        if token:
            params["NextToken"] = token
        response = {key: items}
        if next_token:
            response["NextToken"] = next_token
        self.sagemaker.add_response(operation, response, params)

    def delete(self, stubber, operation, params, error=None):
        if error:
            self.error(stubber, operation, error, params)
        else:
            stubber.add_response(operation, {}, params)

    @staticmethod
    def error(stubber, operation, code, params, status=400):
        stubber.add_client_error(operation, service_error_code=code, service_message=f"{code} (stubbed)",
                                 http_status_code=status, expected_params=params)

    # -- efs / ec2 ---------------------------------------------------------------------------
    def file_systems(self, *systems):
        self.efs.add_response("describe_file_systems", {"FileSystems": list(systems)}, {})

    def mount_targets(self, *targets):
        self.efs.add_response("describe_mount_targets", {"MountTargets": list(targets)}, {"FileSystemId": HOME_EFS})

    def nfs_groups(self, *groups):
        params = {"Filters": [
            {"Name": "vpc-id", "Values": [VPC_ID]},
            {"Name": "group-name", "Values": [f"security-group-for-inbound-nfs-{DOMAIN_ID}",
                                               f"security-group-for-outbound-nfs-{DOMAIN_ID}"]},
        ]}
        self.ec2.add_response("describe_security_groups", {"SecurityGroups": list(groups)}, params)


def app(name, status=IN_SERVICE, *, space=None, profile=None, app_type="JupyterLab"):
    described = {"DomainId": DOMAIN_ID, "AppType": app_type, "AppName": name, "Status": status}
    if space:
        described["SpaceName"] = space
    if profile:
        described["UserProfileName"] = profile
    return described


def file_system(state="available", *, owner=DOMAIN_ARN, fs_id=HOME_EFS):
    return {
        "OwnerId": ACCOUNT, "CreationToken": "token", "FileSystemId": fs_id,
        "CreationTime": STARTED_AT, "LifeCycleState": state, "NumberOfMountTargets": 0,
        "SizeInBytes": {"Value": 6144}, "PerformanceMode": "generalPurpose",
        "Tags": [{"Key": "ManagedByAmazonSageMakerResource", "Value": owner}],
    }


def mount_target(target_id, state="available"):
    return {"MountTargetId": target_id, "FileSystemId": HOME_EFS, "SubnetId": "subnet-0123456789abcdef0",
            "LifeCycleState": state}


def nfs_group_pair():
    nfs = {"IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049}
    inbound = {"GroupId": INBOUND_SG, "GroupName": f"security-group-for-inbound-nfs-{DOMAIN_ID}", "VpcId": VPC_ID,
               "IpPermissions": [dict(nfs, UserIdGroupPairs=[{"GroupId": OUTBOUND_SG, "UserId": ACCOUNT}])],
               "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}
    outbound = {"GroupId": OUTBOUND_SG, "GroupName": f"security-group-for-outbound-nfs-{DOMAIN_ID}", "VpcId": VPC_ID,
                "IpPermissions": [],
                "IpPermissionsEgress": [dict(nfs, UserIdGroupPairs=[{"GroupId": INBOUND_SG, "UserId": ACCOUNT}])]}
    return inbound, outbound


def expect_group_teardown(stubs, *, delete_errors=(None, None)):
    """Revokes of the cross-references first, then both deletes (Stubber enforces the order)."""
    nfs = {"IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049}
    stubs.nfs_groups(*nfs_group_pair())
    stubs.delete(stubs.ec2, "revoke_security_group_ingress",
                 {"GroupId": INBOUND_SG, "IpPermissions": [dict(nfs, UserIdGroupPairs=[{"GroupId": OUTBOUND_SG}])]})
    stubs.delete(stubs.ec2, "revoke_security_group_egress",
                 {"GroupId": OUTBOUND_SG, "IpPermissions": [dict(nfs, UserIdGroupPairs=[{"GroupId": INBOUND_SG}])]})
    stubs.delete(stubs.ec2, "delete_security_group", {"GroupId": INBOUND_SG}, delete_errors[0])
    stubs.delete(stubs.ec2, "delete_security_group", {"GroupId": OUTBOUND_SG}, delete_errors[1])


# What every log record has; the rest are the keyword fields a line was logged with.
RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


@contextlib.contextmanager
def recorded_actions():
    """(action, fields) of every structured log line written inside the block."""
    recorded = []

    class Recorder(logging.Handler):
        def emit(self, record):
            fields = {key: value for key, value in vars(record).items() if key not in RECORD_ATTRIBUTES}
            recorded.append((record.getMessage(), fields))

    recorder = Recorder()
    teardown_logger.addHandler(recorder)
    try:
        yield recorded
    finally:
        teardown_logger.removeHandler(recorder)


@pytest.fixture
def stubs():
    return Stubs()


@pytest.fixture
def actions():
    with recorded_actions() as recorded:
        yield recorded
