"""Pure identity rules: SageMaker names, group claims, profile names, tag values."""

from __future__ import annotations

import re
import uuid

import botocore.session
import pytest
import regex  # pinned (via cfn-lint); unlike `re` it understands \p{L} in the AWS pattern
from hypothesis import given, settings
from hypothesis import strategies as st
from lambda_loader import load_lambda_module

load_lambda_module("presign_url_generator", "handler")
from presign.identity import (  # noqa: E402
    is_member,
    is_valid_sagemaker_name,
    is_valid_tag_value,
    parse_groups,
    profile_name_for,
    tag_value,
)

SAGEMAKER_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
TAG_VALUE_PATTERN = regex.compile(
    botocore.session.get_session().get_service_model("sagemaker").shape_for("TagValue").metadata["pattern"]
)
SUB_A = "6f1c1b1e-8e5a-4f8e-9a0b-1234567890ab"
SUB_B = "0b9a8c7d-1111-4222-8333-444455556666"


def assert_valid_profile_name(name: str) -> None:
    assert SAGEMAKER_NAME.fullmatch(name), name
    assert len(name) <= 63
    assert name == name.lower()


@pytest.mark.parametrize("name", ["team1", "T", "a-b", "a--b", "a" * 63, "Team-1-x"])
def test_valid_sagemaker_names(name):
    assert is_valid_sagemaker_name(name)


@pytest.mark.parametrize("name", ["", "-a", "a-", "a_b", "a b", "a\n", "a" * 64, "a" + "-" * 62 + "b", "é", None, 1])
def test_invalid_sagemaker_names(name):
    assert not is_valid_sagemaker_name(name)


@pytest.mark.parametrize(
    ("claim", "groups"),
    [
        (["a", "team1"], {"a", "team1"}),
        ("team1", {"team1"}),
        ("a,team1", {"a", "team1"}),
        ("a, team1", {"a", "team1"}),
        ("[a team1]", {"a", "team1"}),
        ('["a", "team1"]', {"a", "team1"}),
        ("[123]", {"123"}),
        ("[1 2]", {"1", "2"}),
        ("[]", set()),
        ("", set()),
        (None, set()),
        (7, set()),
        ([1, None, " team1 "], {"team1"}),
    ],
)
def test_group_claim_formats(claim, groups):
    assert parse_groups(claim) == groups


@pytest.mark.parametrize("groups", [["team10"], ["team"], ["Team1"], ["xteam1"], ["team1-a"], []])
def test_membership_is_exact(groups):
    assert not is_member(domain_name="team1", groups=groups)


def test_membership_accepts_exact_name():
    assert is_member(domain_name="team1", groups=["team10", "team1"])


def test_profile_name_is_readable_and_keeps_the_whole_sub():
    name = profile_name_for(username="Alice.Smith+ds@example.com", sub=SUB_A)

    assert name == "alice-smith-ds-example-com-6f1c1b1e8e5a4f8e9a0b1234567890ab"
    assert_valid_profile_name(name)


def test_same_user_always_gets_the_same_name():
    assert profile_name_for(username="bob", sub=SUB_A) == profile_name_for(username="bob", sub=SUB_A)


def test_usernames_differing_in_case_with_different_subs_get_different_names():
    alice = profile_name_for(username="Alice", sub=SUB_A)
    lower_alice = profile_name_for(username="alice", sub=SUB_B)

    assert alice.lower() != lower_alice.lower()


@pytest.mark.parametrize(
    "username", ["@@@", "___", "ünïcödé", "日本語", "a" * 128, "-leading", "x" * 29 + "-y", "UPPER.CASE"]
)
def test_awkward_usernames_give_valid_names(username):
    assert_valid_profile_name(profile_name_for(username=username, sub=SUB_A))


def test_non_uuid_subs_use_a_disjoint_digest_form():
    canonical = profile_name_for(username="u", sub=SUB_A)
    upper = profile_name_for(username="u", sub=SUB_A.upper())

    assert canonical != upper
    assert upper.rsplit("-", 1)[1].startswith("x")
    assert_valid_profile_name(upper)


@settings(max_examples=300, deadline=None)
@given(username=st.text(min_size=1, max_size=128), sub=st.text(min_size=1, max_size=128))
def test_any_identity_gives_a_valid_name(username, sub):
    assert_valid_profile_name(profile_name_for(username=username, sub=sub))


@settings(max_examples=300, deadline=None)
@given(first=st.uuids(), second=st.uuids(), username=st.text(max_size=40))
def test_different_cognito_subs_never_share_a_name(first, second, username):
    # Usernames may collide after slugging ("A.b" vs "a-b"); the sub part keeps names apart.
    name_one = profile_name_for(username=username, sub=str(first))
    name_two = profile_name_for(username=username.upper(), sub=str(second))
    assert (name_one.lower() == name_two.lower()) == (first == second)


def test_uuid_part_reads_back_to_the_sub():
    name = profile_name_for(username="someone", sub=SUB_A)

    assert str(uuid.UUID(name.rsplit("-", 1)[1])) == SUB_A


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("alice@example.com", "alice@example.com"),
        ("Jürgen Müller", "Jurgen Muller"),
        ("日本", "__"),
        ("a<b>c;d", "a_b_c_d"),
        ("x" * 300, "x" * 256),
    ],
)
def test_tag_values_are_sanitized(raw, expected):
    assert tag_value(raw) == expected
    assert is_valid_tag_value(tag_value(raw))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_sanitized_tag_value_matches_the_sagemaker_model_pattern(raw):
    value = tag_value(raw)
    assert is_valid_tag_value(value)
    assert TAG_VALUE_PATTERN.fullmatch(value) and len(value) <= 256
    if is_valid_tag_value(raw):  # stricter than the model: ASCII only
        assert TAG_VALUE_PATTERN.fullmatch(raw) and tag_value(raw) == raw
