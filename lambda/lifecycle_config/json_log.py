"""JSON-lines logging shared by the custom-resource handler and the scheduled sweeper."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any

log = logging.getLogger("lifecycle_config")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(),
            "level": record.levelname,
            "action": record.getMessage(),
        }
        return json.dumps({**line, **getattr(record, "fields", {})}, default=str)


def configure_logging() -> None:
    """Idempotent: a warm Lambda container calls it on every invocation."""
    if not any(isinstance(handler.formatter, JsonFormatter) for handler in log.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def log_action(action: str, *, level: int = logging.INFO, **fields: Any) -> None:
    log.log(level, action, extra={"fields": fields})
