"""The warm container's record of verified profiles: bounded in time and size, per sub."""

from __future__ import annotations

import pytest
from lambda_loader import load_lambda_module
from presign_fakes import DOMAIN_ID, OTHER_SUB, SUB, FakeClock

load_lambda_module("presign_url_generator", "handler")
from presign.verified_profiles import MAX_VERIFIED_PROFILES, ProfileKey, VerifiedProfiles  # noqa: E402

TTL = 300.0
ALICE = ProfileKey(domain_id=DOMAIN_ID, profile_name="alice-6f1c1b1e8e5a4f8e9a0b1234567890ab", sub=SUB)


def key(n: int) -> ProfileKey:
    return ProfileKey(domain_id=DOMAIN_ID, profile_name=f"user{n}", sub=f"sub-{n}")


def test_a_remembered_profile_is_verified_until_the_ttl_ends():
    clock = FakeClock()
    profiles = VerifiedProfiles(clock=clock)

    assert not profiles.is_verified(ALICE, ttl_seconds=TTL)
    profiles.remember(ALICE, ttl_seconds=TTL)
    clock.now += TTL - 0.001
    assert profiles.is_verified(ALICE, ttl_seconds=TTL)
    clock.now += 0.001
    assert not profiles.is_verified(ALICE, ttl_seconds=TTL)
    assert ALICE not in profiles  # an expired entry is dropped when found, not kept around


def test_using_an_entry_does_not_extend_its_life():
    # Otherwise a user who logs in every few minutes would never be verified again.
    clock = FakeClock()
    profiles = VerifiedProfiles(clock=clock)
    profiles.remember(ALICE, ttl_seconds=TTL)

    for _ in range(5):
        clock.now += TTL / 5 - 1
        assert profiles.is_verified(ALICE, ttl_seconds=TTL)
    clock.now += 5
    assert not profiles.is_verified(ALICE, ttl_seconds=TTL)


def test_the_entry_vouches_only_for_its_own_sub_domain_and_profile():
    profiles = VerifiedProfiles(clock=FakeClock())
    profiles.remember(ALICE, ttl_seconds=TTL)

    same_name_other_sub = ProfileKey(domain_id=ALICE.domain_id, profile_name=ALICE.profile_name, sub=OTHER_SUB)
    other_domain = ProfileKey(domain_id="d-team2abcdef0", profile_name=ALICE.profile_name, sub=SUB)
    other_profile = ProfileKey(domain_id=ALICE.domain_id, profile_name="alice-other", sub=SUB)

    for stranger in (same_name_other_sub, other_domain, other_profile):
        assert not profiles.is_verified(stranger, ttl_seconds=TTL), stranger
    assert profiles.is_verified(ALICE, ttl_seconds=TTL)


def test_a_ttl_of_zero_keeps_nothing_and_trusts_nothing():
    clock = FakeClock()
    profiles = VerifiedProfiles(clock=clock)

    profiles.remember(ALICE, ttl_seconds=0)
    assert len(profiles) == 0
    profiles.remember(ALICE, ttl_seconds=TTL)  # remembered under a TTL, then the TTL is set to 0
    assert not profiles.is_verified(ALICE, ttl_seconds=0)


def test_forget_drops_the_entry():
    profiles = VerifiedProfiles(clock=FakeClock())
    profiles.remember(ALICE, ttl_seconds=TTL)

    profiles.forget(ALICE)
    profiles.forget(ALICE)  # forgetting twice (two requests racing to it) is harmless

    assert not profiles.is_verified(ALICE, ttl_seconds=TTL)


def test_the_size_bound_drops_the_least_recently_used():
    clock = FakeClock()
    profiles = VerifiedProfiles(clock=clock, max_entries=3)
    for n in range(3):
        profiles.remember(key(n), ttl_seconds=TTL)
        clock.now += 1
    assert profiles.is_verified(key(0), ttl_seconds=TTL)  # 0 is now the most recently used

    profiles.remember(key(3), ttl_seconds=TTL)
    profiles.remember(key(4), ttl_seconds=TTL)

    assert len(profiles) == 3
    assert [n for n in range(5) if key(n) in profiles] == [0, 3, 4]


def test_the_default_bound_holds_under_many_users():
    profiles = VerifiedProfiles(clock=FakeClock())

    for n in range(MAX_VERIFIED_PROFILES + 500):
        profiles.remember(key(n), ttl_seconds=TTL)

    assert len(profiles) == MAX_VERIFIED_PROFILES
    assert key(0) not in profiles and key(MAX_VERIFIED_PROFILES + 499) in profiles


def test_remembering_again_restarts_the_ttl():
    # A full verification (after expiry or a refusal) is fresh evidence.
    clock = FakeClock()
    profiles = VerifiedProfiles(clock=clock)
    profiles.remember(ALICE, ttl_seconds=TTL)
    clock.now += TTL - 1
    profiles.remember(ALICE, ttl_seconds=TTL)
    clock.now += TTL - 1

    assert profiles.is_verified(ALICE, ttl_seconds=TTL)


def test_a_bound_below_one_is_refused():
    with pytest.raises(ValueError, match="max_entries"):
        VerifiedProfiles(clock=FakeClock(), max_entries=0)
