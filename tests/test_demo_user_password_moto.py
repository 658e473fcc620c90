"""The demo-user password custom resource against moto's S3, Secrets Manager and Cognito.

The real handler runs against stateful fakes; what Cognito holds is proven by signing in
(AdminInitiateAuth), what the secret holds by reading its AWSCURRENT version. moto 5.2.5 has no
password history, so AdminSetUserPassword calls are counted through botocore's event hooks;
test_demo_user_password_handler.py shows Cognito's history refusal with a stub.
moto's GetSecretValue without VersionStage reads a cached default version that
UpdateSecretVersionStage does not move, so every read here names the stage (as the handler does).
"""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from lambda_context import LambdaContext
from lambda_loader import load_lambda_module
from moto_user_pool import create_studio_user_pool
from studio_constructs.demo_user import EXCLUDED_PASSWORD_CHARACTERS, PASSWORD_LENGTH

handler = load_lambda_module("demo_user_password", "handler")
aws = handler.aws

REGION = "eu-central-1"
BUCKET = "cdk-hnb659fds-assets-111111111111-eu-central-1"
FIRST = "Xy7-First.Password-1111"
SECOND = "Xy7-Second.Password-2222"
REFUSED_BY_COGNITO = "NoSymbolsAtAll12345"  # no special character


class Deployment:
    """One user pool, user, secret and bootstrap bucket; sends CloudFormation events."""

    def __init__(self) -> None:
        self.s3 = boto3.client("s3", region_name=REGION)
        self.secrets = boto3.client("secretsmanager", region_name=REGION)
        self.cognito = boto3.client("cognito-idp", region_name=REGION)
        self.s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        self.pool_id = create_studio_user_pool(self.cognito, "studio")
        self.client_id = self.cognito.create_user_pool_client(
            UserPoolId=self.pool_id, ClientName="probe", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
        )["UserPoolClient"]["ClientId"]
        self.cognito.admin_create_user(UserPoolId=self.pool_id, Username="demo-user", MessageAction="SUPPRESS")
        # What CloudFormation's GenerateSecretString puts into a new secret.
        generated = self.secrets.get_random_password(
            PasswordLength=PASSWORD_LENGTH,
            ExcludeCharacters=EXCLUDED_PASSWORD_CHARACTERS,
            IncludeSpace=False,
            RequireEachIncludedType=True,
        )["RandomPassword"]
        self.secret_arn = self.secrets.create_secret(Name="DemoUserPassword", SecretString=generated)["ARN"]
        self.clients = aws.AwsClients(s3=self.s3, secretsmanager=self.secrets, cognito=self.cognito)
        self.cognito_calls: list[str] = []
        self.cognito.meta.events.register(
            "before-call.cognito-identity-provider.AdminSetUserPassword",
            lambda **_: self.cognito_calls.append("AdminSetUserPassword"),
        )
        self.previous: dict | None = None
        self.uploads = 0

    def properties(self, password: str | None, *, username: str = "demo-user") -> dict:
        props = {"ServiceToken": "arn:aws:lambda:x", "UserPoolId": self.pool_id, "Username": username}
        props["SecretId"] = self.secret_arn
        if password is not None:
            # Every synth stages the password under a fresh random key.
            self.uploads += 1
            key = f"{self.uploads:064x}.txt"
            self.s3.put_object(Bucket=BUCKET, Key=key, Body=password.encode())
            props["PasswordObject"] = {"Bucket": BUCKET, "Key": key}
        return props

    def deploy(self, password: str | None, **target) -> dict:
        props = self.properties(password, **target)
        event = {"RequestType": "Update" if self.previous else "Create", "ResourceProperties": props}
        if self.previous:
            event["OldResourceProperties"] = self.previous
            event["PhysicalResourceId"] = f"{self.pool_id}/demo-user/demo-password"
        result = handler.on_event(event, LambdaContext(), clients=self.clients)
        self.previous = props
        return result

    def current_secret(self) -> str:
        return self.secrets.get_secret_value(SecretId=self.secret_arn, VersionStage="AWSCURRENT")["SecretString"]

    def signs_in(self, password: str, username: str = "demo-user") -> bool:
        try:
            answer = self.cognito.admin_initiate_auth(
                UserPoolId=self.pool_id,
                ClientId=self.client_id,
                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password},
            )
        except ClientError as error:
            assert error.response["Error"]["Code"] == "NotAuthorizedException"
            return False
        return "AuthenticationResult" in answer

    def labels(self) -> dict[str, list[str]]:
        versions = self.secrets.list_secret_version_ids(SecretId=self.secret_arn)["Versions"]
        return {v["VersionId"]: sorted(v.get("VersionStages", [])) for v in versions}


@pytest.fixture
def deployment():
    with mock_aws():
        yield Deployment()


def test_given_password_ends_up_in_both_secret_and_pool(deployment):
    deployment.deploy(FIRST)
    assert deployment.current_secret() == FIRST
    assert deployment.signs_in(FIRST)


def test_refused_password_leaves_secret_and_pool_agreeing(deployment):
    deployment.deploy(FIRST)
    with pytest.raises(handler.PasswordSetupError, match="InvalidPasswordException"):
        deployment.deploy(REFUSED_BY_COGNITO)
    assert deployment.current_secret() == FIRST
    assert deployment.signs_in(FIRST)
    # The refused value is no longer staged for anyone to pick up as the pending password.
    assert not any("AWSPENDING" in stages for stages in deployment.labels().values())


def test_refused_first_password_keeps_the_generated_secret_unchanged(deployment):
    generated = deployment.current_secret()
    with pytest.raises(handler.PasswordSetupError):
        deployment.deploy(REFUSED_BY_COGNITO)
    assert deployment.current_secret() == generated


def test_changed_password_replaces_the_old_one_in_both(deployment):
    deployment.deploy(FIRST)
    deployment.deploy(SECOND)
    assert deployment.current_secret() == SECOND
    assert deployment.signs_in(SECOND) and not deployment.signs_in(FIRST)
    previous = deployment.secrets.get_secret_value(SecretId=deployment.secret_arn, VersionStage="AWSPREVIOUS")
    assert previous["SecretString"] == FIRST


def test_redeploying_the_same_password_does_not_set_it_again(deployment):
    deployment.deploy(FIRST)
    versions_after_first = deployment.labels()
    for _ in range(3):  # each deploy stages the same password under a new random key
        deployment.deploy(FIRST)
    assert deployment.cognito_calls == ["AdminSetUserPassword"]
    assert deployment.labels() == versions_after_first
    assert deployment.signs_in(FIRST)


def test_same_password_is_set_again_for_a_different_user(deployment):
    deployment.deploy(FIRST)
    cognito = deployment.cognito
    cognito.admin_create_user(UserPoolId=deployment.pool_id, Username="demo-user-2", MessageAction="SUPPRESS")
    deployment.deploy(FIRST, username="demo-user-2")
    assert deployment.cognito_calls == ["AdminSetUserPassword"] * 2
    assert deployment.signs_in(FIRST, username="demo-user-2")


def test_generated_password_is_set_once_and_not_again_on_unrelated_updates(deployment):
    deployment.deploy(None)
    generated = deployment.current_secret()
    assert deployment.signs_in(generated)
    deployment.deploy(None)  # e.g. a new ServiceToken: same user, pool and secret
    assert deployment.cognito_calls == ["AdminSetUserPassword"]


def test_dropping_the_given_password_keeps_it(deployment):
    deployment.deploy(FIRST)
    deployment.deploy(None)
    assert deployment.current_secret() == FIRST and deployment.signs_in(FIRST)
    assert deployment.cognito_calls == ["AdminSetUserPassword"]
