"""InfrastructureStack: isolated VPC, flow logs, every VPC-only Studio endpoint."""

from __future__ import annotations

import pytest
from platform_synth import default_context, only, synth_platform

REQUIRED_INTERFACE_SERVICES = [
    "sagemaker.api",
    "sagemaker.runtime",
    "studio",
    "notebook",
    "sagemaker.metrics",
    "sagemaker.featurestore-runtime",
    "sts",
    "logs",
    "monitoring",
    "kms",
    "ecr.api",
    "ecr.dkr",
]


@pytest.fixture(scope="module")
def template():
    return synth_platform(default_context())["infrastructure-stack"]


def service_names(template):
    names = []
    for endpoint in template.find_resources("AWS::EC2::VPCEndpoint").values():
        value = endpoint["Properties"]["ServiceName"]
        names.append(value if isinstance(value, str) else "".join(p if isinstance(p, str) else "" for p in value["Fn::Join"][1]))
    return names


def test_only_isolated_subnets_in_two_pinned_zones(template):
    template.resource_count_is("AWS::EC2::InternetGateway", 0)
    template.resource_count_is("AWS::EC2::NatGateway", 0)
    subnets = template.find_resources("AWS::EC2::Subnet").values()
    assert sorted(s["Properties"]["AvailabilityZone"] for s in subnets) == ["eu-central-1a", "eu-central-1b"]
    assert all(s["Properties"]["MapPublicIpOnLaunch"] is False for s in subnets)
    for route in template.find_resources("AWS::EC2::Route").values():
        assert "GatewayId" not in route["Properties"] and "NatGatewayId" not in route["Properties"]


def test_vpc_cidr_and_flow_logs(template):
    assert only(template, "AWS::EC2::VPC")["Properties"]["CidrBlock"] == "10.0.0.0/16"
    template.has_resource_properties("AWS::EC2::FlowLog", {"TrafficType": "ALL", "ResourceType": "VPC"})


@pytest.mark.parametrize("service", REQUIRED_INTERFACE_SERVICES)
def test_interface_endpoint_with_private_dns(template, service):
    matches = [
        e["Properties"]
        for e in template.find_resources("AWS::EC2::VPCEndpoint").values()
        if e["Properties"].get("VpcEndpointType") == "Interface"
        and str(e["Properties"]["ServiceName"]).endswith(f".{service}")
    ]
    assert len(matches) == 1, f"{service}: {service_names(template)}"
    assert matches[0]["PrivateDnsEnabled"] is True


def test_s3_gateway_endpoint(template):
    gateways = [
        e["Properties"]
        for e in template.find_resources("AWS::EC2::VPCEndpoint").values()
        if e["Properties"]["VpcEndpointType"] == "Gateway"
    ]
    assert len(gateways) == 1
    assert gateways[0]["ServiceName"]["Fn::Join"][1][-1] == ".s3"
    assert len(gateways[0]["RouteTableIds"]) == 2


def test_endpoint_security_group_admits_only_https_from_the_vpc(template):
    groups = [
        g["Properties"]
        for g in template.find_resources("AWS::EC2::SecurityGroup").values()
        if "VPC endpoints" in g["Properties"]["GroupDescription"]
    ]
    assert len(groups) == 1
    assert groups[0]["SecurityGroupIngress"] == [
        {"CidrIp": "10.0.0.0/16", "Description": "HTTPS from the Studio VPC", "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443}
    ]


def test_cidr_and_zones_from_context():
    template = synth_platform(
        default_context(vpc_cidr="10.20.0.0/20", availability_zones="eu-central-1a,eu-central-1b,eu-central-1c")
    )["infrastructure-stack"]
    assert only(template, "AWS::EC2::VPC")["Properties"]["CidrBlock"] == "10.20.0.0/20"
    assert len(template.find_resources("AWS::EC2::Subnet")) == 3


def test_private_api_adds_execute_api_endpoint():
    template = synth_platform(default_context(api_endpoint_type="private"))["infrastructure-stack"]
    assert any(name.endswith(".execute-api") for name in service_names(template))


def statements_with(template, action):
    return [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if action in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    ]


def test_one_teardown_provider_for_all_teams_bounded_to_the_vpc_and_platform_domains(template):
    [delete_domain] = statements_with(template, "sagemaker:DeleteDomain")
    assert delete_domain["Condition"] == {"Null": {"aws:ResourceTag/DomainName": "false"}}
    [delete_group] = statements_with(template, "ec2:DeleteSecurityGroup")
    assert "ec2:Vpc" in delete_group["Condition"]["ArnEquals"]
    [delete_efs] = statements_with(template, "elasticfilesystem:DeleteFileSystem")
    assert "aws:ResourceTag/ManagedByAmazonSageMakerResource" in delete_efs["Condition"]["StringLike"]


def test_one_lifecycle_provider_limited_to_lifecycle_configs(template):
    [create] = statements_with(template, "sagemaker:CreateStudioLifecycleConfig")
    assert set(create["Action"]) == {
        "sagemaker:CreateStudioLifecycleConfig",
        "sagemaker:DescribeStudioLifecycleConfig",
        "sagemaker:DeleteStudioLifecycleConfig",
        "sagemaker:AddTags",
    }
    assert create["Resource"].endswith(":studio-lifecycle-config/*")
