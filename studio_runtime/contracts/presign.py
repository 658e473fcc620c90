"""The presigned-URL API: what its construct sets and its function reads, and the profile tags.

Construct: studio_constructs/presigned_url_api.py. Function: lambda/presign_url_generator/.
"""

from __future__ import annotations

from studio_runtime.contracts import TEAM_TAG_KEY, EnvironmentVariables

CODE_DIR = "presign_url_generator"

# The one method the construct integrates with the function (any other is API Gateway's own answer).
ROUTE_METHOD = "GET"
ROUTE_RESOURCE = "/domainName/{domainName}/getPresignedUrl"

# Tags the function puts on a user profile it creates, which the construct's IAM conditions
# allow: the team, and the Cognito identity that owns the profile (checked on every login).
PROFILE_TEAM_TAG = TEAM_TAG_KEY
OWNER_SUB_TAG = "CognitoSub"
OWNER_USERNAME_TAG = "CognitoUsername"
PROFILE_TAG_KEYS = (PROFILE_TEAM_TAG, OWNER_SUB_TAG, OWNER_USERNAME_TAG)


class Environment(EnvironmentVariables):
    """All optional; the function's defaults and clamps are in presign/config.py."""

    URL_EXPIRES_SECONDS = "URL_EXPIRES_SECONDS"
    SESSION_DURATION_SECONDS = "SESSION_DURATION_SECONDS"
    LANDING_URI = "LANDING_URI"
    # Comma list of exact origins that get Access-Control-Allow-Origin; none by default.
    ALLOWED_ORIGINS = "ALLOWED_ORIGINS"
    DOMAIN_CACHE_TTL_SECONDS = "DOMAIN_CACHE_TTL_SECONDS"
    # How long a warm container trusts a profile it verified (InService, owned by the caller's sub).
    PROFILE_CACHE_TTL_SECONDS = "PROFILE_CACHE_TTL_SECONDS"
    PROFILE_READY_TIMEOUT_SECONDS = "PROFILE_READY_TIMEOUT_SECONDS"
    PROFILE_POLL_INTERVAL_SECONDS = "PROFILE_POLL_INTERVAL_SECONDS"
    # Read by Powertools' Logger (studio_runtime/log.py).
    LOG_LEVEL = "POWERTOOLS_LOG_LEVEL"
