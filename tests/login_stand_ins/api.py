"""The presign API as API Gateway serves it, on loopback, in front of the REAL presign handler.

What API Gateway does before the function is done here as it does it: the CORS preflight from
its mock integration (the configured origin only), the Cognito authorizer (signature from the
user pool's JWKS, issuer, expiry, token_use=access, the route's scope `openid`) with its 401
answers, then a REST proxy event with the token's claims in requestContext.authorizer.claims
and the decoded pathParameters.domainName. The handler's answer goes back unchanged.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from lambda_context import LambdaContext

STAGE = "prod"
ROUTE = re.compile(rf"^/{STAGE}/domainName/(?P<domain>[^/]+)/getPresignedUrl$")
RESOURCE = "/domainName/{domainName}/getPresignedUrl"
REQUIRED_SCOPE = "openid"
LAMBDA_TIMEOUT_SECONDS = 20.0


class Rejected(Exception):
    """The authorizer's answer: 401 with API Gateway's fixed message."""


@dataclass
class ApiRequest:
    method: str
    path: str
    status: int | None
    origin: str | None
    at: float = field(default_factory=time.time)


class CognitoAuthorizer:
    """Verifies an access token as API Gateway's Cognito user-pool authorizer does."""

    def __init__(self, *, issuer: str, jwks_url: str) -> None:
        self.issuer = issuer
        self.jwks_url = jwks_url
        self.clock_offset_seconds = 0.0  # the test moves the API's clock to expire tokens
        self._keys: KeySet | None = None

    def _key_set(self, kid: str | None) -> KeySet:
        # Fetched once and again for an unknown key id, as the authorizer caches the JWKS.
        if self._keys is None or not any(key.kid == kid for key in self._keys.keys):
            with urllib.request.urlopen(self.jwks_url, timeout=5) as response:
                self._keys = KeySet.import_key_set(json.load(response))
        return self._keys

    def claims(self, authorization: str | None) -> dict[str, Any]:
        if not authorization:
            raise Rejected("Unauthorized")
        token = authorization.removeprefix("Bearer ").strip()
        try:
            header = json.loads(_b64(token.split(".")[0]))
            decoded = jwt.decode(token, self._key_set(header.get("kid")), algorithms=["RS256"])
        except (JoseError, ValueError, IndexError):
            raise Rejected("Unauthorized") from None
        claims = decoded.claims
        if claims.get("iss") != self.issuer or claims.get("token_use") != "access":
            raise Rejected("Unauthorized")
        if not isinstance(claims.get("exp"), int) or claims["exp"] <= time.time() + self.clock_offset_seconds:
            raise Rejected("The incoming token has expired")
        if REQUIRED_SCOPE not in str(claims.get("scope", "")).split():
            raise Rejected("Unauthorized")
        return claims


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def authorizer_claims(claims: dict[str, Any]) -> dict[str, str]:
    """The claims as a REST API's Cognito authorizer passes them: every value a string."""
    flat: dict[str, str] = {}
    for name, value in claims.items():
        if name in ("exp", "iat", "auth_time") and isinstance(value, int):
            flat[name] = datetime.fromtimestamp(value, timezone.utc).strftime("%a %b %d %H:%M:%S UTC %Y")
        elif isinstance(value, list):
            flat[name] = ",".join(str(item) for item in value)
        else:
            flat[name] = str(value)
    return flat


class PresignApi:
    """Serves `http://127.0.0.1:<port>/prod/`; `down = True` drops every connection unanswered."""

    def __init__(self, *, handler_module: Any, authorizer: CognitoAuthorizer, allowed_origins: list[str]) -> None:
        self.handler_module = handler_module
        self.authorizer = authorizer
        self.allowed_origins = allowed_origins
        self.down = False
        self.requests: list[ApiRequest] = []
        # One Lambda container serves one request at a time.
        self._invoke_lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._request_handler())
        self._server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.url = f"{self.origin}/{STAGE}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def presign_requests(self, method: str = "GET") -> list[ApiRequest]:
        return [request for request in self.requests if request.method == method]

    def preflight_headers(self, origin: str | None) -> dict[str, str]:
        # API Gateway's CORS mock integration: the caller's origin when configured, else the first.
        chosen = origin if origin in self.allowed_origins else self.allowed_origins[0]
        return {"Access-Control-Allow-Origin": chosen, "Vary": "Origin", "Access-Control-Allow-Methods": "GET",
                "Access-Control-Allow-Headers": "Authorization", "Access-Control-Max-Age": "600"}

    def gateway_response_headers(self) -> dict[str, str]:
        # API Gateway's own answers (DEFAULT_4XX/5XX gateway responses) carry one fixed origin,
        # the first (PresignedUrlApi.allow_origins): without it the page could not read a 401.
        return {"Access-Control-Allow-Origin": self.allowed_origins[0], "Vary": "Origin"}

    def invoke(self, *, domain: str, claims: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        path = f"/domainName/{urllib.parse.unquote(domain)}/getPresignedUrl"
        event = {
            "resource": RESOURCE,
            "path": path,
            "httpMethod": "GET",
            "headers": headers,
            "multiValueHeaders": {name: [value] for name, value in headers.items()},
            "queryStringParameters": None,
            "multiValueQueryStringParameters": None,
            "pathParameters": {"domainName": urllib.parse.unquote(domain)},
            "stageVariables": None,
            "requestContext": {
                "resourcePath": RESOURCE,
                "httpMethod": "GET",
                "path": f"/{STAGE}{path}",
                "stage": STAGE,
                "requestId": str(uuid.uuid4()),
                "protocol": "HTTP/1.1",
                "identity": {"sourceIp": "127.0.0.1"},
                "authorizer": {"claims": authorizer_claims(claims)},
            },
            "body": None,
            "isBase64Encoded": False,
        }
        context = LambdaContext(function_name="PreSignUrlGenerator", aws_request_id=str(uuid.uuid4()),
                                timeout_seconds=LAMBDA_TIMEOUT_SECONDS)
        with self._invoke_lock:
            return self.handler_module.handler(event, context)

    def _request_handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:  # requests are recorded in api.requests
                pass

            def _answer(self, status: int, headers: dict[str, str], body: str = "") -> None:
                encoded = body.encode()
                api.requests.append(ApiRequest(self.command, self.path, status, self.headers.get("Origin")))
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(encoded))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(encoded)

            def _gateway_answer(self, status: int, message: str) -> None:
                self._answer(status, {"Content-Type": "application/json", **api.gateway_response_headers()},
                             json.dumps({"message": message}))

            def _unreachable(self) -> bool:
                if api.down:
                    api.requests.append(ApiRequest(self.command, self.path, None, self.headers.get("Origin")))
                    self.close_connection = True
                return api.down

            def do_OPTIONS(self) -> None:  # noqa: N802 (http.server's naming)
                if self._unreachable():
                    return
                if not ROUTE.match(urllib.parse.urlsplit(self.path).path):
                    return self._gateway_answer(403, "Missing Authentication Token")
                self._answer(204, api.preflight_headers(self.headers.get("Origin")))

            def do_GET(self) -> None:  # noqa: N802
                if self._unreachable():
                    return
                route = ROUTE.match(urllib.parse.urlsplit(self.path).path)
                if not route:
                    return self._gateway_answer(403, "Missing Authentication Token")
                try:
                    claims = api.authorizer.claims(self.headers.get("Authorization"))
                except Rejected as rejected:
                    return self._gateway_answer(401, str(rejected))
                response = api.invoke(domain=route["domain"], claims=claims, headers=dict(self.headers.items()))
                headers = {name: values[-1] for name, values in (response.get("multiValueHeaders") or {}).items()}
                headers.update(response.get("headers") or {})
                self._answer(response["statusCode"], headers, response.get("body") or "")

        return Handler
