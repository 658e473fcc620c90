"""Amazon Cognito's password rules, as its developer guide documents them.

Amazon Cognito Developer Guide, "Adding user pool password requirements"
(https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html):
a required character is a basic Latin upper-case or lower-case letter, a number, one of the
special characters below, or a non-leading, non-trailing space; once the required ones are
there, characters of any type may follow; passwords are at most 256 characters long.
Python's `str.isupper`/`isdigit`/`isalnum` are Unicode-wide (`É`, `٣`, `§` would count), so
each class here is an explicit ASCII set, the way Cognito counts.
"""

from __future__ import annotations

import string

# The user pool's policy (studio_constructs/user_pool.py): 12+ characters, all four classes.
USER_POOL_MIN_LENGTH = 12
MAX_LENGTH = 256
SPECIAL_CHARACTERS = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-")
SPACE = " "

_POLICY = " (the user pool's password policy)"
RULES = {
    "length": f"the password must have at least {USER_POOL_MIN_LENGTH} and at most {MAX_LENGTH} characters{_POLICY}",
    # Cognito's API refuses a password that starts or ends with whitespace.
    "edges": f"the password must not begin or end with a space or other whitespace{_POLICY}",
    "upper": f"the password must contain an upper-case letter A-Z; accented letters do not count{_POLICY}",
    "lower": f"the password must contain a lower-case letter a-z; accented letters do not count{_POLICY}",
    "digit": f"the password must contain a digit 0-9; other scripts' digits do not count{_POLICY}",
    "special": (
        "the password must contain a special character Cognito counts, one of "
        + " ".join(sorted(SPECIAL_CHARACTERS))
        + f" or a space between other characters{_POLICY}"
    ),
}


def has_required_special(password: str) -> bool:
    return any(c in SPECIAL_CHARACTERS for c in password) or SPACE in password[1:-1]


def policy_violation(password: str) -> str | None:
    """The first documented rule `password` breaks (a fixed sentence, never the password)."""
    if not USER_POOL_MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return RULES["length"]
    if password != password.strip():
        return RULES["edges"]
    if not any(c in string.ascii_uppercase for c in password):
        return RULES["upper"]
    if not any(c in string.ascii_lowercase for c in password):
        return RULES["lower"]
    if not any(c in string.digits for c in password):
        return RULES["digit"]
    if not has_required_special(password):
        return RULES["special"]
    return None
