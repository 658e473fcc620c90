"""One boto3 client per container and service, with bounded timeouts and standard retries."""

from __future__ import annotations

from studio_runtime.aws_clients import aws_client


def test_clients_are_built_once_per_service_and_settings() -> None:
    aws_client.cache_clear()
    first = aws_client("sagemaker")
    assert aws_client("sagemaker") is first
    assert aws_client("sagemaker", read_timeout=10) is not first
    assert aws_client("budgets") is not first


def test_clients_have_bounded_timeouts_and_standard_retries() -> None:
    aws_client.cache_clear()
    config = aws_client("sagemaker", connect_timeout=3, read_timeout=10, max_attempts=2).meta.config
    assert (config.connect_timeout, config.read_timeout) == (3, 10)
    assert config.retries == {"mode": "standard", "total_max_attempts": 2}
    assert aws_client("sagemaker").meta.config.retries == {"mode": "standard", "total_max_attempts": 3}
