"""The login world with a corporate IdP: an Entra ID stand-in federated by the Cognito stand-in,
whose tokens get their teams from the REAL pre-token-generation trigger (trigger_bridge.py).

Started in the order each needs the other's address: the page's site, the trigger bridge, the
Cognito stand-in, the Entra stand-in (it registers Cognito's /oauth2/idpresponse), then Cognito
learns Entra's endpoints.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

from login_stand_ins import world as local
from login_stand_ins.api import CognitoAuthorizer, PresignApi
from login_stand_ins.fake_sagemaker import FakeSageMaker
from login_stand_ins.oidc import NODE, PROJECT_ROOT, OpenIdProvider
from login_stand_ins.static_site import StaticSite, security_headers
from login_stand_ins.trigger_bridge import TriggerBridge
from studio_constructs import login_page_contract as contract
from studio_runtime.contracts.pre_token_generation import GROUPS_ATTRIBUTE, OVERAGE_ATTRIBUTE

ENTRA_SCRIPT = Path(__file__).resolve().parent / "entra_provider.mjs"
PROVIDER_NAME = "EntraID"
TENANT_ID = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
ENTRA_CLIENT_ID = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
# Entra group object ids: team-a's is mapped, the other is a real group no team uses.
TEAM_A_GROUP = "7f1c2a9e-5b1d-4c3e-9a8f-0123456789ab"
TEAM_B_GROUP = "2d4e6f80-1a3b-4c5d-8e7f-9a0b1c2d3e4f"
UNMAPPED_GROUP = "c0ffee00-1234-4abc-9def-000000000001"
# The mapping PythonFunction generates into the function's code (team -> IdP groups).
TEAM_GROUPS = {local.TEAM_A: [TEAM_A_GROUP], local.TEAM_B: [TEAM_B_GROUP], local.TEAM_NOT_READY: [local.TEAM_NOT_READY]}


@dataclass(frozen=True)
class EntraUser:
    username: str
    password: str
    oid: str
    email: str
    groups: tuple[str, ...]
    overage: bool = False


IN_TEAM_A = EntraUser("erin", local.PASSWORD, "a1000000-0000-4000-8000-00000000000a", "erin@corp.example",
                      (UNMAPPED_GROUP, TEAM_A_GROUP))
UNMAPPED = EntraUser("frank", local.PASSWORD, "b2000000-0000-4000-8000-00000000000b", "frank@corp.example",
                     (UNMAPPED_GROUP,))
OVERAGE = EntraUser("grace", local.PASSWORD, "c3000000-0000-4000-8000-00000000000c", "grace@corp.example",
                    (), overage=True)
ENTRA_USERS = [IN_TEAM_A, UNMAPPED, OVERAGE]


class EntraIdProvider(OpenIdProvider):
    """entra_provider.mjs in a Node process; `origin`, `issuer` as the parent's."""

    def __init__(self, *, client_secret: str, redirect_uri: str, users: list[EntraUser]) -> None:
        settings = {
            "tenantId": TENANT_ID, "clientId": ENTRA_CLIENT_ID, "clientSecret": client_secret,
            "redirectUri": redirect_uri,
            "users": [{**asdict(user), "groups": list(user.groups)} for user in users],
        }
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self._process = subprocess.Popen(
            [str(NODE) if NODE.exists() else "node", str(ENTRA_SCRIPT), json.dumps(settings)],
            cwd=PROJECT_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, text=True,
            env={**os.environ, "NODE_ENV": "test"},
        )
        ready = self._read_ready_line()
        self.origin, self.issuer = ready["origin"], ready["issuer"]
        self.endpoints = f"{self.origin}/{TENANT_ID}"


@dataclass
class FederatedWorld(local.LoginWorld):
    entra: EntraIdProvider
    trigger: TriggerBridge


@contextmanager
def federated_login_world(*, dist: Path = contract.PAGE_DIST) -> Iterator[FederatedWorld]:
    site = StaticSite(dist=dist)
    started: list = [site]
    sagemaker = FakeSageMaker(teams=[local.TEAM_A, local.TEAM_B, local.TEAM_NOT_READY],
                              not_in_service=(local.TEAM_NOT_READY,))
    client_secret = secrets.token_urlsafe(32)  # a fresh one per run: nothing real to leak
    try:
        trigger = TriggerBridge(team_groups=TEAM_GROUPS, identity_provider=PROVIDER_NAME)
        started.append(trigger)
        provider = OpenIdProvider(client_id=local.CLIENT_ID, page_origin=site.origin, users=local.USERS,
                                  access_token_ttl_seconds=local.ACCESS_TOKEN_TTL_SECONDS)
        started.append(provider)
        entra = EntraIdProvider(client_secret=client_secret, redirect_uri=f"{provider.origin}/oauth2/idpresponse",
                                users=ENTRA_USERS)
        started.append(entra)
        provider.set_federation({
            "providerName": PROVIDER_NAME, "issuer": entra.issuer, "clientId": ENTRA_CLIENT_ID,
            "clientSecret": client_secret,
            "authorizeUrl": f"{entra.endpoints}/oauth2/v2.0/authorize",
            "tokenUrl": f"{entra.endpoints}/oauth2/v2.0/token",
            "jwksUrl": f"{entra.endpoints}/discovery/v2.0/keys",
            "triggerUrl": trigger.url, "groupsAttribute": GROUPS_ATTRIBUTE, "overageAttribute": OVERAGE_ATTRIBUTE,
            "clientIdOfPage": local.CLIENT_ID,
        })
        with local.presign_handler(sagemaker, site.origin) as handler:
            api = PresignApi(handler_module=handler,
                             authorizer=CognitoAuthorizer(issuer=provider.issuer, jwks_url=provider.jwks_url),
                             allowed_origins=[site.origin])
            started.append(api)
            site.configure(
                config={"apiUrl": api.url, "cognitoDomain": provider.origin, "clientId": local.CLIENT_ID,
                        "issuer": provider.issuer, "identityProvider": PROVIDER_NAME},
                headers=security_headers(api_origin=api.origin, cognito_origin=provider.origin),
            )
            yield FederatedWorld(site=site, provider=provider, api=api, sagemaker=sagemaker, entra=entra,
                                 trigger=trigger)
    finally:
        for server in reversed(started):
            server.stop()
