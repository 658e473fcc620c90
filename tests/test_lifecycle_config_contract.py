"""The contract of the lifecycle-config custom resource (studio_runtime/contracts/lifecycle_config.py):
its Properties model refuses what the handler refused by hand before, accepts what it accepted,
and every config the platform synthesizes passes it with its real values.
"""

from __future__ import annotations

import base64

import pytest
from platform_synth import default_context, synth_platform

from studio_runtime.contracts.lifecycle_config import RESOURCE_TYPE, Properties
from studio_runtime.custom_resource import InvalidProperties, parse_properties

CONTENT = base64.b64encode(b"#!/bin/bash\necho hello\n").decode()


def given(**overrides):
    return {"ConfigName": "team1-jupyterlab-0123abcd", "AppType": "JupyterLab", "ContentBase64": CONTENT,
            "Tags": [{"Key": "DomainName", "Value": "team1"}], **overrides}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ConfigName": "bad_name"}, "ConfigName"),
        ({"ConfigName": "-starts-with-a-dash"}, "ConfigName"),
        ({"ConfigName": "a" * 64}, "ConfigName"),
        ({"ConfigName": ""}, "ConfigName"),
        ({"AppType": "RStudio"}, "AppType"),
        ({"AppType": "jupyterlab"}, "AppType"),
        ({"ContentBase64": ""}, "ContentBase64"),
        ({"ContentBase64": "A" * 16385}, "ContentBase64"),
        ({"Tags": "team=x"}, "Tags"),
        ({"Tags": [{"Value": "no key"}]}, "Tags.0.Key"),
        ({"Tags": ["DomainName"]}, "Tags.0"),
    ],
)
def test_refuses_what_the_handler_refused(overrides, field):
    with pytest.raises(InvalidProperties, match=rf"(^|; ){field}: "):
        parse_properties(Properties, given(**overrides))


@pytest.mark.parametrize("name", ["ConfigName", "AppType", "ContentBase64"])
def test_a_missing_property_is_refused(name):
    properties = given()
    del properties[name]
    with pytest.raises(InvalidProperties, match=f"{name}: Field required"):
        parse_properties(Properties, properties)


def test_every_problem_is_named_at_once():
    with pytest.raises(InvalidProperties) as refused:
        parse_properties(Properties, given(ConfigName="bad_name", AppType="RStudio"))
    assert "ConfigName: " in str(refused.value) and "AppType: " in str(refused.value)


@pytest.mark.parametrize("app_type", ["JupyterLab", "CodeEditor", "KernelGateway", "JupyterServer"])
def test_accepts_the_four_app_types_and_the_longest_content(app_type):
    spec = parse_properties(Properties, given(AppType=app_type, ContentBase64="A" * 16384, ConfigName="a" * 63))
    assert (spec.AppType, len(spec.ContentBase64), spec.ConfigName) == (app_type, 16384, "a" * 63)


@pytest.mark.parametrize("absent", [None, "", []])
def test_absent_tags_mean_no_tags(absent):
    assert parse_properties(Properties, given(Tags=absent)).Tags == ()


def test_a_tag_without_value_gets_an_empty_one_and_the_service_token_is_ignored():
    spec = parse_properties(Properties, {**given(Tags=[{"Key": "owner"}]), "ServiceToken": "arn:aws:lambda:x"})
    assert [tag.model_dump() for tag in spec.Tags] == [{"Key": "owner", "Value": ""}]


def test_cfn_names_the_properties_the_construct_forgot_or_invented():
    with pytest.raises(TypeError, match=r"unknown properties \['Content'\], missing properties \['ContentBase64'\]"):
        Properties.cfn(ConfigName="x", AppType="JupyterLab", Content=CONTENT)


def test_every_synthesized_config_passes_the_handlers_checks_with_its_real_values():
    # The names are checked by tests/test_runtime_contracts.py; here the values the handler
    # will parse at deploy time: names, app types, content sizes and tags as synthesized.
    templates = synth_platform(default_context(domain_name="team1,team2"))
    configs = [
        resource["Properties"]
        for template in templates.values()
        for resource in template.find_resources(RESOURCE_TYPE).values()
    ]
    assert len(configs) == 6  # JupyterLab, CodeEditor and KernelGateway for each of two teams
    specs = [parse_properties(Properties, properties) for properties in configs]
    assert sorted({spec.AppType for spec in specs}) == ["CodeEditor", "JupyterLab", "KernelGateway"]
    assert all(("DomainName", spec.ConfigName.split("-")[0]) in {(t.Key, t.Value) for t in spec.Tags} for spec in specs)
