"""A Studio VPC in moto as a deployed team stack leaves it, with AWS's refusals moto lacks.

moto 5.2.5 deletes a security group still used by a network interface or referenced by
another group, a subnet that still holds network interfaces, and a VPC with groups other
than its default one, and it releases a mount target's network interface at once. AWS does
none of this. `StudioVpc` puts those refusals back (hooks on the EC2 clients it hands out)
and releases interfaces `eni_release_polls` polls after their delete, so a teardown that
leaves anything in the subnets cannot pass. No tests here.
"""

from __future__ import annotations

import dataclasses

import boto3
from botocore.awsrequest import AWSResponse
from moto.ec2.models.elastic_network_interfaces import NetworkInterfaceBackend

REGION = "eu-central-1"
ACCOUNT = "123456789012"  # moto's account
AZS = (f"{REGION}a", f"{REGION}b")
NFS_PORT = 2049
OWNER_TAG = "ManagedByAmazonSageMakerResource"


def nfs_group_names(domain_id: str) -> tuple[str, str]:
    return f"security-group-for-inbound-nfs-{domain_id}", f"security-group-for-outbound-nfs-{domain_id}"


@dataclasses.dataclass
class StudioDomainNetwork:
    """What the stack and SageMaker put into the VPC for one domain."""

    domain_id: str
    domain_arn: str
    domain_group_id: str  # the stack's own security group of the domain
    inbound_group_id: str  # on the home EFS's mount targets
    outbound_group_id: str  # on Studio apps' interfaces
    home_efs_id: str
    app_interfaces: dict[str, str] = dataclasses.field(default_factory=dict)  # app name -> ENI id


class StudioVpc:
    def __init__(self, monkeypatch, *, eni_release_polls: int = 0) -> None:
        self.ec2 = self.strict_client("ec2")
        self.efs = boto3.client("efs", region_name=REGION)
        self._observer = boto3.client("ec2", region_name=REGION)  # unhooked, for the refusal checks
        self.vpc_id = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.subnet_ids = [
            self.ec2.create_subnet(VpcId=self.vpc_id, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=az)["Subnet"][
                "SubnetId"
            ]
            for i, az in enumerate(AZS)
        ]
        self._releasing: dict[str, int] = {}
        self._release_polls = eni_release_polls
        release_now = NetworkInterfaceBackend.delete_network_interface

        def delete_later(backend, eni_id: str) -> None:
            if eni_id not in backend.enis:
                release_now(backend, eni_id)  # raises moto's own not-found error
            elif self._release_polls == 0:
                release_now(backend, eni_id)
            else:
                self._releasing[eni_id] = self._release_polls

        self._release_now = release_now
        monkeypatch.setattr(NetworkInterfaceBackend, "delete_network_interface", delete_later)

    # -- what exists after deploy ---------------------------------------------------------------
    def deploy_domain(self, *, domain_id: str, domain_arn: str) -> StudioDomainNetwork:
        """The stack's domain group, then what SageMaker creates with a VpcOnly domain."""
        domain_group = self._group(f"{domain_id}-studio", "Studio domain (stack)")
        self.ec2.authorize_security_group_ingress(  # as the stack's group: NFS and Studio ports from itself
            GroupId=domain_group,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": low, "ToPort": high, "UserIdGroupPairs": [{"GroupId": domain_group}]}
                for low, high in ((NFS_PORT, NFS_PORT), (8192, 65535))
            ],
        )
        inbound_name, outbound_name = nfs_group_names(domain_id)
        inbound = self._group(inbound_name, f"[DO NOT DELETE] Inbound NFS for domain {domain_id}")
        outbound = self._group(outbound_name, f"[DO NOT DELETE] Outbound NFS for domain {domain_id}")
        rule = {"IpProtocol": "tcp", "FromPort": NFS_PORT, "ToPort": NFS_PORT}
        self.ec2.authorize_security_group_ingress(
            GroupId=inbound, IpPermissions=[dict(rule, UserIdGroupPairs=[{"GroupId": outbound}])]
        )
        self.ec2.authorize_security_group_egress(
            GroupId=outbound, IpPermissions=[dict(rule, UserIdGroupPairs=[{"GroupId": inbound}])]
        )
        efs_id = self.efs.create_file_system(
            CreationToken=f"{domain_id}-home",
            Encrypted=True,
            Tags=[{"Key": OWNER_TAG, "Value": domain_arn}],
        )["FileSystemId"]
        for subnet_id in self.subnet_ids:
            self.efs.create_mount_target(FileSystemId=efs_id, SubnetId=subnet_id, SecurityGroups=[inbound])
        return StudioDomainNetwork(domain_id, domain_arn, domain_group, inbound, outbound, efs_id)

    def start_app(self, network: StudioDomainNetwork, app_name: str) -> None:
        """A running Studio app has an interface with the domain group and the outbound NFS group."""
        groups = [network.domain_group_id, network.outbound_group_id]
        eni = self.ec2.create_network_interface(SubnetId=self.subnet_ids[0], Groups=groups)
        network.app_interfaces[app_name] = eni["NetworkInterface"]["NetworkInterfaceId"]

    def _group(self, name: str, description: str) -> str:
        return self.ec2.create_security_group(VpcId=self.vpc_id, GroupName=name, Description=description)["GroupId"]

    # -- time and state ----------------------------------------------------------------------------
    def between_polls(self) -> None:
        """One is_complete interval passes: interfaces whose release is due are gone."""
        for eni_id in list(self._releasing):
            self._releasing[eni_id] -= 1
            if self._releasing[eni_id] <= 0:
                del self._releasing[eni_id]
                self._release_now(_ec2_backend(), eni_id)

    def interfaces_in_subnets(self) -> list[dict]:
        return self._observer.describe_network_interfaces(
            Filters=[{"Name": "subnet-id", "Values": self.subnet_ids}]
        )["NetworkInterfaces"]

    def group_names(self) -> set[str]:
        groups = self._observer.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [self.vpc_id]}])
        return {group["GroupName"] for group in groups["SecurityGroups"]}

    # -- AWS's refusals --------------------------------------------------------------------------
    def strict_client(self, service: str):
        client = boto3.client(service, region_name=REGION)
        for operation, check in (
            ("DeleteSecurityGroup", self._group_dependents),
            ("DeleteSubnet", self._subnet_dependents),
            ("DeleteVpc", self._vpc_dependents),
        ):
            client.meta.events.register(f"before-call.ec2.{operation}", _refusing_when(check))
        return client

    def _group_dependents(self, body: dict) -> str | None:
        group_id = body["GroupId"]
        users = self._observer.describe_network_interfaces(Filters=[{"Name": "group-id", "Values": [group_id]}])
        if users["NetworkInterfaces"]:
            return f"resource {group_id} has a dependent object"
        for group in self._observer.describe_security_groups()["SecurityGroups"]:
            if group["GroupId"] == group_id:
                continue  # a rule naming its own group does not block the delete
            rules = group.get("IpPermissions", []) + group.get("IpPermissionsEgress", [])
            if any(pair.get("GroupId") == group_id for rule in rules for pair in rule.get("UserIdGroupPairs", [])):
                return f"resource {group_id} has a dependent object"
        return None

    def _subnet_dependents(self, body: dict) -> str | None:
        subnet_id = body["SubnetId"]
        enis = self._observer.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet_id]}])
        if enis["NetworkInterfaces"]:
            return f"The subnet '{subnet_id}' has dependencies and cannot be deleted."
        return None

    def _vpc_dependents(self, body: dict) -> str | None:
        if self.group_names() - {"default"}:
            return f"The vpc '{body['VpcId']}' has dependencies and cannot be deleted."
        return None


def _refusing_when(dependents):
    """A before-call hook answering DependencyViolation (as EC2 does) when `dependents` names one."""

    def hook(params, **_):
        reason = dependents(params["body"])  # EC2's query protocol: the request parameters
        if reason is None:
            return None
        error = {"Error": {"Code": "DependencyViolation", "Message": reason}, "ResponseMetadata": {}}
        return AWSResponse(None, 400, {}, None), error

    return hook


def _ec2_backend():
    from moto.ec2.models import ec2_backends

    return ec2_backends[ACCOUNT][REGION]
