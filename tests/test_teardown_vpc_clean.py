"""The team-stack Delete, end to end offline: after the teardown custom resource reports
IsComplete, CloudFormation can delete the domain's security group, the subnets and the VPC.

EFS and EC2 are moto with AWS's refusals put back (domain_teardown_vpc.py); SageMaker is a
Stubber (domain_teardown_studio.py). The real handler entry points run poll by poll as the
provider framework calls them.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from domain_teardown_fakes import handler, recorded_actions
from domain_teardown_studio import (
    DOMAIN_ARN, DOMAIN_ID, ProviderFramework, StudioService, cloudformation_delete_request, studio_app,
)
from domain_teardown_vpc import OWNER_TAG, StudioVpc, nfs_group_names
from moto import mock_aws
from teardown.aws import Clients

# Five polls for apps, spaces, profiles, the domain and its Deleting state, then the network:
# a handful more even with interfaces released late. Far below the provider's one-hour limit.
MAX_POLLS = 12
SPACE = "team-space"


@pytest.fixture
def aws():
    with mock_aws():
        yield


def studio_polls(service: StudioService, *, retention: str):
    """What SageMaker answers poll by poll until the domain is gone: one layer per poll."""
    app = studio_app("default", "InService", space=SPACE)

    def apps():
        service.domain("InService")
        service.listing("list_apps", "Apps", [app])
        service.delete_app(app)

    def spaces():
        service.domain("InService")
        service.listing("list_apps", "Apps", [dict(app, Status="Deleted")])
        service.listing("list_spaces", "Spaces", [{"DomainId": DOMAIN_ID, "SpaceName": SPACE, "Status": "InService"}])
        service.delete("delete_space", {"SpaceName": SPACE})

    def profiles():
        service.domain("InService")
        service.listing("list_apps", "Apps", [])
        service.listing("list_spaces", "Spaces", [])
        service.listing("list_user_profiles", "UserProfiles",
                        [{"DomainId": DOMAIN_ID, "UserProfileName": "alice", "Status": "InService"}])
        service.delete("delete_user_profile", {"UserProfileName": "alice"})

    def domain():
        service.domain("InService")
        for operation, key in (("list_apps", "Apps"), ("list_spaces", "Spaces"),
                               ("list_user_profiles", "UserProfiles")):
            service.listing(operation, key, [])
        service.delete_domain(retention)

    return iter([apps, spaces, profiles, domain, lambda: service.domain("Deleting")])


def delete_team_stack(monkeypatch, *, retention: str, eni_release_polls: int = 0):
    """Deploys a domain with a running app into a moto VPC, then runs the stack's Delete."""
    vpc = StudioVpc(monkeypatch, eni_release_polls=eni_release_polls)
    network = vpc.deploy_domain(domain_id=DOMAIN_ID, domain_arn=DOMAIN_ARN)
    vpc.start_app(network, "default")
    service = StudioService(vpc=vpc, network=network)
    monkeypatch.setattr(handler, "_clients", Clients(sagemaker=service.client, efs=vpc.efs, ec2=vpc.ec2))
    polls = studio_polls(service, retention=retention)
    with recorded_actions() as actions:
        ProviderFramework(handler).delete(
            cloudformation_delete_request(vpc_id=vpc.vpc_id, retention=retention),
            before_poll=lambda: next(polls, service.domain_gone)(),
            after_poll=service.assert_all_calls_made,
            between_polls=vpc.between_polls,
            max_polls=MAX_POLLS,
        )
    return vpc, network, actions


def cloudformation_deletes_the_rest(vpc: StudioVpc, network) -> None:
    """What the stack deletes after the custom resource: the real preconditions checked first."""
    assert vpc.interfaces_in_subnets() == []
    assert not set(nfs_group_names(DOMAIN_ID)) & vpc.group_names()
    vpc.ec2.delete_security_group(GroupId=network.domain_group_id)  # team stack
    assert vpc.group_names() == {"default"}
    for subnet_id in vpc.subnet_ids:  # infrastructure stack
        vpc.ec2.delete_subnet(SubnetId=subnet_id)
    vpc.ec2.delete_vpc(VpcId=vpc.vpc_id)
    assert vpc.ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc.vpc_id]}])["Vpcs"] == []


def test_the_domain_network_blocks_the_vpc_until_it_is_removed(aws, monkeypatch):
    """Control for the fake: without a teardown, EC2 refuses as AWS does (moto alone would not)."""
    vpc = StudioVpc(monkeypatch)
    network = vpc.deploy_domain(domain_id=DOMAIN_ID, domain_arn=DOMAIN_ARN)
    vpc.start_app(network, "default")
    attempts = [
        lambda: vpc.ec2.delete_security_group(GroupId=network.inbound_group_id),  # mount targets use it
        lambda: vpc.ec2.delete_security_group(GroupId=network.outbound_group_id),  # an app uses it
        lambda: vpc.ec2.delete_subnet(SubnetId=vpc.subnet_ids[1]),  # a mount target is in it
        lambda: vpc.ec2.delete_vpc(VpcId=vpc.vpc_id),
    ]
    for attempt in attempts:
        with pytest.raises(ClientError, match="DependencyViolation"):
            attempt()


def test_retain_keeps_the_home_efs_but_nothing_of_it_in_the_subnets(aws, monkeypatch):
    vpc, network, actions = delete_team_stack(monkeypatch, retention="Retain")

    [kept] = vpc.efs.describe_file_systems(FileSystemId=network.home_efs_id)["FileSystems"]
    assert kept["LifeCycleState"] == "available"
    assert {"Key": OWNER_TAG, "Value": DOMAIN_ARN} in kept["Tags"]
    assert vpc.efs.describe_mount_targets(FileSystemId=network.home_efs_id)["MountTargets"] == []
    retained = [fields for action, fields in actions if action == "home_efs_retained"]
    assert retained == [{"domain_id": DOMAIN_ID, "file_system_ids": [network.home_efs_id],
                         "owner_tag": f"{OWNER_TAG}={DOMAIN_ARN}"}]
    cloudformation_deletes_the_rest(vpc, network)


def test_destroy_deletes_the_home_efs_and_the_nfs_groups(aws, monkeypatch):
    vpc, network, actions = delete_team_stack(monkeypatch, retention="Delete")

    with pytest.raises(ClientError, match="FileSystemNotFound"):
        vpc.efs.describe_file_systems(FileSystemId=network.home_efs_id)
    assert not [action for action, _ in actions if action == "home_efs_retained"]
    cloudformation_deletes_the_rest(vpc, network)


@pytest.mark.parametrize("retention", ["Retain", "Delete"])
def test_interfaces_still_being_released_postpone_the_groups_to_a_later_poll(aws, monkeypatch, retention):
    """DeleteMountTarget returns before its interface is gone: the first DeleteSecurityGroup of the
    inbound group meets DependencyViolation and the poll after the release deletes it."""
    vpc, network, actions = delete_team_stack(monkeypatch, retention=retention, eni_release_polls=3)

    inbound = f"security group {network.inbound_group_id} ({nfs_group_names(DOMAIN_ID)[0]})"
    attempts = [fields for action, fields in actions
                if action == "delete_nfs_security_group" and fields["resource"] == inbound]
    assert [attempt["outcome"] for attempt in attempts[-2:]] == ["busy", "requested"]
    assert "DependencyViolation" in attempts[-2]["reason"]
    assert all(attempt["outcome"] == "busy" for attempt in attempts[:-1])
    cloudformation_deletes_the_rest(vpc, network)
