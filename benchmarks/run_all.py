"""`make bench`: every benchmark as one Markdown table on stdout.

`--write-readme` (`make bench WRITE_README=1`) also replaces the table between the README's
markers; without it the working tree stays as it was, so a benchmark run is never a change.
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_login_page  # noqa: E402
import bench_ordering  # noqa: E402
import bench_presign  # noqa: E402
import bench_synth  # noqa: E402
from table import markdown_table  # noqa: E402

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def render_table(rows: Sequence[tuple[str, str]]) -> str:
    measured = f"Measured with `make bench` on {platform.machine()}, {platform.python_version()}, 2 cores."
    return f"{measured}\n\n{markdown_table(rows)}"


def write_into_readme(readme: Path, table: str) -> None:
    """Replaces what lies between the markers; refuses a README without them rather than appending."""
    text = readme.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"error: {readme.name} has no {START} ... {END} markers; table not written")
    text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: f"{START}\n{table}\n{END}", text, flags=re.S)
    readme.write_text(text)


def main(argv: Sequence[str] | None = None, *, readme: Path = README) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-readme", action="store_true", help=f"also write the table into {readme.name}")
    args = parser.parse_args(argv)
    table = render_table(bench_synth.run() + bench_presign.run() + bench_ordering.run() + bench_login_page.run())
    print(table)
    if args.write_readme:
        write_into_readme(readme, table)
        print(f"\nwritten into {readme.name}", file=sys.stderr)


if __name__ == "__main__":
    main()
