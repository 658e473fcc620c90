"""Decisions about who the caller is: group membership, profile name, tag values. No AWS here."""

from __future__ import annotations

import hashlib
import re
import string
import unicodedata
import uuid
from collections.abc import Iterable

# parse_groups is the shared claim reader; re-exported here, where the presign rules use it.
from studio_runtime.api_caller import parse_groups as parse_groups

SAGEMAKER_NAME_MAX = 63
# fullmatch, never `$`: `$` also matches before a trailing newline ("team1\n").
_SAGEMAKER_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
TAG_VALUE_MAX = 256
_TAG_SAFE_CHARS = frozenset(string.ascii_letters + string.digits + " _.:/=+-@")

PROFILE_SLUG_MAX = 30
FINGERPRINT_LENGTH = 32


def is_valid_sagemaker_name(name: object) -> bool:
    """True for a DomainName/UserProfileName SageMaker accepts (regex and the 63 limit)."""
    return (
        isinstance(name, str)
        and 0 < len(name) <= SAGEMAKER_NAME_MAX
        and _SAGEMAKER_NAME.fullmatch(name) is not None
    )


def is_member(*, domain_name: str, groups: Iterable[str]) -> bool:
    """Exact, case-sensitive equality: `team1` is not a member of `team10` or `Team1`."""
    return any(group == domain_name for group in groups)


def is_valid_tag_value(text: str) -> bool:
    return len(text) <= TAG_VALUE_MAX and all(char in _TAG_SAFE_CHARS for char in text)


def tag_value(text: str) -> str:
    """`text` as a tag value SageMaker accepts: ASCII transliteration, other characters as "_".

    The API allows [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*, but which code points are letters depends on
    the Unicode version on each side; a letter new to Python but unknown to AWS would fail
    CreateUserProfile for that user on every login. ASCII is valid under every version.
    """
    decomposed = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    return "".join(char if char in _TAG_SAFE_CHARS else "_" for char in decomposed)[:TAG_VALUE_MAX]


def profile_name_for(*, username: str, sub: str) -> str:
    """The UserProfileName of a Cognito user: `<slug of username>-<fingerprint of sub>`.

    Injectivity (two different users never share a profile):
    - The name always ends with "-" + a FINGERPRINT_LENGTH-character fingerprint of `sub`,
      whatever the slug is, so the fingerprint can be read back from the name; two names are
      equal only if their fingerprints are equal. The slug is decoration for humans.
    - A canonical UUID `sub` (what Cognito user pools issue: lowercase, hyphenated) maps to
      its 32 hex digits. `str(UUID(hex))` gives the sub back, so this class is a bijection:
      distinct subs, distinct fingerprints.
    - Any other `sub` maps to "x" + 31 hex digits of SHA-256. The "x" keeps the two classes
      disjoint (hex digits never contain "x"); inside this class a collision needs a 124-bit
      SHA-256 prefix collision, which is infeasible rather than impossible.
    - The sub is immutable and unique in a user pool, so the same user always gets the same
      name and different users get different ones.
    - The name holds only lowercase letters, digits and hyphens, so SageMaker's
      case-insensitive comparison of profile names equals exact comparison: "Alice" and
      "alice" (different subs) stay different.
    - Belt and braces: the profile carries a CognitoSub tag that is checked on every login,
      so even a collision would be refused, never shared.
    Length: at most PROFILE_SLUG_MAX + 1 + 32 = 63; it starts with a letter or digit, hyphens
    sit between alphanumerics, so it satisfies the SageMaker name rule.
    """
    return f"{_username_slug(username)}-{_sub_fingerprint(sub)}"


def _username_slug(username: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", username).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:PROFILE_SLUG_MAX].rstrip("-") or "user"


def _sub_fingerprint(sub: str) -> str:
    try:
        parsed = uuid.UUID(sub)
    except ValueError:
        parsed = None
    if parsed is not None and str(parsed) == sub:
        return parsed.hex
    return "x" + hashlib.sha256(sub.encode("utf-8")).hexdigest()[: FINGERPRINT_LENGTH - 1]
