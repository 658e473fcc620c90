"""teams.schema.json is generated from the settings model: the committed copy is current, and an
editor checking a file with it agrees with what synth accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from pydantic import TypeAdapter, ValidationError

from studio_platform import teams_schema
from studio_platform.settings import TeamsDocument

ROOT = Path(__file__).resolve().parent.parent
CONTEXT = {"region": "eu-central-1", "account": "111111111111"}


def test_the_committed_schema_is_what_the_model_generates():
    committed = teams_schema.SCHEMA_PATH.read_text(encoding="utf-8")
    assert committed == teams_schema.schema_text(), "run: python -m studio_platform.teams_schema --write"
    assert teams_schema.main(["--check"]) == 0


def test_check_fails_on_a_stale_copy_and_write_repairs_it(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "teams.schema.json"
    stale.write_text(teams_schema.schema_text().replace("between 5 and 240", "between 5 and 300"))
    monkeypatch.setattr(teams_schema, "SCHEMA_PATH", stale)
    assert teams_schema.main(["--check"]) == 1
    assert "--write" in capsys.readouterr().err
    assert teams_schema.main(["--write"]) == 0
    assert teams_schema.main(["--check"]) == 0


def test_the_schema_is_draft_2020_12_and_names_its_parts_as_the_file_does():
    schema = teams_schema.teams_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == teams_schema.DIALECT
    assert {"defaults", "team", "budget", "instance_types", "mirror_url", "user_profiles"} <= set(schema["$defs"])
    assert schema["$defs"]["mirror_url"]["type"] == ["string", "null"]
    # pydantic's generated titles ("Idle Timeout Minutes") would only repeat the field names.
    assert [path for path in keyword_paths(schema, "title") if path] == []


def keyword_paths(node, keyword, at=""):
    """JSON pointers of the schema objects that use `keyword`."""
    if isinstance(node, dict):
        found = [at] if keyword in node and not at.endswith("/properties") else []
        return found + [p for key, value in node.items() for p in keyword_paths(value, keyword, f"{at}/{key}")]
    if isinstance(node, list):
        return [p for index, value in enumerate(node) for p in keyword_paths(value, keyword, f"{at}/{index}")]
    return []


def test_the_example_file_satisfies_schema_and_model():
    document = yaml.safe_load((ROOT / "teams.example.yaml").read_text())
    assert list(Draft202012Validator(teams_schema.teams_schema()).iter_errors(document)) == []
    assert len(TypeAdapter(TeamsDocument).validate_python(document, context=CONTEXT).teams) == 3


# Shapes an editor can see: the schema and the model refuse each, or accept each.
SHAPES = [
    ({"teams": [{"name": "t1", "x-note": 1}], "x-anchor": [1]}, True),
    ({"teams": [{"name": "t1", "pip_index_url": None}]}, True),
    ({"teams": []}, False),
    ({"team": [{"name": "t1"}]}, False),
    ({"teams": [{"name": "t1", "owner": None}]}, False),
    ({"teams": [{"name": "t1", "budget": None}]}, False),
    ({"teams": [{"name": "t1", "idle_timeout_minutes": "30"}]}, False),
    ({"teams": [{"name": "t1", "idle_timeout_minutes": True}]}, False),
    ({"teams": [{"name": "t1", "cost_centre": 4711}]}, False),
    ({"teams": [{"name": "t1", "budget": {"monthly_limit_usd": 5, "thresholds_percent": [80, 80]}}]}, False),
    ({"teams": [{"name": "t1", "budget": {"monthly_limit_usd": 5, "x-a": 1}}]}, False),
    ({"teams": [{"name": "t1"}], "retired_teams": ["a", "a"]}, False),
    ({"teams": [{"name": "t1"}], "defaults": None}, False),
]


@pytest.mark.parametrize(("document", "accepted"), SHAPES)
def test_schema_and_model_agree_on_shapes(document, accepted):
    schema_accepts = not list(Draft202012Validator(teams_schema.teams_schema()).iter_errors(document))
    try:
        TypeAdapter(TeamsDocument).validate_python(document, context=CONTEXT)
        model_accepts = True
    except ValidationError:
        model_accepts = False
    assert (schema_accepts, model_accepts) == (accepted, accepted)
