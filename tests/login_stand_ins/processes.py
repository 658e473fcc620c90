"""Stand-ins that run as child processes (the OpenID providers, the trigger bridge)."""

from __future__ import annotations

import subprocess


def stop(process: subprocess.Popen) -> None:
    """Ends a stand-in: it exits when its stdin closes; one that does not is killed."""
    if process.poll() is None:
        process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    process.stdout.close()
