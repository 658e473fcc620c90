"""A boto3 client under botocore's Stubber, for handlers whose service moto does not cover.

The Stubber checks each call's operation and parameters against the service model and fails
on any call the test did not queue; leaving the block, no queued answer may be left unused.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import boto3
from botocore.stub import Stubber


@contextmanager
def stubbed_client(service: str, region: str = "eu-central-1") -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client(service, region_name=region)
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()
