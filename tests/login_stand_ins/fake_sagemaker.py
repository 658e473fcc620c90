"""SageMaker for the presign handler behind the API stand-in: one InService domain per team.

Every call's parameters are checked against botocore's model of the operation (as the real
client does before sending), so the handler cannot pass the browser test with a request AWS
would refuse. Profiles are created InService, tagged as asked, and kept in memory.
"""

from __future__ import annotations

import secrets
import threading
from typing import Any

import botocore.session
from botocore import xform_name
from botocore.exceptions import ClientError, EndpointConnectionError, ParamValidationError
from botocore.paginate import Paginator
from botocore.validate import ParamValidator

REGION = "eu-central-1"
ACCOUNT = "111122223333"
_SESSION = botocore.session.get_session()
_MODEL = _SESSION.get_service_model("sagemaker")
_PAGINATORS = _SESSION.get_paginator_model("sagemaker")


def domain_id_for(team: str) -> str:
    return f"d-{team.replace('-', '')}0000stand"


def studio_host(domain_id: str) -> str:
    return f"{domain_id}.studio.{REGION}.sagemaker.aws"


def _client_error(code: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": f"{code} (stand-in)"},
                        "ResponseMetadata": {"HTTPStatusCode": 400}}, operation)


class FakeSageMaker:
    """`unreachable = True` makes every call fail as a network outage does (the API's 503)."""

    def __init__(self, *, teams: list[str], not_in_service: tuple[str, ...] = ()) -> None:
        self.domains = [
            {"DomainId": domain_id_for(team), "DomainName": team,
             "Status": "Updating" if team in not_in_service else "InService"}
            for team in teams
        ]
        self.profiles: dict[tuple[str, str], dict[str, Any]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.presigned_urls: list[str] = []
        self.unreachable = False
        self._lock = threading.Lock()

    def _record(self, operation: str, params: dict[str, Any]) -> None:
        report = ParamValidator().validate(params, _MODEL.operation_model(operation).input_shape)
        if report.has_errors():
            raise ParamValidationError(report=report.generate_report())
        with self._lock:
            self.calls.append((operation, params))
        if self.unreachable:
            raise EndpointConnectionError(endpoint_url=f"https://api.sagemaker.{REGION}.amazonaws.com/")

    def operations(self) -> list[str]:
        with self._lock:
            return [operation for operation, _ in self.calls]

    def list_domains(self, **params: Any) -> dict[str, Any]:
        self._record("ListDomains", params)
        start = int(params.get("NextToken", "0"))
        size = params.get("MaxResults", 10)
        page: dict[str, Any] = {"Domains": self.domains[start:start + size]}
        if start + size < len(self.domains):
            page["NextToken"] = str(start + size)
        return page

    def describe_user_profile(self, **params: Any) -> dict[str, Any]:
        self._record("DescribeUserProfile", params)
        profile = self.profiles.get((params["DomainId"], params["UserProfileName"]))
        if profile is None:
            raise _client_error("ResourceNotFound", "DescribeUserProfile")
        return {"DomainId": params["DomainId"], "UserProfileArn": profile["arn"],
                "UserProfileName": params["UserProfileName"], "Status": "InService"}

    def list_tags(self, **params: Any) -> dict[str, Any]:
        self._record("ListTags", params)
        for profile in self.profiles.values():
            if profile["arn"] == params["ResourceArn"]:
                return {"Tags": profile["tags"]}
        raise _client_error("ValidationException", "ListTags")

    def create_user_profile(self, **params: Any) -> dict[str, Any]:
        self._record("CreateUserProfile", params)
        key = (params["DomainId"], params["UserProfileName"])
        if key in self.profiles:
            raise _client_error("ResourceInUse", "CreateUserProfile")
        arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:user-profile/{key[0]}/{key[1]}"
        self.profiles[key] = {"arn": arn, "tags": params.get("Tags", [])}
        return {"UserProfileArn": arn}

    def create_presigned_domain_url(self, **params: Any) -> dict[str, Any]:
        self._record("CreatePresignedDomainUrl", params)
        if (params["DomainId"], params["UserProfileName"]) not in self.profiles:
            raise _client_error("ResourceNotFound", "CreatePresignedDomainUrl")
        url = f"https://{studio_host(params['DomainId'])}/auth?token={secrets.token_urlsafe(16)}"
        self.presigned_urls.append(url)
        return {"AuthorizedUrl": url}

    def get_paginator(self, operation_name: str) -> Paginator:
        """botocore's own paginator over this fake's method, built as a client builds it."""
        operation = next(name for name in _MODEL.operation_names if xform_name(name) == operation_name)
        return Paginator(getattr(self, operation_name), _PAGINATORS.get_paginator(operation),
                         _MODEL.operation_model(operation))
