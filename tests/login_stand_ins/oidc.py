"""The Cognito stand-in: oidc_provider.mjs (a real OpenID provider) in a Node process on loopback."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import tempfile
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from login_stand_ins import processes

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = Path(__file__).resolve().parent / "oidc_provider.mjs"
NODE = PROJECT_ROOT / ".venv" / "node" / "bin" / "node"
POOL_ID = "eu-central-1_StandIn1"
STARTUP_SECONDS = 20


@dataclass(frozen=True)
class TestUser:
    username: str
    password: str
    sub: str
    email: str
    groups: tuple[str, ...]


class OpenIdProvider:
    """Started with the page's client and the users; `events()` is what the provider saw."""

    def __init__(
        self, *, client_id: str, page_origin: str, users: list[TestUser], access_token_ttl_seconds: int
    ) -> None:
        settings = {
            "clientId": client_id,
            # Exactly the page origin + "/", as the stack registers callback and logout URLs.
            "redirectUris": [f"{page_origin}/"],
            "logoutUris": [f"{page_origin}/"],
            "poolId": POOL_ID,
            "accessTokenTtlSeconds": access_token_ttl_seconds,
            "users": [{**asdict(user), "groups": list(user.groups)} for user in users],
        }
        node = str(NODE) if NODE.exists() else "node"
        # A file, not a pipe: a pipe nobody reads would block the provider once it filled.
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self._process = subprocess.Popen(
            [node, str(SCRIPT), json.dumps(settings)],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            env={**os.environ, "NODE_ENV": "test"},
        )
        ready = self._read_ready_line()
        self.origin: str = ready["origin"]
        self.issuer: str = ready["issuer"]
        self.jwks_url = f"{self.issuer}/.well-known/jwks.json"
        self.token_url = f"{self.origin}/oauth2/token"

    def _read_ready_line(self) -> dict[str, Any]:
        selector = selectors.DefaultSelector()
        selector.register(self._process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=STARTUP_SECONDS):
            self.stop()
            raise RuntimeError(f"the OpenID provider stand-in did not start in {STARTUP_SECONDS} s")
        line = self._process.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError(f"the OpenID provider stand-in exited: {self.diagnostics()}")
        return json.loads(line)

    def diagnostics(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.origin}/__stand-in/events", timeout=5) as response:
            found = json.load(response)
        return [event for event in found if kind is None or event["type"] == kind]

    def set_access_token_ttl(self, seconds: int) -> None:
        request = urllib.request.Request(
            f"{self.origin}/__stand-in/settings",
            data=json.dumps({"accessTokenTtlSeconds": seconds}).encode(),
            method="POST",
        )
        urllib.request.urlopen(request, timeout=5).close()

    def set_federation(self, federation: dict[str, Any]) -> None:
        """The federated identity provider (federation.mjs settings), once its stand-in runs."""
        request = urllib.request.Request(
            f"{self.origin}/__stand-in/settings",
            data=json.dumps({"federation": federation}).encode(),
            method="POST",
        )
        urllib.request.urlopen(request, timeout=5).close()

    def stop(self) -> None:
        processes.stop(self._process)
