"""What one warm container keeps (the AWS clients) and what one request has learnt (for its log line)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studio_runtime.aws_clients import aws_client

# Small timeouts and few attempts: a request makes up to six calls and API Gateway gives up at 29 s.
CONNECT_TIMEOUT_SECONDS = 2
READ_TIMEOUT_SECONDS = 5
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Clients:
    """One boto3 client per service; tests build their own (moto, or a Stubber for one of them)."""

    dynamodb: Any
    s3: Any
    cognito: Any
    sns: Any
    sfn: Any


def create_clients() -> Clients:
    def client(service: str) -> Any:
        return aws_client(
            service,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=READ_TIMEOUT_SECONDS,
            max_attempts=MAX_ATTEMPTS,
            keepalive=True,
        )

    return Clients(
        dynamodb=client("dynamodb"),
        s3=client("s3"),
        cognito=client("cognito-idp"),
        sns=client("sns"),
        sfn=client("stepfunctions"),
    )


@dataclass
class RequestState:
    """What one request has learnt so far, for its log line even when a later step fails."""

    reason: str = "ok"
    order_id: str | None = None
    team: str | None = None
