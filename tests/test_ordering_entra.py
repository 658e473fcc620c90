"""The optional Entra ID step of the ordering workflow (`-c order-entra-groups=true`).

moto's interpreter has no HTTP task, so this is proven from the synthesized definition and
the IAM evaluation: the states, their order and failure handling, the Graph calls they make,
the connection's credentials (a Secrets Manager reference, never a value) and what the
workflow's role may reach. Without the flag none of it exists.
"""

from __future__ import annotations

import json

import pytest
from iam_model import Platform
from ordering_variants import APP, CLIENT, ENTRA_FLAGS, TENANT, WITH_PROVIDER
from ordering_world import STACK, logical_id
from platform_synth import default_context, synth_platform
from studio_platform.config import load_platform_config
from studio_platform.errors import ConfigError, problems_of



@pytest.fixture(scope="module")
def templates() -> dict[str, dict]:
    synthesized = synth_platform(default_context(**WITH_PROVIDER, **ENTRA_FLAGS))
    return {name: template.to_json() for name, template in synthesized.items()}


@pytest.fixture(scope="module")
def states(templates) -> dict:
    ordering = templates[STACK]
    machine = ordering["Resources"][logical_id(ordering, "AWS::StepFunctions::StateMachine", "WorkflowStateMachine")]
    return json.loads(Platform(templates).resolve(STACK, machine["Properties"]["DefinitionString"]))["States"]


def test_the_connection_holds_a_reference_to_the_secret_never_the_secret(templates):
    (connection,) = [r for r in templates[STACK]["Resources"].values() if r["Type"] == "AWS::Events::Connection"]
    oauth = connection["Properties"]["AuthParameters"]["OAuthParameters"]
    assert connection["Properties"]["AuthorizationType"] == "OAUTH_CLIENT_CREDENTIALS"
    assert oauth["AuthorizationEndpoint"] == f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token"
    assert oauth["ClientParameters"] == {
        "ClientID": CLIENT,
        "ClientSecret": "{{resolve:secretsmanager:platform/graph-client:SecretString:::}}",
    }
    body = {p["Key"]: p["Value"] for p in oauth["OAuthHttpParameters"]["BodyParameters"]}
    assert body == {"grant_type": "client_credentials", "scope": "https://graph.microsoft.com/.default"}


def test_the_group_is_made_after_the_cognito_group_and_named_in_the_teams_file(states):
    assert states["CreateGroup"]["Next"] == "UpsertEntraGroup"
    (exists,) = [c for c in states["CreateGroup"]["Catch"] if "GroupExists" in c["ErrorEquals"][0]]
    assert exists["Next"] == "UpsertEntraGroup"
    assert states["UpsertEntraGroup"]["Next"] == "ReadEntraGroup"
    assert states["ReadEntraGroup"]["Next"] == "AssignEntraGroup"
    assert states["AssignEntraGroup"]["Next"] == "RegisterTeam"
    # The object id becomes the entry's idp_groups.
    assert states["ReadEntraGroup"]["ResultSelector"] == {"id.$": "$.ResponseBody.id"}
    assert states["RegisterTeam"]["Parameters"]["Payload"]["idp_groups.$"] == "States.Array($.entra.id)"


def test_each_graph_call_is_idempotent(states):
    upsert, read, assign = (states[name]["Parameters"] for name in ("UpsertEntraGroup", "ReadEntraGroup", "AssignEntraGroup"))
    group = "States.Format('v1.0/groups(uniqueName=\\'{}\\')', $.order.team)"
    endpoint = f"States.Format('{{}}/{{}}', 'https://graph.microsoft.com', {group})"
    assert (upsert["Method"], upsert["ApiEndpoint.$"]) == ("PATCH", endpoint)
    assert upsert["Headers"]["Prefer"] == "create-if-missing"
    assert upsert["RequestBody"]["securityEnabled"] is True and upsert["RequestBody"]["mailEnabled"] is False
    assert read["Method"] == "GET" and read["ApiEndpoint.$"] == upsert["ApiEndpoint.$"]
    assert assign["Method"] == "POST" and f"v1.0/servicePrincipals/{APP}/appRoleAssignedTo" in assign["ApiEndpoint.$"]
    assert assign["RequestBody"]["principalId.$"] == "$.entra.id" and assign["RequestBody"]["resourceId"] == APP
    # Graph refuses an assignment that exists with 400: done already, on to the teams file.
    (done,) = [c for c in states["AssignEntraGroup"]["Catch"] if c["ErrorEquals"] == ["States.Http.StatusCode.400"]]
    assert done["Next"] == "RegisterTeam"
    for name in ("UpsertEntraGroup", "ReadEntraGroup", "AssignEntraGroup"):
        assert any("States.Http.StatusCode.429" in r["ErrorEquals"] for r in states[name]["Retry"])
        assert states[name]["Catch"][-1] == {"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": f"{name}Failed"}


def test_without_the_flag_there_is_no_graph_step(templates):
    plain = synth_platform(default_context(**WITH_PROVIDER))[STACK].to_json()
    assert not [r for r in plain["Resources"].values() if r["Type"] == "AWS::Events::Connection"]
    assert "http:invoke" not in json.dumps(plain)


def test_the_workflow_may_call_graph_and_nothing_else_over_http(templates):
    # Read from the policy, not simulated: AWS's service authorization reference (iam-data) lists
    # no condition keys for states:InvokeHTTPEndpoint, though Step Functions documents and
    # enforces states:HTTPEndpoint; the simulator would refuse a request that names it.
    policies = [
        statement
        for lid, resource in templates[STACK]["Resources"].items()
        if resource["Type"] == "AWS::IAM::Policy" and lid.startswith("WorkflowStateMachineRole")
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]
        if "states:InvokeHTTPEndpoint" in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    ]
    (statement,) = policies
    assert statement["Condition"] == {"StringLike": {"states:HTTPEndpoint": "https://graph.microsoft.com*"}}
    assert statement["Effect"] == "Allow"


@pytest.mark.parametrize(
    "flags, problem",
    [
        ({"order-entra-groups": "true"}, "-c order-entra-tenant-id: is required with -c order-entra-groups=true"),
        ({"order-entra-client-id": CLIENT}, "-c order-entra-client-id: has no effect without -c order-entra-groups=true"),
        ({**{k.replace("_", "-"): v for k, v in ENTRA_FLAGS.items()}, "order-entra-app-object-id": "app"},
         "-c order-entra-app-object-id: 'app' must be an Entra ID id"),
    ],
)
def test_entra_settings_are_checked_like_every_flag(flags, problem):
    context = {"account": "111111111111", "region": "eu-central-1", **flags}
    with pytest.raises(ConfigError) as refused:
        load_platform_config(context.get, keys=list(context))
    assert any(str(found).startswith(problem) for found in problems_of(refused.value)), problems_of(refused.value)


def test_entra_groups_need_the_teams_files_identity_provider():
    context = {"account": "111111111111", "region": "eu-central-1", **{k.replace("_", "-"): v for k, v in ENTRA_FLAGS.items()}}
    with pytest.raises(ConfigError, match="-c order-entra-groups: needs the teams file's identity_provider"):
        load_platform_config(context.get, keys=list(context))
