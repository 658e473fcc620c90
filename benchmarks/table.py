"""The one Markdown form of a benchmark's rows (each script alone, and run_all.py for all)."""

from __future__ import annotations

from typing import Sequence


def markdown_table(rows: Sequence[tuple[str, str]]) -> str:
    return "\n".join(["| metric | value |", "|---|---|", *(f"| {metric} | {value} |" for metric, value in rows)])
