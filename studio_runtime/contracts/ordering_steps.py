"""The ordering workflow's steps function: what the workflow sends it and what it returns.

Construct: studio_constructs/ordering_workflow.py. Function: lambda/ordering_steps/. Each
invocation is {"action": <one of ACTIONS>, "order": <the execution input>} and, for
REQUEST_APPROVAL, "task_token". Failures the workflow handles by name are raised as
order_records.ORDER_INVALID_ERROR and TEAMS_FILE_CHANGED_ERROR.
"""

from __future__ import annotations

from studio_runtime.contracts import EnvironmentVariables

CODE_DIR = "ordering_steps"

# {"entry": <the entry, checked again against today's teams file>}
VALIDATE = "validate"
# Stores the task token on the order and e-mails the approvers; returns nothing (the workflow
# waits for an approver's answer through the ordering API).
REQUEST_APPROVAL = "request_approval"
# Adds the entry to the teams file: {"teams_file_version": <S3 version id>, "changed": bool}
REGISTER = "register"
# REGISTER only, when the workflow created the team's Entra ID group: its object id, which the
# entry gets as `idp_groups` (the pre-token trigger maps it to the team).
IDP_GROUPS = "idp_groups"
ACTIONS = (VALIDATE, REQUEST_APPROVAL, REGISTER)


class Environment(EnvironmentVariables):
    ORDERS_TABLE = "ORDERS_TABLE"
    TEAMS_BUCKET = "TEAMS_BUCKET"
    TEAMS_FILE_KEY = "TEAMS_FILE_KEY"
    ACCOUNT_ID = "ACCOUNT_ID"
    APPROVERS_TOPIC_ARN = "APPROVERS_TOPIC_ARN"
    # For the approvers' e-mail: how long they have to answer.
    APPROVAL_TIMEOUT_HOURS = "APPROVAL_TIMEOUT_HOURS"
    LOG_LEVEL = "POWERTOOLS_LOG_LEVEL"
