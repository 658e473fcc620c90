"""Structured JSON logs through Powertools' Logger, configured the same way for every function.

Callers log an action as the message and its facts as keyword fields
(`logger.info("deleted", name=...)`). Nothing here logs the event: handlers choose the fields,
so tokens, passwords and presigned URLs cannot leak through the logger.
"""

from __future__ import annotations

import functools
import logging
import sys

from aws_lambda_powertools import Logger


class CurrentStdoutHandler(logging.StreamHandler):
    """Writes to whatever sys.stdout is at the time of the write (a test's capture, say),
    not to the stream that was current when the module was imported."""

    @property  # type: ignore[override]
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, _value) -> None:
        pass


def service_logger(service: str) -> Logger:
    """The Logger of one function; level from POWERTOOLS_LOG_LEVEL / Lambda's log level."""
    # botocore at DEBUG prints response bodies, which hold presigned URLs and passwords.
    botocore = logging.getLogger("botocore")
    botocore.setLevel(max(botocore.level, logging.INFO))
    return _logger(service)


@functools.cache
def _logger(service: str) -> Logger:
    # One instance per service: a second Powertools Logger for the same service would share
    # the stdlib logger but not its formatter.
    return Logger(service=service, logger_handler=CurrentStdoutHandler(), use_rfc3339=True, utc=True)
