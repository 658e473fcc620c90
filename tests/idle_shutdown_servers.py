"""Loopback servers for the idle-checker tests: a real jupyter_server, a fake Jupyter that answers
whatever a test sets, and a stub SageMaker speaking the JSON 1.1 protocol (reached through
AWS_ENDPOINT_URL_SAGEMAKER, so the checker's real boto3 client validates and sends the call)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import websocket

BASE_PATH = "/jupyterlab/default/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, *, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def parse_utc(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc).timestamp()


@dataclass
class JupyterServer:
    """A jupyter_server on loopback with an empty token and Studio's base_url."""

    root: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{BASE_PATH}"

    @property
    def runtime_dir(self) -> Path:
        return self.root / "runtime"

    def start(self) -> None:
        home = self.root / "home"
        for directory in (home, self.runtime_dir, self.root / "notebooks"):
            directory.mkdir(parents=True, exist_ok=True)
        env = {
            "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
            "HOME": str(home),
            "JUPYTER_RUNTIME_DIR": str(self.runtime_dir),
            "JUPYTER_CONFIG_DIR": str(self.root / "config"),
            "JUPYTER_DATA_DIR": str(self.root / "data"),
            "IPYTHONDIR": str(self.root / "ipython"),
        }
        command = [
            sys.executable, "-m", "jupyter_server",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--ServerApp.base_url={BASE_PATH}", "--IdentityProvider.token=", "--ServerApp.password=",
            "--ServerApp.open_browser=False", f"--ServerApp.root_dir={self.root / 'notebooks'}",
            "--ServerApp.disable_check_xsrf=True", "--ServerApp.allow_root=True",
            "--KernelManager.shutdown_wait_time=1",
        ]
        log = open(self.root / "server.log", "wb")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        wait_until(self._ready, what=f"jupyter_server (log: {self.root / 'server.log'})")

    def _ready(self) -> bool:
        assert self.process and self.process.poll() is None, (self.root / "server.log").read_text()
        try:
            return isinstance(self.get("api/status"), dict)
        except OSError:
            return False

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def request(self, method: str, path: str, body: dict | None = None):
        # no_track_activity: the tests' own polling must not look like user activity either.
        separator = "&" if "?" in path else "?"
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        request = urllib.request.Request(f"{self.url}{path}{separator}no_track_activity=1", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=30) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    def get(self, path: str):
        return self.request("GET", path)

    def started(self) -> float:
        return parse_utc(self.get("api/status")["started"])

    def kernel(self, kernel_id: str) -> dict:
        return self.get(f"api/kernels/{kernel_id}")

    def start_kernel(self, *, connect: bool = True) -> str:
        """A kernel without a session. Unless a client connects (JupyterLab always does), the
        server never hears the kernel's first status and reports it `starting` for good."""
        kernel_id = self.request("POST", "api/kernels", {"name": "python3"})["id"]
        if connect:
            channel = self._channel(kernel_id)
            wait_until(lambda: self.kernel(kernel_id)["execution_state"] == "idle", what="kernel idle")
            channel.close()
        return kernel_id

    def _channel(self, kernel_id: str) -> websocket.WebSocket:
        return websocket.create_connection(
            f"ws://127.0.0.1:{self.port}{BASE_PATH}api/kernels/{kernel_id}/channels?session_id={uuid.uuid4()}",
            timeout=30,
        )

    def execute(self, kernel_id: str, code: str) -> None:
        """Send an execute_request over the kernel websocket, as JupyterLab does; do not wait for it."""
        channel = self._channel(kernel_id)
        header = {"msg_id": uuid.uuid4().hex, "username": "test", "session": uuid.uuid4().hex,
                  "msg_type": "execute_request", "version": "5.3", "date": datetime.now(timezone.utc).isoformat()}
        content = {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": True}
        channel.send(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                                 "channel": "shell", "buffers": []}))
        wait_until(lambda: self.kernel(kernel_id)["execution_state"] == "busy", what="kernel busy")
        channel.close()

    def open_terminal(self) -> str:
        return self.request("POST", "api/terminals")["name"]

    def clean(self) -> None:
        for kernel in self.get("api/kernels"):
            self.request("POST", f"api/kernels/{kernel['id']}/interrupt")
            self.request("DELETE", f"api/kernels/{kernel['id']}")
        for terminal in self.get("api/terminals"):
            self.request("DELETE", f"api/terminals/{terminal['name']}")


class _Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler):
        super().__init__(("127.0.0.1", 0), handler)
        self.requests: list[dict] = []
        self.responses: dict = {}
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class _QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(body)


class _SageMakerHandler(_QuietHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        operation = self.headers.get("X-Amz-Target", "").split(".")[-1]
        self.server.requests.append({"operation": operation, "params": body})
        status, answer = self.server.responses.get(operation, (200, {}))
        self.reply(status, json.dumps(answer).encode(), "application/x-amz-json-1.1")


class SageMakerStub(_Recorder):
    """Records every call; `fail_with(code, message)` makes DeleteApp answer with that error."""

    def __init__(self):
        super().__init__(_SageMakerHandler)

    def fail_with(self, code: str, message: str) -> None:
        self.responses["DeleteApp"] = (400, {"__type": code, "message": message})

    def delete_calls(self) -> list[dict]:
        return [request["params"] for request in self.requests if request["operation"] == "DeleteApp"]


class _JupyterHandler(_QuietHandler):
    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        self.server.requests.append({"path": path, "query": query, "authorization": self.headers.get("Authorization")})
        status, body = self.server.responses.get(path.removeprefix(BASE_PATH), (404, b"not found"))
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        self.reply(status, body, "application/json")


class FakeJupyter(_Recorder):
    """Answers `responses[<path under the base url>] = (status, body)`; anything else is a 404."""

    def __init__(self):
        super().__init__(_JupyterHandler)

    @property
    def base_url(self) -> str:
        return f"{self.url}{BASE_PATH}"
