"""The teams file of record: one JSON object in a versioned S3 bucket.

Read with its ETag and version; written only if it is still the version read (IfMatch, or
IfNoneMatch "*" when there was none), so two orders approved at once cannot drop each other's
team: the loser gets TeamsFileChanged and the workflow runs its step again. No encryption
parameters: the bucket's default encryption applies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from order_steps.errors import TeamsFileChanged, TeamsFileUnreadable
from order_steps.settings import Settings
from studio_platform.data_file import MAX_FILE_BYTES, parse_document
from studio_platform.errors import ConfigError
from studio_runtime.aws_errors import error_code, http_status

# Only a missing object means "no teams file yet"; a missing bucket or a refusal is a failure.
# (The role needs s3:ListBucket, or S3 answers a missing object with AccessDenied.)
NO_SUCH_KEY = "NoSuchKey"
# PutObject's answers when the object is no longer the version read: 412 when it changed,
# 409 when another conditional write was under way at the same moment.
LOST_RACE_CODES = frozenset({"PreconditionFailed", "ConditionalRequestConflict"})
LOST_RACE_STATUSES = frozenset({409, 412})
CONTENT_TYPE = "application/json"


@dataclass(frozen=True)
class TeamsFileSnapshot:
    """The teams file as read: document None (and no ETag or version) when there is none yet."""

    document: Any
    etag: str | None
    version_id: str | None


def read_teams_file(*, s3: Any, settings: Settings) -> TeamsFileSnapshot:
    try:
        response = s3.get_object(Bucket=settings.teams_bucket, Key=settings.teams_file_key)
    except ClientError as error:
        if error_code(error) == NO_SUCH_KEY:
            return TeamsFileSnapshot(document=None, etag=None, version_id=None)
        raise
    path = settings.teams_file_path
    with response["Body"] as body:
        if response.get("ContentLength", 0) > MAX_FILE_BYTES:
            raise TeamsFileUnreadable(f"{path}: is {response['ContentLength']} bytes; at most {MAX_FILE_BYTES}")
        raw = body.read()
    try:
        document = parse_document(raw.decode("utf-8"), path)
    except UnicodeDecodeError:
        raise TeamsFileUnreadable(f"{path}: cannot be read: it is not UTF-8 text") from None
    except ConfigError as error:
        raise TeamsFileUnreadable(str(error)) from None
    return TeamsFileSnapshot(document=document, etag=response["ETag"], version_id=response.get("VersionId"))


def write_teams_file(*, s3: Any, settings: Settings, document: Any, read: TeamsFileSnapshot) -> str | None:
    """Replaces the version `read` with `document`; returns the new version's id."""
    condition = {"IfMatch": read.etag} if read.etag is not None else {"IfNoneMatch": "*"}
    try:
        response = s3.put_object(
            Bucket=settings.teams_bucket,
            Key=settings.teams_file_key,
            Body=teams_file_text(document).encode("utf-8"),
            ContentType=CONTENT_TYPE,
            **condition,
        )
    except ClientError as error:
        if error_code(error) in LOST_RACE_CODES or http_status(error) in LOST_RACE_STATUSES:
            raise TeamsFileChanged(
                f"{settings.teams_file_path} changed after this step read it; the step reads it again"
            ) from None
        raise
    return response.get("VersionId")


def teams_file_text(document: Any) -> str:
    """How the steps write the teams file: keys in their order, for people to read and diff."""
    return json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
