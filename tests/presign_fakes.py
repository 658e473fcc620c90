"""Test doubles for the PreSignUrlGenerator tests: events, a clock, a model-checked fake SageMaker.

The fake validates every call's parameters against botocore's SageMaker model (as Stubber
does), but answers in any order, which property-based tests need.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
import botocore.session
from botocore import xform_name
from botocore.exceptions import ClientError
from botocore.paginate import Paginator
from botocore.validate import validate_parameters
from lambda_context import LambdaContext

REGION = "eu-central-1"
ACCOUNT = "111122223333"
DOMAIN_NAME = "team1"
DOMAIN_ID = "d-team1abcdef0"
SUB = "6f1c1b1e-8e5a-4f8e-9a0b-1234567890ab"
OTHER_SUB = "0b9a8c7d-1111-4222-8333-444455556666"
USERNAME = "Alice.Smith+ds@example.com"
PRESIGNED_URL = "https://d-team1abcdef0.studio.eu-central-1.sagemaker.aws/auth?token=SECRET-LOGIN-TOKEN-123"
ACCESS_TOKEN = "eyJraWQiOiJTRUNSRVQtQUNDRVNTLVRPS0VOIn0.payload.signature"

# The caller's team as ListDomains reports it, and the tags of the profile the caller owns.
TEAM1 = [(DOMAIN_ID, DOMAIN_NAME, "InService")]
OWN_TAGS = {"DomainName": DOMAIN_NAME, "CognitoSub": SUB, "CognitoUsername": USERNAME}


def own_profile_name() -> str:
    """The caller's UserProfileName, by the function's own rule (loads the function first)."""
    from lambda_loader import load_lambda_module

    load_lambda_module("presign_url_generator", "handler")
    from presign.identity import profile_name_for

    return profile_name_for(username=USERNAME, sub=SUB)


_MODEL = botocore.session.get_session().get_service_model("sagemaker")
_PAGINATORS = botocore.session.get_session().get_paginator_model("sagemaker")


def profile_arn(domain_id: str, profile_name: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:user-profile/{domain_id}/{profile_name}"


def make_event(
    *,
    domain_name: object = DOMAIN_NAME,
    claims: object = "default",
    groups: object = DOMAIN_NAME,
    origin: str | None = None,
) -> dict[str, Any]:
    if claims == "default":
        claims = {
            "sub": SUB,
            "username": USERNAME,
            "cognito:groups": groups,
            "token_use": "access",
            "scope": "openid",
            "client_id": "clientid123",
        }
    headers = {"Authorization": f"Bearer {ACCESS_TOKEN}"}
    if origin is not None:
        headers["origin"] = origin
    return {
        "resource": "/domainName/{domainName}/getPresignedUrl",
        "httpMethod": "GET",
        "headers": headers,
        "multiValueHeaders": {key: [value] for key, value in headers.items()},
        "pathParameters": {"domainName": domain_name},
        "requestContext": {"requestId": "api-req-1", "authorizer": {"claims": claims}},
    }


@dataclass
class FixedTimeContext(LambdaContext):
    """A Lambda context whose time left does not run down while a test runs."""

    remaining_ms: int = 20_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def make_context(remaining_ms: int = 20_000) -> FixedTimeContext:
    return FixedTimeContext(aws_request_id="lambda-req-1", remaining_ms=remaining_ms)


def headers_of(response: dict[str, Any]) -> dict[str, str]:
    """The response's headers; Powertools sends a REST API's headers as multiValueHeaders."""
    headers = response["multiValueHeaders"]
    assert all(len(values) == 1 for values in headers.values()), headers
    return {name: values[0] for name, values in headers.items()}


@dataclass
class FakeClock:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def client_error(code: str, operation: str, status: int = 400) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": f"{code} happened"}, "ResponseMetadata": {"HTTPStatusCode": status}},
        operation,
    )


class FakeSageMaker:
    """Domains and profiles in memory; every profile is created InService and tagged as asked."""

    def __init__(self, domains: list[tuple[str, str, str]], page_size: int = 100) -> None:
        self.domains = [{"DomainId": i, "DomainName": n, "Status": s} for i, n, s in domains]
        self.page_size = page_size
        self.profiles: dict[tuple[str, str], dict[str, Any]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def _record(self, operation: str, params: dict[str, Any]) -> None:
        validate_parameters(params, _MODEL.operation_model(operation).input_shape)
        self.calls.append((operation, params))

    def list_domains(self, **params: Any) -> dict[str, Any]:
        self._record("ListDomains", params)
        size = min(params.get("MaxResults", 10), self.page_size)
        start = int(params.get("NextToken", "0"))
        page = {"Domains": self.domains[start : start + size]}
        if start + size < len(self.domains):
            page["NextToken"] = str(start + size)
        return page

    def describe_user_profile(self, **params: Any) -> dict[str, Any]:
        self._record("DescribeUserProfile", params)
        key = (params["DomainId"], params["UserProfileName"].lower())
        if key not in self.profiles:
            raise client_error("ResourceNotFound", "DescribeUserProfile")
        profile = self.profiles[key]
        return {"UserProfileArn": profile["arn"], "UserProfileName": profile["name"], "Status": "InService"}

    def list_tags(self, **params: Any) -> dict[str, Any]:
        self._record("ListTags", params)
        for profile in self.profiles.values():
            if profile["arn"] == params["ResourceArn"]:
                return {"Tags": profile["tags"]}
        raise client_error("ValidationException", "ListTags")

    def create_user_profile(self, **params: Any) -> dict[str, Any]:
        self._record("CreateUserProfile", params)
        key = (params["DomainId"], params["UserProfileName"].lower())
        if key in self.profiles:
            raise client_error("ResourceInUse", "CreateUserProfile")
        arn = profile_arn(params["DomainId"], params["UserProfileName"])
        self.profiles[key] = {"arn": arn, "name": params["UserProfileName"], "tags": params.get("Tags", [])}
        return {"UserProfileArn": arn}

    def create_presigned_domain_url(self, **params: Any) -> dict[str, Any]:
        self._record("CreatePresignedDomainUrl", params)
        return {"AuthorizedUrl": PRESIGNED_URL}

    def get_paginator(self, operation_name: str) -> Paginator:
        """botocore's own paginator over this fake's method, built as a client builds it."""
        operation = next(name for name in _MODEL.operation_names if xform_name(name) == operation_name)
        return Paginator(
            getattr(self, operation_name), _PAGINATORS.get_paginator(operation), _MODEL.operation_model(operation)
        )

    def operations(self) -> list[str]:
        return [operation for operation, _ in self.calls]


def body_of(response: dict[str, Any]) -> dict[str, Any]:
    return json.loads(response["body"])


@dataclass
class StubbedAws:
    """A real botocore client behind Stubber (params checked against the model), plus records."""

    client: Any
    stubber: Any
    clock: FakeClock
    attempts: list[str]  # every operation the code tried, stubbed or not

    def list_domains(self, domains: list[tuple[str, str, str]], *, token_in=None, token_out=None) -> None:
        expected: dict[str, Any] = {"MaxResults": 100}
        if token_in:
            expected["NextToken"] = token_in
        response: dict[str, Any] = {
            "Domains": [{"DomainId": i, "DomainName": n, "Status": s} for i, n, s in domains]
        }
        if token_out:
            response["NextToken"] = token_out
        self.stubber.add_response("list_domains", response, expected)

    def describe_profile(self, profile_name: str, *, status: str = "InService", domain_id: str = DOMAIN_ID) -> None:
        self.stubber.add_response(
            "describe_user_profile",
            {
                "DomainId": domain_id,
                "UserProfileArn": profile_arn(domain_id, profile_name),
                "UserProfileName": profile_name,
                "Status": status,
            },
            {"DomainId": domain_id, "UserProfileName": profile_name},
        )

    def describe_profile_missing(self, profile_name: str, *, domain_id: str = DOMAIN_ID) -> None:
        self.stubber.add_client_error(
            "describe_user_profile",
            service_error_code="ResourceNotFound",
            http_status_code=400,
            expected_params={"DomainId": domain_id, "UserProfileName": profile_name},
        )

    def create_profile(self, profile_name: str, *, domain_id: str = DOMAIN_ID) -> None:
        """The caller's profile created with exactly its own three identity tags."""
        self.stubber.add_response(
            "create_user_profile",
            {"UserProfileArn": profile_arn(domain_id, profile_name)},
            {
                "DomainId": domain_id,
                "UserProfileName": profile_name,
                "Tags": [{"Key": key, "Value": value} for key, value in OWN_TAGS.items()],
            },
        )

    def list_tags(self, profile_name: str, tags: dict[str, str], *, domain_id: str = DOMAIN_ID) -> None:
        self.stubber.add_response(
            "list_tags",
            {"Tags": [{"Key": key, "Value": value} for key, value in tags.items()]},
            {"ResourceArn": profile_arn(domain_id, profile_name)},
        )

    def presign(
        self,
        profile_name: str,
        *,
        expires: int = 60,
        session: int = 28800,
        landing: str = "studio::",
        domain_id: str = DOMAIN_ID,
    ) -> None:
        self.stubber.add_response(
            "create_presigned_domain_url",
            {"AuthorizedUrl": PRESIGNED_URL},
            {
                "DomainId": domain_id,
                "UserProfileName": profile_name,
                "ExpiresInSeconds": expires,
                "SessionExpirationDurationInSeconds": session,
                "LandingUri": landing,
            },
        )


def stubbed_aws() -> StubbedAws:
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("sagemaker", region_name=REGION)
    attempts: list[str] = []
    # Registered before Stubber so it sees calls Stubber would reject as unexpected.
    client.meta.events.register(
        "before-parameter-build.sagemaker", lambda model, **_: attempts.append(model.name)
    )
    stubber = Stubber(client)
    stubber.activate()
    return StubbedAws(client=client, stubber=stubber, clock=FakeClock(), attempts=attempts)


def install_stubbed_aws(handler_module: Any, monkeypatch: Any) -> StubbedAws:
    """Make `handler_module` use a Stubber-backed client and a fake clock for one test."""
    from presign.sagemaker import SageMakerGateway
    from presign.service import Dependencies

    stubbed = stubbed_aws()
    deps = Dependencies(gateway=SageMakerGateway(stubbed.client), clock=stubbed.clock, sleep=stubbed.clock.sleep)
    monkeypatch.setattr(handler_module, "_container", deps)
    return stubbed


@pytest.fixture
def aws(monkeypatch):
    """The handler module with SageMaker behind Stubber for one test (a shared fixture)."""
    from lambda_loader import load_lambda_module

    stubbed = install_stubbed_aws(load_lambda_module("presign_url_generator", "handler"), monkeypatch)
    yield stubbed
    stubbed.stubber.deactivate()
