"""Every synthesized template passes cfn-lint with zero errors and zero warnings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ordering_variants import ENTRA_FLAGS, WITH_PROVIDER
from platform_synth import default_context, synth_platform

EXAMPLE_TEAMS = str(Path(__file__).resolve().parent.parent / "teams.example.yaml")

VARIANTS = {
    "teams-file": {
        "teams_file": EXAMPLE_TEAMS,
        "domain_name": None,
        "alarm_emails": "ops@example.com",
        "order_approver_emails": "platform-admins@example.com",
        "order_deploy_source": "s3://platform-source-111111111111/sagemaker-platform.zip",
    },
    "defaults": {},
    # The company's IdP: its provider, the pre-token-generation trigger, clients offering it;
    # the ordering workflow also makes each team's Entra ID group.
    "identity-provider": {**WITH_PROVIDER, **ENTRA_FLAGS},
    "private-api-three-teams": {
        "api_endpoint_type": "private",
        "cors_origins": "https://portal.example.com",
        "login_page_domain": "login.example.com",
        "login_page_certificate_arn": "arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012",
        "domain_name": "team1,team2,team3",
        "retention": "destroy",
        "pip_index_url": "https://artifactory.example.com/api/pypi/simple",
        "conda_channel_url": "https://artifactory.example.com/api/conda/main",
        "order_deploy_source": "https://github.com/acme/sagemaker-platform#release",
        "order_deploy_connection_arn": "arn:aws:codeconnections:eu-central-1:111111111111:connection/"
        "12345678-1234-1234-1234-123456789012",
        "order_approval_hours": "24",
    },
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_cfn_lint_clean(tmp_path, variant):
    templates = synth_platform(default_context(**VARIANTS[variant]))
    paths = []
    for name, template in templates.items():
        path = tmp_path / f"{name}.template.json"
        path.write_text(json.dumps(template.to_json()))
        paths.append(str(path))
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--format", "parseable", *paths], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""
