"""Teardown custom resource: handler entry points and the Delete state machine, poll by poll."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from domain_teardown_fakes import (  # stubs, actions: shared fixtures
    actions,
    stubs,
    DOMAIN_ARN, DOMAIN_ID, HOME_EFS, IN_SERVICE, INBOUND_SG, OUTBOUND_SG, STARTED_AT, Stubs, app, event,
    expect_group_teardown, file_system, handler, mount_target, nfs_group_pair, recorded_actions,
)
from lambda_context import LambdaContext
from teardown.aws import TeardownFailed


# -- Create / Update -----------------------------------------------------------------------------

@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_create_and_update_only_name_the_resource(request_type, stubs, monkeypatch):
    monkeypatch.setattr(handler, "_clients", stubs.clients)  # no responses queued: any call fails
    expected = {"PhysicalResourceId": f"teardown-{DOMAIN_ID}"}
    assert handler.on_event(event(request_type, started_at=None), LambdaContext()) == expected
    assert handler.is_complete(event(request_type), LambdaContext()) == {"IsComplete": True}


def test_create_with_an_unknown_retention_fails_at_deploy_time_not_at_destroy():
    with pytest.raises(ValueError, match="HomeEfsRetention"):
        handler.on_event(event("Create", retention="Snapshot"), LambdaContext())


def test_delete_on_event_keeps_the_physical_id_and_stamps_the_start():
    result = handler.on_event(event("Delete", started_at=None), LambdaContext())
    assert result["PhysicalResourceId"] == f"teardown-{DOMAIN_ID}"
    assert datetime.fromisoformat(result["Data"]["TeardownStartedAt"]).tzinfo is not None


# -- the full Delete ---------------------------------------------------------------------------

def test_full_teardown_runs_one_layer_per_poll_until_everything_is_gone(stubs, actions):
    request_event = event()

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
                               ("delete_user_profile", f"user profile {DOMAIN_ID}/demo-user")]
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


def test_retain_unmounts_the_home_efs_then_deletes_the_groups_and_logs_what_was_kept(stubs, actions):
    """The data stays; its mount targets (interfaces in the Studio subnets) and the NFS groups go,
    or the VPC cannot be deleted. No delete_file_system is queued: one would fail the test."""
    stubs.domain_gone()
    stubs.file_systems(file_system())
    stubs.mount_targets(mount_target("fsmt-0000000000000001"), mount_target("fsmt-0000000000000002", "deleting"))
    stubs.delete(stubs.efs, "delete_mount_target", {"MountTargetId": "fsmt-0000000000000001"})
    assert stubs.poll(event(retention="Retain")) is False  # the groups wait for the mount targets

    stubs.domain_gone()
    stubs.file_systems(file_system(), file_system("deleting", fs_id="fs-0eeeeeeeeeeeeeeee"))
    stubs.mount_targets()
    expect_group_teardown(stubs)
    assert stubs.poll(event(retention="Retain")) is True
    retained = [fields for action, fields in actions if action == "home_efs_retained"]
    assert retained == [{"domain_id": DOMAIN_ID, "file_system_ids": [HOME_EFS],
                         "owner_tag": f"ManagedByAmazonSageMakerResource={DOMAIN_ARN}"}]


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
    monkeypatch.setattr(handler, "_clients", stubs.clients)
    stubs.domain("Deleting")
    assert handler.is_complete(event(), LambdaContext(timeout_seconds=50)) == {"IsComplete": False}
    stubs.sagemaker.assert_no_pending_responses()


def test_a_failed_teardown_is_logged_once_as_failed_with_its_reason(stubs, monkeypatch, capsys):
    monkeypatch.setattr(handler, "_clients", stubs.clients)
    stubs.domain("Delete_Failed", reason="Unable to delete EFS: mount target in use")
    with pytest.raises(TeardownFailed):
        handler.is_complete(event(), LambdaContext())
    lines = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    [failure] = [line for line in lines if line["level"] == "ERROR"]
    assert (failure["message"], failure["error_type"], failure["correlation_id"]) == (
        "failed", "TeardownFailed", "req-1")
    assert f"{DOMAIN_ID} failed to delete: Unable to delete EFS" in failure["error"]
    assert failure["physical_resource_id"] == f"teardown-{DOMAIN_ID}"
