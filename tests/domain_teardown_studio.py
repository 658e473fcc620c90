"""SageMaker and CloudFormation around the teardown handler, for the moto-backed VPC tests.

moto 5.2.5 has no Studio apps, spaces or profiles, and its DescribeDomain of a deleted domain
answers ValidationException where the service model declares ResourceNotFound; so SageMaker
is a botocore Stubber (requests and responses checked against the service model, any call not
queued fails). What SageMaker does to the VPC as a result of a successful call (an app's
interface released, the home EFS deleted under RetentionPolicy Delete) is applied to moto
after the call. `ProviderFramework` invokes the real entry points as aws-cdk-lib's provider
framework does. No tests here.
"""

from __future__ import annotations

import collections
import json
from datetime import datetime, timezone
from typing import Any, Callable

import boto3
import pytest
from botocore.stub import Stubber
from domain_teardown_vpc import ACCOUNT, REGION, StudioDomainNetwork, StudioVpc
from lambda_context import LambdaContext

DOMAIN_ID = "d-abc123def456"
DOMAIN_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:domain/{DOMAIN_ID}"
STACK_ID = (f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/sagemaker-studio-stack-team1/"
            "5f1a0b30-aaaa-11ef-bbbb-0a1b2c3d4e5f")
LISTING = {"DomainIdEquals": DOMAIN_ID, "MaxResults": 100}
CREATED = datetime(2026, 11, 1, tzinfo=timezone.utc)


class StudioService:
    """SageMaker's side of one domain: the Stubber, plus the effects of its deletes on the VPC."""

    def __init__(self, *, vpc: StudioVpc, network: StudioDomainNetwork) -> None:
        self.client = boto3.client("sagemaker", region_name=REGION)
        self.stubber = Stubber(self.client)
        self.stubber.activate()
        self._vpc, self._network = vpc, network
        self._effects: dict[str, collections.deque[Callable[[], None]]] = collections.defaultdict(collections.deque)
        self.client.meta.events.register("after-call.sagemaker.*", self._after_call)

    def domain(self, status: str) -> None:
        response = {"DomainId": DOMAIN_ID, "DomainArn": DOMAIN_ARN, "Status": status, "CreationTime": CREATED,
                    "LastModifiedTime": datetime.now(timezone.utc), "HomeEfsFileSystemId": self._network.home_efs_id}
        self.stubber.add_response("describe_domain", response, {"DomainId": DOMAIN_ID})

    def domain_gone(self) -> None:
        self.stubber.add_client_error("describe_domain", service_error_code="ResourceNotFound",
                                      service_message=f"Domain {DOMAIN_ARN} does not exist",
                                      expected_params={"DomainId": DOMAIN_ID})

    def listing(self, operation: str, key: str, items: list[dict[str, Any]]) -> None:
        self.stubber.add_response(operation, {key: items}, LISTING)

    def delete_app(self, app: dict[str, Any]) -> None:
        params = {"DomainId": DOMAIN_ID, "AppType": app["AppType"], "AppName": app["AppName"],
                  "SpaceName": app["SpaceName"]}
        self.stubber.add_response("delete_app", {}, params)
        eni_id = self._network.app_interfaces[app["AppName"]]
        self._effects["DeleteApp"].append(lambda: self._vpc.ec2.delete_network_interface(NetworkInterfaceId=eni_id))

    def delete(self, operation: str, params: dict[str, Any]) -> None:
        self.stubber.add_response(operation, {}, dict(params, DomainId=DOMAIN_ID))

    def delete_domain(self, retention: str) -> None:
        """RetentionPolicy Delete: SageMaker deletes the home EFS (mount targets first); Retain: nothing."""
        self.stubber.add_response("delete_domain", {},
                                  {"DomainId": DOMAIN_ID, "RetentionPolicy": {"HomeEfsFileSystem": retention}})
        self._effects["DeleteDomain"].append(self._delete_home_efs if retention == "Delete" else lambda: None)

    def _delete_home_efs(self) -> None:
        efs, fs_id = self._vpc.efs, self._network.home_efs_id
        for target in efs.describe_mount_targets(FileSystemId=fs_id)["MountTargets"]:
            efs.delete_mount_target(MountTargetId=target["MountTargetId"])
        efs.delete_file_system(FileSystemId=fs_id)

    def _after_call(self, http_response, model, **_) -> None:
        # The Stubber has already checked the parameters; a refused call changes nothing.
        if http_response.status_code < 300 and self._effects[model.name]:
            self._effects[model.name].popleft()()

    def assert_all_calls_made(self) -> None:
        self.stubber.assert_no_pending_responses()
        assert not any(self._effects.values()), "a queued SageMaker delete was never called"


def studio_app(name: str, status: str, *, space: str) -> dict[str, Any]:
    return {"DomainId": DOMAIN_ID, "AppType": "JupyterLab", "AppName": name, "SpaceName": space, "Status": status}


def cloudformation_delete_request(*, vpc_id: str, retention: str) -> dict[str, Any]:
    """The Delete request CloudFormation sends to the provider framework for the team's teardown."""
    token = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:infrastructure-stack-DomainTeardownProviderframework"
    return {
        "RequestType": "Delete",
        "ServiceToken": token,
        "ResponseURL": "https://cloudformation-custom-resource-response-eucentral1.s3.amazonaws.com/signed",
        "StackId": STACK_ID,
        "RequestId": "6f0b3c1e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
        "LogicalResourceId": "DomainTeardown8C3A1B2F",
        "PhysicalResourceId": f"teardown-{DOMAIN_ID}",
        "ResourceType": "Custom::StudioDomainTeardown",
        "ResourceProperties": {"ServiceToken": token, "DomainId": DOMAIN_ID, "VpcId": vpc_id,
                               "HomeEfsRetention": retention},
    }


# The functions' timeout (studio_constructs/domain_teardown.py).
FUNCTION_TIMEOUT_SECONDS = 60.0


class ProviderFramework:
    """The Delete path of aws-cdk-lib 2.275's provider framework (custom-resources/lib/
    provider-framework/runtime/framework.js): on_event once, then the waiter state machine
    calls is_complete with the same merged event until IsComplete, every payload JSON."""

    def __init__(self, handler: Any) -> None:
        self._handler = handler

    def delete(self, request: dict[str, Any], *, before_poll: Callable[[], None], after_poll: Callable[[], None],
               between_polls: Callable[[], None], max_polls: int) -> int:
        """The number of is_complete calls it took; fails after `max_polls`."""
        context = LambdaContext(timeout_seconds=FUNCTION_TIMEOUT_SECONDS)
        on_event_result = _as_json(self._handler.on_event(_as_json(request), context))
        physical_id = on_event_result.get("PhysicalResourceId") or request["PhysicalResourceId"]
        assert physical_id == request["PhysicalResourceId"], "DELETE: cannot change the physical resource ID"
        resource_event = {**request, **on_event_result, "PhysicalResourceId": physical_id}
        for poll in range(1, max_polls + 1):
            before_poll()
            context = LambdaContext(timeout_seconds=FUNCTION_TIMEOUT_SECONDS)
            result = _as_json(self._handler.is_complete(_as_json(resource_event), context))
            after_poll()
            if result["IsComplete"]:
                return poll
            assert not result.get("Data"), '"Data" is not allowed if "IsComplete" is "False"'
            between_polls()
        pytest.fail(f"teardown not complete after {max_polls} polls")


def _as_json(payload: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(payload))
