"""The login page as `sagemaker-login-stack` hosts it: bucket, distribution, headers, config, client, CORS.

Values the template computes at deploy time are rendered as `<LogicalId>` / `<LogicalId.Attr>`
(`render`), so a CSP or a callback URL is compared as one exact string.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from platform_synth import default_context, platform_app, synth_platform

from studio_constructs import login_page_contract as contract
from studio_constructs.login_page import LoginPage
from studio_platform.config import load_platform_config
from studio_platform.errors import ConfigError, problems_of

STACK = "sagemaker-login-stack"
REGION = "eu-central-1"
CERTIFICATE = "arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012"
CUSTOM = {
    "login_page_domain": "Login.Example.com",
    "login_page_certificate_arn": CERTIFICATE,
    "cors_origins": "https://portal.example.com",
}


def render(value: Any) -> str:
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(render(part) for part in parts)
    if "Ref" in value:
        return f"<{value['Ref']}>"
    if "Fn::GetAtt" in value:
        return "<{}.{}>".format(*value["Fn::GetAtt"])
    raise AssertionError(f"cannot render {value!r}")


def logical_id(template: dict, resource_type: str, part: str = "") -> str:
    [found] = [key for key, r in template["Resources"].items() if r["Type"] == resource_type and part in key]
    return found


@pytest.fixture(scope="module")
def login() -> dict:
    return synth_platform(default_context())[STACK].to_json()


@pytest.fixture(scope="module")
def custom(tmp_path_factory) -> tuple[dict, Path]:
    """The custom-domain variant, synthesized into a directory of our own (config.json is an asset there)."""
    outdir = tmp_path_factory.mktemp("cdk.out")
    app, _ = platform_app(default_context(**CUSTOM), outdir=str(outdir))
    assembly = app.synth()
    return assembly.get_stack_by_name(STACK).template, outdir


def page_origin(template: dict) -> str:
    return f"https://<{logical_id(template, 'AWS::CloudFront::Distribution')}.DomainName>"


def resource(template: dict, resource_type: str, part: str = "") -> dict:
    return template["Resources"][logical_id(template, resource_type, part)]["Properties"]


def test_page_bucket_is_private_encrypted_versioned_and_logged(login):
    bucket = resource(login, "AWS::S3::Bucket", "LoginPageBucket")
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True
    }
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"
    }
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    log_bucket = logical_id(login, "AWS::S3::Bucket", "LoginPageAccessLogBucket")
    assert bucket["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": log_bucket}


def test_only_this_distribution_reads_the_bucket_through_origin_access_control(login):
    bucket = logical_id(login, "AWS::S3::Bucket", "LoginPageBucket")
    policy = next(
        r["Properties"]["PolicyDocument"]["Statement"]
        for r in login["Resources"].values()
        if r["Type"] == "AWS::S3::BucketPolicy" and r["Properties"]["Bucket"] == {"Ref": bucket}
    )
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in policy)
    allows = [s for s in policy if s["Effect"] == "Allow"]
    readers = [s for s in allows if "s3:GetObject" in json.dumps(s["Action"])]
    assert len(readers) == 1
    [reader] = readers
    assert reader["Principal"] == {"Service": "cloudfront.amazonaws.com"} and reader["Action"] == "s3:GetObject"
    distribution = logical_id(login, "AWS::CloudFront::Distribution")
    assert render(reader["Condition"]["StringEquals"]["AWS:SourceArn"]).endswith(f":distribution/<{distribution}>")
    # The only other Allow: aws-cdk-lib's auto-delete provider, emptying the bucket when the stack goes.
    others = [s for s in allows if s is not reader]
    assert [render(s["Principal"]["AWS"]) for s in others] == ["<CustomS3AutoDeleteObjectsCustomResourceProviderRole3B1BD092.Arn>"]
    assert not any(s.get("Principal") in ("*", {"AWS": "*"}) for s in allows)
    [origin] = resource(login, "AWS::CloudFront::Distribution")["DistributionConfig"]["Origins"]
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    oac = resource(login, "AWS::CloudFront::OriginAccessControl")["OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"], oac["SigningProtocol"]) == ("s3", "always", "sigv4")
    assert render(origin["OriginAccessControlId"]).startswith(f"<{logical_id(login, 'AWS::CloudFront::OriginAccessControl')}.")


def test_distribution_serves_index_over_https_http3_with_logs(login):
    config = resource(login, "AWS::CloudFront::Distribution")["DistributionConfig"]
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behaviour["AllowedMethods"] == ["GET", "HEAD"]
    assert behaviour["ResponseHeadersPolicyId"] == {"Ref": logical_id(login, "AWS::CloudFront::ResponseHeadersPolicy")}
    assert (config["DefaultRootObject"], config["HttpVersion"]) == ("index.html", "http2and3")
    assert render(config["Logging"]["Bucket"]) == f"<{logical_id(login, 'AWS::S3::Bucket', 'AccessLogBucket')}.RegionalDomainName>"
    assert "ViewerCertificate" not in config and "Aliases" not in config


def test_headers_policy_sends_the_contract_csp_and_hardening_headers(login):
    headers = resource(login, "AWS::CloudFront::ResponseHeadersPolicy")["ResponseHeadersPolicyConfig"]
    security = headers["SecurityHeadersConfig"]
    api = logical_id(login, "AWS::ApiGateway::RestApi")
    domain = logical_id(login, "AWS::Cognito::UserPoolDomain")
    expected = contract.content_security_policy(
        api_origin=f"https://<{api}>.execute-api.{REGION}.<AWS::URLSuffix>",
        cognito_origin=f"https://<{domain}>.auth.{REGION}.amazoncognito.com",
    )
    assert render(security["ContentSecurityPolicy"]["ContentSecurityPolicy"]) == expected
    assert security["StrictTransportSecurity"] == {
        "AccessControlMaxAgeSec": contract.STRICT_TRANSPORT_SECURITY_SECONDS,
        "IncludeSubdomains": True,
        "Preload": True,
        "Override": True,
    }
    assert security["ContentTypeOptions"] == {"Override": True}
    assert security["FrameOptions"] == {"FrameOption": contract.FRAME_OPTIONS, "Override": True}
    assert security["ReferrerPolicy"] == {"ReferrerPolicy": contract.REFERRER_POLICY, "Override": True}
    assert headers["CustomHeadersConfig"]["Items"] == [
        {"Header": "Permissions-Policy", "Value": contract.PERMISSIONS_POLICY, "Override": True}
    ]
    assert all(part["Override"] for part in security.values())


def test_entry_files_are_never_cached_hashed_files_for_a_year(login):
    deployments = {
        key: r for key, r in login["Resources"].items() if r["Type"] == "Custom::CDKBucketDeployment"
    }
    entry = next(r for key, r in deployments.items() if "DeployEntry" in key)
    assets_id, assets = next((key, r) for key, r in deployments.items() if "DeployAssets" in key)
    assert entry["Properties"]["Include"] == ["index.html", contract.CONFIG_FILE]
    assert entry["Properties"]["Exclude"] == ["*"]
    assert entry["Properties"]["SystemMetadata"] == {"cache-control": "no-cache"}
    assert entry["Properties"]["DistributionId"] == {"Ref": logical_id(login, "AWS::CloudFront::Distribution")}
    assert entry["Properties"]["DistributionPaths"] == ["/", "/index.html", f"/{contract.CONFIG_FILE}"]
    assert assets_id in entry["DependsOn"], "index.html must not name files that are not there yet"
    assert assets["Properties"]["Exclude"] == ["index.html", contract.CONFIG_FILE]
    assert assets["Properties"]["SystemMetadata"] == {"cache-control": "public, max-age=31536000, immutable"}
    assert assets["Properties"]["Prune"] is False


def test_page_client_is_public_code_grant_back_to_the_page_only(login):
    client = resource(login, "AWS::Cognito::UserPoolClient", "LoginPageClient")
    assert client["GenerateSecret"] is False
    assert client["AllowedOAuthFlows"] == ["code"]
    assert client["AllowedOAuthScopes"] == list(contract.SCOPES)
    assert [render(url) for url in client["CallbackURLs"]] == [f"{page_origin(login)}/"]
    assert [render(url) for url in client["LogoutURLs"]] == [f"{page_origin(login)}/"]
    assert client["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH"]
    assert (client["EnableTokenRevocation"], client["PreventUserExistenceErrors"]) == (True, "ENABLED")
    assert (client["AccessTokenValidity"], client["IdTokenValidity"], client["RefreshTokenValidity"]) == (60, 60, 720)


def cors_of(template: dict) -> dict[str, Any]:
    [options] = [r["Properties"] for r in template["Resources"].values()
                 if r["Type"] == "AWS::ApiGateway::Method" and r["Properties"]["HttpMethod"] == "OPTIONS"]
    [answer] = options["Integration"]["IntegrationResponses"]
    [function] = [r["Properties"] for k, r in template["Resources"].items()
                  if r["Type"] == "AWS::Lambda::Function" and r["Properties"].get("Handler") == "handler.handler"]
    gateway = {r["Properties"]["ResponseType"]: render(r["Properties"]["ResponseParameters"]["gatewayresponse.header.Access-Control-Allow-Origin"])
               for r in template["Resources"].values() if r["Type"] == "AWS::ApiGateway::GatewayResponse"}
    return {
        "preflight": render(answer["ResponseParameters"]["method.response.header.Access-Control-Allow-Origin"]),
        "preflight_others": render(answer.get("ResponseTemplates", {}).get("application/json", "")),
        "function": render(function["Environment"]["Variables"]["ALLOWED_ORIGINS"]),
        "gateway": gateway,
    }


def test_api_cors_allows_exactly_the_page_origin(login):
    origin = page_origin(login)
    cors = cors_of(login)
    assert cors["preflight"] == f"'{origin}'" and cors["preflight_others"] == ""
    assert cors["function"] == origin
    assert cors["gateway"] == {"DEFAULT_4XX": f"'{origin}'", "DEFAULT_5XX": f"'{origin}'"}


def test_page_url_is_an_output(login):
    [url] = [o["Value"] for key, o in login["Outputs"].items() if key.startswith("LoginPageUrl")]
    assert render(url) == f"{page_origin(login)}/"


def test_custom_domain_gets_its_certificate_tls12_and_comes_first(custom):
    template, _ = custom
    config = resource(template, "AWS::CloudFront::Distribution")["DistributionConfig"]
    assert config["Aliases"] == ["login.example.com"]
    assert config["ViewerCertificate"] == {
        "AcmCertificateArn": CERTIFICATE, "MinimumProtocolVersion": "TLSv1.2_2021", "SslSupportMethod": "sni-only"
    }
    client = resource(template, "AWS::Cognito::UserPoolClient", "LoginPageClient")
    both = ["https://login.example.com/", f"{page_origin(template)}/"]
    assert [render(url) for url in client["CallbackURLs"]] == both
    assert [render(url) for url in client["LogoutURLs"]] == both
    cors = cors_of(template)
    assert cors["function"] == f"https://login.example.com,{page_origin(template)},https://portal.example.com"
    assert cors["preflight"] == "'https://login.example.com'"
    assert f'$origin == "{page_origin(template)}" || $origin == "https://portal.example.com"' in cors["preflight_others"]
    assert set(cors["gateway"].values()) == {"'https://login.example.com'"}
    outputs = {key: o["Value"] for key, o in template["Outputs"].items()}
    assert [render(v) for k, v in outputs.items() if k.startswith("LoginPageUrl")] == ["https://login.example.com/"]
    assert [render(v) for k, v in outputs.items() if k.startswith("LoginPageDistributionDomainName")] == [
        f"<{logical_id(template, 'AWS::CloudFront::Distribution')}.DomainName>"
    ]


def test_config_json_holds_exactly_the_config_keys_with_the_stacks_values(custom):
    template, outdir = custom
    entry = next(r["Properties"] for k, r in template["Resources"].items() if "DeployEntry" in k and r["Type"] == "Custom::CDKBucketDeployment")
    [config_source] = [i for i, markers in enumerate(entry["SourceMarkers"]) if markers]
    asset_dir = outdir / f"asset.{entry['SourceObjectKeys'][config_source].removesuffix('.zip')}"
    # The file holds a marker per deploy-time value; the deployment puts the JSON-quoted value in its place.
    text = (asset_dir / contract.CONFIG_FILE).read_text()
    for marker, value in entry["SourceMarkers"][config_source].items():
        text = text.replace(marker, render(value))
    values = json.loads(text)
    assert tuple(values) == contract.CONFIG_KEYS
    api, stage = logical_id(template, "AWS::ApiGateway::RestApi"), logical_id(template, "AWS::ApiGateway::Stage")
    pool, domain = logical_id(template, "AWS::Cognito::UserPool"), logical_id(template, "AWS::Cognito::UserPoolDomain")
    assert values == {
        "apiUrl": f"https://<{api}>.execute-api.{REGION}.<AWS::URLSuffix>/<{stage}>/",
        "cognitoDomain": f"https://<{domain}>.auth.{REGION}.amazoncognito.com",
        "clientId": f"<{logical_id(template, 'AWS::Cognito::UserPoolClient', 'LoginPageClient')}>",
        "issuer": f"https://cognito-idp.{REGION}.<AWS::URLSuffix>/<{pool}>",
    }


def test_an_unbuilt_page_stops_synth_with_the_command_to_run(tmp_path):
    stack = cdk.Stack(cdk.App(), "Page", env=cdk.Environment(account="111111111111", region=REGION))
    with pytest.raises(FileNotFoundError, match=r"index\.html is missing: .*Run `make synth`"):
        LoginPage(stack, "Page", api_origin="https://a.example.com", cognito_origin="https://c.example.com", page_dist=tmp_path)


def problems(**flags: str) -> list[str]:
    context = json.loads((Path(__file__).resolve().parent.parent / "cdk.json").read_text())["context"] | flags
    with pytest.raises(ConfigError) as raised:
        load_platform_config(context.get, keys=list(context))
    return [str(problem) for problem in problems_of(raised.value)]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"login-page-domain": "login.example.com"},
         "-c login-page-certificate-arn: is required with a login page domain: an ACM certificate in us-east-1 that covers login.example.com"),
        ({"login-page-certificate-arn": CERTIFICATE},
         "-c login-page-certificate-arn: has no effect without a login page domain: set -c login-page-domain too, or drop it"),
        ({"login-page-domain": "login.example.com", "login-page-certificate-arn": CERTIFICATE.replace("us-east-1", REGION)},
         f"-c login-page-certificate-arn: '{CERTIFICATE.replace('us-east-1', REGION)}' is in {REGION}; CloudFront uses certificates from us-east-1 only"),
        ({"login-page-domain": "login.example.com", "login-page-certificate-arn": "arn:aws:acm:us-east-1:111111111111:certificate/x"},
         "-c login-page-certificate-arn: 'arn:aws:acm:us-east-1:111111111111:certificate/x' is not an ACM certificate ARN (arn:aws:acm:us-east-1:<account>:certificate/<id>)"),
        ({"login-page-domain": "https://login.example.com", "login-page-certificate-arn": CERTIFICATE},
         "-c login-page-domain: 'https://login.example.com' must be a DNS name like login.example.com (no scheme, path, port or wildcard)"),
        ({"login-page-domain": "*.example.com", "login-page-certificate-arn": CERTIFICATE},
         "-c login-page-domain: '*.example.com' must be a DNS name like login.example.com (no scheme, path, port or wildcard)"),
    ],
    ids=["domain-without-certificate", "certificate-without-domain", "certificate-not-us-east-1", "not-a-certificate-arn",
         "domain-with-scheme", "wildcard-domain"],
)
def test_bad_page_flags_give_one_line_each(flags, expected):
    assert problems(**flags) == [expected]


def test_page_flags_given_empty_mean_cloudfronts_own_name():
    context = json.loads((Path(__file__).resolve().parent.parent / "cdk.json").read_text())["context"]
    context |= {"login-page-domain": "", "login-page-certificate-arn": ""}
    login = load_platform_config(context.get, keys=list(context)).login
    assert (login.page_domain, login.page_certificate_arn) == (None, None)
