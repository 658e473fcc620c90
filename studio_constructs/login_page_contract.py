"""What the login page and its hosting agree on: the run-time configuration file the stack
writes next to the page, and the security headers CloudFront serves it with.

The page (login_page/src) reads `config.json` at start; nothing about the deployment is built
into its bundle. The browser test serves the built page with the headers built here, with the
stand-ins' loopback origins, so the policy the test proves is the one CloudFront sends.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PAGE_SOURCE = PROJECT_ROOT / "login_page"
# `make synth` / `make test` build the page here (login_page/build.mjs); the stack deploys it.
PAGE_DIST = PAGE_SOURCE / "dist"
CONFIG_FILE = "config.json"
# apiUrl: the presign API's base URL, ending in "/"; cognitoDomain: the hosted UI's base URL
# (https://<prefix>.auth.<region>.amazoncognito.com, no trailing "/"); clientId: the page's
# public app client; issuer: the user pool's issuer (https://cognito-idp.<region>.amazonaws.com/<pool id>).
CONFIG_KEYS = ("apiUrl", "cognitoDomain", "clientId", "issuer")
# identityProvider: the user pool's name of the company's IdP, only when one is configured; the
# page then sends `identity_provider=<name>` on the authorize request (straight to the IdP).
OPTIONAL_CONFIG_KEYS = ("identityProvider",)
# The access token must carry `openid`: the API's Cognito authorizer requires that scope.
SCOPES = ("openid", "email", "profile")


def content_security_policy(*, api_origin: str, cognito_origin: str, https_only: bool = True) -> str:
    """Only the page's own files; fetches to itself, the API and Cognito's token endpoints.

    Sign-in, sign-out and Studio are top-level navigations, which CSP does not restrict.
    `https_only` adds upgrade-insecure-requests (off for the loopback stand-ins).
    """
    directives = [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "manifest-src 'self'",
        f"connect-src 'self' {api_origin} {cognito_origin}",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ]
    if https_only:
        directives.append("upgrade-insecure-requests")
    return "; ".join(directives)


# The other headers every response of the page carries (CloudFront's response headers policy).
STRICT_TRANSPORT_SECURITY_SECONDS = 63072000  # two years, subdomains included, preload
REFERRER_POLICY = "no-referrer"
FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def page_config(
    *, api_url: str, cognito_domain: str, client_id: str, issuer: str, identity_provider: str | None = None
) -> dict[str, str]:
    """`config.json` as the page reads it, keyed by CONFIG_KEYS and, when given, the optional
    keys (values may be deploy-time tokens)."""
    config = {"apiUrl": api_url, "cognitoDomain": cognito_domain, "clientId": client_id, "issuer": issuer}
    assert tuple(config) == CONFIG_KEYS, "page_config and CONFIG_KEYS must name the same keys"
    if identity_provider is not None:
        config["identityProvider"] = identity_provider
    check_config_keys(config)
    return config


def check_config_keys(config: dict[str, str]) -> None:
    """Exactly CONFIG_KEYS, in order, then only OPTIONAL_CONFIG_KEYS (each at most once)."""
    keys = tuple(config)
    extra = keys[len(CONFIG_KEYS) :]
    if keys[: len(CONFIG_KEYS)] != CONFIG_KEYS or not set(extra) <= set(OPTIONAL_CONFIG_KEYS):
        raise ValueError(f"config.json must have {CONFIG_KEYS} and optionally {OPTIONAL_CONFIG_KEYS}, got {keys}")
