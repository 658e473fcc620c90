"""What the workflow's Task sends: {"action", "order": <execution input>, "task_token"}.

Parsed once at the edge. A bad shape is the workflow's defect, raised as a ValueError whose
message names the fields and the rules they break, never their values: the task token is a
secret, and the message lands in the execution's history.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

from studio_runtime.contracts.ordering_steps import REGISTER, REQUEST_APPROVAL, VALIDATE

# The ordering API names each order (and its execution) with a UUID4.
ORDER_ID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
# SendTaskSuccess accepts tokens of 1..2048 characters.
TASK_TOKEN_MAX = 2048
TEXT_MAX = 256
IDP_GROUPS_MAX = 10


class WorkflowOrder(BaseModel):
    """The execution input (order_records.WorkflowInput). Fields the ordering API may add later
    are ignored, so a newer API does not break a running workflow."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    order_id: str = Field(pattern=ORDER_ID_PATTERN)
    team: str = Field(min_length=1, max_length=TEXT_MAX)
    # studio_platform.orders.check_order's result; the steps check it again themselves.
    entry: dict[str, Any]
    requester: str = Field(min_length=1, max_length=TEXT_MAX)
    requester_email: Optional[str] = Field(default=None, max_length=TEXT_MAX)
    api_url: str = Field(pattern=r"^https://[^\s/]+(/\S*)?$", max_length=2048)

    @field_validator("api_url")
    @classmethod
    def without_trailing_slash(cls, url: str) -> str:
        return url.rstrip("/")

    @model_validator(mode="after")
    def team_is_the_entry(self) -> WorkflowOrder:
        if self.entry.get("name") != self.team:
            raise ValueError("team must be the entry's name")
        return self


class StepEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Literal[VALIDATE, REQUEST_APPROVAL, REGISTER]  # type: ignore[valid-type]
    order: WorkflowOrder
    # SecretStr: the token cannot reach a log line or an error through repr or str.
    task_token: Optional[SecretStr] = Field(default=None, min_length=1, max_length=TASK_TOKEN_MAX)
    # The Entra ID group the workflow created (register only); the teams file checks its form.
    idp_groups: Optional[tuple[str, ...]] = Field(default=None, min_length=1, max_length=IDP_GROUPS_MAX)

    @model_validator(mode="after")
    def token_only_to_wait_for_approval(self) -> StepEvent:
        if self.action == REQUEST_APPROVAL and self.task_token is None:
            raise ValueError(f"task_token is required for {REQUEST_APPROVAL}")
        if self.action != REQUEST_APPROVAL and self.task_token is not None:
            raise ValueError(f"task_token is only for {REQUEST_APPROVAL}")
        if self.action != REGISTER and self.idp_groups is not None:
            raise ValueError(f"idp_groups is only for {REGISTER}")
        return self


def parse_event(raw: Any) -> StepEvent:
    try:
        return StepEvent.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or 'event'}: {problem['msg']}"
            for problem in error.errors(include_url=False, include_input=False, include_context=False)
        )
        # `from None`: the ValidationError's own text quotes the input (the token among it).
        raise ValueError(f"not a step event: {problems}") from None
