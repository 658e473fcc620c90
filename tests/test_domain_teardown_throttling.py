"""Teardown custom resource: throttling (or a transient error) at any call only postpones the poll."""

from __future__ import annotations

import pytest
from domain_teardown_fakes import (  # stubs, actions: shared fixtures
    actions,
    stubs,
    DOMAIN_ID, HOME_EFS, IN_SERVICE, INBOUND_SG, OUTBOUND_SG, VPC_ID, Stubs, app, event, file_system,
    mount_target, nfs_group_pair, recorded_actions,
)


LIST = {"DomainIdEquals": DOMAIN_ID, "MaxResults": 100}
DESCRIBE = ("sagemaker", "describe_domain", {"DomainId": DOMAIN_ID},
            {"DomainId": DOMAIN_ID, "Status": IN_SERVICE})
NO_APPS = ("sagemaker", "list_apps", LIST, {"Apps": []})
NO_SPACES = ("sagemaker", "list_spaces", LIST, {"Spaces": []})
NO_PROFILES = ("sagemaker", "list_user_profiles", LIST, {"UserProfiles": []})
# A response given as a string is that error code (the domain is already gone).
GONE = ("sagemaker", "describe_domain", {"DomainId": DOMAIN_ID}, "ResourceNotFound")
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
                         ids=[f"{name}-{SCENARIOS[name][i][1]}" for name, i in THROTTLE_CASES])
def test_throttling_at_any_call_postpones_without_failing(scenario, throttled_call, stubs, actions):
    calls = SCENARIOS[scenario][: throttled_call + 1]
    for service, operation, params, response in calls[:-1]:
        stubber = getattr(stubs, service)
        if isinstance(response, str):
            stubs.error(stubber, operation, response, params)
        else:
            stubber.add_response(operation, response, params)
    service, operation, params, _ = calls[-1]
    stubs.error(getattr(stubs, service), operation, THROTTLE_CODES[service], params)

    assert stubs.poll(event()) is False
    deferrals = [fields["reason"] for action, fields in actions if action == "poll_deferred"]
    assert len(deferrals) == 1 and THROTTLE_CODES[service] in deferrals[0]
