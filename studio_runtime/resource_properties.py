"""The base of every custom resource's properties model (studio_runtime/contracts/<function>.py)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class ResourceProperties(BaseModel):
    """The `ResourceProperties` of one custom resource type; unknown properties are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def cfn(cls, **properties: Any) -> dict[str, Any]:
        """The properties a construct sends, checked by name only (values may be CDK tokens)."""
        fields = cls.model_fields
        unknown = sorted(set(properties) - set(fields))
        missing = sorted(name for name, info in fields.items() if info.is_required() and name not in properties)
        if unknown or missing:
            raise TypeError(f"{cls.__name__}: unknown properties {unknown}, missing properties {missing}")
        return {name: value for name, value in properties.items() if value is not None}
