"""Write a ready-to-import Postman environment for one team's domain to stdout.

    python -m studio_platform.postman_env --stack sagemaker-login-stack --domain team1 \
        [--region eu-central-1] [--profile admin] > sagemaker.postman_environment.json

The values come from the login stack's outputs (read with the caller's own credentials)
and the app client's secret from Cognito: the secret is not a stack output, so only
principals allowed `cognito-idp:DescribeUserPoolClient` can build this file. The secret
goes to stdout inside the JSON and nowhere else; keep the file out of version control.
Failures print one line `<input>: <rule>` on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, NoReturn, Sequence

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError, ProfileNotFound

from studio_platform import names
from studio_platform.errors import ConfigError

TEMPLATE = Path(__file__).resolve().parent.parent / "postman" / "sagemaker.postman_environment.template.json"
STACK_NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")
EXIT_USAGE = 2

# CDK names an output of a nested construct `<construct path><id><8 hex hash>`, e.g.
# `UserPoolUserPoolClientIdFA5F5A35`: an output is found by its id, ending the key, with or
# without the hash (`UserPoolId` must not find `...UserPoolClientId...`).
API_OUTPUT = "PreSignedURLApiEndpoint"
CLIENT_ID_OUTPUT = "UserPoolClientId"
SIGNIN_DOMAIN_OUTPUT = "CognitoSigninDomain"
USER_POOL_ID_OUTPUT = "UserPoolId"


class UsageExit(Exception):
    """argparse finished the run (--help) with this exit status."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


@dataclass(frozen=True)
class Request:
    stack: str
    domain: str
    region: str | None
    profile: str | None
    environment_name: str


@dataclass(frozen=True)
class LoginStackOutputs:
    api_url: str
    client_id: str
    signin_endpoint: str
    user_pool_id: str


class OneLineArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse prints a multi-line usage block
        raise ConfigError("arguments", f"{message} (see --help)")


def parse_args(argv: Sequence[str] | None) -> Request:
    parser = OneLineArgumentParser(
        prog="python -m studio_platform.postman_env",
        description="Print a Postman environment (JSON) for a team's SageMaker domain.",
    )
    parser.add_argument("--stack", required=True, help="name of the login stack (sagemaker-login-stack)")
    parser.add_argument("--domain", required=True, help="SageMaker domain (team) name, like team1")
    parser.add_argument("--region", help="AWS region of the stack (default: from the profile)")
    parser.add_argument("--profile", help="AWS named profile (default: the usual credential chain)")
    parser.add_argument("--environment-name", default="SageMaker", help="Postman environment name")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help printed the usage
        raise UsageExit(int(exit_.code or 0)) from None
    if not STACK_NAME_PATTERN.match(args.stack):
        raise ConfigError("--stack", f"{args.stack!r} is not a CloudFormation stack name (letters, digits, hyphens)")
    if not names.SAGEMAKER_NAME_PATTERN.match(args.domain):
        raise ConfigError(
            "--domain", f"{args.domain!r} is not a SageMaker domain name (1-63 letters, digits and hyphens)"
        )
    if args.region is not None:
        names.check_region(args.region, where="--region")
    if args.profile is not None and not args.profile.strip():
        raise ConfigError("--profile", "must not be empty")
    return Request(args.stack, args.domain, args.region, args.profile, args.environment_name)


def find_output(outputs: Sequence[dict[str, Any]], name: str, *, stack: str) -> str:
    pattern = re.compile(rf"{re.escape(name)}(?:[0-9A-F]{{8}})?$")
    matches = [o for o in outputs if pattern.search(o.get("OutputKey", ""))]
    if len(matches) != 1:
        found = "none" if not matches else ", ".join(o["OutputKey"] for o in matches)
        raise ConfigError(
            "--stack",
            f"stack {stack!r} must have exactly one output named {name!r} (plus CDK's hash); found {found}",
        )
    return str(matches[0]["OutputValue"]).strip()


def signin_endpoint(value: str, *, region: str) -> str:
    """The hosted-UI base URL, whether the output holds a URL, a host or a domain prefix."""
    value = value.rstrip("/")
    if value.startswith("https://"):
        return value
    if "." not in value:
        return f"https://{value}.auth.{region}.amazoncognito.com"
    return f"https://{value}"


def read_login_outputs(cloudformation: Any, *, stack: str, region: str) -> LoginStackOutputs:
    try:
        described = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    except ClientError as error:
        if error.response["Error"]["Code"] == "ValidationError":
            raise ConfigError("--stack", f"stack {stack!r} does not exist in region {region}") from None
        raise
    outputs = described[0].get("Outputs", [])
    api_url = find_output(outputs, API_OUTPUT, stack=stack)
    return LoginStackOutputs(
        # The collection appends `domainName/...` directly: the API URL must end with '/'.
        api_url=api_url if api_url.endswith("/") else api_url + "/",
        client_id=find_output(outputs, CLIENT_ID_OUTPUT, stack=stack),
        signin_endpoint=signin_endpoint(find_output(outputs, SIGNIN_DOMAIN_OUTPUT, stack=stack), region=region),
        user_pool_id=find_output(outputs, USER_POOL_ID_OUTPUT, stack=stack),
    )


def read_client_secret(cognito: Any, *, outputs: LoginStackOutputs) -> str:
    client = cognito.describe_user_pool_client(UserPoolId=outputs.user_pool_id, ClientId=outputs.client_id)
    secret = client["UserPoolClient"].get("ClientSecret")
    if not secret:
        raise ConfigError("--stack", f"app client {outputs.client_id} has no client secret (it must be confidential)")
    return secret


def build_environment(request: Request, outputs: LoginStackOutputs, client_secret: str, *, region: str) -> dict:
    environment = json.loads(TEMPLATE.read_text())
    values = {
        "domainName": request.domain,
        "client-id": outputs.client_id,
        "client-secret": client_secret,
        "sagemaker-presigned-api": outputs.api_url,
        "cognito-signin-endpoint": outputs.signin_endpoint,
    }
    for variable in environment["values"]:
        variable["value"] = values.get(variable["key"], variable["value"])
    environment["name"] = request.environment_name
    # A stable id: importing again replaces this environment instead of adding a copy.
    environment["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"sagemaker-studio/{region}/{request.stack}/{request.domain}"))
    return environment


def aws_clients(request: Request) -> tuple[Any, Any, str]:
    session = boto3.Session(profile_name=request.profile, region_name=request.region)
    if not session.region_name:
        raise ConfigError("--region", "no region given and none configured for the profile")
    return session.client("cloudformation"), session.client("cognito-idp"), session.region_name


def explain_aws_error(error: Exception, request: Request) -> ConfigError:
    if isinstance(error, ProfileNotFound):
        return ConfigError("--profile", f"profile {request.profile!r} is not in the AWS config")
    if isinstance(error, NoCredentialsError):
        return ConfigError("AWS credentials", "none found; log in (aws sso login / AWS_PROFILE) or pass --profile")
    if isinstance(error, NoRegionError):
        return ConfigError("--region", "no region given and none configured for the profile")
    if isinstance(error, ClientError):
        code = error.response["Error"].get("Code", "Unknown")
        message = error.response["Error"].get("Message", "")
        return ConfigError(f"--stack {request.stack}", f"{error.operation_name} was refused ({code}): {message}")
    return ConfigError("AWS", f"{type(error).__name__}: {error}")


def main(argv: Sequence[str] | None = None, *, clients: Callable[[Request], tuple[Any, Any, str]] = aws_clients) -> int:
    try:
        request = parse_args(argv)
        try:
            cloudformation, cognito, region = clients(request)
            outputs = read_login_outputs(cloudformation, stack=request.stack, region=region)
            secret = read_client_secret(cognito, outputs=outputs)
        except (BotoCoreError, ClientError) as error:
            raise explain_aws_error(error, request) from None
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except UsageExit as finished:
        return finished.status
    json.dump(build_environment(request, outputs, secret, region=region), sys.stdout, indent=2)
    sys.stdout.write("\n")
    print(
        f"Postman environment {request.environment_name!r} for domain {request.domain} written; "
        "it holds the client secret: do not commit it",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
