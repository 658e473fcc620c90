"""The teams file's JSON schema, generated from the settings model (studio_platform.settings).

Validation goes through the model; the schema serves editors (teams.example.yaml's
yaml-language-server line points at the committed copy) and the wording of errors (each rule's
`description`). Regenerate the committed copy after changing the model, a test fails until then:

    python -m studio_platform.teams_schema --write     # --check: exit 1 when the copy is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any, Sequence

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import core_schema

from studio_platform.settings import TeamsDocument

SCHEMA_PATH = Path(__file__).with_name("teams.schema.json")
DIALECT = "https://json-schema.org/draft/2020-12/schema"
TITLE = "SageMaker Studio platform teams file"
# The models' names in `$defs`: what a teams file calls them.
DEFINITION_NAMES = {"TeamSettings": "defaults", "TeamEntry": "team", "BudgetConfig": "budget"}


class SettingsJsonSchema(GenerateJsonSchema):
    """pydantic's schema, worded for a person editing a teams file: no generated titles, `null`
    as one more type of a value (`"type": ["string", "null"]`), models named as in the file."""

    def normalize_name(self, name: str) -> str:
        return DEFINITION_NAMES.get(name) or super().normalize_name(name)

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def dataclass_schema(self, schema: core_schema.DataclassSchema) -> dict[str, Any]:
        generated = super().dataclass_schema(schema)
        generated.pop("title", None)
        return generated

    def nullable_schema(self, schema: core_schema.NullableSchema) -> dict[str, Any]:
        inner = self.generate_inner(schema["schema"])
        if isinstance(inner.get("type"), str):
            return {**inner, "type": [inner["type"], "null"]}
        return super().nullable_schema(schema)


@cache
def model_schema(model: type) -> dict[str, Any]:
    """The JSON schema of any settings model (flag errors read ranges and choices from it)."""
    return TypeAdapter(model).json_schema(schema_generator=SettingsJsonSchema)


def teams_schema() -> dict[str, Any]:
    return {"$schema": DIALECT, "title": TITLE, **model_schema(TeamsDocument)}


def schema_text() -> str:
    return json.dumps(teams_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    summary = __doc__.split("\n\n")[0]
    parser = argparse.ArgumentParser(prog="python -m studio_platform.teams_schema", description=summary)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help=f"write {SCHEMA_PATH.name} from the model")
    action.add_argument("--check", action="store_true", help=f"exit 1 when {SCHEMA_PATH.name} differs from the model")
    arguments = parser.parse_args(argv)
    if arguments.write:
        SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
        return 0
    if SCHEMA_PATH.read_text(encoding="utf-8") != schema_text():
        print(f"{SCHEMA_PATH} is stale: run python -m studio_platform.teams_schema --write", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
