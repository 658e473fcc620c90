"""The company's IdP in the user pool, the pre-token-generation trigger, and who-did-what in Studio.

Construct-level: StudioUserPool alone (OIDC, SAML, none) in a small stack, synthesized to a cloud
assembly so the trigger's generated mapping file can be read from its code asset. Platform-level:
the whole app from a teams file with an OIDC provider (cdk-nag runs during that synth).
"""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from platform_synth import default_context, only, synth_platform

from studio_constructs.function_code import staged_code
from studio_constructs.identity_federation import team_groups_document
from studio_constructs.login_page_contract import CONFIG_KEYS, OPTIONAL_CONFIG_KEYS, check_config_keys, page_config
from studio_constructs.user_pool import StudioUserPool
from studio_platform.settings import IdentityProviderConfig
from studio_runtime.contracts.pre_token_generation import (
    CODE_DIR,
    GROUPS_ATTRIBUTE,
    OVERAGE_ATTRIBUTE,
    TEAM_GROUPS_FILE,
    Environment,
)

SECRET_NAME = "studio/entra-client-secret"
OIDC = IdentityProviderConfig(
    type="oidc",
    name="EntraID",
    issuer="https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
    client_id="11111111-2222-3333-4444-555555555555",
    client_secret_name=SECRET_NAME,
)
SAML = IdentityProviderConfig(
    type="saml",
    name="EntraSaml",
    metadata_url="https://login.microsoftonline.com/tenant/federationmetadata/2007-06/federationmetadata.xml",
    groups_claim="http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
)
TEAM_GROUPS = {"vision": ["7f1c2a9e-5b1d-4c3e-9a8f-0123456789ab", "shared"], "churn": ["shared"], "analytics": ["analytics"]}
# The teams file of the platform-level tests: OIDC, and the teams of TEAM_GROUPS.
TEAMS_FILE = Path(__file__).with_name("teams_identity_provider.yaml")


def pool_assembly(tmp_path: Path, provider: IdentityProviderConfig | None) -> tuple[dict, Path]:
    """The template of a stack holding only the user pool, and the assembly's directory."""
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = cdk.Stack(app, "Pool", env=cdk.Environment(account="111111111111", region="eu-central-1"))
    pool = StudioUserPool(
        stack,
        "UserPool",
        domain_prefix="sagemaker-login-111111111111",
        callback_urls=["https://oauth.pstmn.io/v1/browser-callback"],
        identity_provider=provider,
        team_groups=TEAM_GROUPS if provider else None,
    )
    pool.add_login_page_client(page_origins=["https://d111111abcdef8.cloudfront.net"])
    assembly = app.synth()
    return assembly.get_stack_by_name("Pool").template, Path(assembly.directory)


def of_type(template: dict, resource_type: str) -> dict[str, dict]:
    return {key: value for key, value in template["Resources"].items() if value["Type"] == resource_type}


@pytest.fixture(scope="module")
def oidc(tmp_path_factory):
    return pool_assembly(tmp_path_factory.mktemp("oidc"), OIDC)


@pytest.fixture(scope="module")
def platform():
    return synth_platform(default_context(teams_file=str(TEAMS_FILE), domain_name=None))


def test_custom_attributes_exist_without_an_idp_and_clients_cannot_write_them(tmp_path):
    template, _ = pool_assembly(tmp_path, None)
    [pool] = of_type(template, "AWS::Cognito::UserPool").values()
    schema = {item["Name"]: item for item in pool["Properties"]["Schema"]}
    for attribute in (GROUPS_ATTRIBUTE, OVERAGE_ATTRIBUTE):
        item = schema[attribute.removeprefix("custom:")]
        assert item["AttributeDataType"] == "String" and item["Mutable"] is True
        assert item["StringAttributeConstraints"] == {"MaxLength": "2048"}
    assert "LambdaConfig" not in pool["Properties"]
    assert not of_type(template, "AWS::Cognito::UserPoolIdentityProvider")
    clients = of_type(template, "AWS::Cognito::UserPoolClient").values()
    for client in clients:
        assert client["Properties"]["SupportedIdentityProviders"] == ["COGNITO"]
        assert client["Properties"]["WriteAttributes"] == ["email"]


def test_oidc_provider_maps_groups_and_overage_and_reads_the_secret_by_reference(oidc):
    template, _ = oidc
    [provider] = of_type(template, "AWS::Cognito::UserPoolIdentityProvider").values()
    properties = provider["Properties"]
    assert (properties["ProviderName"], properties["ProviderType"]) == ("EntraID", "OIDC")
    details = properties["ProviderDetails"]
    assert details["oidc_issuer"] == OIDC.issuer and details["client_id"] == OIDC.client_id
    assert details["authorize_scopes"] == "openid email profile"
    assert details["client_secret"] == f"{{{{resolve:secretsmanager:{SECRET_NAME}:SecretString:::}}}}"
    assert properties["AttributeMapping"] == {
        "email": "email",
        "username": "sub",
        GROUPS_ATTRIBUTE: "groups",
        OVERAGE_ATTRIBUTE: "_claim_names",
    }


def test_the_template_holds_no_secret_only_the_dynamic_reference(oidc):
    template, _ = oidc
    text = json.dumps(template)
    # The name appears once, inside the reference CloudFormation resolves at deploy time.
    assert text.count(SECRET_NAME) == 1 and "{{resolve:secretsmanager:" in text
    assert not of_type(template, "AWS::SecretsManager::Secret")
    assert all(SECRET_NAME not in json.dumps(output) for output in template.get("Outputs", {}).values())


def test_saml_provider_maps_the_groups_attribute_from_metadata(tmp_path):
    template, _ = pool_assembly(tmp_path, SAML)
    [provider] = of_type(template, "AWS::Cognito::UserPoolIdentityProvider").values()
    properties = provider["Properties"]
    assert (properties["ProviderName"], properties["ProviderType"]) == ("EntraSaml", "SAML")
    assert properties["ProviderDetails"]["MetadataURL"] == SAML.metadata_url
    assert properties["AttributeMapping"][GROUPS_ATTRIBUTE] == SAML.groups_claim
    assert properties["AttributeMapping"]["email"].endswith("/claims/emailaddress")


def test_both_clients_offer_the_idp_and_local_users_and_wait_for_the_idp(oidc):
    template, _ = oidc
    [provider_id] = of_type(template, "AWS::Cognito::UserPoolIdentityProvider")
    clients = of_type(template, "AWS::Cognito::UserPoolClient")
    assert len(clients) == 2
    for client in clients.values():
        assert client["Properties"]["SupportedIdentityProviders"] == ["EntraID", "COGNITO"]
        assert provider_id in client["DependsOn"]
        # Cognito writes mapped attributes with the client's permission at each federated
        # sign-in: exactly those, no other attribute a user could set on themselves.
        assert sorted(client["Properties"]["WriteAttributes"]) == sorted(["email", GROUPS_ATTRIBUTE, OVERAGE_ATTRIBUTE])


def test_trigger_is_v2_with_the_provider_name_and_every_teams_groups(oidc):
    template, directory = oidc
    [pool] = of_type(template, "AWS::Cognito::UserPool").values()
    config = pool["Properties"]["LambdaConfig"]["PreTokenGenerationConfig"]
    assert config["LambdaVersion"] == "V2_0"
    function_id = config["LambdaArn"]["Fn::GetAtt"][0]
    function = template["Resources"][function_id]["Properties"]
    assert function["Environment"]["Variables"] == {Environment.IDENTITY_PROVIDER: "EntraID"}
    assert function["Handler"] == "handler.handler"
    code = directory / f"asset.{function['Code']['S3Key'].removesuffix('.zip')}"
    assert (code / "handler.py").read_text() == (Path("lambda") / CODE_DIR / "handler.py").read_text()
    assert json.loads((code / TEAM_GROUPS_FILE).read_text()) == TEAM_GROUPS
    [permission] = of_type(template, "AWS::Lambda::Permission").values()
    assert permission["Properties"]["Principal"] == "cognito-idp.amazonaws.com"
    assert permission["Properties"]["FunctionName"] == {"Fn::GetAtt": [function_id, "Arn"]}


def test_platform_hands_every_team_to_the_trigger(platform):
    login = platform["sagemaker-login-stack"]
    [function] = [
        f for f in login.find_resources("AWS::Lambda::Function").values()
        if f["Properties"].get("Environment", {}).get("Variables", {}).get(Environment.IDENTITY_PROVIDER) == "EntraID"
    ]
    pool = only(login, "AWS::Cognito::UserPool")["Properties"]
    assert pool["LambdaConfig"]["PreTokenGenerationConfig"]["LambdaVersion"] == "V2_0"
    # The function's code asset is the directory staged with exactly this mapping (every team; a
    # team without idp_groups by its name): CDK names the asset by the directory's fingerprint.
    staged = staged_code(CODE_DIR, ((TEAM_GROUPS_FILE, team_groups_document(TEAM_GROUPS)),))
    assert json.loads((staged / TEAM_GROUPS_FILE).read_text()) == TEAM_GROUPS
    assert function["Properties"]["Code"]["S3Key"] == f"{cdk.FileSystem.fingerprint(str(staged))}.zip"
    assert function["Properties"]["Handler"] == "handler.handler"


def test_page_config_names_the_idp_only_when_one_is_configured():
    values = dict(api_url="https://api/", cognito_domain="https://auth", client_id="c", issuer="https://issuer")
    assert tuple(page_config(**values)) == CONFIG_KEYS
    with_idp = page_config(**values, identity_provider="EntraID")
    assert tuple(with_idp) == CONFIG_KEYS + OPTIONAL_CONFIG_KEYS and with_idp["identityProvider"] == "EntraID"
    with pytest.raises(ValueError, match="optionally"):
        check_config_keys({**with_idp, "somethingElse": "x"})
    with pytest.raises(ValueError, match="optionally"):
        check_config_keys({key: with_idp[key] for key in ("identityProvider", *CONFIG_KEYS)})


def test_every_domain_names_the_user_profile_as_source_identity(platform):
    for name in ("vision", "churn", "analytics"):
        domain = only(platform[f"sagemaker-studio-stack-{name}"], "AWS::SageMaker::Domain")["Properties"]
        assert domain["DomainSettings"]["ExecutionRoleIdentityConfig"] == "USER_PROFILE_NAME"


def test_execution_role_trusts_sagemaker_to_set_the_source_identity(platform):
    roles = platform["sagemaker-studio-stack-vision"].find_resources(
        "AWS::IAM::Role", {"Properties": {"RoleName": "vision-sagemaker-execution-role"}}
    )
    [role] = roles.values()
    statements = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    allowed = {
        action
        for statement in statements
        if statement["Effect"] == "Allow" and statement["Principal"] == {"Service": "sagemaker.amazonaws.com"}
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    }
    assert allowed == {"sts:AssumeRole", "sts:SetSourceIdentity"}
    assert all(statement["Principal"] == {"Service": "sagemaker.amazonaws.com"} for statement in statements)
