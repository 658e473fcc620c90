"""One delete request, logged, with its outcome as data instead of an exception."""

from __future__ import annotations

import enum
from typing import Any

from . import logger
from .aws import Aws, ResourceBusy, ResourceGone


class DeleteOutcome(enum.Enum):
    REQUESTED = "requested"
    ALREADY_GONE = "already_gone"
    BUSY = "busy"


def request_delete(
    aws: Aws, *, action: str, service: str, operation: str, resource: str, **params: Any
) -> DeleteOutcome:
    """Throttling and unexpected errors propagate (RetryLater / TeardownFailed)."""
    try:
        aws.call(service, operation, resource=resource, **params)
        outcome, reason = DeleteOutcome.REQUESTED, None
    except ResourceGone as gone:
        outcome, reason = DeleteOutcome.ALREADY_GONE, str(gone)
    except ResourceBusy as busy:
        outcome, reason = DeleteOutcome.BUSY, str(busy)
    logger.info(action, resource=resource, outcome=outcome.value, **({"reason": reason} if reason else {}))
    return outcome
