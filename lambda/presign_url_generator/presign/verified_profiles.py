"""Profiles this warm container verified, so a returning user costs one SageMaker call.

Verified means: SageMaker answered the profile is InService and its owner tag is the caller's
sub, and a URL was issued for it. Within the TTL the next request of the same (domain id, profile
name, sub) goes straight to CreatePresignedDomainUrl. The bounds, and why they are enough:
- Time: an entry lives `ttl_seconds` from its verification; using it does not extend it, so even
  a user who logs in all day is verified again at least once per TTL (a re-tagged or failed
  profile is noticed within that time).
- Size: at most `max_entries`, least recently used dropped first, so a container serving many
  users keeps a fixed amount of memory.
- Deletion: SageMaker answering ResourceNotFound for a cached profile drops its entry at once
  (see service.py), whatever the TTL.
- The sub is part of the key: an entry never vouches for another identity, even one that maps
  to the same profile name.
Group membership is not cached here: it comes from the token and is checked on every request.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

# A few thousand scientists per account at most; ~200 bytes an entry.
MAX_VERIFIED_PROFILES = 2048


@dataclass(frozen=True)
class ProfileKey:
    domain_id: str
    profile_name: str
    sub: str


class VerifiedProfiles:
    def __init__(self, *, clock: Callable[[], float], max_entries: int = MAX_VERIFIED_PROFILES) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._clock = clock
        self._max_entries = max_entries
        self._verified_at: OrderedDict[ProfileKey, float] = OrderedDict()

    def is_verified(self, key: ProfileKey, *, ttl_seconds: float) -> bool:
        """True if `key` was verified less than `ttl_seconds` ago (never when the TTL is 0)."""
        verified_at = self._verified_at.get(key)
        if verified_at is None:
            return False
        if self._clock() - verified_at >= ttl_seconds:
            del self._verified_at[key]
            return False
        self._verified_at.move_to_end(key)
        return True

    def remember(self, key: ProfileKey, *, ttl_seconds: float) -> None:
        """Record a verification now; a TTL of 0 turns the cache off, so nothing is kept."""
        if ttl_seconds <= 0:
            return
        self._verified_at[key] = self._clock()
        self._verified_at.move_to_end(key)
        while len(self._verified_at) > self._max_entries:
            self._verified_at.popitem(last=False)

    def forget(self, key: ProfileKey) -> None:
        self._verified_at.pop(key, None)

    def __len__(self) -> int:
        return len(self._verified_at)

    def __contains__(self, key: object) -> bool:
        """Whether an entry is held, expired or not (for tests and the size bound)."""
        return key in self._verified_at
