"""One-line JSON logs on stdout (CloudWatch), without a Powertools dependency.

Callers pass fields explicitly (`extra={"fields": {...}}`); nothing logs the event, headers or
the presigned URL, so tokens and URLs cannot leak through here.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time

LOGGER_NAME = "presign_url_generator"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info and record.exc_info[0] is not None:
            entry["error_type"] = record.exc_info[0].__name__
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class _StdoutHandler(logging.StreamHandler):
    """Looks sys.stdout up at each write, so a replaced stdout (tests, runtimes) is honoured."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def stream(self):  # noqa: D401
        return sys.stdout

    @stream.setter
    def stream(self, _value) -> None:
        pass


def get_logger() -> logging.Logger:
    logger = logging.getLogger(LOGGER_NAME)
    if not logger.handlers:
        handler = _StdoutHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        # Our own handler only: the Lambda runtime's root handler would print every line twice.
        logger.propagate = False
        logger.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper() if _known_level() else "INFO")
        # botocore at DEBUG prints response bodies, which would include the presigned URL.
        logging.getLogger("botocore").setLevel(max(logging.getLogger("botocore").level, logging.INFO))
    return logger


def _known_level() -> bool:
    return os.environ.get("LOG_LEVEL", "INFO").upper() in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
