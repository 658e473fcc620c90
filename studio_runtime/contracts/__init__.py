"""What a construct and its Lambda function must agree on, defined once for both sides.

One module per function: the environment variables the construct sets and the function reads,
and the custom-resource properties the construct sends and the function parses (a pydantic
model whose field names are the CloudFormation property names). `tests/test_runtime_contracts.py`
checks every synthesized function and custom resource against these, so a drift fails a test.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

# The tag that says which team (Studio domain) a resource belongs to. The execution role's
# guardrails, the presign function and the teardown all read it.
TEAM_TAG_KEY = "DomainName"


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


class EnvironmentVariables:
    """Names of the environment variables one function reads: subclasses list them as
    upper-case string constants, which both the construct and the handler use."""

    @classmethod
    def names(cls) -> frozenset[str]:
        return frozenset(
            value for key, value in vars(cls).items() if key.isupper() and isinstance(value, str)
        )
