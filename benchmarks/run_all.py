"""`make bench`: every benchmark, one Markdown table, written into the README between markers."""

from __future__ import annotations

import platform
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_presign  # noqa: E402
import bench_synth  # noqa: E402

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def main() -> None:
    rows = bench_synth.run() + bench_presign.run()
    table = "\n".join(
        [f"Measured with `make bench` on {platform.machine()}, {platform.python_version()}, 2 cores.", "",
         "| metric | value |", "|---|---|", *(f"| {m} | {v} |" for m, v in rows)]
    )
    print(table)
    text = README.read_text()
    if START in text and END in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), f"{START}\n{table}\n{END}", text, flags=re.S)
        README.write_text(text)
        print(f"\nwritten into {README.name}", file=sys.stderr)


if __name__ == "__main__":
    main()
