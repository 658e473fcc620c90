"""Values checked by the rule of the service that receives them, not by their shape.

Each function returns the clean value or raises ConfigError naming `where` and the rule.
"""

from __future__ import annotations

import difflib
import fnmatch
import ipaddress
import math
import re
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import SplitResult, urlsplit

from studio_platform import names
from studio_platform.errors import ConfigError, Problems

# SNS and Budgets deliver to an RFC 5321 mailbox: a dot-atom local part and a DNS host name.
EMAIL_PATTERN = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
EMAIL_MAX_LENGTH = 254
HOST_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOST_PATTERN = re.compile(rf"^({HOST_LABEL}\.)*{HOST_LABEL}$")
# Cognito allows plain http only for localhost callbacks (testing).
LOCALHOST = "localhost"
COGNITO_URL_MAX_LENGTH = 1024
# The SageMaker model's instance-type enums: apps, jobs, endpoints (what the allowlist governs).
INSTANCE_TYPE_SHAPES = (
    "AppInstanceType",
    "TrainingInstanceType",
    "ProcessingInstanceType",
    "TransformInstanceType",
    "ProductionVariantInstanceType",
)
# The app type Studio's own server runs on; without it nobody can open Studio.
SYSTEM_INSTANCE_TYPE = "system"
# The most zones any region has (us-east-1: a-f).
ZONE_LETTERS = "abcdef"
# A mirror URL is embedded in a shell script: characters a shell would interpret are refused.
SHELL_CHARACTERS = "'\"`$\\;|&<>"
VPC_PREFIX_RANGE = (16, 22)
COGNITO_USERNAME_MAX = 128


def not_finite(value: float) -> str:
    return f"{value!r} is not a finite number"


def check_finite(value: Any, *, where: str) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(where, not_finite(value))
    return value


def check_mirror_url(value: str, *, where: str) -> str:
    """A pip or conda mirror: an absolute https URL a shell script can carry as is."""
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.netloc or any(c.isspace() for c in text):
        raise ConfigError(where, f"{text!r} must be an absolute https URL")
    if any(c in text for c in SHELL_CHARACTERS):
        raise ConfigError(where, f"{text!r} contains a character that is not allowed in a mirror URL")
    return text


def check_vpc_cidr(value: str, *, where: str) -> str:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError:
        raise ConfigError(where, f"{value!r} must be an IPv4 network in CIDR form (like 10.0.0.0/16)") from None
    low, high = VPC_PREFIX_RANGE
    if not network.is_private or not low <= network.prefixlen <= high:
        raise ConfigError(where, f"{value!r} must be a private range with a prefix between /{low} and /{high}")
    return value


def check_availability_zones(zones: tuple[str, ...], *, region: str, where: str) -> tuple[str, ...]:
    """2+ distinct zones of the region; every zone that is not one is reported."""
    if len(zones) < 2:
        raise ConfigError(where, "give at least 2 availability zones (Studio needs subnets in 2+ AZs)")
    if len(set(zones)) != len(zones):
        raise ConfigError(where, f"availability zones must be distinct, got {','.join(zones)}")
    problems = Problems()
    for zone in zones:
        problems.check(lambda zone=zone: check_availability_zone(zone, region=region, where=where), None)
    problems.raise_if_any()
    return zones


def check_role_arn(value: str, *, where: str) -> str:
    if not names.IAM_ROLE_ARN_PATTERN.match(value):
        raise ConfigError(where, f"{value!r} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
    return value


def check_cognito_username(value: str, *, where: str) -> str:
    if not 1 <= len(value) <= COGNITO_USERNAME_MAX or any(c.isspace() for c in value):
        rule = f"must be 1-{COGNITO_USERNAME_MAX} characters without spaces (Cognito username)"
        raise ConfigError(where, f"{value!r} {rule}")
    return value


def check_email(value: Any, *, where: str) -> str:
    text = str(value).strip()
    if len(text) > EMAIL_MAX_LENGTH or not EMAIL_PATTERN.match(text):
        raise ConfigError(where, f"{text!r} is not an e-mail address (like name@example.com)")
    return text


def check_callback_url(value: Any, *, where: str) -> str:
    """Cognito's rule: absolute, no fragment, https; http only for localhost."""
    text = str(value).strip()
    parts = _split(text, where)
    if not _secure_or_local(parts) or not parts.hostname or parts.fragment or len(text) > COGNITO_URL_MAX_LENGTH:
        raise ConfigError(
            where,
            f"{text!r} must be an https URL without a #fragment (http only for {LOCALHOST}), as Cognito requires",
        )
    return text


def check_cors_origin(value: Any, *, where: str) -> str:
    """A browser's Origin header: scheme://host[:port], nothing after it, or it never matches."""
    text = str(value).strip()
    parts = _split(text, where)
    exact = f"{parts.scheme}://{parts.netloc}"
    if not _secure_or_local(parts) or text != exact or "@" in parts.netloc or not HOST_PATTERN.match(parts.hostname or ""):
        raise ConfigError(
            where,
            f"{text!r} must be an origin: https://host[:port] (http only for {LOCALHOST}), no path, "
            "no trailing slash; a browser's Origin never has one",
        )
    return text


def _secure_or_local(parts: SplitResult) -> bool:
    """https, or plain http to localhost (what Cognito and browsers accept for local testing)."""
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname == LOCALHOST)


def _split(text: str, where: str) -> SplitResult:
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ConfigError(where, f"{text!r} is not a URL") from None
    if any(character.isspace() for character in text):
        raise ConfigError(where, f"{text!r} contains white space")
    return parts


@lru_cache(maxsize=1)
def known_regions() -> frozenset[str]:
    """The regions the installed aws-cdk-lib knows (its RegionInfo facts)."""
    from aws_cdk.region_info import RegionInfo

    return frozenset(region.name for region in RegionInfo.regions)


# The functions run on Powertools' public layer, whose publishing account and version numbers
# are pinned for this partition only (studio_constructs/powertools_layer.py).
SUPPORTED_PARTITION = "aws"


def check_known_region(region: str, *, where: str) -> str:
    if region not in known_regions():
        raise ConfigError(where, f"{region!r} is not a region aws-cdk-lib knows (like eu-central-1)")
    from aws_cdk.region_info import RegionInfo

    partition = RegionInfo.get(region).partition
    if partition != SUPPORTED_PARTITION:
        raise ConfigError(
            where,
            f"{region!r} is in the {partition} partition; the platform's functions use Powertools' public "
            f"layer as pinned for the {SUPPORTED_PARTITION} partition only",
        )
    return region


def check_availability_zone(zone: str, *, region: str, where: str) -> str:
    if not (zone.startswith(region) and len(zone) == len(region) + 1 and zone[-1] in ZONE_LETTERS):
        raise ConfigError(where, f"{zone!r} is not an availability zone of {region} ({region}a to {region}f)")
    return zone


@lru_cache(maxsize=1)
def sagemaker_instance_types() -> frozenset[str]:
    """Every instance type the installed botocore's SageMaker model accepts for apps, jobs, endpoints."""
    from botocore.loaders import Loader

    shapes = Loader().load_service_model("sagemaker", "service-2")["shapes"]
    return frozenset(value for shape in INSTANCE_TYPE_SHAPES for value in shapes[shape]["enum"])


def check_instance_type(value: str, *, where: str) -> str:
    """A type SageMaker knows, or an IAM wildcard (`*`, `?`) that matches at least one.

    The allowlist is enforced by `StringLike` on `sagemaker:InstanceTypes` only, where `*`
    and `?` work; nothing else reads it.
    """
    known = sagemaker_instance_types()
    if any(character in value for character in "[]"):
        raise ConfigError(where, f"{value!r}: IAM's StringLike knows only * and ? as wildcards, not [...]")
    if "*" in value or "?" in value:
        if not any(fnmatch.fnmatchcase(name, value) for name in known):
            raise ConfigError(where, f"{value!r} matches no SageMaker instance type")
        return value
    if value not in known:
        close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.9)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ConfigError(where, f"{value!r} is not a SageMaker instance type{hint}")
    return value



# --- the ordering workflow's deploy source -------------------------------------------------------

S3_SOURCE = re.compile(r"^s3://(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(?P<key>[\w!.*'()/-]+\.zip)$")
GITHUB_SOURCE = re.compile(
    r"^https://github\.com/(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/(?P<repo>[A-Za-z0-9._-]{1,100}?)(?:\.git)?"
    r"(?:#(?P<ref>[A-Za-z0-9._/-]{1,200}))?$"
)
CODECONNECTIONS_ARN = re.compile(
    r"^arn:aws:(codeconnections|codestar-connections):[a-z0-9-]+:[0-9]{12}:connection/[0-9a-f-]{36}$"
)


class DeploySource(NamedTuple):
    """Where the deploy project gets the platform's code: `s3` (bucket, key of a zip) or
    `github` (repository URL, branch, tag or commit; None: the default branch)."""

    kind: str
    location: str
    ref: str | None = None


def parse_deploy_source(value: str, *, where: str) -> DeploySource:
    s3 = S3_SOURCE.match(value)
    if s3:
        return DeploySource("s3", f"{s3['bucket']}/{s3['key']}")
    github = GITHUB_SOURCE.match(value)
    if github:
        return DeploySource("github", f"https://github.com/{github['owner']}/{github['repo']}.git", github["ref"])
    raise ConfigError(
        where,
        f"{value!r} must be s3://<bucket>/<key>.zip (a zip of this project) or "
        "https://github.com/<owner>/<repo>[#<branch, tag or commit>] (with -c order-deploy-connection-arn)",
    )


def check_deploy_source(value: str, *, where: str) -> str:
    parse_deploy_source(value, where=where)
    return value


def check_connection_arn(value: str, *, where: str) -> str:
    if not CODECONNECTIONS_ARN.match(value):
        raise ConfigError(
            where, f"{value!r} must be a CodeConnections connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<id>)"
        )
    return value
