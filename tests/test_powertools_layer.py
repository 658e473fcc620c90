"""Every function of ours runs on AWS's public Powertools layer, the release the tests run on."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_

from platform_synth import default_context, resource_of, wired_platform
from studio_constructs.powertools_layer import (
    POWERTOOLS_LAYER_VERSION,
    POWERTOOLS_VERSION,
    powertools_layer_arn,
)

ROOT = Path(__file__).resolve().parent.parent


def test_the_tests_run_the_layers_release() -> None:
    assert version("aws-lambda-powertools") == POWERTOOLS_VERSION
    pins = re.findall(r"^aws-lambda-powertools(?:\[[a-z,]+\])?==(\S+)$", (ROOT / "requirements-dev.txt").read_text(), re.M)
    assert pins == [POWERTOOLS_VERSION]


def test_every_python_function_has_the_layer_for_its_runtime_and_architecture() -> None:
    from studio_constructs.python_function import PythonFunction

    context = default_context()
    app, _ = wired_platform(context)
    expected = (
        f"arn:aws:lambda:eu-central-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python314-arm64:"
        f"{POWERTOOLS_LAYER_VERSION}"
    )
    # Ours only: aws-cdk-lib's own functions (providers, BucketDeployment) bring their own code.
    ours = [node for node in app.node.find_all() if isinstance(node, PythonFunction)]
    for node in ours:
        properties = resource_of(context, node.function.node.default_child)["Properties"]
        assert (properties["Runtime"], properties["Architectures"]) == ("python3.14", ["arm64"])
        assert properties["Layers"] == [expected]
    assert len(ours) >= 6


def test_partitions_without_a_pinned_layer_are_refused_not_guessed() -> None:
    with pytest.raises(ValueError, match="pinned for the aws partition only, not aws-cn"):
        powertools_layer_arn(
            region="cn-north-1", runtime=lambda_.Runtime.PYTHON_3_14, architecture=lambda_.Architecture.ARM_64
        )


def test_an_environment_agnostic_stack_takes_the_partition_from_the_deployment() -> None:
    stack = cdk.Stack(cdk.App(), "agnostic")
    arn = powertools_layer_arn(
        region=stack.region, runtime=lambda_.Runtime.PYTHON_3_13, architecture=lambda_.Architecture.X86_64
    )
    assert stack.resolve(arn) == {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":lambda:",
                {"Ref": "AWS::Region"},
                f":017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-x86_64:{POWERTOOLS_LAYER_VERSION}",
            ],
        ]
    }
