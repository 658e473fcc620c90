"""`python -m studio_platform.postman_env`: stack outputs + client secret -> Postman environment."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber

from studio_platform import postman_env

STACK = "sagemaker-login-stack"
SECRET = "s3cr3t-client-secret-value-0123456789"
POOL_ID = "eu-central-1_AbCdEf123"
CLIENT_ID = "4example5clientid6abcdefgh"
# The keys sagemaker-login-stack really synthesizes (construct path + id + hash), plus
# the cross-stack export CDK adds, which must not be mistaken for the user pool id.
OUTPUTS = [
    {"OutputKey": "UserPoolUserPoolIdC5F3DCB2", "OutputValue": POOL_ID},
    {"OutputKey": "UserPoolUserPoolClientIdFA5F5A35", "OutputValue": CLIENT_ID},
    {"OutputKey": "UserPoolCognitoSigninDomainD3B08161", "OutputValue": "https://sagemaker-login-111111111111.auth.eu-central-1.amazoncognito.com/"},
    {"OutputKey": "PreSignedURLApiEndpoint66F83E4D", "OutputValue": "https://abc123.execute-api.eu-central-1.amazonaws.com/prod"},
    {"OutputKey": "PublishOutputRefUserPool6D0DFADB5C801C4D", "OutputValue": POOL_ID + "-export"},
]  # fmt: skip


class Stubs:
    def __init__(self) -> None:
        self.cloudformation = boto3.client("cloudformation", region_name="eu-central-1")
        self.cognito = boto3.client("cognito-idp", region_name="eu-central-1")
        self.cfn_stub = Stubber(self.cloudformation)
        self.cognito_stub = Stubber(self.cognito)
        self.calls = 0

    def clients(self, request):
        self.calls += 1
        return self.cloudformation, self.cognito, "eu-central-1"

    def stack(self, outputs=OUTPUTS) -> None:
        self.cfn_stub.add_response(
            "describe_stacks",
            {
                "Stacks": [
                    {
                        "StackName": STACK,
                        "CreationTime": "2025-01-01T00:00:00Z",
                        "StackStatus": "CREATE_COMPLETE",
                        "Outputs": outputs,
                    }
                ]
            },
            {"StackName": STACK},
        )

    def client_secret(self, secret: str | None = SECRET) -> None:
        client = {"UserPoolId": POOL_ID, "ClientId": CLIENT_ID, "ClientName": "postman"}
        if secret:
            client["ClientSecret"] = secret
        self.cognito_stub.add_response(
            "describe_user_pool_client", {"UserPoolClient": client}, {"UserPoolId": POOL_ID, "ClientId": CLIENT_ID}
        )


@pytest.fixture
def stubs():
    stubs = Stubs()
    with stubs.cfn_stub, stubs.cognito_stub:
        yield stubs
        stubs.cfn_stub.assert_no_pending_responses()
        stubs.cognito_stub.assert_no_pending_responses()


def run(argv, stubs, capsys) -> tuple[int, str, str]:
    code = postman_env.main(argv, clients=stubs.clients)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_environment_has_every_value_from_outputs_and_cognito(stubs, capsys):
    stubs.stack()
    stubs.client_secret()
    code, out, err = run(["--stack", STACK, "--domain", "team1"], stubs, capsys)
    assert code == 0, err
    environment = json.loads(out)
    values = {v["key"]: v["value"] for v in environment["values"]}
    assert values == {
        "domainName": "team1",
        "client-id": CLIENT_ID,
        "client-secret": SECRET,
        "sagemaker-presigned-api": "https://abc123.execute-api.eu-central-1.amazonaws.com/prod/",
        "cognito-signin-endpoint": "https://sagemaker-login-111111111111.auth.eu-central-1.amazoncognito.com",
        "access-token": "",
    }
    assert environment["name"] == "SageMaker"
    assert environment["_postman_variable_scope"] == "environment"
    assert SECRET not in err


def test_environment_id_is_stable_per_stack_and_domain(stubs, capsys):
    ids = []
    for domain in ("team1", "team1", "team2"):
        stubs.stack()
        stubs.client_secret()
        code, out, _ = run(["--stack", STACK, "--domain", domain], stubs, capsys)
        assert code == 0
        ids.append(json.loads(out)["id"])
    assert ids[0] == ids[1] != ids[2]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://login.auth.eu-central-1.amazoncognito.com/", "https://login.auth.eu-central-1.amazoncognito.com"),
        ("login.auth.eu-central-1.amazoncognito.com", "https://login.auth.eu-central-1.amazoncognito.com"),
        ("sagemaker-login-111111111111", "https://sagemaker-login-111111111111.auth.eu-central-1.amazoncognito.com"),
    ],
)
def test_signin_endpoint_accepts_url_host_or_prefix(value, expected):
    assert postman_env.signin_endpoint(value, region="eu-central-1") == expected


@pytest.mark.parametrize(
    ("argv", "where"),
    [
        (["--stack", STACK, "--domain", "team_1"], "--domain"),
        (["--stack", STACK, "--domain=-team"], "--domain"),
        (["--stack", STACK, "--domain", "a" * 64], "--domain"),
        (["--stack", "1stack", "--domain", "team1"], "--stack"),
        (["--stack", STACK, "--domain", "team1", "--region", "europe"], "--region"),
        (["--stack", STACK, "--domain", "team1", "--profile", " "], "--profile"),
    ],
)
def test_bad_input_is_one_line_naming_the_flag_before_any_aws_call(stubs, capsys, argv, where):
    code, out, err = run(argv, stubs, capsys)
    assert code == 2 and out == ""
    assert one_error_line(err).startswith(f"error: {where}: ")
    assert stubs.calls == 0


def test_missing_required_flag_is_one_line(stubs, capsys):
    code, _, err = run(["--domain", "team1"], stubs, capsys)
    assert code == 2
    assert one_error_line(err) == "error: arguments: the following arguments are required: --stack (see --help)"


def test_help_exits_0(stubs, capsys):
    code, out, _ = run(["--help"], stubs, capsys)
    assert code == 0 and "--domain" in out


def test_missing_stack_names_the_stack_and_region(stubs, capsys):
    stubs.cfn_stub.add_client_error(
        "describe_stacks", "ValidationError", f"Stack with id {STACK} does not exist", 400, expected_params={"StackName": STACK}
    )
    code, out, err = run(["--stack", STACK, "--domain", "team1"], stubs, capsys)
    assert code == 2 and out == ""
    assert one_error_line(err) == f"error: --stack: stack '{STACK}' does not exist in region eu-central-1"


def test_missing_output_names_the_prefix(stubs, capsys):
    stubs.stack([o for o in OUTPUTS if "CognitoSigninDomain" not in o["OutputKey"]])
    code, _, err = run(["--stack", STACK, "--domain", "team1"], stubs, capsys)
    assert code == 2
    assert "'CognitoSigninDomain'" in one_error_line(err) and "found none" in err


@pytest.mark.parametrize(
    ("key", "found"),
    [
        ("UserPoolId", True),
        ("UserPoolIdC5F3DCB2", True),
        ("UserPoolUserPoolIdC5F3DCB2", True),
        ("UserPoolUserPoolClientIdFA5F5A35", False),
        ("UserPoolIdentityProvider", False),
        ("UserPoolIdc5f3dcb2", False),
    ],
)
def test_output_is_found_by_id_with_or_without_path_and_hash(key, found):
    outputs = [{"OutputKey": key, "OutputValue": "value"}]
    if found:
        assert postman_env.find_output(outputs, "UserPoolId", stack=STACK) == "value"
    else:
        with pytest.raises(postman_env.ConfigError):
            postman_env.find_output(outputs, "UserPoolId", stack=STACK)


def test_ambiguous_output_is_refused(stubs, capsys):
    stubs.stack([*OUTPUTS, {"OutputKey": "OtherUserPoolClientIdDEADBEEF", "OutputValue": "other"}])
    code, _, err = run(["--stack", STACK, "--domain", "team1"], stubs, capsys)
    assert code == 2
    assert "UserPoolUserPoolClientIdFA5F5A35, OtherUserPoolClientIdDEADBEEF" in one_error_line(err)


def test_refused_secret_read_is_one_line(stubs, capsys):
    stubs.stack()
    stubs.cognito_stub.add_client_error("describe_user_pool_client", "AccessDeniedException", "not authorized", 400)
    code, out, err = run(["--stack", STACK, "--domain", "team1"], stubs, capsys)
    assert code == 2 and out == ""
    assert "DescribeUserPoolClient was refused (AccessDeniedException)" in one_error_line(err)


def test_public_client_without_secret_is_refused(stubs, capsys):
    stubs.stack()
    stubs.client_secret(None)
    code, _, err = run(["--stack", STACK, "--domain", "team1"], stubs, capsys)
    assert code == 2 and "no client secret" in one_error_line(err)


def test_no_credentials_is_one_line(monkeypatch, capsys):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never probe IMDS
    for name in ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    code = postman_env.main(["--stack", STACK, "--domain", "team1", "--region", "eu-central-1"])
    err = capsys.readouterr().err
    assert code == 2
    assert one_error_line(err).startswith("error: AWS credentials: none found")


def test_unknown_profile_is_one_line(capsys):
    code = postman_env.main(["--stack", STACK, "--domain", "team1", "--profile", "no-such-profile"])
    assert code == 2
    assert one_error_line(capsys.readouterr().err) == "error: --profile: profile 'no-such-profile' is not in the AWS config"
