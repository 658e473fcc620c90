"""The contract of the Studio lifecycle-config custom resource and its scheduled sweeper.

`lambda/lifecycle_config/` holds both functions: `handler.on_event` (the custom resource that
studio_constructs/lifecycle_configs.py declares) and `sweeper.on_schedule` (the scheduled
sweeper of studio_constructs/lifecycle_config_sweeper.py). The deletion mark is a contract of
three parties: the handler writes it, the sweeper deletes only configs carrying it, and the
sweeper's IAM condition allows the delete only on them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from studio_runtime.contracts import EnvironmentVariables
from studio_runtime.resource_properties import ResourceProperties

CODE_DIR = "lifecycle_config"
RESOURCE_TYPE = "Custom::StudioLifecycleConfig"

# A config still in use when CloudFormation deletes it carries this tag (value: the UTC time it
# was marked); the sweeper deletes only configs with it, and its role may delete no other.
DELETE_WHEN_UNUSED_TAG = "studio-platform:delete-when-unused"

# SageMaker's rules for CreateStudioLifecycleConfig (the synth checks them too,
# studio_constructs/lifecycle_content.py).
CONFIG_NAME_PATTERN = r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"
MAX_CONTENT_BASE64 = 16384
StudioAppType = Literal["JupyterLab", "CodeEditor", "KernelGateway", "JupyterServer"]


class Environment(EnvironmentVariables):
    """Set on the sweeper function only; the custom-resource handler reads no variable."""

    SWEEP_MAX_CALLS = "SWEEP_MAX_CALLS"


class Tag(BaseModel):
    """One tag the config is created with; SageMaker takes the list as it is."""

    model_config = ConfigDict(frozen=True)

    Key: str
    Value: str = ""


class Properties(ResourceProperties):
    """The `ResourceProperties` of one Custom::StudioLifecycleConfig."""

    ConfigName: str = Field(pattern=CONFIG_NAME_PATTERN)
    AppType: StudioAppType
    ContentBase64: str = Field(min_length=1, max_length=MAX_CONTENT_BASE64)
    Tags: tuple[Tag, ...] = ()

    @field_validator("Tags", mode="before")
    @classmethod
    def _absent_tags_are_none(cls, value: Any) -> Any:
        # A resource without tags may arrive with no list, an empty one or an empty string.
        return () if value in (None, "", []) else value
