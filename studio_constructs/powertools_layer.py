"""Powertools for AWS Lambda (Python) from AWS's public layer, pinned to one release.

The same release is pinned in requirements-dev.txt, so the tests run the handlers on the
Powertools they get in Lambda (tests/test_powertools_layer.py keeps the two equal).
The layer carries pydantic, which the handlers' models use; boto3 is the runtime's own.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk.region_info import RegionInfo
from constructs import Construct

from studio_platform.rules import SUPPORTED_PARTITION

POWERTOOLS_VERSION = "3.23.0"
# The layer version AWS published 3.23.0 as: one number for every region, Python version and
# architecture of the aws partition (the release's install page; confirmed in
# aws-powertools/powertools-lambda-python#7689). Upgrading changes both constants.
POWERTOOLS_LAYER_VERSION = 27
# AWS's publishing account for the layer in the aws partition; China and GovCloud have others,
# with their own version numbers, so those partitions are refused rather than guessed (the
# region rule refuses them before synth; this check guards direct use of the construct).
POWERTOOLS_ACCOUNT = "017000801446"


def powertools_layer_arn(*, region: str, runtime: lambda_.Runtime, architecture: lambda_.Architecture) -> str:
    partition = cdk.Aws.PARTITION
    if not cdk.Token.is_unresolved(region):
        partition = RegionInfo.get(region).partition or SUPPORTED_PARTITION
        if partition != SUPPORTED_PARTITION:
            raise ValueError(
                f"region {region}: Powertools' public layer {POWERTOOLS_VERSION} is pinned for the "
                f"{SUPPORTED_PARTITION} partition only, not {partition}"
            )
    python = runtime.name.replace(".", "")  # python3.14 -> python314
    name = f"AWSLambdaPowertoolsPythonV3-{python}-{architecture.name}"
    return f"arn:{partition}:lambda:{region}:{POWERTOOLS_ACCOUNT}:layer:{name}:{POWERTOOLS_LAYER_VERSION}"


def powertools_layer(scope: Construct, *, runtime: lambda_.Runtime, architecture: lambda_.Architecture) -> lambda_.ILayerVersion:
    arn = powertools_layer_arn(region=cdk.Stack.of(scope).region, runtime=runtime, architecture=architecture)
    return lambda_.LayerVersion.from_layer_version_arn(scope, "PowertoolsLayer", arn)
