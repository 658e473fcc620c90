"""The SageMaker adapter: parameters checked by Stubber against the model, pagination, client config."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from lambda_loader import load_lambda_module
from presign_fakes import DOMAIN_ID, profile_arn, stubbed_aws

load_lambda_module("presign_url_generator", "handler")
from presign.sagemaker import MAX_PAGES, Domain, SageMakerGateway, create_sagemaker_client  # noqa: E402

ARN = profile_arn(DOMAIN_ID, "alice-x")


@pytest.fixture
def aws():
    stubbed = stubbed_aws()
    yield stubbed
    stubbed.stubber.deactivate()


def test_client_has_small_timeouts_and_few_standard_retries():
    client = create_sagemaker_client()

    config = client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (2, 5)
    assert config.retries["mode"] == "standard" and config.retries["total_max_attempts"] <= 3
    assert client.meta.service_model.service_name == "sagemaker"


def test_list_tags_follows_next_token(aws):
    aws.stubber.add_response(
        "list_tags", {"Tags": [{"Key": "A", "Value": "1"}], "NextToken": "n2"}, {"ResourceArn": ARN}
    )
    aws.stubber.add_response(
        "list_tags", {"Tags": [{"Key": "CognitoSub", "Value": "s"}]}, {"ResourceArn": ARN, "NextToken": "n2"}
    )

    assert SageMakerGateway(aws.client).list_tags(resource_arn=ARN) == {"A": "1", "CognitoSub": "s"}


def test_list_domains_stops_on_a_repeated_token(aws):
    aws.list_domains([("d-aaaaaaaaaaa1", "a", "InService")], token_out="same")
    aws.list_domains([("d-bbbbbbbbbbb1", "b", "InService")], token_in="same", token_out="same")

    listed = list(SageMakerGateway(aws.client).list_domains())

    assert listed == [Domain("d-aaaaaaaaaaa1", "a", "InService"), Domain("d-bbbbbbbbbbb1", "b", "InService")]


def test_list_domains_gives_up_after_max_pages(aws):
    aws.list_domains([], token_out="t1")
    for page in range(1, MAX_PAGES):
        aws.list_domains([], token_in=f"t{page}", token_out=f"t{page + 1}")

    assert list(SageMakerGateway(aws.client).list_domains()) == []
    aws.stubber.assert_no_pending_responses()


def test_missing_profile_is_none(aws):
    aws.describe_profile_missing("alice-x")

    assert SageMakerGateway(aws.client).describe_user_profile(domain_id=DOMAIN_ID, profile_name="alice-x") is None


def test_other_describe_errors_propagate(aws):
    aws.stubber.add_client_error("describe_user_profile", service_error_code="ResourceLimitExceeded")

    with pytest.raises(ClientError):
        SageMakerGateway(aws.client).describe_user_profile(domain_id=DOMAIN_ID, profile_name="alice-x")


def test_create_reports_an_existing_profile_as_false(aws):
    aws.stubber.add_client_error("create_user_profile", service_error_code="ResourceInUse")
    aws.stubber.add_response("create_user_profile", {"UserProfileArn": ARN})

    gateway = SageMakerGateway(aws.client)
    first = gateway.create_user_profile(domain_id=DOMAIN_ID, profile_name="alice-x", tags={"K": "v"})
    second = gateway.create_user_profile(domain_id=DOMAIN_ID, profile_name="alice-x", tags={"K": "v"})

    assert (first, second) == (False, True)


def test_create_propagates_other_errors(aws):
    aws.stubber.add_client_error("create_user_profile", service_error_code="ResourceLimitExceeded")

    with pytest.raises(ClientError):
        SageMakerGateway(aws.client).create_user_profile(domain_id=DOMAIN_ID, profile_name="alice-x", tags={})


def presign_with(gateway: SageMakerGateway) -> str | None:
    return gateway.create_presigned_domain_url(
        domain_id=DOMAIN_ID, profile_name="alice-x", expires_in_seconds=60, session_duration_seconds=1800, landing_uri="studio::"
    )


def test_presign_of_an_unknown_profile_is_none(aws):
    # SageMaker's one modelled error of CreatePresignedDomainUrl: the warm path's invalidation signal.
    aws.stubber.add_client_error("create_presigned_domain_url", service_error_code="ResourceNotFound")

    assert presign_with(SageMakerGateway(aws.client)) is None


def test_other_presign_errors_propagate(aws):
    aws.stubber.add_client_error("create_presigned_domain_url", service_error_code="ThrottlingException")

    with pytest.raises(ClientError):
        presign_with(SageMakerGateway(aws.client))
