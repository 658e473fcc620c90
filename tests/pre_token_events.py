"""V2 pre-token-generation events shaped like Cognito's, and the trigger loaded as deployed.

The events follow the examples in Cognito's developer guide (user-pool-lambda-pre-token-
generation): string-valued `userAttributes` (lists as JSON text), `groupConfiguration` (null
for a user in no group), `scopes` as a list and a `response` whose
`claimsAndScopeOverrideDetails` is null until a trigger fills it.

`load_trigger` copies `lambda/pre_token_generation/` into a directory with a generated
TEAM_GROUPS_FILE beside the handler, as the asset staging does, and imports it there; the
module-level mapping load runs exactly as in a fresh Lambda container.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from lambda_context import LambdaContext
from studio_runtime.contracts.pre_token_generation import (
    CODE_DIR,
    GROUPS_ATTRIBUTE,
    OVERAGE_ATTRIBUTE,
    TEAM_GROUPS_FILE,
    Environment,
)

FUNCTION_DIR = Path(__file__).resolve().parent.parent / "lambda" / CODE_DIR
PROVIDER = "EntraID"
USER_POOL_ID = "eu-central-1_AbCdEf123"
CLIENT_ID = "1example23456789"
# Modules of the function that are imported by top-level name from its own directory.
_FUNCTION_MODULES = ("handler", "token_groups")


def load_trigger(
    directory: Path,
    monkeypatch_env: Any,
    *,
    team_groups: Any = None,
    raw_file: str | None = None,
    provider: str = PROVIDER,
) -> ModuleType:
    """Stage the function in `directory` (with `team_groups` as JSON, `raw_file` verbatim, or
    no mapping file when both are None) and import its handler fresh."""
    shutil.copytree(FUNCTION_DIR, directory, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    if raw_file is not None:
        (directory / TEAM_GROUPS_FILE).write_text(raw_file)
    elif team_groups is not None:
        (directory / TEAM_GROUPS_FILE).write_text(json.dumps(team_groups))
    monkeypatch_env.setenv(Environment.IDENTITY_PROVIDER, provider)
    saved = {name: module for name, module in sys.modules.items() if name.split(".")[0] in _FUNCTION_MODULES}
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, str(directory))
    try:
        spec = importlib.util.spec_from_file_location(f"_pre_token_handler_{id(directory)}", directory / "handler.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(directory))
        for name in [name for name in sys.modules if name.split(".")[0] in _FUNCTION_MODULES]:
            del sys.modules[name]
        sys.modules.update(saved)


def staged_trigger(tmp_path_factory: Any, team_groups: dict[str, list[str]]) -> ModuleType:
    """The trigger with `team_groups`, staged once for a test module (a module-scoped fixture)."""
    with pytest.MonkeyPatch.context() as patch:
        return load_trigger(tmp_path_factory.mktemp("trigger"), patch, team_groups=team_groups)


def invoke(trigger: ModuleType, event: dict[str, Any]) -> dict[str, Any]:
    return trigger.handler(event, LambdaContext())


def identities(provider: str, user_id: str = "b2c4e6f8a0") -> str:
    """The `identities` attribute Cognito writes at a federated sign-in."""
    return json.dumps(
        [
            {
                "userId": user_id,
                "providerName": provider,
                "providerType": "OIDC",
                "issuer": None,
                "primary": "true",
                "dateCreated": "1700000000000",
            }
        ]
    )


def federated_attributes(groups: str | None, *, provider: str = PROVIDER, overage: str | None = None) -> dict[str, str]:
    attributes = {
        "sub": "11aa22bb-33cc-44dd-55ee-66ff77889900",
        "identities": identities(provider),
        "cognito:user_status": "EXTERNAL_PROVIDER",
        "email_verified": "false",
        "email": "jane.doe@example.com",
    }
    if groups is not None:
        attributes[GROUPS_ATTRIBUTE] = groups
    if overage is not None:
        attributes[OVERAGE_ATTRIBUTE] = overage
    return attributes


def local_attributes(**extra: str) -> dict[str, str]:
    return {
        "sub": "99aa88bb-77cc-66dd-55ee-44ff33221100",
        "cognito:user_status": "CONFIRMED",
        "email_verified": "true",
        "email": "breakglass@example.com",
        **extra,
    }


def token_event(
    attributes: dict[str, str],
    *,
    user_name: str,
    trigger_source: str = "TokenGeneration_HostedAuth",
    cognito_groups: list[str] | None = None,
    version: str = "2",
    response: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One V2 event; `cognito_groups` None gives the null groupConfiguration Cognito sends for
    a user in no group."""
    group_configuration = (
        None
        if cognito_groups is None
        else {"groupsToOverride": list(cognito_groups), "iamRolesToOverride": [], "preferredRole": None}
    )
    return {
        "version": version,
        "triggerSource": trigger_source,
        "region": "eu-central-1",
        "userPoolId": USER_POOL_ID,
        "userName": user_name,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": CLIENT_ID},
        "request": {
            "userAttributes": attributes,
            "groupConfiguration": group_configuration,
            "scopes": ["openid", "email", "profile"],
        },
        "response": response if response is not None else {"claimsAndScopeOverrideDetails": None},
    }


def groups_to_override(response_event: dict[str, Any]) -> list[str] | None:
    """The groups the trigger set, or None when it set none."""
    details = response_event["response"].get("claimsAndScopeOverrideDetails") or {}
    return (details.get("groupOverrideDetails") or {}).get("groupsToOverride")


def access_token_claims(response_event: dict[str, Any]) -> dict[str, str]:
    details = response_event["response"].get("claimsAndScopeOverrideDetails") or {}
    return (details.get("accessTokenGeneration") or {}).get("claimsToAddOrOverride") or {}
