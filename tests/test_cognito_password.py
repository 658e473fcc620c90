"""`-c password` against Cognito's documented password rules, before any deploy.

Source of the rules: Amazon Cognito Developer Guide, "Adding user pool password requirements"
(managing-users-passwords.html): at least one basic Latin upper-case letter, lower-case letter,
number and special character `^ $ * . [ ] { } ( ) ? " ! @ # % & / \\ , > < ' : ; | _ ~ ` = + -`
(a non-leading, non-trailing space counts too); beyond those, characters of any type; at most
256 characters. moto 5.2.5's Cognito checks the same symbol list (and is an oracle only below
its own 99-character limit).
"""

from __future__ import annotations

import string

import aws_cdk as cdk
import boto3
import pytest
from aws_cdk.assertions import Template
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws
from moto_user_pool import create_studio_user_pool

from studio_constructs.user_pool import StudioUserPool
from studio_platform import cognito_password
from studio_platform.config import check_password
from studio_platform.errors import ConfigError

DOCUMENTED_SPECIALS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-"
PADDING = "ø"  # allowed by Cognito, in no required class
MOTO_MAX_LENGTH = 98  # moto refuses len >= MaximumLength, 99 by default


def refusal(password: str) -> str | None:
    try:
        check_password(password)
    except ConfigError as error:
        assert error.where == "-c password"
        assert "\n" not in str(error)
        return error.rule
    return None


@pytest.mark.parametrize("special", list(DOCUMENTED_SPECIALS))
def test_every_documented_special_character_counts(special):
    assert refusal(f"Abcdefghij1{special}") is None


@pytest.mark.parametrize(
    "password",
    [
        "Xy7-Unmistakable.Pw-4242",
        "Correct Horse9x",  # an inner space is Cognito's 33rd special character
        "Abcdefghij1-é€日本",  # beyond the required classes any character is allowed
        "Aa1-" + "x" * 252,  # 256 characters, Cognito's maximum
    ],
)
def test_documented_passwords_are_accepted(password):
    assert refusal(password) is None


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("Short1-Aa", "at least 12"),
        ("Aa1-" + "x" * 253, "at most 256"),
        ("Abcdefghij1§", "special character"),  # non-ASCII punctuation is no Cognito symbol
        ("Abcdefghij1€", "special character"),
        ("Abcdefghij1\u00a0x", "special character"),  # only U+0020 counts as the space
        ("Abcdefghijk 1".replace(" ", "\t"), "special character"),
        ("Abcdefghij٣-", "digit 0-9"),  # Arabic-Indic three: str.isdigit() is True
        ("Abcdefghij１-", "digit 0-9"),  # full-width one
        ("Ébcdefghij1-", "upper-case letter A-Z"),
        ("ABCDEFGHIJ1-ß", "lower-case letter a-z"),
        ("Abcdefghij1x ", "begin or end"),
        (" Abcdefghij1-", "begin or end"),
        ("Abcdefghijk1", "special character"),
    ],
)
def test_passwords_cognito_refuses_are_refused_with_the_rule(password, fragment):
    rule = refusal(password)
    assert rule is not None and fragment in rule
    assert rule in cognito_password.RULES.values()


def test_minimum_and_classes_match_the_user_pool():
    stack = cdk.Stack(cdk.App())
    pool = StudioUserPool(stack, "Pool", domain_prefix="test-login", callback_urls=["https://example.com/cb"])
    assert pool.user_pool is not None
    (user_pool,) = Template.from_stack(stack).find_resources("AWS::Cognito::UserPool").values()
    policy = user_pool["Properties"]["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] == cognito_password.USER_POOL_MIN_LENGTH
    assert all(policy[flag] for flag in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"))


# A password built from Cognito's classes: one of each required class, filler of any type, and
# padding outside every class (so removing one class leaves length and both ends intact).
any_character = st.characters(codec="utf-8")


def built_passwords(max_filler: int) -> st.SearchStrategy[str]:
    return st.builds(
        assemble,
        upper=st.sampled_from(string.ascii_uppercase),
        lower=st.sampled_from(string.ascii_lowercase),
        digit=st.sampled_from(string.digits),
        special=st.sampled_from(DOCUMENTED_SPECIALS + " "),
        filler=st.text(alphabet=any_character, max_size=max_filler),
        shuffler=st.randoms(use_true_random=False),
    )


def assemble(*, upper: str, lower: str, digit: str, special: str, filler: str, shuffler) -> str:
    middle = list(filler + upper + lower + special + digit + PADDING * 8)
    shuffler.shuffle(middle)
    return PADDING + "".join(middle) + PADDING


@settings(max_examples=300, deadline=None)
@given(built_passwords(max_filler=242))
def test_any_password_with_each_documented_class_is_accepted(password):
    assert refusal(password) is None


@settings(max_examples=300, deadline=None)
@given(built_passwords(max_filler=242), st.sampled_from(["upper", "lower", "digit", "special"]))
def test_removing_a_required_class_is_refused(password, removed):
    class_characters, rule_fragment = {
        "upper": (string.ascii_uppercase, "upper-case letter A-Z"),
        "lower": (string.ascii_lowercase, "lower-case letter a-z"),
        "digit": (string.digits, "digit 0-9"),
        "special": (DOCUMENTED_SPECIALS + " ", "special character"),
    }[removed]
    rule = refusal("".join(c for c in password if c not in class_characters))
    assert rule is not None and rule_fragment in rule


@pytest.fixture(scope="module")
def moto_pool():
    with mock_aws():
        cognito = boto3.client("cognito-idp", region_name="eu-central-1")
        pool_id = create_studio_user_pool(cognito, "oracle")
        cognito.admin_create_user(UserPoolId=pool_id, Username="demo-user", MessageAction="SUPPRESS")
        yield cognito, pool_id


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=any_character, min_size=1, max_size=MOTO_MAX_LENGTH) | built_passwords(max_filler=80))
def test_what_we_accept_moto_cognito_accepts_too(moto_pool, password):
    cognito, pool_id = moto_pool
    if refusal(password) is not None:
        return
    try:
        cognito.admin_set_user_password(UserPoolId=pool_id, Username="demo-user", Password=password, Permanent=True)
    except ClientError as error:
        pytest.fail(f"moto's Cognito refused a password check_password accepted: {error}")


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=300))
def test_the_error_is_one_of_the_fixed_rules(password):
    rule = refusal(password)
    assert rule is None or rule in cognito_password.RULES.values()
