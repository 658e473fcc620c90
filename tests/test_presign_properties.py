"""Property: whatever the event, the handler answers (never raises), and only members get a URL."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lambda_loader import load_lambda_module
from presign_fakes import PRESIGNED_URL, FakeClock, FakeSageMaker, make_context

handler_module = load_lambda_module("presign_url_generator", "handler")
from presign.errors import ERROR_CODES  # noqa: E402
from presign.sagemaker import SageMakerGateway  # noqa: E402
from presign.service import Dependencies  # noqa: E402

DOMAINS = ["team1", "team10", "Team1", "team", "a"]
USERNAMES = ["alice", "Alice", "bob@x.com"]
UUID_FORM = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
STATUSES = {200, 400, 401, 403, 404, 429, 500, 502, 503}
GROUP_NAME = st.one_of(
    st.sampled_from(["team1", "team10", "team", "Team1", "xteam1", "team1-a", "admins", "a"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789_.-", min_size=1, max_size=12),
)
NOT_A_STRING = st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.booleans())
JUNK = st.one_of(NOT_A_STRING, st.text(max_size=20))


def weighted(draw, *options: tuple[int, st.SearchStrategy]) -> object:
    """Draw from one of `options`, chosen by weight (`st.one_of` flattens nested unions evenly)."""
    index = draw(st.sampled_from([i for i, (weight, _) in enumerate(options) for _ in range(weight)]))
    return draw(options[index][1])


@st.composite
def group_claims(draw, requested: object) -> tuple[object, frozenset[str]]:
    """A `cognito:groups` claim and the groups it really means (the oracle)."""
    names = GROUP_NAME if not isinstance(requested, str) else st.one_of(st.just(requested), GROUP_NAME)
    groups = draw(st.lists(names, max_size=4))
    form = draw(st.sampled_from(["list", "bare", "comma", "comma-space", "bracket", "json", "junk"]))
    if form == "junk":
        # Never a string here: any string is a real group claim and the oracle would be wrong.
        junk = draw(st.one_of(NOT_A_STRING, st.dictionaries(st.text(max_size=5), st.text(max_size=5))))
        return junk, frozenset()
    if form == "bare":
        groups = groups[:1]
        return (groups[0] if groups else ""), frozenset(groups)
    rendered = {
        "list": lambda: list(groups),
        "comma": lambda: ",".join(groups),
        "comma-space": lambda: ", ".join(groups),
        "bracket": lambda: "[" + " ".join(groups) + "]",
        "json": lambda: json.dumps(groups),
    }[form]()
    return rendered, frozenset(groups)


@st.composite
def events(draw) -> tuple[object, bool, bool]:
    """A random event, whether its caller is a member of the requested domain, and whether
    everything about it is plainly valid (then it must succeed)."""
    if draw(st.integers(0, 20)) == 13:  # not 0: hypothesis favours bounds
        return draw(st.one_of(JUNK, st.dictionaries(st.text(max_size=5), JUNK, max_size=3))), False, False

    def present() -> bool:  # most fields present, some missing
        return draw(st.integers(0, 9)) != 7

    domain_name = weighted(draw, (4, st.sampled_from(DOMAINS)), (1, st.text(max_size=70)), (1, JUNK))
    claim, groups = draw(group_claims(domain_name))
    claims: dict[str, object] = {}
    if present():
        claims["username"] = weighted(draw, (3, st.sampled_from(USERNAMES)), (2, st.text(max_size=140)), (1, JUNK))
    if present():
        claims["sub"] = weighted(draw, (4, st.uuids().map(str)), (1, st.text(max_size=40)), (1, JUNK))
    if present():
        claims["cognito:groups"] = claim
    else:
        groups = frozenset()
    api_event: dict[str, object] = {"pathParameters": {"domainName": domain_name}}
    if present():
        api_event["requestContext"] = {"authorizer": {"claims": claims}}
    if draw(st.booleans()):
        api_event["headers"] = draw(st.one_of(st.none(), st.dictionaries(st.text(max_size=8), JUNK, max_size=3)))
    member = "requestContext" in api_event and isinstance(domain_name, str) and domain_name in groups
    plainly_valid = (
        domain_name in DOMAINS
        and claims.get("username") in USERNAMES
        and UUID_FORM.fullmatch(str(claims.get("sub", "")))
    )
    return api_event, member, member and bool(plainly_valid)


def fresh_dependencies() -> tuple[Dependencies, FakeSageMaker]:
    fake = FakeSageMaker([(f"d-{index:012d}", name, "InService") for index, name in enumerate(DOMAINS)])
    clock = FakeClock()
    return Dependencies(gateway=SageMakerGateway(fake), clock=clock, sleep=clock.sleep), fake


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=events())
def test_any_event_gets_an_answer_and_only_members_get_a_url(case):
    request, member, must_succeed = case
    deps, fake = fresh_dependencies()
    previous, handler_module._container = handler_module._container, deps
    try:
        response = handler_module.handler(request, make_context())
    finally:
        handler_module._container = previous

    event(f"status {response['statusCode']}")  # shown by --hypothesis-show-statistics
    assert response["statusCode"] in STATUSES
    body = json.loads(response["body"])
    if response["statusCode"] == 200:
        assert member, request
        assert body == {"url": PRESIGNED_URL}
    else:
        assert set(body) == {"message", "code"} and PRESIGNED_URL not in response["body"]
        assert body["code"] in ERROR_CODES
    if must_succeed:
        assert response["statusCode"] == 200, request
    if not member:
        assert "CreatePresignedDomainUrl" not in fake.operations()
        assert "CreateUserProfile" not in fake.operations()


def test_the_fake_does_hand_out_urls_to_members():
    # Without this, the property above could pass because the fake never succeeds.
    deps, _ = fresh_dependencies()
    previous, handler_module._container = handler_module._container, deps
    try:
        event = {
            "pathParameters": {"domainName": "team10"},
            "requestContext": {"authorizer": {"claims": {"username": "u", "sub": "s", "cognito:groups": "[a team10]"}}},
        }
        response = handler_module.handler(event, make_context())
    finally:
        handler_module._container = previous
    assert response["statusCode"] == 200
