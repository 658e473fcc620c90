"""100 teams synthesize with unique names and every stack within CloudFormation's limits."""

from __future__ import annotations

import json

import pytest
from platform_synth import default_context, synth_platform

TEAMS = 100
MAX_RESOURCES = 500
MAX_TEMPLATE_BYTES = 1_000_000
MAX_OUTPUTS = 200


@pytest.fixture(scope="module")
def templates():
    names = ",".join(f"team{i}" for i in range(1, TEAMS + 1))
    return {name: template.to_json() for name, template in synth_platform(default_context(domain_name=names)).items()}


def properties_of(templates, resource_type, key):
    return [
        resource["Properties"][key]
        for template in templates.values()
        for resource in template["Resources"].values()
        if resource["Type"] == resource_type and key in resource.get("Properties", {})
    ]


def test_one_stack_per_team(templates):
    assert sum(name.startswith("sagemaker-studio-stack-") for name in templates) == TEAMS


@pytest.mark.parametrize(
    ("resource_type", "key"),
    [
        ("AWS::SageMaker::Domain", "DomainName"),
        ("AWS::S3::Bucket", "BucketName"),
        ("AWS::IAM::Role", "RoleName"),
        ("AWS::KMS::Alias", "AliasName"),
        ("AWS::Cognito::UserPoolGroup", "GroupName"),
    ],
)
def test_names_are_unique_across_teams(templates, resource_type, key):
    values = properties_of(templates, resource_type, key)
    assert len(values) >= TEAMS
    assert len(set(values)) == len(values)


def test_lifecycle_config_names_are_unique(templates):
    names = properties_of(templates, "Custom::StudioLifecycleConfig", "ConfigName")
    assert len(names) == 3 * TEAMS and len(set(names)) == len(names)


def test_every_stack_within_cloudformation_limits(templates):
    for name, template in templates.items():
        assert len(template["Resources"]) <= MAX_RESOURCES, name
        assert len(json.dumps(template)) <= MAX_TEMPLATE_BYTES, name
        assert len(template.get("Outputs", {})) <= MAX_OUTPUTS, name


def test_shared_providers_keep_the_function_count_flat(templates):
    functions = sum(
        1
        for name, template in templates.items()
        if name.startswith("sagemaker-studio-stack-")
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Function"
    )
    assert functions == 0
