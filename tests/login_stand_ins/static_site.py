"""The built page as CloudFront serves it, on loopback: login_page/dist, config.json, the real headers.

The headers come from studio_constructs/login_page_contract.py with the stand-ins' origins, so
the browser enforces the policy the stack deploys (minus upgrade-insecure-requests: loopback is http).
"""

from __future__ import annotations

import json
import mimetypes
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from studio_constructs import login_page_contract as contract

NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
ROOT_OBJECT = "index.html"


def security_headers(*, api_origin: str, cognito_origin: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": contract.content_security_policy(
            api_origin=api_origin, cognito_origin=cognito_origin, https_only=False
        ),
        "Strict-Transport-Security": (
            f"max-age={contract.STRICT_TRANSPORT_SECURITY_SECONDS}; includeSubDomains; preload"
        ),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": contract.FRAME_OPTIONS,
        "Referrer-Policy": contract.REFERRER_POLICY,
        "Permissions-Policy": contract.PERMISSIONS_POLICY,
    }


class StaticSite:
    """Serves `dist` and a config.json with exactly the contract's keys, as the stack writes it."""

    def __init__(self, *, dist: Path) -> None:
        self.dist = dist
        self.config: dict[str, str] = {}
        self.paths: list[str] = []
        # Set by `configure` once the stand-ins' origins are known (they need the page's first).
        self.headers: dict[str, str] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._request_handler())
        self._server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def configure(self, *, config: dict[str, str], headers: dict[str, str]) -> None:
        contract.check_config_keys(config)  # as the stack writes it: required keys, then optional ones
        self.config = config
        self.headers = headers

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _file(self, path: str) -> tuple[bytes, str, str] | None:
        if path == f"/{contract.CONFIG_FILE}":
            return json.dumps(self.config).encode(), "application/json", NO_CACHE
        name = path.lstrip("/") or ROOT_OBJECT
        target = (self.dist / name).resolve()
        if not target.is_file() or self.dist.resolve() not in target.parents:
            return None
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type == "application/javascript":
            content_type += "; charset=utf-8"
        return target.read_bytes(), content_type, NO_CACHE if name == ROOT_OBJECT else IMMUTABLE

    def _request_handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                path = urllib.parse.urlsplit(self.path).path
                site.paths.append(self.path)
                found = site._file(path)
                # S3 behind OAC answers 403 for a key it does not have.
                denied = (b"<Error><Code>AccessDenied</Code></Error>", "application/xml", NO_CACHE)
                body, content_type, cache = found or denied
                self.send_response(200 if found else 403)
                for name, value in {**site.headers, "Content-Type": content_type, "Cache-Control": cache,
                                    "Content-Length": str(len(body))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        return Handler
