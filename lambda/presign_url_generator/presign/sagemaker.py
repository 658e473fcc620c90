"""The only module that talks to SageMaker: thin calls, pagination, modelled errors turned into values."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

from botocore.exceptions import ClientError, PaginationError

from studio_runtime.aws_clients import aws_client
from studio_runtime.aws_errors import ErrorKind, classify

# Small timeouts and few attempts: the worst case of one call (2 x (2 s + 5 s)) stays well
# under the 20 s Lambda timeout, itself under API Gateway's 29 s.
CONNECT_TIMEOUT_SECONDS = 2
READ_TIMEOUT_SECONDS = 5
MAX_ATTEMPTS = 2
LIST_DOMAINS_PAGE_SIZE = 100
# A runaway NextToken loop must not burn the whole Lambda timeout: no listing reads more pages.
MAX_PAGES = 50
IN_SERVICE = "InService"


@dataclass(frozen=True)
class Domain:
    domain_id: str
    name: str
    status: str


@dataclass(frozen=True)
class UserProfile:
    name: str
    arn: str
    status: str


def create_sagemaker_client() -> Any:
    # In Lambda this runs once, during init (see handler); building the client costs ~0.2 s.
    return aws_client(
        "sagemaker",
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        max_attempts=MAX_ATTEMPTS + 1,  # the first try and MAX_ATTEMPTS retries, as before
        keepalive=True,
    )


class SageMakerGateway:
    def __init__(self, client: Any) -> None:
        self._client = client

    def list_domains(self) -> Iterator[Domain]:
        """Every domain of the account and region, over all pages."""
        for page in self._pages("list_domains", PaginationConfig={"PageSize": LIST_DOMAINS_PAGE_SIZE}):
            for item in page.get("Domains", []):
                if item.get("DomainId") and item.get("DomainName"):
                    yield Domain(item["DomainId"], item["DomainName"], item.get("Status", ""))

    def describe_user_profile(self, *, domain_id: str, profile_name: str) -> UserProfile | None:
        """The profile, or None when it does not exist."""
        try:
            response = self._client.describe_user_profile(DomainId=domain_id, UserProfileName=profile_name)
        except ClientError as error:
            if classify(error) is ErrorKind.NOT_FOUND:
                return None
            raise
        return UserProfile(
            name=response.get("UserProfileName", profile_name),
            arn=response["UserProfileArn"],
            status=response.get("Status", ""),
        )

    def list_tags(self, *, resource_arn: str) -> dict[str, str]:
        tags: dict[str, str] = {}
        for page in self._pages("list_tags", ResourceArn=resource_arn):
            tags.update({tag["Key"]: tag.get("Value", "") for tag in page.get("Tags", [])})
        return tags

    def create_user_profile(self, *, domain_id: str, profile_name: str, tags: Mapping[str, str]) -> bool:
        """Create the profile with the domain's default settings; False if it already exists."""
        try:
            self._client.create_user_profile(
                DomainId=domain_id,
                UserProfileName=profile_name,
                Tags=[{"Key": key, "Value": value} for key, value in tags.items()],
            )
        except ClientError as error:
            if classify(error) is ErrorKind.IN_USE:
                return False
            raise
        return True

    def create_presigned_domain_url(
        self,
        *,
        domain_id: str,
        profile_name: str,
        expires_in_seconds: int,
        session_duration_seconds: int,
        landing_uri: str,
    ) -> str | None:
        """The login URL, or None when SageMaker knows no such profile (or domain) any more."""
        try:
            response = self._client.create_presigned_domain_url(
                DomainId=domain_id,
                UserProfileName=profile_name,
                ExpiresInSeconds=expires_in_seconds,
                SessionExpirationDurationInSeconds=session_duration_seconds,
                LandingUri=landing_uri,
            )
        except ClientError as error:
            if classify(error) is ErrorKind.NOT_FOUND:
                return None
            raise
        return response["AuthorizedUrl"]

    def _pages(self, operation: str, **request: Any) -> Iterator[dict[str, Any]]:
        """The pages of a listing, at most MAX_PAGES of them.

        botocore's paginator refuses a NextToken that repeats the previous one (a loop on
        SageMaker's side); what was read until then stands, as with a listing that ended there.
        """
        pages = self._client.get_paginator(operation).paginate(**request)
        try:
            yield from islice(pages, MAX_PAGES)
        except PaginationError:
            return
