"""The team's Entra ID group, made by the ordering workflow through Microsoft Graph (optional).

Three HTTP tasks (Step Functions' `http:invoke`) through an EventBridge connection that holds
the Graph app registration's client credentials (the secret stays in Secrets Manager; the
template carries a `{{resolve:secretsmanager:...}}` reference):

1. UpsertEntraGroup: `PATCH /v1.0/groups(uniqueName='<team>')` with `Prefer: create-if-missing`:
   creates the security group once, and a retry or a second order finds it (idempotent);
2. ReadEntraGroup: `GET` of the same group, for its object id (the upsert answers 204 without
   a body when the group existed);
3. AssignEntraGroup: assigns the group to the sign-in application's service principal, so the
   group appears in its users' tokens ("groups assigned to the application", README: Setting up
   Entra ID); an assignment that exists already (400) counts as done.

The object id goes into the team's teams-file entry as `idp_groups`, which the pre-token
trigger maps to the team once sagemaker-login-stack is deployed from that teams file.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

GRAPH = "https://graph.microsoft.com"
GRAPH_SCOPE = f"{GRAPH}/.default"
TEAM = "$.order.team"
# Graph throttles with 429 and answers 5xx when busy: worth a retry with backoff.
RETRYABLE = [f"States.Http.StatusCode.{code}" for code in (429, 500, 502, 503, 504)]
# Graph's answer when the group is assigned to the application already.
ALREADY_ASSIGNED = "States.Http.StatusCode.400"
# The default app role ("User"): membership without a named role.
DEFAULT_APP_ROLE = "00000000-0000-0000-0000-000000000000"


class EntraGroupTasks(Construct):
    """Attributes: `connection`, `first` and `last` (the chain's ends), `tasks`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        tenant_id: str,
        client_id: str,
        client_secret_name: str,
        app_object_id: str,
        state_scope: Construct,
    ) -> None:
        """`state_scope`: the workflow, which owns its states' ids."""
        super().__init__(scope, construct_id)
        self.connection = events.Connection(
            self,
            "GraphConnection",
            description="Microsoft Graph as the platform's app registration (client credentials)",
            authorization=events.Authorization.oauth(
                authorization_endpoint=f"https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token",
                client_id=client_id,
                client_secret=cdk.SecretValue.secrets_manager(client_secret_name),
                http_method=events.HttpMethod.POST,
                body_parameters={
                    "grant_type": events.HttpParameter.from_string("client_credentials"),
                    "scope": events.HttpParameter.from_string(GRAPH_SCOPE),
                },
            ),
        )
        group_path = sfn.JsonPath.format("v1.0/groups(uniqueName='{}')", sfn.JsonPath.string_at(TEAM))
        upsert = self._http(
            state_scope,
            "UpsertEntraGroup",
            endpoint=group_path,
            method="PATCH",
            headers={"Content-Type": "application/json", "Prefer": "create-if-missing"},
            body={
                "displayName": sfn.JsonPath.string_at(TEAM),
                "mailNickname": sfn.JsonPath.string_at(TEAM),
                "description": sfn.JsonPath.format("SageMaker Studio team {}", sfn.JsonPath.string_at(TEAM)),
                "mailEnabled": False,
                "securityEnabled": True,
            },
            result_path=sfn.JsonPath.DISCARD,
        )
        read = self._http(
            state_scope,
            "ReadEntraGroup",
            endpoint=group_path,
            method="GET",
            result_selector={"id.$": "$.ResponseBody.id"},
            result_path="$.entra",
        )
        assign = self._http(
            state_scope,
            "AssignEntraGroup",
            endpoint=f"v1.0/servicePrincipals/{app_object_id}/appRoleAssignedTo",
            method="POST",
            headers={"Content-Type": "application/json"},
            body={
                "principalId": sfn.JsonPath.string_at("$.entra.id"),
                "resourceId": app_object_id,
                "appRoleId": DEFAULT_APP_ROLE,
            },
            result_path=sfn.JsonPath.DISCARD,
        )
        self.tasks = (upsert, read, assign)
        self.first, self.last = upsert, assign
        self.already_assigned = ALREADY_ASSIGNED
        upsert.next(read).next(assign)

    def _http(
        self,
        scope: Construct,
        state_id: str,
        *,
        endpoint: str,
        method: str,
        headers: dict | None = None,
        body: dict | None = None,
        **result: object,
    ) -> tasks.HttpInvoke:
        task = tasks.HttpInvoke(
            scope,
            state_id,
            api_root=GRAPH,
            api_endpoint=sfn.TaskInput.from_text(endpoint),
            method=sfn.TaskInput.from_text(method),
            connection=self.connection,
            headers=sfn.TaskInput.from_object(headers) if headers else None,
            body=sfn.TaskInput.from_object(body) if body else None,
            **result,
        )
        task.add_retry(errors=RETRYABLE, interval=cdk.Duration.seconds(5), max_attempts=4, backoff_rate=2)
        return task
