"""Run the app as platform engineers do: the CDK CLI, or the app alone as the CLI starts it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_BIN = ROOT / ".venv" / "node" / "bin"


def clean_env(tmp_path: Path) -> dict[str, str]:
    """No AWS credentials or profile reachable, Node 24 first on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        PATH=f"{NODE_BIN}:{ROOT / '.venv' / 'bin'}:{env['PATH']}",
        HOME=str(tmp_path),
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
        AWS_EC2_METADATA_DISABLED="true",
        CDK_DISABLE_VERSION_CHECK="1",
        # jsii unpacks aws-cdk-lib into this cache once; under a fresh HOME it would redo it
        # (seconds) for every run.
        JSII_RUNTIME_PACKAGE_CACHE_ROOT=str(ROOT / ".venv" / "jsii-package-cache"),
    )
    return env


def cdk_synth(tmp_path: Path, *context: str) -> subprocess.CompletedProcess:
    args = ["npx", "--no-install", "cdk", "synth", "--quiet", "--no-notices", "--output", str(tmp_path / "out")]
    for item in context:
        args += ["-c", item]
    return subprocess.run(args, cwd=ROOT, env=clean_env(tmp_path), capture_output=True, text=True, timeout=300)


def run_app(tmp_path: Path, context: dict) -> subprocess.CompletedProcess:
    """The app alone, as the CLI starts it (context through CDK_CONTEXT_JSON)."""
    env = clean_env(tmp_path)
    env["CDK_CONTEXT_JSON"] = json.dumps(context)
    env["CDK_OUTDIR"] = str(tmp_path / "out")
    return subprocess.run([str(ROOT / "scripts" / "cdk-app")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
