"""The pre-token-generation trigger (V2 event) and the user pool that invokes it.

Construct: studio_constructs/identity_federation.py (user pool wiring). Function:
lambda/pre_token_generation/. The mapping of teams to IdP groups is a file in the function's
code (TEAM_GROUPS_FILE), not an environment variable: Lambda allows 4 KB of variables in all,
which 25+ teams with Entra object ids would outgrow.
"""

from __future__ import annotations

from studio_runtime.contracts import EnvironmentVariables

CODE_DIR = "pre_token_generation"
# {"<team>": ["<IdP group id or name>", ...], ...}: exactly the teams of the platform; a team
# without `idp_groups` in the teams file is entered by the IdP group named like the team.
TEAM_GROUPS_FILE = "team_groups.json"
# The user pool maps the IdP's groups claim into this custom attribute; clients may not write it.
GROUPS_ATTRIBUTE = "custom:idp_groups"
# Entra ID replaces the groups claim by `_claim_names` (a link to Graph) past 200 groups in a
# JWT (150 in SAML): mapped here, it tells "too many groups" from "no groups".
OVERAGE_ATTRIBUTE = "custom:idp_groups_overage"
# Cognito's limit for a custom string attribute.
MAX_ATTRIBUTE_LENGTH = 2048
# Added to the access token when the IdP sent no usable groups because of the overage, so the
# login page can say why the user is in no team.
OVERAGE_CLAIM = "studio:groups_overage"


class Environment(EnvironmentVariables):
    # The user pool's name of the identity provider: only users federated through it get groups
    # from GROUPS_ATTRIBUTE; local users keep their Cognito groups.
    IDENTITY_PROVIDER = "IDENTITY_PROVIDER"
