"""The API Gateway REST proxy event, parsed into typed values. Order of checks: 401, then 400."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from presign.errors import InvalidDomainName, NotAMember, Unauthorized
from presign.identity import is_member, is_valid_sagemaker_name, is_valid_tag_value
from studio_runtime import api_caller
from studio_runtime.api_caller import Caller, CallerMissing, event_path
from studio_runtime.contracts.presign import ROUTE_METHOD, ROUTE_RESOURCE

# The route in Powertools' spelling of a path parameter: <domainName> for API Gateway's {domainName}.
ROUTE_RULE = ROUTE_RESOURCE.replace("{", "<").replace("}", ">")


@dataclass(frozen=True)
class PresignRequest:
    """A caller allowed into a domain: build it with `authorize`, never directly."""

    caller: Caller
    domain_name: str


def parse_caller(event: object) -> Caller:
    """The authenticated identity from `requestContext.authorizer.claims`, or Unauthorized."""
    try:
        caller = api_caller.parse_caller(event)
    except CallerMissing as missing:
        raise Unauthorized(missing.reason) from None
    if not is_valid_tag_value(caller.sub):
        # The sub is stored verbatim as the ownership tag, so it must be a valid tag value.
        raise Unauthorized("sub_missing")
    return caller


def parse_domain_name(event: object) -> str:
    name = event_path(event, "pathParameters", "domainName")
    if not is_valid_sagemaker_name(name):
        raise InvalidDomainName("domain_name_invalid")
    return name


def authorize(*, caller: Caller, domain_name: str) -> PresignRequest:
    """NotAMember unless the caller is in the Cognito group named exactly like the domain."""
    if not is_member(domain_name=domain_name, groups=caller.groups):
        raise NotAMember("not_a_group_member")
    return PresignRequest(caller=caller, domain_name=domain_name)


def routable_event(event: object) -> dict[str, Any]:
    """The event in the shape the resolver reads, whatever the function was invoked with.

    API Gateway always sends `httpMethod` and `path`. An invocation without them (a console
    test event, a direct invoke) is routed to the one route, as this function has always
    answered it: every check of the route still applies, from the identity on. Origin is read
    from `headers` (API Gateway puts each header's last value there); a malformed header field
    is dropped rather than failing the request outside the handler's error mapping.
    """
    routed = dict(event) if isinstance(event, Mapping) else {}
    if not (isinstance(routed.get("httpMethod"), str) and isinstance(routed.get("path"), str)):
        routed.update(httpMethod=ROUTE_METHOD, path=ROUTE_RESOURCE)
    headers = routed.pop("headers", None)
    routed.pop("multiValueHeaders", None)
    if isinstance(headers, Mapping):
        routed["headers"] = {name: value for name, value in headers.items() if isinstance(name, str)}
    return routed
