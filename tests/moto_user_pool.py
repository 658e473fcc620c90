"""A moto Cognito user pool with the password policy studio_constructs/user_pool.py declares."""

from __future__ import annotations

from typing import Any

from studio_platform import cognito_password

STUDIO_PASSWORD_POLICY = {
    "MinimumLength": cognito_password.USER_POOL_MIN_LENGTH,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
    # moto 5.2.5 keeps no password history; the value documents the real pool's.
    "PasswordHistorySize": 5,
}


def create_studio_user_pool(cognito: Any, name: str) -> str:
    """The new pool's id."""
    pool = cognito.create_user_pool(PoolName=name, Policies={"PasswordPolicy": STUDIO_PASSWORD_POLICY})
    return pool["UserPool"]["Id"]
