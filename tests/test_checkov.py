"""checkov (CloudFormation framework) over every synthesized variant: zero failed checks,
and every skipped check carries a specific reason in the template's own resource metadata.

checkov lives in its own venv (.venv-checkov, `make test` builds it from
requirements-checkov.txt). It runs fully offline: --skip-download and BC_SKIP_MAPPING keep
it off the Bridgecrew/Prisma API, CKV_SKIP_PACKAGE_UPDATE_CHECK off PyPI, and a guard in the
checkov process records any attempt to open a network connection, which fails the test. The
environment is built from scratch (CKV_SKIP_CHECK, CKV_CHECK, BC_API_KEY... are read from
it) and HOME and the working directory are empty, so no .checkov.yaml can skip a check.
No --quiet: it drops skipped checks from the JSON report, and their comments are checked here.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from platform_synth import default_context, synth_platform
from test_templates_lint import VARIANTS as LINT_VARIANTS

from studio_constructs.checkov import skip_checkov_checks

ROOT = Path(__file__).resolve().parent.parent
CHECKOV_PYTHON = ROOT / ".venv-checkov" / "bin" / "python"
NETWORK_ATTEMPT = "checkov-network-attempt:"
# Runs checkov's own entry point with every outbound connection and name lookup refused
# and reported on stderr (checkov swallows the errors of its optional online features).
OFFLINE_CHECKOV = f"""
import socket, sys
def refuse(what):
    def refused(*args, **kwargs):
        print("{NETWORK_ATTEMPT}", what, args[:2], file=sys.stderr, flush=True)
        raise OSError("network refused by tests/test_checkov.py")
    return refused
connect = socket.socket.connect
def guarded_connect(sock, address):
    if sock.family == socket.AF_UNIX:  # multiprocessing's own pipes
        return connect(sock, address)
    return refuse("connect")(address)
socket.socket.connect = guarded_connect
socket.socket.connect_ex = guarded_connect
socket.getaddrinfo = refuse("getaddrinfo")
socket.create_connection = refuse("create_connection")
from checkov.main import Checkov
sys.exit(Checkov().run())
"""
OFFLINE_ENVIRONMENT = {
    "BC_SKIP_MAPPING": "TRUE",
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
    "LANG": "C.UTF-8",
    "PATH": "/usr/bin:/bin",
}
GENERIC_REASONS = {"skip", "skipped", "ignore", "ignored", "false positive", "not applicable", "n/a", "na",
                   "todo", "accepted", "by design", "not needed", "wontfix", "no"}

VARIANTS = {
    **LINT_VARIANTS,
    "demo-password-and-alarm-emails": {
        "password": "Checkov-Demo.2025x",
        "alarm_emails": "ops@example.com,oncall@example.com",
    },
}


def run_checkov(tmp_path: Path, templates: dict[str, dict]) -> dict:
    """checkov's JSON report on `templates` ({name: template}), run once over one directory."""
    assert CHECKOV_PYTHON.is_file(), f"{CHECKOV_PYTHON} missing: run `make .venv-checkov/.installed`"
    template_dir, home = tmp_path / "templates", tmp_path / "home"
    template_dir.mkdir()
    home.mkdir()
    for name, template in templates.items():
        (template_dir / f"{name}.template.json").write_text(json.dumps(template, indent=1))
    command = [str(CHECKOV_PYTHON), "-c", OFFLINE_CHECKOV, "-d", str(template_dir), "--framework", "cloudformation",
               "-o", "json", "--compact", "--skip-download"]
    result = subprocess.run(command, cwd=tmp_path, env={**OFFLINE_ENVIRONMENT, "HOME": str(home)},
                            capture_output=True, text=True, timeout=300)
    assert NETWORK_ATTEMPT not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr  # 1: some check failed, reported below
    report = json.loads(result.stdout)
    assert isinstance(report, dict) and report["check_type"] == "cloudformation", result.stdout[:500]
    assert report["summary"]["parsing_errors"] == 0, report["results"].get("parsing_errors")
    assert report["summary"]["resource_count"] > 0
    return report


def describe(check: dict) -> str:
    reason = check["check_result"].get("suppress_comment")
    detail = f"  skip reason: {reason!r}" if reason is not None else ""
    return f"{check['check_id']} {check['check_name']}\n    {check['resource']} in {check['file_path']}{detail}"


def unexplained_skips(report: dict) -> list[dict]:
    """Skipped checks whose comment a reviewer could not act on: empty, short or generic."""
    def specific(comment: str | None) -> bool:
        text = (comment or "").strip()
        return len(text) >= 20 and text.lower().strip(" .!") not in GENERIC_REASONS
    skipped = report["results"]["skipped_checks"]
    return [check for check in skipped if not specific(check["check_result"].get("suppress_comment"))]


def assert_clean(report: dict) -> None:
    failed = report["results"]["failed_checks"]
    if failed:
        raise AssertionError(f"{len(failed)} failed checkov checks:\n" + "\n".join(map(describe, failed)))
    unexplained = unexplained_skips(report)
    if unexplained:
        raise AssertionError("checkov skips without a specific reason:\n" + "\n".join(map(describe, unexplained)))


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_checkov_finds_nothing_unexplained(tmp_path, variant):
    templates = synth_platform(default_context(**VARIANTS[variant]))
    report = run_checkov(tmp_path, {name: template.to_json() for name, template in templates.items()})
    assert_clean(report)
    # Every skip is metadata of a resource in the template, next to the resource it concerns.
    skipped = {(check["file_path"].strip("/"), check["resource"].split(".", 1)[1], check["check_id"])
               for check in report["results"]["skipped_checks"]}
    in_templates = {
        (f"{name}.template.json", logical_id, skip["id"])
        for name, template in templates.items()
        for logical_id, resource in template.to_json()["Resources"].items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    }
    assert skipped <= in_templates
    assert report["summary"]["passed"] > report["summary"]["skipped"]


def test_harness_reports_new_failures_and_vague_skips(tmp_path):
    """Positive control: an unencrypted, unretained log group fails, and a skip saying only
    'false positive' is refused, so a clean report above means something."""
    templates = {
        "control": {
            "Resources": {
                "PlainLogGroup": {"Type": "AWS::Logs::LogGroup", "Properties": {}},
                "VaguelySkipped": {
                    "Type": "AWS::Logs::LogGroup",
                    "Properties": {"RetentionInDays": 30},
                    "Metadata": {"checkov": {"skip": [{"id": "CKV_AWS_158", "comment": "false positive"}]}},
                },
            }
        }
    }
    report = run_checkov(tmp_path, templates)
    failed = {(check["check_id"], check["resource"]) for check in report["results"]["failed_checks"]}
    assert ("CKV_AWS_158", "AWS::Logs::LogGroup.PlainLogGroup") in failed
    assert ("CKV_AWS_66", "AWS::Logs::LogGroup.PlainLogGroup") in failed
    assert [check["resource"] for check in unexplained_skips(report)] == ["AWS::Logs::LogGroup.VaguelySkipped"]
    with pytest.raises(AssertionError, match=r"CKV_AWS_158 .*\n    AWS::Logs::LogGroup.PlainLogGroup in /control"):
        assert_clean(report)


def test_skip_helper_merges_and_refuses_vague_reasons():
    import aws_cdk as cdk
    from aws_cdk import aws_logs as logs

    stack = cdk.Stack(cdk.App(), "stack")
    group = logs.LogGroup(stack, "Group")
    skip_checkov_checks(group, {"CKV_AWS_158": "The first reason, long enough to be read."})
    skip_checkov_checks(group, {"CKV_AWS_66": "The second reason, merged with the first."})
    metadata = group.node.default_child.get_metadata("checkov")
    assert [skip["id"] for skip in metadata["skip"]] == ["CKV_AWS_158", "CKV_AWS_66"]
    with pytest.raises(ValueError, match="specific reason"):
        skip_checkov_checks(group, {"CKV_AWS_66": "ok"})
    with pytest.raises(ValueError, match="not a checkov AWS check id"):
        skip_checkov_checks(group, {"W3005": "A cfn-lint rule is not a checkov check id."})
