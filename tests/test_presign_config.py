"""Settings from environment variables: defaults, clamps, garbage tolerated."""

from __future__ import annotations

import pytest
from lambda_loader import load_lambda_module

load_lambda_module("presign_url_generator", "handler")
from presign.config import Settings  # noqa: E402
from studio_runtime.contracts.presign import Environment  # noqa: E402


def test_defaults():
    settings = Settings.from_env({})

    assert settings == Settings(
        url_expires_seconds=60,
        session_duration_seconds=28800,
        landing_uri="studio::",
        allowed_origins=frozenset(),
        domain_cache_ttl_seconds=300.0,
        profile_cache_ttl_seconds=300.0,
        profile_ready_timeout_seconds=12.0,
        profile_poll_interval_seconds=1.0,
    )


@pytest.mark.parametrize(
    ("name", "raw", "attribute", "expected"),
    [
        ("URL_EXPIRES_SECONDS", "4", "url_expires_seconds", 5),
        ("URL_EXPIRES_SECONDS", "301", "url_expires_seconds", 300),
        ("URL_EXPIRES_SECONDS", "120", "url_expires_seconds", 120),
        ("URL_EXPIRES_SECONDS", "nan", "url_expires_seconds", 60),
        ("URL_EXPIRES_SECONDS", "", "url_expires_seconds", 60),
        ("SESSION_DURATION_SECONDS", "1799", "session_duration_seconds", 1800),
        ("SESSION_DURATION_SECONDS", "43201", "session_duration_seconds", 43200),
        ("SESSION_DURATION_SECONDS", "3600.9", "session_duration_seconds", 3600),
        ("SESSION_DURATION_SECONDS", "inf", "session_duration_seconds", 28800),
        ("DOMAIN_CACHE_TTL_SECONDS", "-5", "domain_cache_ttl_seconds", 0.0),
        ("DOMAIN_CACHE_TTL_SECONDS", "1e9", "domain_cache_ttl_seconds", 3600.0),
        ("PROFILE_CACHE_TTL_SECONDS", "-1", "profile_cache_ttl_seconds", 0.0),
        ("PROFILE_CACHE_TTL_SECONDS", "0", "profile_cache_ttl_seconds", 0.0),
        ("PROFILE_CACHE_TTL_SECONDS", "3601", "profile_cache_ttl_seconds", 3600.0),
        ("PROFILE_CACHE_TTL_SECONDS", "90", "profile_cache_ttl_seconds", 90.0),
        ("PROFILE_CACHE_TTL_SECONDS", "soon", "profile_cache_ttl_seconds", 300.0),
        ("PROFILE_READY_TIMEOUT_SECONDS", "60", "profile_ready_timeout_seconds", 15.0),
        ("PROFILE_POLL_INTERVAL_SECONDS", "0", "profile_poll_interval_seconds", 0.1),
        ("LANDING_URI", "  app:CodeEditor: ", "landing_uri", "app:CodeEditor:"),
        ("LANDING_URI", "x" * 1024, "landing_uri", "studio::"),
    ],
)
def test_values_are_clamped(name, raw, attribute, expected):
    assert getattr(Settings.from_env({name: raw}), attribute) == expected


def test_allowed_origins_are_exact_entries():
    settings = Settings.from_env({"ALLOWED_ORIGINS": " https://a.example.com ,,https://b.example.com,"})

    assert settings.allowed_origins == {"https://a.example.com", "https://b.example.com"}


def test_a_wildcard_origin_grants_nothing():
    # Powertools' CORSConfig would answer every origin for "*"; only exact origins are kept.
    settings = Settings.from_env({"ALLOWED_ORIGINS": "*, https://a.example.com"})

    assert settings.allowed_origins == {"https://a.example.com"}
    assert Settings.from_env({"ALLOWED_ORIGINS": "*"}).allowed_origins == frozenset()


def test_every_variable_of_the_contract_is_read():
    # The construct sets these names (studio_runtime/contracts/presign.py); each must change a setting.
    changed = {
        Environment.URL_EXPIRES_SECONDS: "120",
        Environment.SESSION_DURATION_SECONDS: "3600",
        Environment.LANDING_URI: "app:JupyterLab:",
        Environment.ALLOWED_ORIGINS: "https://a.example.com",
        Environment.DOMAIN_CACHE_TTL_SECONDS: "60",
        Environment.PROFILE_CACHE_TTL_SECONDS: "0",
        Environment.PROFILE_READY_TIMEOUT_SECONDS: "5",
        Environment.PROFILE_POLL_INTERVAL_SECONDS: "2",
    }
    # The log level is Powertools' to read (studio_runtime/log.py), not a setting of this function.
    assert set(changed) == Environment.names() - {Environment.LOG_LEVEL}
    for name, value in changed.items():
        assert Settings.from_env({name: value}) != Settings(), name
