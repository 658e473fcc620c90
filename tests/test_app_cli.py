"""The app as platform engineers run it: `npx cdk synth` offline, and bad input as one line."""

from __future__ import annotations

import json

import pytest
from app_process import cdk_synth, run_app


def test_defaults_synthesize_without_credentials(tmp_path):
    result = cdk_synth(tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    out = tmp_path / "out"
    names = sorted(p.name for p in out.glob("*.template.json"))
    assert "infrastructure-stack.template.json" in names
    assert "sagemaker-login-stack.template.json" in names
    assert "sagemaker-studio-stack-team1.template.json" in names
    manifest = json.loads((out / "manifest.json").read_text())
    assert not manifest.get("missing"), "synth asked for a context lookup (needs credentials)"
    assert "Node 20 is end-of-life" not in result.stderr


def test_seed_command_for_another_account_and_region(tmp_path):
    result = cdk_synth(
        tmp_path,
        "account=222222222222",
        "region=us-west-2",
        "domain-name=team1,team2",
        "user=demo-user",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    template = json.loads((tmp_path / "out" / "sagemaker-studio-stack-team2.template.json").read_text())
    buckets = [r["Properties"].get("BucketName") for r in template["Resources"].values() if r["Type"] == "AWS::S3::Bucket"]
    assert "team2-us-west-2-222222222222" in buckets
    infra = json.loads((tmp_path / "out" / "infrastructure-stack.template.json").read_text())
    zones = sorted(r["Properties"]["AvailabilityZone"] for r in infra["Resources"].values() if r["Type"] == "AWS::EC2::Subnet")
    assert zones == ["us-west-2a", "us-west-2b"]


BASE = {"account": "111111111111", "region": "eu-central-1", "domain-name": "team1", "user": "demo-user"}


@pytest.mark.parametrize(
    ("override", "flag"),
    [
        ({"domain-name": "Team_1"}, "-c domain-name"),
        ({"domain-name": "team1,team1"}, "-c domain-name"),
        ({"account": "abc"}, "-c account"),
        ({"region": "mars-1"}, "-c region"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, override, flag):
    result = run_app(tmp_path, {**BASE, **override})
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith(f"error: {flag}: "), result.stderr
    assert "Traceback" not in result.stderr
