"""Each construct and its function agree on their contract (studio_runtime/contracts/).

The platform is synthesized and every Python function's environment and every custom
resource's properties are held against the contract module of that function: a variable or
property one side renames, adds or drops without the other fails here.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from types import ModuleType

import aws_cdk as cdk
import pytest

import studio_runtime.contracts as contracts_package
from ordering_variants import WITH_PROVIDER
from platform_synth import default_context, resource_of, wired_platform
from studio_constructs.python_function import PythonFunction

FRAMEWORK_PROPERTIES = {"ServiceToken"}
# aws-cdk-lib's own custom resources: its handlers, its properties.
AWS_CDK_RESOURCE_TYPES = {
    "Custom::VpcRestrictDefaultSG",
    "Custom::S3AutoDeleteObjects",
    "Custom::AWS",
    "Custom::CDKBucketDeployment",
}


def contract_modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"{contracts_package.__name__}.{module.name}")
        for module in pkgutil.iter_modules(contracts_package.__path__)
    ]


CONTRACTS = contract_modules()
BY_CODE_DIR = {module.CODE_DIR: module for module in CONTRACTS}
BY_RESOURCE_TYPE = {module.RESOURCE_TYPE: module for module in CONTRACTS if hasattr(module, "RESOURCE_TYPE")}
# The default platform (demo user) and the example teams file (budgets, mirrors, several teams).
VARIANTS = {
    "default": {},
    "teams-file": {"teams_file": "teams.example.yaml", "domain_name": None},
    # The pre-token-generation trigger exists only with an identity provider.
    "identity-provider": WITH_PROVIDER,
}


@functools.lru_cache(maxsize=None)
def synthesized(variant: str) -> tuple[list[tuple[str, dict]], list[tuple[str, dict]]]:
    """(code dir, environment) of every Python function and (type, properties) of every custom resource."""
    context = default_context(**VARIANTS[variant])
    app, _ = wired_platform(context)
    functions, custom = [], []
    for node in app.node.find_all():
        if isinstance(node, PythonFunction):
            properties = resource_of(context, node.function.node.default_child)["Properties"]
            functions.append((node.code_dir, properties.get("Environment", {}).get("Variables", {})))
        elif (
            isinstance(node, cdk.CfnResource)
            and node.cfn_resource_type.startswith("Custom::")
            and node.cfn_resource_type not in AWS_CDK_RESOURCE_TYPES
        ):
            custom.append((node.cfn_resource_type, resource_of(context, node).get("Properties", {})))
    return functions, custom


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_function_sets_only_the_variables_its_contract_names(variant: str) -> None:
    functions, _ = synthesized(variant)
    assert functions
    for code_dir, variables in functions:
        assert code_dir in BY_CODE_DIR, f"lambda/{code_dir} has no module in studio_runtime/contracts/"
        unknown = set(variables) - BY_CODE_DIR[code_dir].Environment.names()
        assert not unknown, f"lambda/{code_dir} is given {sorted(unknown)}, which its contract does not name"


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_custom_resource_sends_what_its_handler_parses(variant: str) -> None:
    _, custom = synthesized(variant)
    assert custom
    for resource_type, properties in custom:
        assert resource_type in BY_RESOURCE_TYPE, f"{resource_type} has no contract in studio_runtime/contracts/"
        fields = BY_RESOURCE_TYPE[resource_type].Properties.model_fields
        sent = set(properties) - FRAMEWORK_PROPERTIES
        required = {name for name, field in fields.items() if field.is_required()}
        assert sent <= set(fields), f"{resource_type} sends {sorted(sent - set(fields))}, which its handler refuses"
        assert required <= sent, f"{resource_type} omits {sorted(required - sent)}, which its handler requires"


def test_every_contract_is_used_by_the_platform() -> None:
    used_dirs, used_types = set(), set()
    for variant in VARIANTS:
        functions, custom = synthesized(variant)
        used_dirs |= {code_dir for code_dir, _ in functions}
        used_types |= {resource_type for resource_type, _ in custom}
    assert set(BY_CODE_DIR) == used_dirs
    assert set(BY_RESOURCE_TYPE) == used_types
