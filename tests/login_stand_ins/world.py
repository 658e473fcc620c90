"""Everything the login page talks to, started together on loopback, and the users who sign in."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from lambda_loader import load_lambda_module
from login_stand_ins.api import CognitoAuthorizer, PresignApi
from login_stand_ins.fake_sagemaker import FakeSageMaker
from login_stand_ins.oidc import OpenIdProvider, TestUser
from login_stand_ins.static_site import StaticSite, security_headers
from studio_constructs import login_page_contract as contract
from studio_runtime.contracts.ordering_api import REQUESTERS_GROUP
from studio_runtime.contracts.presign import Environment

CLIENT_ID = "4pagestandin0client00000ab"  # 26 lowercase letters and digits, like Cognito's
PASSWORD = "Correct-Horse-42!"
TEAM_A, TEAM_B, TEAM_NOT_READY = "team-a", "team-b", "team-c"
# Alice may also order teams: the ordering API's group is no team, so she still has one.
ONE_TEAM = TestUser(
    "alice", PASSWORD, "1b6f5c0e-0d8c-4c2e-9a51-0a1b2c3d4e01", "alice@example.com", (TEAM_A, REQUESTERS_GROUP)
)
TWO_TEAMS = TestUser("bob", PASSWORD, "2c7a6d1f-1e9d-4d3f-8b62-1b2c3d4e5f02", "bob@example.com", (TEAM_A, TEAM_B))
NO_TEAM = TestUser("carol", PASSWORD, "3d8b7e2a-2fae-4e4a-9c73-2c3d4e5f6a03", "carol@example.com", ())
NOT_READY = TestUser("dave", PASSWORD, "4e9c8f3b-3abf-4f5b-8d84-3d4e5f6a7b04", "dave@example.com", (TEAM_NOT_READY,))
USERS = [ONE_TEAM, TWO_TEAMS, NO_TEAM, NOT_READY]
ACCESS_TOKEN_TTL_SECONDS = 3600


@dataclass
class LoginWorld:
    site: StaticSite
    provider: OpenIdProvider
    api: PresignApi
    sagemaker: FakeSageMaker


@contextmanager
def presign_handler(sagemaker: FakeSageMaker, allowed_origin: str) -> Iterator[object]:
    """The real handler module, its container's SageMaker client replaced by the fake."""
    handler = load_lambda_module("presign_url_generator")
    saved = handler.create_sagemaker_client, handler._container, os.environ.get(Environment.ALLOWED_ORIGINS)
    handler.create_sagemaker_client = lambda: sagemaker
    handler._container = None  # built again on the first request, around the fake
    os.environ[Environment.ALLOWED_ORIGINS] = allowed_origin
    try:
        yield handler
    finally:
        handler.create_sagemaker_client, handler._container = saved[0], saved[1]
        if saved[2] is None:
            os.environ.pop(Environment.ALLOWED_ORIGINS, None)
        else:
            os.environ[Environment.ALLOWED_ORIGINS] = saved[2]


@contextmanager
def login_world(*, dist: Path = contract.PAGE_DIST) -> Iterator[LoginWorld]:
    site = StaticSite(dist=dist)
    provider = api = None
    sagemaker = FakeSageMaker(teams=[TEAM_A, TEAM_B, TEAM_NOT_READY], not_in_service=(TEAM_NOT_READY,))
    try:
        provider = OpenIdProvider(client_id=CLIENT_ID, page_origin=site.origin, users=USERS,
                                  access_token_ttl_seconds=ACCESS_TOKEN_TTL_SECONDS)
        with presign_handler(sagemaker, site.origin) as handler:
            api = PresignApi(handler_module=handler,
                             authorizer=CognitoAuthorizer(issuer=provider.issuer, jwks_url=provider.jwks_url),
                             allowed_origins=[site.origin])
            site.configure(
                config={"apiUrl": api.url, "cognitoDomain": provider.origin, "clientId": CLIENT_ID,
                        "issuer": provider.issuer},
                headers=security_headers(api_origin=api.origin, cognito_origin=provider.origin),
            )
            yield LoginWorld(site=site, provider=provider, api=api, sagemaker=sagemaker)
    finally:
        for server in (api, provider, site):
            if server is not None:
                server.stop()
