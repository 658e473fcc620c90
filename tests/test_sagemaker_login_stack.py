"""SagemakerLoginStack and CognitoUserStack as synthesized in the whole platform."""

from __future__ import annotations

import json

import pytest
from platform_synth import default_context, only, synth_platform

PASSWORD = "Zq7!unique-Demo-Passw0rd"


@pytest.fixture(scope="module")
def templates():
    return synth_platform(default_context(password=PASSWORD))


@pytest.fixture(scope="module")
def login(templates):
    return templates["sagemaker-login-stack"]


def test_user_pool_is_admin_only_with_strong_passwords(login):
    pool = only(login, "AWS::Cognito::UserPool")["Properties"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    policy = pool["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 12
    assert all(policy[k] for k in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"))
    assert pool["MfaConfiguration"] == "OPTIONAL"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert pool["DeletionProtection"] == "ACTIVE"
    assert pool["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"} or "UserPoolTier" in pool


def test_hosted_ui_domain_carries_the_account(login):
    login.has_resource_properties("AWS::Cognito::UserPoolDomain", {"Domain": "sagemaker-login-111111111111"})


def postman_client(login) -> dict:
    [client] = [c["Properties"] for c in login.find_resources("AWS::Cognito::UserPoolClient").values() if c["Properties"]["GenerateSecret"]]
    return client


def test_client_code_grant_openid_postman_callback(login):
    client = postman_client(login)
    assert client["GenerateSecret"] is True
    assert client["AllowedOAuthFlows"] == ["code"]
    assert client["AllowedOAuthScopes"] == ["openid"]
    assert client["CallbackURLs"] == ["https://oauth.pstmn.io/v1/browser-callback"]
    assert client["EnableTokenRevocation"] is True
    assert client["AccessTokenValidity"] == 60
    # Hosted UI only: without explicit flows Cognito would also allow SRP sign-in, whose tokens
    # may change the user's own attributes (an IdP's mapped groups among them).
    assert client["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH"]
    assert "LogoutURLs" not in client


def test_outputs_keep_sample_names_and_never_the_secret(login):
    outputs = login.to_json()["Outputs"]
    keys = " ".join(outputs)
    for name in ("PreSignedURLApiEndpoint", "UserPoolUserPoolClientId", "UserPoolCognitoSigninDomain"):
        assert name in keys
    assert "Secret" not in keys
    assert "ClientSecret" not in json.dumps(outputs)


def test_route_requires_cognito_openid_and_validates(login):
    methods = [m["Properties"] for m in login.find_resources("AWS::ApiGateway::Method").values()]
    get = [m for m in methods if m["HttpMethod"] == "GET"]
    assert len(get) == 1
    assert get[0]["AuthorizationType"] == "COGNITO_USER_POOLS"
    assert get[0]["AuthorizationScopes"] == ["openid"]
    assert get[0]["RequestParameters"] == {"method.request.path.domainName": True}
    assert "RequestValidatorId" in get[0]
    parts = sorted(r["Properties"]["PathPart"] for r in login.find_resources("AWS::ApiGateway::Resource").values())
    assert parts == ["domainName", "getPresignedUrl", "{domainName}"]
    # CORS for the login page: one preflight, on the route only.
    assert [m["ResourceId"] for m in methods if m["HttpMethod"] == "OPTIONS"] == [get[0]["ResourceId"]]


def test_stage_logs_traces_throttles_and_has_waf(login):
    stage = only(login, "AWS::ApiGateway::Stage")["Properties"]
    assert stage["TracingEnabled"] is True
    assert "DestinationArn" in stage["AccessLogSetting"]
    settings = stage["MethodSettings"][0]
    assert settings["ThrottlingRateLimit"] > 0 and settings["ThrottlingBurstLimit"] > 0
    login.resource_count_is("AWS::WAFv2::WebACLAssociation", 1)
    api = only(login, "AWS::ApiGateway::RestApi")["Properties"]
    assert api["EndpointConfiguration"]["Types"] == ["REGIONAL"]


def test_function_runtime_timeout_and_configuration(login):
    functions = [
        f["Properties"]
        for f in login.find_resources("AWS::Lambda::Function").values()
        if f["Properties"].get("Handler") == "handler.handler"
    ]
    assert len(functions) == 1
    function = functions[0]
    assert function["Runtime"] == "python3.14"
    assert function["Timeout"] < 29
    env = function["Environment"]["Variables"]
    assert env["URL_EXPIRES_SECONDS"] == "60"
    assert env["SESSION_DURATION_SECONDS"] == "28800"
    assert env["LANDING_URI"] == "studio::"


def test_function_permissions_are_the_listed_ones(login):
    statements = [
        s
        for p in login.find_resources("AWS::IAM::Policy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if any(str(a).startswith("sagemaker:") for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]]))
    ]
    actions = sorted({a for s in statements for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])})
    assert actions == sorted(
        [
            "sagemaker:AddTags",
            "sagemaker:CreatePresignedDomainUrl",
            "sagemaker:CreateUserProfile",
            "sagemaker:DescribeUserProfile",
            "sagemaker:ListDomains",
            "sagemaker:ListTags",
        ]
    )
    create = next(s for s in statements if "sagemaker:CreateUserProfile" in s["Action"])
    assert create["Condition"]["Null"] == {"aws:RequestTag/DomainName": "false", "aws:RequestTag/CognitoSub": "false"}
    presign = next(s for s in statements if "sagemaker:CreatePresignedDomainUrl" in s["Action"])
    assert ":user-profile/*/*" in json.dumps(presign["Resource"])


def test_private_api_answers_only_through_the_vpc_endpoint():
    login = synth_platform(default_context(api_endpoint_type="private", cors_origins="https://portal.example.com"))[
        "sagemaker-login-stack"
    ]
    api = only(login, "AWS::ApiGateway::RestApi")["Properties"]
    assert api["EndpointConfiguration"]["Types"] == ["PRIVATE"]
    assert "aws:SourceVpce" in json.dumps(api["Policy"])
    options = [m["Properties"] for m in login.find_resources("AWS::ApiGateway::Method").values() if m["Properties"]["HttpMethod"] == "OPTIONS"]
    assert options and "https://portal.example.com" in json.dumps(options)


def test_demo_user_password_is_in_no_template_or_output(templates):
    for name, template in templates.items():
        assert PASSWORD not in json.dumps(template.to_json()), name
    users = templates["cognito-user-stack"]
    user = only(users, "AWS::Cognito::UserPoolUser")["Properties"]
    assert user["Username"] == "demo-user"
    assert "TemporaryPassword" not in user
    users.has_resource_properties("AWS::Cognito::UserPoolUserToGroupAttachment", {"GroupName": "team1"})
    assert any("DemoUserPasswordSecretArn" in key for key in users.to_json()["Outputs"])


def test_login_path_alarms_notify_an_encrypted_topic(login):
    alarms = [a["Properties"] for a in login.find_resources("AWS::CloudWatch::Alarm").values()]
    names = sorted(a["AlarmName"] for a in alarms)
    assert any("PresignedUrlApi-Fault-Rate" in n for n in names)  # 5xx
    assert any("PresignedUrlApi-Error-Rate" in n for n in names)  # 4xx, where 429 throttles land
    assert any("PresignedUrlApi-Latency" in n for n in names)
    assert any("PreSignUrlGenerator-Fault-Count" in n for n in names)  # Lambda errors
    assert any("PreSignUrlGenerator-Throttled" in n for n in names)
    assert any("PreSignUrlGenerator-Latency" in n for n in names)  # duration
    assert all(a["AlarmActions"] for a in alarms)
    login.resource_count_is("AWS::CloudWatch::Dashboard", 1)
    [topic] = login.find_resources("AWS::SNS::Topic").values()
    assert "KmsMasterKeyId" in topic["Properties"]
