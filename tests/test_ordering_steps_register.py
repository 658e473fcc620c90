"""The register step: the ordered team into the teams file of record, once.

moto 5.2.5 honours PutObject's IfMatch / IfNoneMatch (412), so a concurrent write is a real
second PutObject between the step's read and its write; S3's 409 (a conditional write under
way) only the Stubber can give.
"""

from __future__ import annotations

import io
import json
import os

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from studio_platform.data_file import parse_document
from studio_platform.teams_file import check_teams_document
from studio_runtime.order_records import Status, event_key, order_key

from ordering_steps_world import (  # noqa: F401  (aws: the fixture)
    ACCOUNT,
    BUCKET,
    Clients,
    KEY,
    NOW,
    ORDER_ID,
    OrderInvalid,
    OrderNotApproved,
    PATH,
    REGION,
    Settings,
    TeamsFileChanged,
    aws,
    entry,
    event,
    handler,
    invoke,
    item,
    put_order,
    put_teams_file,
    step_at,
    teams_file,
    versions,
)


def test_register_creates_the_teams_file_when_there_is_none(aws):
    put_order(aws, Status.APPROVED)
    result = step_at(aws, event("register"))
    text, version, content_type = teams_file(aws)
    assert result == {"teams_file_version": version, "changed": True}
    assert text == json.dumps({"teams": [entry()]}, indent=2) + "\n" and content_type == "application/json"
    assert item(aws, order_key(ORDER_ID))["teams_file_version"] == version
    assert item(aws, order_key(ORDER_ID))["status"] == Status.APPROVED
    registered = item(aws, event_key(ORDER_ID, "Registered"))
    assert (registered["status"], registered["teams_file_version"]) == (Status.APPROVED, version)
    assert registered["changed"] is True


def test_register_appends_to_the_file_and_the_result_passes_every_synth_check(aws):
    before = {"defaults": {"idle_timeout_minutes": 90}, "teams": [entry("team-b")], "retired_teams": ["team-z"]}
    first = put_teams_file(aws, before)
    put_order(aws, Status.APPROVED)
    result = invoke(event("register"))
    text, version, _ = teams_file(aws)
    assert result == {"teams_file_version": version, "changed": True} and version != first
    written = parse_document(text, PATH)
    assert written == {**before, "teams": [entry("team-b"), entry()]} and list(written) == list(before)
    checked = check_teams_document(written, path=PATH, defaults={}, region=REGION, account=ACCOUNT)
    assert [team.name for team in checked.teams] == ["team-b", "team-a"]


def test_register_again_changes_nothing_and_names_the_same_version(aws):
    put_order(aws, Status.APPROVED)
    first = invoke(event("register"))
    text, _, _ = teams_file(aws)
    second = invoke(event("register"))
    assert second == {"teams_file_version": first["teams_file_version"], "changed": False}
    assert teams_file(aws)[0] == text and versions(aws) == 1


def test_register_refuses_a_name_taken_with_another_entry(aws):
    put_teams_file(aws, {"teams": [entry(owner="carol@example.com")]})
    put_order(aws, Status.APPROVED)
    with pytest.raises(OrderInvalid, match="team 'team-a' is already in the teams file"):
        invoke(event("register"))
    assert versions(aws) == 1 and "teams_file_version" not in item(aws, order_key(ORDER_ID))


ENTRA_GROUP = "5e3c0a4b-8d2f-4f6a-9b1c-7d8e9f0a1b2c"
PROVIDER = {"type": "oidc", "name": "EntraID", "issuer": "https://login.microsoftonline.com/tenant/v2.0",
            "client_id": "11111111-2222-3333-4444-555555555555", "client_secret_name": "platform/entra-client"}


def test_register_gives_the_entry_the_entra_group_the_workflow_made(aws):
    put_teams_file(aws, {"identity_provider": PROVIDER, "teams": [entry("team-b")]})
    put_order(aws, Status.APPROVED)
    first = invoke(event("register", idp_groups=[ENTRA_GROUP]))
    written = parse_document(teams_file(aws)[0], PATH)
    assert written["teams"][-1] == {**entry(), "idp_groups": [ENTRA_GROUP]}
    checked = check_teams_document(written, path=PATH, defaults={}, region=REGION, account=ACCOUNT)
    assert checked.teams[-1].entry_groups == (ENTRA_GROUP,)
    # A retry with the same group changes nothing.
    assert invoke(event("register", idp_groups=[ENTRA_GROUP])) == {**first, "changed": False}


def test_an_entra_group_without_the_files_identity_provider_is_refused_by_its_rule(aws):
    put_order(aws, Status.APPROVED)
    with pytest.raises(OrderInvalid, match="idp_groups: has no effect without an identity_provider"):
        invoke(event("register", idp_groups=[ENTRA_GROUP]))
    assert versions(aws) == 0


def test_idp_groups_belong_to_register_only(aws):
    with pytest.raises(ValueError, match="idp_groups is only for register"):
        invoke(event("validate", idp_groups=[ENTRA_GROUP]))


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.AWAITING_APPROVAL, Status.REJECTED, None])
def test_register_only_adds_an_approved_order(aws, status):
    if status:
        put_order(aws, status)
    with pytest.raises(OrderNotApproved):
        invoke(event("register"))
    assert versions(aws) == 0


def test_register_only_adds_the_team_the_order_was_approved_for(aws):
    put_order(aws, Status.APPROVED, team="team-b")
    with pytest.raises(OrderNotApproved, match="not the order for team 'team-a'"):
        invoke(event("register"))
    assert versions(aws) == 0


@pytest.mark.parametrize("existing", [True, False], ids=["file-changed", "file-created"])
def test_register_loses_to_a_write_between_its_read_and_its_write(aws, existing):
    if existing:
        put_teams_file(aws, {"teams": [entry("team-b")]})
    put_order(aws, Status.APPROVED)
    other_order = {"teams": [entry("team-b"), entry("team-c")]}
    written = []

    def other_order_writes(**_):
        if not written:
            written.append(boto3.client("s3", region_name=REGION).put_object(
                Bucket=BUCKET, Key=KEY, Body=json.dumps(other_order).encode()))

    aws.s3.meta.events.register("after-call.s3.GetObject", other_order_writes)
    with pytest.raises(TeamsFileChanged):
        invoke(event("register"))
    assert json.loads(teams_file(aws)[0]) == other_order and "teams_file_version" not in item(aws, order_key(ORDER_ID))


def test_a_conditional_write_under_way_is_a_change_too(aws):
    put_order(aws, Status.APPROVED)
    s3 = boto3.client("s3", region_name=REGION)
    body = json.dumps({"teams": [entry("team-b")]}).encode()
    with Stubber(s3) as stub:
        stub.add_response("get_object", {"Body": StreamingBody(io.BytesIO(body), len(body)), "ContentLength": len(body),
                                         "ETag": '"abc"', "VersionId": "v1"}, {"Bucket": BUCKET, "Key": KEY})
        stub.add_client_error("put_object", "ConditionalRequestConflict", http_status_code=409)
        clients = Clients(s3=s3, dynamodb=aws.dynamodb, sns=None)
        with pytest.raises(TeamsFileChanged):
            handler.handle_step(event("register"), settings=Settings.from_env(os.environ), clients=clients, now=NOW)
        stub.assert_no_pending_responses()


def test_register_needs_a_versioned_bucket(aws):
    aws.s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    put_order(aws, Status.APPROVED)
    with pytest.raises(RuntimeError, match="must be versioned"):
        invoke(event("register"))


# --- the event and the logs -------------------------------------------------------------------
