"""The teams file of record (JSON in S3), read to refuse a name the platform already has."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from studio_platform.data_file import MAX_FILE_BYTES, parse_document
from studio_platform.errors import ConfigError
from studio_runtime.aws_errors import error_code


class TeamsFileUnreadable(Exception):
    """The file of record is not a teams file any more: the platform's defect, not the caller's."""


def read_teams_document(*, s3: Any, bucket: str, key: str, path: str) -> Any:
    """The parsed teams file, or None when there is none yet (the first order of a platform)."""
    try:
        response = s3.get_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error_code(error) == "NoSuchKey":
            return None
        raise
    body = response["Body"]
    try:
        data = body.read(MAX_FILE_BYTES + 1)
    finally:
        body.close()
    try:
        if len(data) > MAX_FILE_BYTES:
            raise ConfigError(path, f"is over {MAX_FILE_BYTES} bytes")
        return parse_document(data.decode("utf-8"), path)
    except (ConfigError, UnicodeDecodeError) as error:
        raise TeamsFileUnreadable(str(error)) from None
