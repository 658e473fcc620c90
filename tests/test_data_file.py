"""A YAML or JSON file from outside is data: refused fast, in one line, when it is hostile or broken."""

from __future__ import annotations

import time

import pytest

from studio_platform.data_file import MAX_FILE_BYTES, read_document
from studio_platform.yaml_document import MAX_EXPANDED_NODES
from studio_platform.errors import ConfigError

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
)


def refusal(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ConfigError) as refused:
        read_document(str(path))
    return str(refused.value).removeprefix(str(tmp_path) + "/")


def test_aliases_that_expand_past_the_limit_are_refused_without_expanding_them(tmp_path):
    started = time.monotonic()
    assert refusal(tmp_path, "f.yaml", LAUGHS).startswith(f"f.yaml: its YAML aliases expand to more than {MAX_EXPANDED_NODES}")
    assert time.monotonic() - started < 5


def test_small_repeats_through_anchors_and_merge_keys_are_fine(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("x-base: &base {owner: a}\nteams:\n  - <<: *base\n    name: t1\n  - {<<: *base, name: t2}\n")
    assert read_document(str(path))["teams"] == [{"owner": "a", "name": "t1"}, {"owner": "a", "name": "t2"}]


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("f.yaml", "x-loop: &loop [*loop]\n", "f.yaml: invalid YAML: an alias refers to a node that contains it"),
        ("f.yaml", "teams: " + "[" * 5000 + "]" * 5000 + "\n", "f.yaml: invalid YAML: nested too deeply"),
        ("f.yaml", "a: 1\nb: 2\na: 3\n", "f.yaml:3:1: invalid YAML: the key 'a' is given twice"),
        ("f.json", '{"a": 1, "a": 2}', "f.json: invalid JSON: the key 'a' is given twice"),
        ("f.json", '{"a": Infinity}', "f.json:1:1: invalid JSON: Infinity is not a finite number"),
        ("f.yaml", "x-mine: {limit: .inf}\n", "f.yaml: x-mine.limit: inf is not a finite number"),
        ("f.yaml", "teams: [{budget: [.nan]}]\n", "f.yaml: teams[0].budget[0]: nan is not a finite number"),
        ("f.yaml", "", "f.yaml: the file is empty; it must have a top-level `teams:` list (see teams.example.yaml)"),
    ],
)
def test_hostile_or_broken_files_are_one_line(tmp_path, name, text, line):
    assert refusal(tmp_path, name, text) == line


def test_a_file_over_the_size_limit_is_not_read(tmp_path):
    text = "# " + "x" * MAX_FILE_BYTES + "\n"
    assert refusal(tmp_path, "f.yaml", text) == f"f.yaml: is {len(text)} bytes; a teams file may have at most {MAX_FILE_BYTES}"
