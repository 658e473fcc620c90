#!/usr/bin/env python3
"""Stop this SageMaker Studio app (DeleteApp) once Jupyter has been idle longer than a timeout.

Idle: no kernel busy, no kernel, terminal or Studio UI activity within the timeout, and the
server has run longer than the timeout. Times are epoch seconds: the time zone never matters.
Standard library only; boto3 (in Studio images) is imported only to delete the app.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

DEFAULT_JUPYTER_URL = "http://127.0.0.1:8888/jupyterlab/default/"
TIMESTAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(Z|[+-]\d\d:?\d\d)?", re.I)

log = logging.getLogger("idle-shutdown")


class JupyterError(Exception):
    """Jupyter could not be asked or gave an unexpected answer: never a reason to delete."""


class DeleteError(Exception):
    """DeleteApp failed or could not be attempted; the next check tries again."""


@dataclass(frozen=True)
class Settings:
    idle_timeout_seconds: float
    jupyter_url: str | None
    metadata_file: Path
    state_dir: Path
    activity_file: Path
    dry_run: bool = False


@dataclass(frozen=True)
class Server:
    url: str
    token: str = ""


@dataclass(frozen=True)
class Snapshot:
    started: float | None
    busy_kernels: int
    activity: tuple[float, ...]


@dataclass(frozen=True)
class Decision:
    idle: bool
    reason: str
    last_activity: float


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"time": iso(record.created), "level": record.levelname, "message": record.getMessage()}
        return json.dumps({**line, **getattr(record, "fields", {})})


def emit(level: int, message: str, **fields: object) -> None:
    log.log(level, message, extra={"fields": fields})


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="seconds")


def parse_timestamp(text: object) -> float:
    """Epoch seconds of an ISO 8601 time; no offset means UTC, as jupyter_server writes."""
    match = TIMESTAMP.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match:
        raise JupyterError(f"not an ISO 8601 timestamp: {text!r}")
    *fields, fraction, offset = match.groups()
    try:
        epoch = datetime(*map(int, fields), tzinfo=timezone.utc).timestamp()
    except ValueError:
        raise JupyterError(f"not a valid time: {text!r}") from None
    epoch += float(f"0.{fraction}") if fraction else 0.0
    if offset and offset.upper() != "Z":
        digits = offset[1:].replace(":", "")
        epoch -= (1 if offset[0] == "+" else -1) * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return epoch


def get_json(server: Server, path: str) -> object:
    # no_track_activity: jupyter_server does not count the checker's own requests as activity.
    request = urllib.request.Request(f"{server.url}{path}?no_track_activity=1")
    if server.token:
        request.add_header("Authorization", f"token {server.token}")
    try:
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        raise JupyterError(f"GET {path}: HTTP {error.code}") from None
    except OSError as error:
        raise JupyterError(f"GET {path}: {getattr(error, 'reason', error)}") from None
    try:
        return json.loads(body)
    except ValueError:
        raise JupyterError(f"GET {path}: response is not JSON") from None


def get_records(server: Server, path: str) -> list:
    payload = get_json(server, path)
    if not isinstance(payload, list) or not all(isinstance(item, dict) for item in payload):
        raise JupyterError(f"GET {path}: expected a JSON list of objects")
    return payload


def fetch_snapshot(server: Server) -> Snapshot:
    status = get_json(server, "api/status")
    if not isinstance(status, dict):
        raise JupyterError("GET api/status: expected a JSON object")
    # jupyter_server reports the epoch when it does not know its start time.
    started = parse_timestamp(status["started"]) if status.get("started") else 0.0
    kernels = get_records(server, "api/kernels")
    terminals = get_records(server, "api/terminals")
    # A busy kernel may compute silently for hours with an old last_activity: it always counts.
    # Any other state (idle, starting, dead...) counts only by its last_activity.
    busy = sum(1 for kernel in kernels if kernel.get("execution_state") == "busy")
    activity = tuple(parse_timestamp(item.get("last_activity")) for item in kernels + terminals)
    return Snapshot(started=started if started > 0 else None, busy_kernels=busy, activity=activity)


def native_activity(path: Path) -> float | None:
    """Studio's UI activity marker: its mtime, or the time written in it if later."""
    try:
        times = [path.stat().st_mtime]
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    try:
        number = float(text)
        times.append(number / 1000 if number > 1e11 else number)
    except ValueError:
        try:
            times.append(parse_timestamp(text))
        except JupyterError:
            pass
    return max(times)


# The server found by discovery, kept until a check fails: `jupyter server list` costs a process.
discovered: dict[str, Server] = {}


def discover_server() -> Server:
    """The server from `jupyter server list --json` (honours base_url and token), else Studio's default."""
    jupyter = Path(sys.executable).with_name("jupyter")
    command = [str(jupyter) if jupyter.exists() else "jupyter", "server", "list", "--json"]
    try:
        output = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        output = ""
    servers = []
    for line in output.splitlines():
        try:
            info = json.loads(line)
            host = str(info.get("hostname") or "")
            host = "127.0.0.1" if host in ("", "0.0.0.0", "::", "localhost") else host
            base = str(info.get("base_url") or "").strip("/")
            path = f"/{base}/" if base else "/"
            scheme = "https" if info.get("secure") else "http"
            servers.append(Server(f"{scheme}://{host}:{int(info['port'])}{path}", str(info.get("token") or "")))
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    preferred = [server for server in servers if server.url.endswith("/jupyterlab/default/")]
    return (preferred or servers or [Server(DEFAULT_JUPYTER_URL)])[0]


def evaluate(snapshot: Snapshot, *, now: float, timeout: float, since: float) -> Decision:
    """`since`: when the server started, or the latest activity remembered from earlier checks."""
    if snapshot.busy_kernels:
        return Decision(False, f"{snapshot.busy_kernels} kernel(s) busy", now)
    latest = max((since, *snapshot.activity))
    idle_for = f"{now - latest:.0f}s since the last activity, timeout {timeout:.0f}s"
    return Decision(now - latest >= timeout, idle_for, latest)


def load_state(state_dir: Path) -> dict:
    try:
        state = json.loads((state_dir / "state.json").read_text(encoding="utf-8"))
        return state if isinstance(state, dict) else {}
    except (OSError, ValueError):
        return {}


def save_state(state_dir: Path, state: dict) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "state.tmp").write_text(json.dumps(state), encoding="utf-8")
    os.replace(state_dir / "state.tmp", state_dir / "state.json")


def decide(settings: Settings, server: Server, fetch, state: dict, now: float) -> Decision:
    snapshot = fetch(server)
    local = native_activity(settings.activity_file)
    activity = snapshot.activity + ((local,) if local is not None else ())
    since = max(snapshot.started or state["first_seen"], state.get("last_activity", 0.0))
    decision = evaluate(
        Snapshot(snapshot.started, snapshot.busy_kernels, activity),
        now=now, timeout=settings.idle_timeout_seconds, since=since,
    )
    # Remembered, so that shutting down the last kernel does not make the app idle at once.
    state["last_activity"] = max(state.get("last_activity", 0.0), decision.last_activity)
    save_state(settings.state_dir, state)
    return decision


def read_app(metadata_file: Path) -> dict:
    """DeleteApp parameters from Studio's resource metadata (SpaceName, or UserProfileName on Classic)."""
    try:
        metadata = json.loads(metadata_file.read_text(encoding="utf-8"))
        params = {"DomainId": metadata["DomainId"], "AppType": metadata["AppType"], "AppName": metadata["ResourceName"]}
        owner = "SpaceName" if metadata.get("SpaceName") else "UserProfileName"
        params[owner] = metadata[owner]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise DeleteError(f"cannot read the app from {metadata_file}: {error!r}") from None
    arn = str(metadata.get("ResourceArn") or "").split(":")
    return {"params": params, "region": arn[3] if len(arn) > 3 else None}


def delete_app(app: dict) -> str:
    """Call DeleteApp; an app already gone or being deleted counts as done."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    session = boto3.session.Session()
    config = Config(connect_timeout=10, read_timeout=30, retries={"mode": "standard", "max_attempts": 3})
    client = session.client("sagemaker", region_name=session.region_name or app["region"], config=config)
    try:
        client.delete_app(**app["params"])
    except ClientError as error:
        code, message = error.response["Error"].get("Code", ""), error.response["Error"].get("Message", "")
        gone = "delet" in message.lower() and re.search(r"already|status|state", message, re.I)
        if code == "ResourceNotFound" or (code == "ValidationException" and gone):
            return "already deleted"
        raise DeleteError(f"DeleteApp failed: {code}: {message}") from None
    except BotoCoreError as error:
        raise DeleteError(f"DeleteApp failed: {error}") from None
    return "deleted"


def run_check(settings: Settings, *, fetch=fetch_snapshot, delete=delete_app, clock=time.time) -> str:
    """One check: "active", "idle" (dry run), "deleted" or "error"."""
    state = load_state(settings.state_dir)
    if state.get("deleted_at"):
        emit(logging.INFO, "app already deleted by this checker", decision="deleted")
        return "deleted"
    state.setdefault("first_seen", clock())
    server = Server(settings.jupyter_url) if settings.jupyter_url else discovered.get("server") or discover_server()
    fields = {"jupyter_url": server.url, "timeout_seconds": settings.idle_timeout_seconds}
    try:
        decision = decide(settings, server, fetch, state, clock())
        discovered["server"] = server
        fields.update(reason=decision.reason, last_activity=iso(decision.last_activity))
        if not decision.idle or settings.dry_run:
            verdict = "idle" if decision.idle else "active"
            emit(logging.INFO, f"app {verdict}{'; dry run' if decision.idle else ''}", decision=verdict, **fields)
            return verdict
        recheck = decide(settings, server, fetch, state, clock())
        if not recheck.idle:
            fields.update(reason=recheck.reason)
            emit(logging.INFO, "activity since the idle decision; delete aborted", decision="active", **fields)
            return "active"
        app = read_app(settings.metadata_file)
        result = delete(app)
    except (JupyterError, DeleteError) as error:
        discovered.clear()
        kind = "cannot read Jupyter activity" if isinstance(error, JupyterError) else "app not deleted"
        emit(logging.WARNING, f"{kind}; will check again", decision="error", error=str(error), **fields)
        return "error"
    state["deleted_at"] = clock()
    save_state(settings.state_dir, state)
    emit(logging.INFO, f"app idle; {result}", decision="deleted", app=app["params"], **fields)
    return "deleted"


def run_loop(settings: Settings, interval_seconds: float) -> int:
    import fcntl

    settings.state_dir.mkdir(parents=True, exist_ok=True)
    lock = open(settings.state_dir / "checker.lock", "w")  # noqa: SIM115 - held while the loop runs
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        emit(logging.INFO, "another idle checker is running; exiting", decision="none")
        return 0
    while True:
        try:
            outcome = run_check(settings)
        except Exception as error:  # noqa: BLE001 - the loop must survive anything a check hits
            emit(logging.ERROR, "check failed", decision="error", error=repr(error))
            outcome = "error"
        if outcome == "deleted":
            return 0
        time.sleep(interval_seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle-timeout-minutes", type=float, required=True)
    parser.add_argument("--once", action="store_true", help="one check, then exit")
    parser.add_argument("--jupyter-url", help="default: from `jupyter server list --json`")
    parser.add_argument("--metadata-file", default="/opt/ml/metadata/resource-metadata.json")
    parser.add_argument("--state-dir", default="/tmp/idle-shutdown")
    parser.add_argument("--activity-file", default="/tmp/.sagemaker-last-active-timestamp")
    parser.add_argument("--dry-run", action="store_true", help="log decisions, never delete")
    parser.add_argument("--interval-seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    if not (args.idle_timeout_minutes > 0 and args.interval_seconds > 0):
        parser.error("--idle-timeout-minutes and --interval-seconds must be positive")
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    settings = Settings(
        idle_timeout_seconds=args.idle_timeout_minutes * 60,
        jupyter_url=args.jupyter_url.rstrip("/") + "/" if args.jupyter_url else None,
        metadata_file=Path(args.metadata_file),
        state_dir=Path(args.state_dir),
        activity_file=Path(args.activity_file),
        dry_run=args.dry_run,
    )
    if args.once:
        return 1 if run_check(settings) == "error" else 0
    return run_loop(settings, args.interval_seconds)


if __name__ == "__main__":
    sys.exit(main())
