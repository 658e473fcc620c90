"""What a construct and its Lambda function must agree on, defined once for both sides.

One module per function: the environment variables the construct sets and the function reads,
and the custom-resource properties the construct sends and the function parses (a
`studio_runtime.resource_properties.ResourceProperties` model whose field names are the
CloudFormation property names). This package imports no pydantic, so a function without
custom-resource properties does not load it at cold start. `tests/test_runtime_contracts.py`
checks every synthesized function and custom resource against these, so a drift fails a test.
"""

from __future__ import annotations

# The tag that says which team (Studio domain) a resource belongs to. The execution role's
# guardrails, the presign function and the teardown all read it.
TEAM_TAG_KEY = "DomainName"


class EnvironmentVariables:
    """Names of the environment variables one function reads: subclasses list them as
    upper-case string constants, which both the construct and the handler use."""

    @classmethod
    def names(cls) -> frozenset[str]:
        return frozenset(
            value for key, value in vars(cls).items() if key.isupper() and isinstance(value, str)
        )
