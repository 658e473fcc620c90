"""The `-c` keys this app reads; any other key is a typo until proven otherwise.

A mistyped key (`-c domain_name=team9`) would otherwise be ignored and the defaults
synthesized without a word. CDK's own keys pass: feature flags (`@aws-cdk/...`), the keys the
CLI sets (`aws:cdk:...`), context-lookup cache entries (`<provider>:account=...`) and the
notices acknowledgements.
"""

from __future__ import annotations

import difflib
from typing import Iterable

from studio_platform.errors import Problems

# key -> what it sets (the README's "Context flags" table lists the same keys; a test checks it).
APP_KEYS: dict[str, str] = {
    "account": "AWS account id",
    "region": "AWS region",
    "domain-name": "comma list of team names",
    "teams-file": "YAML/JSON file describing every team",
    "retired-teams": "team names removed with retention=retain",
    "user": "Cognito demo user",
    "user-team": "the demo user's team",
    "password": "demo user's password",
    "availability-zones": "zones of the isolated subnets",
    "vpc-cidr": "the VPC's address range",
    "instance-types": "instance-type allowlist of every team",
    "idle-timeout-minutes": "idle checker timeout of every team",
    "pip-index-url": "pip mirror of every team",
    "conda-channel-url": "conda mirror of every team",
    "retention": "what a team stack's deletion keeps",
    "api-endpoint-type": "regional or private login API",
    "api-gateway-account-role": "who sets the account's API Gateway logging role",
    "callback-urls": "OAuth callback URLs",
    "cors-origins": "origins allowed by CORS",
    "session-duration-seconds": "Studio session length",
    "user-pool-deletion-protection": "user pool deletion protection",
    "alarm-emails": "e-mails for login-path alarms",
    "login-page-domain": "the login page's own DNS name",
    "login-page-certificate-arn": "ACM certificate (us-east-1) of the login page's DNS name",
    "admin-role-arns": "platform roles with access to every team bucket",
    "order-approver-emails": "e-mails of the platform admins who approve orders",
    "order-approval-hours": "how long an order waits for approval",
    "order-deploy-source": "where the ordering deploy gets this project's code",
    "order-deploy-connection-arn": "CodeConnections connection of a GitHub deploy source",
    "order-entra-groups": "the workflow also creates the team's Entra ID group",
    "order-entra-tenant-id": "Entra ID tenant of the Graph app registration",
    "order-entra-client-id": "application (client) id of the Graph app registration",
    "order-entra-client-secret-name": "Secrets Manager name of that app's client secret",
    "order-entra-app-object-id": "object id of the sign-in app's service principal",
}
CDK_KEY_PREFIXES = ("@", "aws:cdk:")
CDK_KEYS = frozenset({"acknowledged-issue-numbers"})
LOOKUP_CACHE_MARKER = ":account="


def is_cdk_key(key: str) -> bool:
    return key.startswith(CDK_KEY_PREFIXES) or key in CDK_KEYS or LOOKUP_CACHE_MARKER in key


def check_context_keys(keys: Iterable[str], problems: Problems) -> None:
    """One problem per key that is neither this app's nor CDK's, with the closest known key."""
    for key in sorted(set(keys)):
        if key in APP_KEYS or is_cdk_key(key):
            continue
        normalised = key.strip().lower().replace("_", "-")
        close = difflib.get_close_matches(normalised, list(APP_KEYS), n=1, cutoff=0.6)
        hint = f"did you mean -c {close[0]}?" if close else f"known keys: {', '.join(APP_KEYS)}"
        problems.add(f"-c {key}", f"is not a setting of this app ({hint})")
