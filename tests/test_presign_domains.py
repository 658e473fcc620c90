"""Domain lookup: every ListDomains page, a bounded warm-container cache, 404 rules."""

from __future__ import annotations

import boto3
import pytest
from lambda_loader import load_lambda_module
from moto import mock_aws
from presign_fakes import DOMAIN_ID, SUB, USERNAME, FakeClock, body_of, install_stubbed_aws, make_context, make_event

handler_module = load_lambda_module("presign_url_generator", "handler")
from presign.domains import DomainDirectory  # noqa: E402
from presign.identity import profile_name_for  # noqa: E402
from presign.sagemaker import Domain, SageMakerGateway  # noqa: E402

PROFILE = profile_name_for(username=USERNAME, sub=SUB)
OWN_TAGS = {"CognitoSub": SUB}


def other_domains(start: int, count: int) -> list[tuple[str, str, str]]:
    return [(f"d-other{n:07d}", f"other{n}", "InService") for n in range(start, start + count)]


@pytest.fixture
def aws(monkeypatch):
    stubbed = install_stubbed_aws(handler_module, monkeypatch)
    yield stubbed
    stubbed.stubber.deactivate()


def succeed_after_lookup(aws, domain_id: str = DOMAIN_ID) -> None:
    aws.describe_profile(PROFILE, domain_id=domain_id)
    aws.list_tags(PROFILE, OWN_TAGS, domain_id=domain_id)
    aws.presign(PROFILE, domain_id=domain_id)


def invoke(**event_args):
    return handler_module.handler(make_event(**event_args), make_context())


def test_domain_on_the_third_page_is_found(aws):
    aws.list_domains(other_domains(0, 100), token_out="page-2")
    aws.list_domains(other_domains(100, 100), token_in="page-2", token_out="page-3")
    aws.list_domains([*other_domains(200, 5), (DOMAIN_ID, "team1", "InService")], token_in="page-3")
    succeed_after_lookup(aws)

    assert invoke()["statusCode"] == 200
    aws.stubber.assert_no_pending_responses()


def test_second_request_reuses_the_cache_until_the_ttl_expires(aws, monkeypatch):
    monkeypatch.setenv("DOMAIN_CACHE_TTL_SECONDS", "60")
    aws.list_domains([(DOMAIN_ID, "team1", "InService")])
    succeed_after_lookup(aws)
    aws.presign(PROFILE)  # the profile is verified by now (test_presign_warm_path.py)

    assert invoke()["statusCode"] == 200
    aws.clock.now += 59
    assert invoke()["statusCode"] == 200
    assert aws.attempts.count("ListDomains") == 1

    aws.clock.now += 1
    aws.list_domains([(DOMAIN_ID, "team1", "InService")])
    aws.presign(PROFILE)
    assert invoke()["statusCode"] == 200
    assert aws.attempts.count("ListDomains") == 2
    aws.stubber.assert_no_pending_responses()


def test_domain_created_after_caching_is_found_with_one_refresh(aws):
    aws.list_domains([(DOMAIN_ID, "team1", "InService")])
    succeed_after_lookup(aws)
    assert invoke()["statusCode"] == 200

    aws.list_domains([(DOMAIN_ID, "team1", "InService"), ("d-team2abcdef0", "team2", "InService")])
    succeed_after_lookup(aws, domain_id="d-team2abcdef0")
    assert invoke(domain_name="team2", groups="team2")["statusCode"] == 200
    aws.stubber.assert_no_pending_responses()


def test_unknown_domain_is_404_after_exactly_one_listing(aws):
    aws.list_domains([(DOMAIN_ID, "team1", "InService")])

    response = invoke(domain_name="team9", groups="team9")

    assert response["statusCode"] == 404
    assert body_of(response) == {"message": "Domain not found or not in service", "code": "domain_not_found"}
    assert aws.attempts == ["ListDomains"]


def test_unknown_domain_with_a_warm_cache_refreshes_once(aws):
    aws.list_domains([(DOMAIN_ID, "team1", "InService")])
    succeed_after_lookup(aws)
    invoke()
    aws.list_domains([(DOMAIN_ID, "team1", "InService")])

    assert invoke(domain_name="team9", groups="team9")["statusCode"] == 404
    assert aws.attempts.count("ListDomains") == 2


@pytest.mark.parametrize("status", ["Pending", "Failed", "Deleting", "Updating", "Update_Failed"])
def test_domain_not_in_service_is_404(aws, status):
    aws.list_domains([(DOMAIN_ID, "team1", status)])

    response = invoke()

    assert (response["statusCode"], body_of(response)["code"]) == (404, "domain_not_found")
    assert "DescribeUserProfile" not in aws.attempts


def test_in_service_domain_wins_over_a_deleting_namesake():
    directory = DomainDirectory(clock=FakeClock())
    listing = [Domain("d-old0000001", "team1", "Deleting"), Domain("d-new0000001", "team1", "InService")]

    found = directory.find_in_service(name="team1", list_domains=lambda: listing, ttl_seconds=300)

    assert found == Domain("d-new0000001", "team1", "InService")


def test_failed_refresh_keeps_the_previous_view():
    clock = FakeClock()
    directory = DomainDirectory(clock=clock)
    directory.find_in_service(
        name="team1", list_domains=lambda: [Domain("d-team1abcdef0", "team1", "InService")], ttl_seconds=10
    )

    def broken_listing():
        yield Domain("d-partial0001", "partial", "InService")
        raise TimeoutError

    clock.now += 11
    with pytest.raises(TimeoutError):
        directory.find_in_service(name="team1", list_domains=broken_listing, ttl_seconds=10)
    found = directory.find_in_service(name="team1", list_domains=lambda: [], ttl_seconds=1000)
    assert found is not None and found.domain_id == "d-team1abcdef0"


@mock_aws
def test_gateway_lists_all_domains_from_moto_past_two_pages():
    client = boto3.client("sagemaker", region_name="eu-central-1")
    names = [f"team{n}" for n in range(205)]
    for name in names:
        client.create_domain(
            DomainName=name,
            AuthMode="IAM",
            DefaultUserSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/x"},
            SubnetIds=["subnet-12345678"],
            VpcId="vpc-12345678",
        )

    pages: list[dict] = []
    client.meta.events.register("before-parameter-build.sagemaker.ListDomains", lambda params, **_: pages.append(params))

    listed = list(SageMakerGateway(client).list_domains())

    assert len(pages) == 3 and all(page["MaxResults"] == 100 for page in pages)
    assert sorted(domain.name for domain in listed) == sorted(names)
    assert all(domain.domain_id.startswith("d-") for domain in listed)
