"""The REAL pre-token-generation trigger behind a loopback HTTP endpoint, for the Cognito stand-in.

    python trigger_bridge.py '<settings JSON>'   (started by TriggerBridge below)

Settings: teamGroups (the TEAM_GROUPS_FILE content) and identityProvider. The function's code is
copied into a temporary directory with the mapping file beside the handler, as PythonFunction's
generated_files puts it into the deployed code, and imported there in its own process (the
handler loads the mapping once, at import, like a Lambda container). POST /invoke with a V2 event
answers the handler's return value. Prints one JSON line {"url"}; exits when its stdin closes.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
STARTUP_SECONDS = 20


def serve(settings: dict[str, Any]) -> None:
    sys.path[:0] = [str(PROJECT_ROOT), str(PROJECT_ROOT / "tests")]
    from lambda_context import LambdaContext
    from studio_runtime.contracts.pre_token_generation import CODE_DIR, TEAM_GROUPS_FILE, Environment

    code = Path(tempfile.mkdtemp(prefix="pre-token-generation-")) / CODE_DIR
    shutil.copytree(PROJECT_ROOT / "lambda" / CODE_DIR, code, ignore=shutil.ignore_patterns("__pycache__"))
    (code / TEAM_GROUPS_FILE).write_text(json.dumps(settings["teamGroups"]))
    os.environ[Environment.IDENTITY_PROVIDER] = settings["identityProvider"]
    sys.path.insert(0, str(code))
    import handler as trigger  # noqa: PLC0415 - imported from the prepared copy, as Lambda does

    class Invoke(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            event = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            try:
                status, body = 200, trigger.handler(event, LambdaContext(function_name="pre-token-generation"))
            except Exception as error:  # noqa: BLE001 - Cognito turns a failed trigger into a failed sign-in
                status, body = 500, {"errorType": type(error).__name__, "errorMessage": str(error)}
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass  # the handler's own log is what matters, on stderr

    server = ThreadingHTTPServer(("127.0.0.1", 0), Invoke)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"url": f"http://127.0.0.1:{server.server_address[1]}/invoke"}), flush=True)
    sys.stdin.read()  # until the test process closes it
    server.shutdown()
    shutil.rmtree(code.parent, ignore_errors=True)


class TriggerBridge:
    """The bridge process; `url` takes V2 events."""

    def __init__(self, *, team_groups: dict[str, list[str]], identity_provider: str) -> None:
        settings = {"teamGroups": team_groups, "identityProvider": identity_provider}
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self._process = subprocess.Popen(
            [sys.executable, __file__, json.dumps(settings)],
            cwd=PROJECT_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, text=True,
        )
        selector = selectors.DefaultSelector()
        selector.register(self._process.stdout, selectors.EVENT_READ)
        line = self._process.stdout.readline() if selector.select(timeout=STARTUP_SECONDS) else ""
        if not line:
            self.stop()
            raise RuntimeError(f"the trigger bridge did not start: {self.diagnostics()}")
        self.url: str = json.loads(line)["url"]

    def diagnostics(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()

    def stop(self) -> None:
        # Imported here: this file also runs as the bridge's own script, outside the tests' path.
        from login_stand_ins import processes

        processes.stop(self._process)


if __name__ == "__main__":
    serve(json.loads(sys.argv[1]))
