"""Teardown custom resource: handler entry points and the Delete state machine, poll by poll.

Every AWS call goes through botocore Stubbers, which check parameters and responses against
the service models and fail on any call that was not queued (e.g. a delete under Retain).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.stub import Stubber
from lambda_loader import load_lambda_module

handler = load_lambda_module("domain_teardown", "handler")
from teardown.aws import Clients, TeardownFailed  # noqa: E402  (importable once the loader ran)
from teardown.logs import LOGGER_NAME  # noqa: E402

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


def event(request_type="Delete", *, retention="Delete", managed="", started_at=STARTED_AT, **overrides):
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
            "ManagedUserProfiles": managed,
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


@pytest.fixture
def stubs():
    return Stubs()


@pytest.fixture
def actions():
    """(action, fields) of every structured log line written during the test."""
    recorded = []

    class Recorder(logging.Handler):
        def emit(self, record):
            recorded.append((record.getMessage(), getattr(record, "fields", {})))

    logger = logging.getLogger(LOGGER_NAME)
    recorder = Recorder()
    logger.addHandler(recorder)
    yield recorded
    logger.removeHandler(recorder)


# -- Create / Update -----------------------------------------------------------------------------

@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_create_and_update_only_name_the_resource(request_type, stubs, monkeypatch):
    monkeypatch.setattr(handler, "_clients", stubs.clients)  # no responses queued: any call fails
    assert handler.on_event(event(request_type, started_at=None), None) == {"PhysicalResourceId": f"teardown-{DOMAIN_ID}"}
    assert handler.is_complete(event(request_type), None) == {"IsComplete": True}


def test_create_with_an_unknown_retention_fails_at_deploy_time_not_at_destroy():
    with pytest.raises(ValueError, match="HomeEfsRetention"):
        handler.on_event(event("Create", retention="Snapshot"), None)


def test_delete_on_event_keeps_the_physical_id_and_stamps_the_start():
    result = handler.on_event(event("Delete", started_at=None), None)
    assert result["PhysicalResourceId"] == f"teardown-{DOMAIN_ID}"
    assert datetime.fromisoformat(result["Data"]["TeardownStartedAt"]).tzinfo is not None


# -- the full Delete ---------------------------------------------------------------------------

def test_full_teardown_runs_one_layer_per_poll_until_everything_is_gone(stubs, actions):
    request_event = event(managed="Demo-User")

    stubs.domain()
    stubs.apps(app("default", space="team-space"), app("old", "Deleted", space="team-space"),
               app("default", profile="alice", app_type="JupyterServer"), app("broken", "Failed", profile="alice"))
    stubs.delete(stubs.sagemaker, "delete_app",
                 {"DomainId": DOMAIN_ID, "AppType": "JupyterLab", "AppName": "default", "SpaceName": "team-space"})
    stubs.delete(stubs.sagemaker, "delete_app",
                 {"DomainId": DOMAIN_ID, "AppType": "JupyterServer", "AppName": "default", "UserProfileName": "alice"})
    assert stubs.poll(request_event) is False

    stubs.domain()
    stubs.apps(app("default", "Deleted", space="team-space"), app("default", "Deleted", profile="alice"))
    stubs.spaces(("team-space", IN_SERVICE), ("old-space", "Deleting"))
    stubs.delete(stubs.sagemaker, "delete_space", {"DomainId": DOMAIN_ID, "SpaceName": "team-space"})
    assert stubs.poll(request_event) is False

    stubs.domain()
    stubs.apps()
    stubs.spaces()
    stubs.profiles(("alice", IN_SERVICE), ("demo-user", IN_SERVICE))
    stubs.delete(stubs.sagemaker, "delete_user_profile", {"DomainId": DOMAIN_ID, "UserProfileName": "alice"})
    stubs.delete(stubs.sagemaker, "delete_user_profile", {"DomainId": DOMAIN_ID, "UserProfileName": "demo-user"})
    assert stubs.poll(request_event) is False

    stubs.domain()
    stubs.apps()
    stubs.spaces()
    stubs.profiles()
    stubs.delete(stubs.sagemaker, "delete_domain",
                 {"DomainId": DOMAIN_ID, "RetentionPolicy": {"HomeEfsFileSystem": "Delete"}})
    assert stubs.poll(request_event) is False

    stubs.domain("Deleting")
    assert stubs.poll(request_event) is False

    stubs.domain_gone()
    stubs.file_systems(file_system("deleting"), file_system(owner=DOMAIN_ARN + "0", fs_id="fs-0ffffffffffffffff"))
    expect_group_teardown(stubs)
    assert stubs.poll(request_event) is True

    profile_actions = [(a, f["resource"]) for a, f in actions if a.endswith("user_profile")]
    assert profile_actions == [("delete_user_profile", f"user profile {DOMAIN_ID}/alice"),
                               ("delete_managed_user_profile", f"user profile {DOMAIN_ID}/demo-user")]
    assert actions[-1][0] == "poll_finished" and actions[-2][0] == "teardown_complete"


def test_apps_still_deleting_keep_the_teardown_waiting_without_new_deletes(stubs):
    stubs.domain()
    stubs.apps(app("default", "Deleting", space="team-space"), app("done", "Deleted", profile="alice"))
    assert stubs.poll(event()) is False


def test_apps_are_read_across_all_pages(stubs):
    stubs.domain()
    stubs.apps(app("first", "Deleted", space="s1"), next_token="page-2")
    stubs.apps(app("second", space="s2"), token="page-2")
    stubs.delete(stubs.sagemaker, "delete_app",
                 {"DomainId": DOMAIN_ID, "AppType": "JupyterLab", "AppName": "second", "SpaceName": "s2"})
    assert stubs.poll(event()) is False


def test_resources_already_deleted_by_someone_else_count_as_done(stubs):
    not_found = "ResourceNotFound"
    stubs.domain()
    stubs.apps(app("default", space="team-space"))
    stubs.delete(stubs.sagemaker, "delete_app",
                 {"DomainId": DOMAIN_ID, "AppType": "JupyterLab", "AppName": "default", "SpaceName": "team-space"},
                 not_found)
    stubs.spaces(("team-space", IN_SERVICE))
    stubs.delete(stubs.sagemaker, "delete_space", {"DomainId": DOMAIN_ID, "SpaceName": "team-space"}, not_found)
    stubs.profiles(("alice", IN_SERVICE))
    stubs.delete(stubs.sagemaker, "delete_user_profile", {"DomainId": DOMAIN_ID, "UserProfileName": "alice"},
                 not_found)
    stubs.delete(stubs.sagemaker, "delete_domain",
                 {"DomainId": DOMAIN_ID, "RetentionPolicy": {"HomeEfsFileSystem": "Delete"}}, not_found)
    assert stubs.poll(event()) is False  # the next DescribeDomain confirms the domain is gone

    stubs.domain_gone()
    stubs.file_systems(file_system())
    stubs.mount_targets()
    stubs.delete(stubs.efs, "delete_file_system", {"FileSystemId": HOME_EFS}, "FileSystemNotFound")
    expect_group_teardown(stubs, delete_errors=("InvalidGroup.NotFound", "InvalidGroup.NotFound"))
    assert stubs.poll(event()) is True


def test_a_space_still_in_use_waits_for_the_next_poll(stubs):
    stubs.domain()
    stubs.apps()
    stubs.spaces(("team-space", IN_SERVICE))
    stubs.delete(stubs.sagemaker, "delete_space", {"DomainId": DOMAIN_ID, "SpaceName": "team-space"}, "ResourceInUse")
    assert stubs.poll(event()) is False


def test_retain_passes_retain_to_delete_domain(stubs):
    stubs.domain()
    stubs.apps()
    stubs.spaces()
    stubs.profiles()
    stubs.delete(stubs.sagemaker, "delete_domain",
                 {"DomainId": DOMAIN_ID, "RetentionPolicy": {"HomeEfsFileSystem": "Retain"}})
    assert stubs.poll(event(retention="Retain")) is False


def test_retain_leaves_efs_and_groups_alone_and_logs_their_ids(stubs, actions):
    stubs.domain_gone()
    stubs.file_systems(file_system())
    stubs.nfs_groups(*nfs_group_pair())  # no revoke/delete queued: any such call would fail the test
    assert stubs.poll(event(retention="Retain")) is True
    retained = [fields for action, fields in actions if action == "home_efs_retained"]
    assert retained == [{"domain_id": DOMAIN_ID, "file_system_ids": [HOME_EFS],
                         "security_group_ids": [INBOUND_SG, OUTBOUND_SG]}]


def test_groups_in_use_by_releasing_enis_are_retried_on_a_later_poll(stubs):
    stubs.domain_gone()
    stubs.file_systems(file_system("deleting"))
    expect_group_teardown(stubs, delete_errors=("DependencyViolation", None))
    assert stubs.poll(event()) is False

    inbound, _ = nfs_group_pair()
    inbound["IpPermissions"] = []  # revoked by the previous poll
    stubs.domain_gone()
    stubs.file_systems(file_system("deleting"))
    stubs.nfs_groups(inbound)
    stubs.delete(stubs.ec2, "delete_security_group", {"GroupId": INBOUND_SG})
    assert stubs.poll(event()) is True


def test_a_home_efs_left_behind_loses_its_mount_targets_then_itself(stubs):
    stubs.domain_gone()
    stubs.file_systems(file_system())
    stubs.mount_targets(mount_target("fsmt-0000000000000001"), mount_target("fsmt-0000000000000002", "deleting"))
    stubs.delete(stubs.efs, "delete_mount_target", {"MountTargetId": "fsmt-0000000000000001"})
    assert stubs.poll(event()) is False

    stubs.domain_gone()
    stubs.file_systems(file_system())
    stubs.mount_targets()
    stubs.delete(stubs.efs, "delete_file_system", {"FileSystemId": HOME_EFS})
    stubs.nfs_groups()
    assert stubs.poll(event()) is True


def test_a_failed_domain_delete_fails_the_resource_with_sagemakers_reason(stubs):
    stubs.domain("Delete_Failed", reason="Unable to delete EFS: mount target in use")
    with pytest.raises(TeardownFailed, match=f"{DOMAIN_ID} failed to delete: Unable to delete EFS"):
        stubs.poll(event())


def test_a_delete_failure_left_by_an_earlier_stack_delete_is_retried(stubs):
    stubs.domain("Delete_Failed", reason="earlier attempt", modified=STARTED_AT - timedelta(days=1))
    stubs.apps()
    stubs.spaces()
    stubs.profiles()
    stubs.delete(stubs.sagemaker, "delete_domain",
                 {"DomainId": DOMAIN_ID, "RetentionPolicy": {"HomeEfsFileSystem": "Delete"}})
    assert stubs.poll(event()) is False


def test_without_a_start_stamp_any_delete_failure_is_reported(stubs):
    stubs.domain("Delete_Failed", reason="earlier attempt", modified=STARTED_AT - timedelta(days=1))
    with pytest.raises(TeardownFailed, match="earlier attempt"):
        stubs.poll(event(started_at=None))


def test_unexpected_errors_fail_with_the_resource_named(stubs):
    stubs.domain()
    stubs.apps()
    stubs.spaces(("team-space", IN_SERVICE))
    stubs.delete(stubs.sagemaker, "delete_space", {"DomainId": DOMAIN_ID, "SpaceName": "team-space"},
                 "AccessDeniedException")
    with pytest.raises(TeardownFailed, match=f"delete_space on space {DOMAIN_ID}/team-space: AccessDeniedException"):
        stubs.poll(event())


def test_a_poll_stops_when_its_call_budget_is_spent(stubs, monkeypatch):
    monkeypatch.setattr(handler, "MAX_CALLS_PER_POLL", 3)
    stubs.domain()
    stubs.apps(app("a", space="s"), app("b", space="s"))
    stubs.delete(stubs.sagemaker, "delete_app", {"DomainId": DOMAIN_ID, "AppType": "JupyterLab", "AppName": "a",
                                                 "SpaceName": "s"})
    assert stubs.poll(event()) is False  # an unqueued second delete_app would have raised


def test_a_poll_makes_no_call_when_the_lambda_is_about_to_time_out(stubs):
    assert stubs.poll(event(), seconds_left=lambda: 5.0) is False


def test_the_real_entry_point_uses_the_shared_clients_and_lambda_context(stubs, monkeypatch):
    class Context:
        @staticmethod
        def get_remaining_time_in_millis():
            return 50_000

    monkeypatch.setattr(handler, "_clients", stubs.clients)
    stubs.domain("Deleting")
    assert handler.is_complete(event(), Context()) == {"IsComplete": False}
    stubs.sagemaker.assert_no_pending_responses()


# -- throttling anywhere only postpones ------------------------------------------------------------

LIST = {"DomainIdEquals": DOMAIN_ID, "MaxResults": 100}
DESCRIBE = ("sagemaker", "describe_domain", {"DomainId": DOMAIN_ID},
            {"DomainId": DOMAIN_ID, "Status": IN_SERVICE})
NO_APPS = ("sagemaker", "list_apps", LIST, {"Apps": []})
NO_SPACES = ("sagemaker", "list_spaces", LIST, {"Spaces": []})
NO_PROFILES = ("sagemaker", "list_user_profiles", LIST, {"UserProfiles": []})
GONE = "domain gone"
NFS = {"IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049}
SCENARIOS = {
    "apps": [DESCRIBE,
             ("sagemaker", "list_apps", LIST, {"Apps": [app("default", space="s")]}),
             ("sagemaker", "delete_app",
              {"DomainId": DOMAIN_ID, "AppType": "JupyterLab", "AppName": "default", "SpaceName": "s"}, {})],
    "spaces": [DESCRIBE, NO_APPS,
               ("sagemaker", "list_spaces", LIST, {"Spaces": [{"SpaceName": "s", "Status": IN_SERVICE}]}),
               ("sagemaker", "delete_space", {"DomainId": DOMAIN_ID, "SpaceName": "s"}, {})],
    "profiles": [DESCRIBE, NO_APPS, NO_SPACES,
                 ("sagemaker", "list_user_profiles", LIST,
                  {"UserProfiles": [{"UserProfileName": "alice", "Status": IN_SERVICE}]}),
                 ("sagemaker", "delete_user_profile", {"DomainId": DOMAIN_ID, "UserProfileName": "alice"}, {})],
    "domain": [DESCRIBE, NO_APPS, NO_SPACES, NO_PROFILES,
               ("sagemaker", "delete_domain",
                {"DomainId": DOMAIN_ID, "RetentionPolicy": {"HomeEfsFileSystem": "Delete"}}, {})],
    "mount targets": [GONE,
                      ("efs", "describe_file_systems", {}, {"FileSystems": [file_system()]}),
                      ("efs", "describe_mount_targets", {"FileSystemId": HOME_EFS},
                       {"MountTargets": [mount_target("fsmt-0000000000000001")]}),
                      ("efs", "delete_mount_target", {"MountTargetId": "fsmt-0000000000000001"}, {})],
    "file system": [GONE,
                    ("efs", "describe_file_systems", {}, {"FileSystems": [file_system()]}),
                    ("efs", "describe_mount_targets", {"FileSystemId": HOME_EFS}, {"MountTargets": []}),
                    ("efs", "delete_file_system", {"FileSystemId": HOME_EFS}, {})],
    "security groups": [GONE,
                        ("efs", "describe_file_systems", {}, {"FileSystems": []}),
                        ("ec2", "describe_security_groups", {"Filters": [
                            {"Name": "vpc-id", "Values": [VPC_ID]},
                            {"Name": "group-name", "Values": [f"security-group-for-inbound-nfs-{DOMAIN_ID}",
                                                               f"security-group-for-outbound-nfs-{DOMAIN_ID}"]}]},
                         {"SecurityGroups": list(nfs_group_pair())}),
                        ("ec2", "revoke_security_group_ingress", {"GroupId": INBOUND_SG, "IpPermissions": [
                            dict(NFS, UserIdGroupPairs=[{"GroupId": OUTBOUND_SG}])]}, {}),
                        ("ec2", "revoke_security_group_egress", {"GroupId": OUTBOUND_SG, "IpPermissions": [
                            dict(NFS, UserIdGroupPairs=[{"GroupId": INBOUND_SG}])]}, {}),
                        ("ec2", "delete_security_group", {"GroupId": INBOUND_SG}, {})],
}
THROTTLE_CODES = {"sagemaker": "ThrottlingException", "efs": "ThrottlingException", "ec2": "RequestLimitExceeded"}
THROTTLE_CASES = [(name, index) for name, calls in SCENARIOS.items() for index in range(len(calls))]


@pytest.mark.parametrize(("scenario", "throttled_call"), THROTTLE_CASES,
                         ids=[f"{name}-{SCENARIOS[name][i][1] if SCENARIOS[name][i] != GONE else 'describe_domain'}"
                              for name, i in THROTTLE_CASES])
def test_throttling_at_any_call_postpones_without_failing(scenario, throttled_call, stubs, actions):
    for index, call in enumerate(SCENARIOS[scenario][: throttled_call + 1]):
        if call == GONE:
            call = ("sagemaker", "describe_domain", {"DomainId": DOMAIN_ID}, None)
            if index < throttled_call:
                stubs.domain_gone()
                continue
        service, operation, params, response = call
        stubber = getattr(stubs, service)
        if index == throttled_call:
            stubs.error(stubber, operation, THROTTLE_CODES[service], params)
        else:
            stubber.add_response(operation, response, params)
    assert stubs.poll(event()) is False
    throttled_service = "sagemaker" if SCENARIOS[scenario][throttled_call] == GONE else SCENARIOS[scenario][throttled_call][0]
    deferrals = [f["reason"] for action, f in actions if action == "poll_deferred"]
    assert len(deferrals) == 1 and THROTTLE_CODES[throttled_service] in deferrals[0]
