"""Synthesize the platform in-process from cdk.json's defaults plus overrides (for tests)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Template

ROOT = Path(__file__).resolve().parent.parent


def default_context(**overrides: Any) -> dict[str, Any]:
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    context.update({key.replace("_", "-"): value for key, value in overrides.items()})
    return context


def synth_platform(context: dict[str, Any]) -> dict[str, Template]:
    """Templates by stack name; cdk-nag runs during synth and fails it on open findings.

    Synth is the slow part: one synth per distinct context per test process.
    """
    return _synth_cached(json.dumps(context, sort_keys=True))


def platform_app(context: dict[str, Any], *, outdir: str | None = None) -> tuple[cdk.App, dict[str, cdk.Stack]]:
    """The app as app.py wires it from `context` (stacks by name), not yet synthesized."""
    from app import wire_platform
    from studio_platform.config import load_platform_config

    app = cdk.App(context=context, outdir=outdir)
    # As app.py does: a test context with a mistyped key fails instead of synthesizing defaults.
    given = [key for key, value in context.items() if value is not None]
    return app, wire_platform(app, load_platform_config(app.node.try_get_context, keys=given))


def wired_platform(context: dict[str, Any]) -> tuple[cdk.App, dict[str, cdk.Stack]]:
    """`platform_app(context)`, built once per distinct context per test process (shared with
    synth_platform, so a test that walks the construct tree costs no synth of its own)."""
    return _wired_cached(json.dumps(context, sort_keys=True))


@functools.lru_cache(maxsize=None)
def _wired_cached(context_json: str) -> tuple[cdk.App, dict[str, cdk.Stack]]:
    return platform_app(json.loads(context_json))


@functools.lru_cache(maxsize=None)
def _synth_cached(context_json: str) -> dict[str, Template]:
    _, stacks = _wired_cached(context_json)
    return {name: Template.from_stack(stack) for name, stack in stacks.items()}


def resource_of(context: dict[str, Any], node: Any) -> dict:
    """The synthesized resource of the L1 construct `node` of `wired_platform(context)`."""
    stack = cdk.Stack.of(node)
    return _resources_cached(json.dumps(context, sort_keys=True), stack.stack_name)[
        stack.resolve(stack.get_logical_id(node))
    ]


@functools.lru_cache(maxsize=None)
def _resources_cached(context_json: str, stack_name: str) -> dict[str, dict]:
    return _synth_cached(context_json)[stack_name].to_json()["Resources"]


def resources_of(template: Template, resource_type: str) -> dict[str, dict]:
    return template.find_resources(resource_type)


def only(template: Template, resource_type: str) -> dict:
    found = list(template.find_resources(resource_type).values())
    assert len(found) == 1, f"expected one {resource_type}, found {len(found)}"
    return found[0]
