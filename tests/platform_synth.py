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


@functools.lru_cache(maxsize=None)
def _synth_cached(context_json: str) -> dict[str, Template]:
    from app import wire_platform
    from studio_platform.config import load_platform_config

    context = json.loads(context_json)
    app = cdk.App(context=context)
    # As app.py does: a test context with a mistyped key fails instead of synthesizing defaults.
    given = [key for key, value in context.items() if value is not None]
    stacks = wire_platform(app, load_platform_config(app.node.try_get_context, keys=given))
    return {name: Template.from_stack(stack) for name, stack in stacks.items()}


def resources_of(template: Template, resource_type: str) -> dict[str, dict]:
    return template.find_resources(resource_type)


def only(template: Template, resource_type: str) -> dict:
    found = list(template.find_resources(resource_type).values())
    assert len(found) == 1, f"expected one {resource_type}, found {len(found)}"
    return found[0]
