"""The Postman collection: variables match the environment, and newman runs it for real.

newman runs against a loopback server that imitates the presigned-URL API, so the
collection's OAuth2 header, URL template and test scripts are all exercised offline.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COLLECTION = ROOT / "postman" / "sagemaker.postman_collection.json"
ENVIRONMENT = ROOT / "postman" / "sagemaker.postman_environment.template.json"
NEWMAN = ROOT / "node_modules" / ".bin" / "newman"
NODE_BIN = ROOT / ".venv" / "node" / "bin"
VARIABLE = re.compile(r"\{\{([^{}]+)\}\}")

API_STAGE = "/prod/"
RESPONSES_BY_TOKEN = {
    "good-token": {"url": "https://d-abc123.studio.eu-central-1.sagemaker.aws/auth?token=opaque"},
    "phishing-token": {"url": "https://login.example.com/auth?token=opaque"},
}


class FakePresignedUrlApi(BaseHTTPRequestHandler):
    seen: list[tuple[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        authorization = self.headers.get("Authorization", "")
        self.seen.append((self.path, authorization))
        token = authorization.removeprefix("Bearer ")
        right_path = self.path == f"{API_STAGE}domainName/team1/getPresignedUrl"
        if right_path and authorization.startswith("Bearer ") and token in RESPONSES_BY_TOKEN:
            self.reply(200, RESPONSES_BY_TOKEN[token])
        else:
            self.reply(403, {"message": "Forbidden"})

    def reply(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass


@pytest.fixture(scope="module")
def api_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePresignedUrlApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{API_STAGE}"
    server.shutdown()
    server.server_close()


def run_newman(tmp_path: Path, api_url: str, token: str) -> tuple[int, dict]:
    environment = json.loads(ENVIRONMENT.read_text())
    for variable in environment["values"]:
        if variable["key"] == "sagemaker-presigned-api":
            variable["value"] = api_url
    env_file = tmp_path / "env.json"
    env_file.write_text(json.dumps(environment))
    report = tmp_path / "report.json"
    command = [
        str(NEWMAN), "run", str(COLLECTION), "--environment", str(env_file),
        "--env-var", f"access-token={token}", "--env-var", "domainName=team1",
        "--reporters", "json", "--reporter-json-export", str(report), "--color", "off",
    ]  # fmt: skip
    env = {**os.environ, "PATH": f"{NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)
    return result.returncode, json.loads(report.read_text())


def assertion_results(report: dict) -> dict[str, bool]:
    return {
        assertion["assertion"]: "error" not in assertion
        for execution in report["run"]["executions"]
        for assertion in execution.get("assertions", [])
    }


def test_every_collection_variable_is_in_the_environment_and_vice_versa():
    used = set(VARIABLE.findall(COLLECTION.read_text()))
    defined = {variable["key"] for variable in json.loads(ENVIRONMENT.read_text())["values"]}
    assert used == defined
    assert used >= {"domainName", "client-id", "client-secret", "sagemaker-presigned-api", "cognito-signin-endpoint"}


def test_environment_template_keeps_secrets_secret_and_empty():
    environment = json.loads(ENVIRONMENT.read_text())
    assert environment["name"] == "SageMaker"
    by_key = {variable["key"]: variable for variable in environment["values"]}
    for key in ("client-secret", "access-token"):
        assert by_key[key]["type"] == "secret" and by_key[key]["value"] == ""


def test_collection_uses_authorization_code_flow_with_openid_scope():
    collection = json.loads(COLLECTION.read_text())
    assert collection["info"]["schema"].endswith("/v2.1.0/collection.json")
    settings = {entry["key"]: entry["value"] for entry in collection["auth"]["oauth2"]}
    assert collection["auth"]["type"] == "oauth2"
    assert settings["grant_type"] == "authorization_code"
    assert settings["authUrl"] == "{{cognito-signin-endpoint}}/oauth2/authorize"
    assert settings["accessTokenUrl"] == "{{cognito-signin-endpoint}}/oauth2/token"
    assert settings["scope"] == "openid"
    assert settings["redirect_uri"] == "https://oauth.pstmn.io/v1/browser-callback"
    assert settings["client_authentication"] == "header"
    assert [item["name"] for item in collection["item"]] == ["GeneratePresignedUrlDemo"]
    request = collection["item"][0]["request"]
    assert request["method"] == "GET"
    assert request["url"] == "{{sagemaker-presigned-api}}domainName/{{domainName}}/getPresignedUrl"
    assert settings["accessToken"] == "{{access-token}}" and settings["addTokenTo"] == "header"


def test_newman_passes_with_a_valid_token(tmp_path, api_url):
    FakePresignedUrlApi.seen.clear()
    exit_code, report = run_newman(tmp_path, api_url, "good-token")
    assert exit_code == 0, report["run"]["failures"]
    assert report["run"]["failures"] == []
    assert FakePresignedUrlApi.seen == [(f"{API_STAGE}domainName/team1/getPresignedUrl", "Bearer good-token")]
    results = assertion_results(report)
    assert results and all(results.values())
    assert "url points to a SageMaker Studio host" in results


def test_newman_reports_a_rejected_token(tmp_path, api_url):
    exit_code, report = run_newman(tmp_path, api_url, "stolen-token")
    assert exit_code != 0
    results = assertion_results(report)
    assert results["status is 200"] is False
    assert results["error body explains the failure in message"] is True
    assert len(report["run"]["failures"]) == 1


def test_newman_rejects_a_url_that_is_not_sagemaker_studio(tmp_path, api_url):
    exit_code, report = run_newman(tmp_path, api_url, "phishing-token")
    assert exit_code != 0
    results = assertion_results(report)
    assert results["status is 200"] is True
    assert results["url points to a SageMaker Studio host"] is False
