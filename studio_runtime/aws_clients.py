"""boto3 clients built one way: bounded timeouts and botocore's standard retry mode.

A client is made once per container and service (building one costs ~0.2 s); standard mode
retries throttled and transient calls with backoff before an error reaches the classifier.
"""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def aws_client(
    service: str, *, connect_timeout: float = 5, read_timeout: float = 20, max_attempts: int = 3, keepalive: bool = False
) -> Any:
    import boto3  # the runtime's own; imported late so importing the core stays cheap in tests
    from botocore.config import Config

    config = Config(
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries={"mode": "standard", "total_max_attempts": max_attempts},
        # A warm container's connection to a service it calls on every request stays open.
        tcp_keepalive=keepalive,
    )
    return boto3.client(service, config=config)
