"""The custom-resource entry every handler shares: event, properties, the one failure log."""

from __future__ import annotations

import json
from typing import Literal

import pytest
from pydantic import Field

from studio_runtime.contracts import EnvironmentVariables
from studio_runtime.resource_properties import ResourceProperties
from studio_runtime.custom_resource import InvalidProperties, custom_resource_event, parse_properties, run
from studio_runtime.log import service_logger


class Sample(ResourceProperties):
    Name: str = Field(pattern=r"^[a-z]+$")
    Size: int = Field(ge=1, le=10)
    Mode: Literal["a", "b"] = "a"


def test_cloudformation_strings_are_read_in_lax_mode_and_the_token_is_dropped() -> None:
    parsed = parse_properties(Sample, {"ServiceToken": "arn:token", "Name": "abc", "Size": "3"})
    assert parsed == Sample(Name="abc", Size=3, Mode="a")


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        ({"Name": "ABC", "Size": "3"}, "Name: String should match pattern '^[a-z]+$'"),
        ({"Name": "abc", "Size": "30"}, "Size: Input should be less than or equal to 10"),
        ({"Name": "abc"}, "Size: Field required"),
        ({"Name": "abc", "Size": "3", "Extra": "x"}, "Extra: Extra inputs are not permitted"),
        ({"Name": "abc", "Size": "3", "Mode": "c"}, "Mode: Input should be 'a' or 'b'"),
    ],
)
def test_bad_properties_give_one_readable_line(properties: dict, expected: str) -> None:
    with pytest.raises(InvalidProperties) as raised:
        parse_properties(Sample, properties)
    assert str(raised.value) == expected


def test_properties_from_a_construct_are_checked_by_name_only() -> None:
    assert Sample.cfn(Name="${Token[TOKEN.1]}", Size="${Token[TOKEN.2]}") == {
        "Name": "${Token[TOKEN.1]}",
        "Size": "${Token[TOKEN.2]}",
    }
    with pytest.raises(TypeError, match=r"unknown properties \['Nmae'\], missing properties \['Name'\]"):
        Sample.cfn(Nmae="x", Size=1)


def test_environment_names_are_the_upper_case_constants() -> None:
    class Environment(EnvironmentVariables):
        TABLE = "TABLE_NAME"
        LIMIT = "MAX_ITEMS"
        helper = "not a variable"

    assert Environment.names() == {"TABLE_NAME", "MAX_ITEMS"}


def test_unknown_request_types_are_refused() -> None:
    with pytest.raises(InvalidProperties, match="unknown RequestType 'Replace'"):
        custom_resource_event({"RequestType": "Replace"})


def test_run_logs_the_failure_once_with_the_request_and_re_raises(capsys) -> None:
    logger = service_logger("core-test")

    def fail(request):
        assert request.request_type == "Update"
        raise RuntimeError("budget gone")

    event = {"RequestType": "Update", "LogicalResourceId": "Budget", "PhysicalResourceId": "p-1"}
    with pytest.raises(RuntimeError, match="budget gone"):
        run(logger, event, fail)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 1
    line = lines[0]
    assert (line["message"], line["level"], line["error_type"], line["error"]) == (
        "failed",
        "ERROR",
        "RuntimeError",
        "budget gone",
    )
    assert (line["request_type"], line["logical_resource_id"], line["physical_resource_id"]) == (
        "Update",
        "Budget",
        "p-1",
    )


def test_run_returns_the_handlers_answer() -> None:
    answer = run(service_logger("core-test"), {"RequestType": "Delete"}, lambda r: {"PhysicalResourceId": "x"})
    assert answer == {"PhysicalResourceId": "x"}
