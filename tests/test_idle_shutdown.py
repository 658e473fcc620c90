"""The idle checker against a real jupyter_server on loopback, SageMaker replaced by a recording stub.

Most cases run the real CLI (`--once`) as a subprocess; the ones that need a fixed clock or a hook
between the decision and the delete call `run_check` in-process.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from idle_shutdown_servers import FakeJupyter, JupyterServer, SageMakerStub, parse_utc, wait_until

CHECKER = Path(__file__).resolve().parent.parent / "lifecycle_scripts" / "idle_shutdown.py"
TINY_MINUTES = 0.02  # 1.2 s
METADATA = {
    "AppType": "JupyterLab",
    "DomainId": "d-abc123def456",
    "SpaceName": "alice-space",
    "UserProfileName": "alice",
    "ResourceName": "default",
    "ResourceArn": "arn:aws:sagemaker:eu-central-1:123456789012:app/d-abc123def456/alice-space/JupyterLab/default",
}
EXPECTED_DELETE = {"DomainId": "d-abc123def456", "SpaceName": "alice-space", "AppType": "JupyterLab",
                   "AppName": "default"}


def load_checker():
    spec = importlib.util.spec_from_file_location("idle_shutdown_checker", CHECKER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


checker = load_checker()


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory):
    server = JupyterServer(tmp_path_factory.mktemp("jupyter"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(jupyter):
    """The shared server, with no kernel or terminal left over from another test."""
    jupyter.clean()
    yield jupyter
    jupyter.clean()


@pytest.fixture
def sagemaker():
    stub = SageMakerStub()
    yield stub
    stub.close()


@pytest.fixture
def fake_jupyter():
    fake = FakeJupyter()
    yield fake
    fake.close()


@pytest.fixture
def metadata_file(tmp_path):
    path = tmp_path / "resource-metadata.json"
    path.write_text(json.dumps(METADATA))
    return path


@pytest.fixture
def run(tmp_path, sagemaker, metadata_file):
    """Run the CLI once; returns (exit code, JSON log lines)."""

    def run_cli(url: str | None, minutes: float, *extra: str, env: dict | None = None, state: str = "state"):
        command = [sys.executable, str(CHECKER), "--once", "--idle-timeout-minutes", str(minutes),
                   "--metadata-file", str(metadata_file), "--state-dir", str(tmp_path / state),
                   "--activity-file", str(tmp_path / "no-studio-activity"), *extra]
        if url:
            command += ["--jupyter-url", url]
        result = subprocess.run(command, env={**checker_env(sagemaker), **(env or {})}, capture_output=True,
                                text=True, timeout=120)
        assert not result.stderr, result.stderr
        return result.returncode, [json.loads(line) for line in result.stdout.splitlines()]

    return run_cli


def checker_env(sagemaker: SageMakerStub) -> dict:
    """Fake credentials (conftest), SageMaker at the stub, no proxy between the checker and loopback."""
    environment = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
    environment.update(AWS_ENDPOINT_URL_SAGEMAKER=sagemaker.url, AWS_EC2_METADATA_DISABLED="true")
    return environment


def settings(tmp_path, metadata_file, url, minutes, **overrides):
    values = dict(idle_timeout_seconds=minutes * 60, jupyter_url=url, metadata_file=metadata_file,
                  state_dir=tmp_path / "state", activity_file=tmp_path / "no-studio-activity")
    return checker.Settings(**{**values, **overrides})


def wait_older_than(timestamp: float, seconds: float) -> None:
    wait_until(lambda: time.time() - timestamp > seconds, what=f"{seconds}s to pass")


def only_decision(lines: list[dict]) -> str:
    assert len(lines) == 1, lines
    return lines[0]["decision"]


# --- the real jupyter_server ---------------------------------------------------------------------


def test_a_fresh_server_with_nothing_opened_runs_until_the_timeout_then_stops(server, run, sagemaker):
    assert server.get("api/kernels") == [] and server.get("api/terminals") == []
    code, lines = run(server.url, 60)
    assert (code, only_decision(lines)) == (0, "active")
    wait_older_than(server.started(), TINY_MINUTES * 60 + 0.5)
    code, lines = run(server.url, TINY_MINUTES, state="other-state")
    assert (code, only_decision(lines)) == (0, "deleted")
    assert sagemaker.delete_calls() == [EXPECTED_DELETE]


def test_a_busy_kernel_is_never_stopped(server, run, sagemaker, tmp_path, metadata_file):
    kernel_id = server.start_kernel()
    server.execute(kernel_id, "import time; time.sleep(600)")
    busy_since = parse_utc(server.kernel(kernel_id)["last_activity"])
    wait_older_than(busy_since, 2 * TINY_MINUTES * 60)
    assert server.kernel(kernel_id)["execution_state"] == "busy"
    code, lines = run(server.url, TINY_MINUTES)
    assert (code, only_decision(lines)) == (0, "active")
    assert "busy" in lines[0]["reason"]
    # A day later, still busy: still not stopped.
    deletes = []
    outcome = checker.run_check(settings(tmp_path, metadata_file, server.url, TINY_MINUTES),
                                clock=lambda: time.time() + 86400, delete=deletes.append)
    assert (outcome, deletes) == ("active", [])
    assert sagemaker.delete_calls() == []


def test_an_idle_kernel_past_the_timeout_is_deleted_exactly_once(server, run, sagemaker):
    kernel_id = server.start_kernel()
    wait_older_than(parse_utc(server.kernel(kernel_id)["last_activity"]), TINY_MINUTES * 60 + 0.5)
    first = run(server.url, TINY_MINUTES)
    second = run(server.url, TINY_MINUTES)
    assert (first[0], only_decision(first[1])) == (0, "deleted")
    assert (second[0], only_decision(second[1])) == (0, "deleted")
    assert sagemaker.delete_calls() == [EXPECTED_DELETE]


def between(server_started: float, activity: float) -> tuple[float, float]:
    """A clock one second after `activity` and a timeout that the server start has outlived."""
    now = activity + 1.0
    assert now - server_started > 2.0, "the server must have started well before the activity"
    return now, (now - server_started - 0.5) / 60


def test_a_kernel_without_a_session_counts_as_activity(server, tmp_path, metadata_file, sagemaker):
    wait_older_than(server.started(), 3.0)
    kernel_id = server.start_kernel()
    assert server.get("api/sessions") == []
    now, minutes = between(server.started(), parse_utc(server.kernel(kernel_id)["last_activity"]))
    check = settings(tmp_path, metadata_file, server.url, minutes)
    assert checker.run_check(check, clock=lambda: now) == "active"
    # The same timeout a little later, the kernel idle past it: idle.
    assert checker.run_check(check, clock=lambda: now + minutes * 60, delete=lambda app: "deleted") == "deleted"


def test_a_recently_used_terminal_counts_as_activity(server, tmp_path, metadata_file):
    wait_older_than(server.started(), 3.0)
    server.open_terminal()
    now, minutes = between(server.started(), parse_utc(server.get("api/terminals")[0]["last_activity"]))
    assert checker.run_check(settings(tmp_path, metadata_file, server.url, minutes, dry_run=True),
                             clock=lambda: now) == "active"


def test_a_kernel_stuck_starting_counts_only_by_its_last_activity(server, tmp_path, metadata_file):
    wait_older_than(server.started(), 3.0)
    kernel_id = server.start_kernel(connect=False)
    assert server.kernel(kernel_id)["execution_state"] == "starting"
    now, minutes = between(server.started(), parse_utc(server.kernel(kernel_id)["last_activity"]))
    dry = settings(tmp_path, metadata_file, server.url, minutes, dry_run=True)
    assert checker.run_check(dry, clock=lambda: now) == "active"
    assert checker.run_check(dry, clock=lambda: now + minutes * 60) == "idle"


def test_activity_between_the_decision_and_the_delete_aborts_it(server, tmp_path, metadata_file):
    wait_older_than(server.started(), TINY_MINUTES * 60 + 0.5)
    deletes, snapshots = [], []

    def fetch_then_open_a_terminal(target):
        snapshots.append(checker.fetch_snapshot(target))
        if len(snapshots) == 1:
            server.open_terminal()  # the user comes back right after the idle decision
        return snapshots[-1]

    outcome = checker.run_check(settings(tmp_path, metadata_file, server.url, TINY_MINUTES),
                                fetch=fetch_then_open_a_terminal, delete=deletes.append)
    assert (outcome, deletes, len(snapshots)) == ("active", [], 2)
    assert len(snapshots[1].activity) == 1 and snapshots[0].activity == ()


def test_the_checker_polling_is_not_activity(server, run):
    before = server.get("api/status")["last_activity"]
    run(server.url, 60)
    run(server.url, 60)
    assert server.get("api/status")["last_activity"] == before


def test_the_server_is_found_with_jupyter_server_list(server, run):
    code, lines = run(None, 60, env={"JUPYTER_RUNTIME_DIR": str(server.runtime_dir)})
    assert (code, only_decision(lines)) == (0, "active")
    assert lines[0]["jupyter_url"] == server.url


@pytest.mark.parametrize("tz", ["AAA+10", "BBB-14", "UTC"])
def test_the_time_zone_never_changes_a_decision(server, run, sagemaker, tz):
    # Local-time parsing would shift the timestamps by 10 or 14 hours and flip these decisions.
    code, lines = run(server.url, 60, "--dry-run", env={"TZ": tz})
    assert (code, only_decision(lines)) == (0, "active")
    wait_older_than(server.started(), TINY_MINUTES * 60 + 0.5)
    code, lines = run(server.url, TINY_MINUTES, "--dry-run", env={"TZ": tz}, state="other-state")
    assert (code, only_decision(lines)) == (0, "idle")
    assert sagemaker.delete_calls() == []


# --- SageMaker answers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "message"),
    [("ResourceNotFound", "App does not exist"),
     ("ValidationException", "App arn:aws:sagemaker:x has already been deleted"),
     ("ValidationException", "App is in Deleting state and cannot be deleted")],
)
def test_an_app_already_deleted_counts_as_done(fake_jupyter, run, sagemaker, code, message):
    serve_idle_server(fake_jupyter)
    sagemaker.fail_with(code, message)
    first, second = run(fake_jupyter.base_url, 60), run(fake_jupyter.base_url, 60)
    assert [only_decision(first[1]), only_decision(second[1])] == ["deleted", "deleted"]
    assert "already deleted" in first[1][0]["message"]
    assert len(sagemaker.delete_calls()) == 1


def test_a_failed_delete_is_retried_at_the_next_check(fake_jupyter, run, sagemaker):
    serve_idle_server(fake_jupyter)
    sagemaker.fail_with("AccessDeniedException", "not authorized to perform sagemaker:DeleteApp")
    code, lines = run(fake_jupyter.base_url, 60)
    assert (code, only_decision(lines)) == (1, "error")
    assert "AccessDenied" in lines[0]["error"]
    sagemaker.responses.clear()
    assert only_decision(run(fake_jupyter.base_url, 60)[1]) == "deleted"
    assert sagemaker.delete_calls() == [EXPECTED_DELETE, EXPECTED_DELETE]


# --- a fake Jupyter: broken answers and exact timestamps -----------------------------------------


def serve_idle_server(fake: FakeJupyter, *, kernels=None, terminals=None,
                      started: str = "2020-01-01T00:00:00Z") -> None:
    fake.responses.update({
        "api/status": (200, {"started": started, "last_activity": started}),
        "api/kernels": (200, kernels if kernels is not None else []),
        "api/terminals": (200, terminals if terminals is not None else []),
    })


@pytest.mark.parametrize(
    "break_it",
    [
        pytest.param(lambda fake: fake.responses.update({"api/kernels": (500, b"Internal Server Error")}), id="500"),
        pytest.param(lambda fake: fake.responses.pop("api/terminals"), id="404"),
        pytest.param(lambda fake: fake.responses.update({"api/status": (200, b"<html>login</html>")}), id="not-json"),
        pytest.param(lambda fake: fake.responses.update({"api/kernels": (200, {"kernels": []})}), id="not-a-list"),
        pytest.param(lambda fake: fake.responses.update(
            {"api/kernels": (200, [{"execution_state": "idle", "last_activity": ""}])}), id="empty-timestamp"),
    ],
)
def test_a_broken_jupyter_answer_never_deletes(fake_jupyter, run, sagemaker, break_it):
    serve_idle_server(fake_jupyter)
    break_it(fake_jupyter)
    code, lines = run(fake_jupyter.base_url, TINY_MINUTES)
    assert (code, only_decision(lines)) == (1, "error")
    assert sagemaker.delete_calls() == []


def test_an_unreachable_jupyter_never_deletes(run, sagemaker):
    from idle_shutdown_servers import free_port

    code, lines = run(f"http://127.0.0.1:{free_port()}/jupyterlab/default/", TINY_MINUTES)
    assert (code, only_decision(lines)) == (1, "error")
    assert sagemaker.delete_calls() == []


def test_every_checker_request_says_no_track_activity(fake_jupyter, run):
    serve_idle_server(fake_jupyter)
    run(fake_jupyter.base_url, 60, "--dry-run")
    assert {request["path"] for request in fake_jupyter.requests} == {
        "/jupyterlab/default/api/status", "/jupyterlab/default/api/kernels", "/jupyterlab/default/api/terminals"}
    assert all(request["query"] == "no_track_activity=1" for request in fake_jupyter.requests)


def utc_text(moment: datetime, *, style: str) -> str:
    text = moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()  # "+00:00", no microseconds
    return text if style == "+00:00" else text.replace("+00:00", ".000000Z")


@pytest.mark.parametrize("style", ["+00:00", "Z"])
def test_timestamps_without_microseconds_or_with_plus_zero_offset_decide_correctly(fake_jupyter, run, style):
    now = datetime.now(timezone.utc)
    recent = [{"name": "1", "last_activity": utc_text(now, style=style)}]
    old = [{"id": "k", "execution_state": "idle", "last_activity": utc_text(now - timedelta(hours=2), style=style)}]
    serve_idle_server(fake_jupyter, kernels=old, terminals=recent, started=utc_text(now - timedelta(days=1), style=style))
    assert only_decision(run(fake_jupyter.base_url, 60, "--dry-run")[1]) == "active"
    serve_idle_server(fake_jupyter, kernels=old, started=utc_text(now - timedelta(days=1), style=style))
    assert only_decision(run(fake_jupyter.base_url, 60, "--dry-run", state="other")[1]) == "idle"


def test_shutting_down_the_last_kernel_does_not_make_the_app_idle_at_once(fake_jupyter, run):
    recent = datetime.now(timezone.utc) - timedelta(seconds=10)
    serve_idle_server(fake_jupyter, kernels=[{"id": "k", "execution_state": "idle", "last_activity": recent.isoformat()}])
    assert only_decision(run(fake_jupyter.base_url, 60, "--dry-run")[1]) == "active"
    serve_idle_server(fake_jupyter)  # the kernel is gone; the server started long ago
    assert only_decision(run(fake_jupyter.base_url, 60, "--dry-run")[1]) == "active"
    assert only_decision(run(fake_jupyter.base_url, 60, "--dry-run", state="fresh-state")[1]) == "idle"


def test_a_dead_kernel_does_not_keep_the_app_alive(fake_jupyter, run):
    serve_idle_server(fake_jupyter, kernels=[{"id": "k", "execution_state": "dead",
                                              "last_activity": "2020-01-01T00:00:00.123Z"}])
    assert only_decision(run(fake_jupyter.base_url, 60, "--dry-run")[1]) == "idle"


def test_the_token_from_jupyter_server_list_is_sent_and_never_logged(fake_jupyter, run, tmp_path):
    serve_idle_server(fake_jupyter, started=datetime.now(timezone.utc).isoformat())
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    info = {"url": f"{fake_jupyter.base_url}", "hostname": "0.0.0.0", "port": fake_jupyter.server_address[1],
            "base_url": "/jupyterlab/default/", "token": "s3cr3t-t0ken", "secure": False, "pid": os.getpid(),
            "root_dir": str(tmp_path), "password": False, "sock": "", "version": "2.21.1"}
    (runtime / f"jpserver-{os.getpid()}.json").write_text(json.dumps(info))
    code, lines = run(None, 60, env={"JUPYTER_RUNTIME_DIR": str(runtime)})
    assert (code, only_decision(lines)) == (0, "active")
    assert {request["authorization"] for request in fake_jupyter.requests} == {"token s3cr3t-t0ken"}
    assert "s3cr3t" not in json.dumps(lines)


def test_studio_ui_activity_in_the_native_timestamp_file_counts(fake_jupyter, run, tmp_path):
    serve_idle_server(fake_jupyter)
    (tmp_path / "no-studio-activity").write_text(datetime.now(timezone.utc).isoformat())
    assert only_decision(run(fake_jupyter.base_url, 60, "--dry-run")[1]) == "active"


def test_the_loop_survives_errors_and_exits_after_the_delete(fake_jupyter, sagemaker, metadata_file, tmp_path):
    fake_jupyter.responses["api/status"] = (500, b"starting up")
    command = [sys.executable, str(CHECKER), "--idle-timeout-minutes", "60", "--interval-seconds", "0.2",
               "--jupyter-url", fake_jupyter.base_url, "--metadata-file", str(metadata_file),
               "--state-dir", str(tmp_path / "state"), "--activity-file", str(tmp_path / "none")]
    env = checker_env(sagemaker)
    loop = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: len(fake_jupyter.requests) >= 2, what="two failed checks")
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert "another idle checker is running" in second.stdout
        serve_idle_server(fake_jupyter)
        stdout, _ = loop.communicate(timeout=60)
    finally:
        loop.kill()
    decisions = [json.loads(line)["decision"] for line in stdout.splitlines()]
    assert decisions[0] == "error" and decisions[-1] == "deleted" and loop.returncode == 0
    assert sagemaker.delete_calls() == [EXPECTED_DELETE]


def test_a_discovered_server_is_reused_until_a_check_fails(tmp_path, metadata_file, monkeypatch):
    found = []
    monkeypatch.setattr(checker, "discover_server", lambda: found.append(1) or checker.Server("http://found/"))
    monkeypatch.setattr(checker, "discovered", {})
    answers = [checker.Snapshot(None, 1, ()), checker.Snapshot(None, 1, ())]

    def fetch(target):
        assert target.url == "http://found/"
        if not answers:
            raise checker.JupyterError("server restarted")
        return answers.pop()

    check = settings(tmp_path, metadata_file, None, 60)
    outcomes = [checker.run_check(check, fetch=fetch) for _ in range(3)]
    assert outcomes == ["active", "active", "error"] and len(found) == 1
    answers.append(checker.Snapshot(None, 1, ()))
    assert checker.run_check(check, fetch=fetch) == "active" and len(found) == 2


# --- pure functions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["2024-03-01T12:00:00Z", "2024-03-01T12:00:00.000000Z", "2024-03-01T12:00:00+00:00",
     "2024-03-01T12:00:00.000+00:00", "2024-03-01T14:00:00+02:00", "2024-03-01T07:00:00-0500",
     "2024-03-01 12:00:00", "2024-03-01t12:00:00z"],
)
def test_timestamps_parse_to_the_same_instant(text):
    assert checker.parse_timestamp(text) == datetime(2024, 3, 1, 12, tzinfo=timezone.utc).timestamp()


def test_microseconds_are_kept():
    assert checker.parse_timestamp("2024-03-01T12:00:00.250000Z") % 1 == pytest.approx(0.25)


@pytest.mark.parametrize("text", ["", None, "yesterday", "2024-13-01T00:00:00Z", 1709294400])
def test_unparseable_timestamps_are_a_jupyter_error(text):
    with pytest.raises(checker.JupyterError):
        checker.parse_timestamp(text)


def test_studio_classic_metadata_deletes_by_user_profile(tmp_path):
    path = tmp_path / "metadata.json"
    path.write_text(json.dumps({**METADATA, "SpaceName": "", "AppType": "KernelGateway"}))
    app = checker.read_app(path)
    assert app["params"] == {"DomainId": "d-abc123def456", "UserProfileName": "alice", "AppType": "KernelGateway",
                             "AppName": "default"}
    assert app["region"] == "eu-central-1"


def test_missing_metadata_is_a_delete_error(tmp_path):
    with pytest.raises(checker.DeleteError, match="cannot read the app"):
        checker.read_app(tmp_path / "missing.json")
