"""`cdk synth` wall time and peak memory for 1, 25 and 100 teams, as platform engineers run it.

Each measurement runs `npx cdk synth` (CLI, app, jsii and cdk-nag included) in a fresh child
process; the figure is the median of --repeat runs, the memory the largest process's peak RSS.
Run: `python benchmarks/bench_synth.py [--teams 1,25,100] [--repeat 3]`.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEAM_COUNTS = (1, 25, 100)


def team_names(count: int) -> str:
    return ",".join(f"team{i}" for i in range(1, count + 1))


def synth_once(count: int) -> tuple[float, float]:
    """(seconds, peak MiB) of one CLI synth, measured in a fresh child so RSS is per run."""
    code = (
        "import resource, subprocess, sys, time;"
        "start = time.perf_counter();"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);"
        "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    env = dict(os.environ, PATH=f"{ROOT / '.venv' / 'node' / 'bin'}:{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}")
    with tempfile.TemporaryDirectory() as out:
        command = ["npx", "--no-install", "cdk", "synth", "--quiet", "--no-notices", "-o", out]
        command += ["-c", f"domain-name={team_names(count)}"]
        result = subprocess.run(
            [sys.executable, "-c", code, *command], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
    seconds, max_rss_kib = result.stdout.split()
    return float(seconds), int(max_rss_kib) / 1024


def run(team_counts: tuple[int, ...] = TEAM_COUNTS, repeat: int = 3) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    medians: dict[int, float] = {}
    for count in team_counts:
        samples = [synth_once(count) for _ in range(repeat)]
        medians[count] = statistics.median(s for s, _ in samples)
        peak = max(m for _, m in samples)
        rows.append((f"cdk synth, {count} team(s): wall s (median of {repeat})", f"{medians[count]:.1f}"))
        rows.append((f"cdk synth, {count} team(s): peak RSS MiB", f"{peak:.0f}"))
    low, high = min(team_counts), max(team_counts)
    if high > low:
        per_team = (medians[high] - medians[low]) / (high - low)
        rows.append(("cdk synth: added wall s per team", f"{per_team:.3f}"))
        rows.append((f"cdk synth: {high} teams / {low} team", f"{medians[high] / medians[low]:.2f}x (goal <= 3x)"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", default=",".join(map(str, TEAM_COUNTS)))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    rows = run(tuple(int(n) for n in args.teams.split(",")), args.repeat)
    from table import markdown_table  # beside this script

    print(markdown_table(rows))
    print(f"\n({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
