"""The teams file's `identity_provider:` block and a team's `idp_groups`: accepted values, refusals
in one line each (file, field, rule), and what reaches PlatformConfig."""

from __future__ import annotations

import textwrap

import pytest

from studio_platform.config import load_platform_config
from studio_platform.errors import ConfigError, problems_of
from studio_platform.settings_identity import cognito_provider_name

OIDC = """\
identity_provider:
  type: oidc
  name: EntraID
  issuer: https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0
  client_id: 11111111-2222-3333-4444-555555555555
  client_secret_name: studio/entra-client-secret
"""
SAML = """\
identity_provider:
  type: saml
  name: EntraSaml
  metadata_url: https://login.microsoftonline.com/tenant/federationmetadata/2007-06/federationmetadata.xml
  groups_claim: http://schemas.microsoft.com/ws/2008/06/identity/claims/groups
"""
TEAMS = """\
teams:
  - name: vision
    idp_groups: ["7f1c2a9e-5b1d-4c3e-9a8f-0123456789ab", "shared"]
  - name: churn
    idp_groups: ["shared"]
  - name: analytics
"""


def load(tmp_path, text: str):
    path = tmp_path / "teams.yaml"
    path.write_text(textwrap.dedent(text))
    return load_platform_config({"account": "111111111111", "region": "eu-central-1", "teams-file": str(path)}.get)


def problems(tmp_path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as refused:
        load(tmp_path, text)
    return [str(problem) for problem in problems_of(refused.value)]


def test_oidc_provider_and_team_groups_reach_the_config(tmp_path):
    config = load(tmp_path, OIDC + TEAMS)
    provider = config.identity_provider
    assert (provider.type, provider.name, provider.client_secret_name) == ("oidc", "EntraID", "studio/entra-client-secret")
    assert provider.groups_claim == "groups" and provider.metadata_url is None
    # An IdP group may enter several teams; a team without idp_groups is entered by its name.
    assert {team.name: team.entry_groups for team in config.teams} == {
        "vision": ("7f1c2a9e-5b1d-4c3e-9a8f-0123456789ab", "shared"),
        "churn": ("shared",),
        "analytics": ("analytics",),
    }


def test_saml_provider_takes_its_metadata_and_attribute_name(tmp_path):
    provider = load(tmp_path, SAML + TEAMS).identity_provider
    assert provider.type == "saml" and provider.metadata_url.startswith("https://")
    assert provider.groups_claim.endswith("/claims/groups") and provider.client_id is None


def test_without_a_provider_there_is_none_and_teams_are_unchanged(tmp_path):
    config = load(tmp_path, "teams:\n  - name: vision\n")
    assert config.identity_provider is None and config.team("vision").idp_groups == ()


@pytest.mark.parametrize(
    "block, expected",
    [
        (OIDC.replace("  client_id: 11111111-2222-3333-4444-555555555555\n", ""), ["identity_provider.client_id: is required: the IdP's application (client) id, without spaces (oidc only)"]),
        (OIDC.replace("  client_secret_name: studio/entra-client-secret\n", ""), ["identity_provider.client_secret_name: is required: the name of the Secrets Manager secret"]),
        (OIDC + "  metadata_url: https://idp.example.com/metadata.xml\n", ["identity_provider.metadata_url: is not a setting of an OIDC provider; drop it"]),
        (OIDC.replace("https://login", "http://login"), ["identity_provider.issuer: 'http://login.microsoftonline.com/"]),
        (SAML.replace("  metadata_url: https", "  metadata: https"), ["identity_provider.metadata: is not a known field (did you mean 'metadata_url'?)"]),
        (SAML + "  client_id: abc\n  client_secret_name: x\n", ["identity_provider.client_id: is not a setting of an SAML provider", "identity_provider.client_secret_name: is not a setting of an SAML provider"]),
        (SAML.replace("metadata_url: https:", "metadata_url: ftp:"), ["identity_provider.metadata_url: 'ftp://login"]),
        (OIDC.replace("type: oidc", "type: ldap"), ["identity_provider.type: must be oidc or saml"]),
        (OIDC.replace("name: EntraID", "name: Entra ID"), ["identity_provider.name: 'Entra ID' must be 3-32 characters without spaces or underscores"]),
        (OIDC.replace("name: EntraID", "name: Entra_ID"), ["identity_provider.name: 'Entra_ID' must be 3-32"]),
        (OIDC.replace("name: EntraID", "name: COGNITO"), ["identity_provider.name: 'COGNITO' is a name Cognito reserves"]),
        (OIDC.replace("studio/entra-client-secret", "'secret with spaces'"), ["identity_provider.client_secret_name: must be the name of the Secrets Manager secret"]),
        (OIDC + "  groups_claim: 'my groups'\n", ["identity_provider.groups_claim: must be the name of the IdP claim"]),
    ],
    ids=[
        "oidc-no-client-id", "oidc-no-secret", "oidc-metadata", "oidc-http-issuer", "saml-typo", "saml-client-settings",
        "saml-ftp", "type-ldap", "name-space", "name-underscore", "name-reserved", "secret-spaces", "claim-spaces",
    ],
)
def test_a_bad_provider_is_refused_in_one_line_per_problem(tmp_path, block, expected):
    lines = problems(tmp_path, block + TEAMS)
    assert len(lines) == len(expected), lines
    for line, fragment in zip(lines, expected):
        assert line.startswith(f"{tmp_path / 'teams.yaml'}: ") and fragment in line, line


@pytest.mark.parametrize(
    "team, fragment",
    [
        ("    idp_groups: []\n", "teams[0] (vision).idp_groups: must be a non-empty list of the IdP groups"),
        ("    idp_groups: [a, a]\n", 'teams[0] (vision).idp_groups: lists "a" more than once'),
        ("    idp_groups: ['']\n", "teams[0] (vision).idp_groups[0]: must be an IdP group"),
        ("    idp_groups: [' padded']\n", "teams[0] (vision).idp_groups[0]: ' padded' must be an IdP group id or name without"),
        ("    idp_groups: [12]\n", "teams[0] (vision).idp_groups[0]: must be an IdP group"),
        ("    idp_groups: group-a\n", "teams[0] (vision).idp_groups: must be a non-empty list"),
    ],
    ids=["empty", "repeated", "empty-string", "padded", "number", "not-a-list"],
)
def test_bad_idp_groups_are_refused(tmp_path, team, fragment):
    lines = problems(tmp_path, OIDC + "teams:\n  - name: vision\n" + team)
    assert len(lines) == 1 and fragment in lines[0], lines


def test_idp_groups_need_a_provider(tmp_path):
    lines = problems(tmp_path, "teams:\n  - name: vision\n  - name: churn\n    idp_groups: [g]\n")
    assert lines == [
        f"{tmp_path / 'teams.yaml'}: teams[1] (churn).idp_groups: has no effect without an identity_provider: add the "
        "identity_provider block, or drop it"
    ]


def test_idp_groups_are_a_team_setting_not_a_default(tmp_path):
    lines = problems(tmp_path, OIDC + "defaults:\n  idp_groups: [g]\n" + TEAMS)
    assert len(lines) == 1 and "defaults.idp_groups: is not a known field" in lines[0], lines


@pytest.mark.parametrize("name", ["EntraID", "Okta-Corp", "a_b", "Azure.AD", "Ümlaut", "x" * 32])
def test_cognito_accepts_these_provider_names(name):
    assert cognito_provider_name(name) == name


@pytest.mark.parametrize("name", ["ab", "x" * 33, "_ab", "ab_c", "a b", "a\u00a0bc", "Google", "signinwithapple"])
def test_cognito_refuses_these_provider_names(name):
    with pytest.raises(ConfigError):
        cognito_provider_name(name)
