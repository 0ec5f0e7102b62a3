"""Start the real app (`python -m ui`) as a subprocess on a free port, for the UI tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from assistant.settings import PROJECT_ROOT

STARTUP_TIMEOUT_S = 240


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    """Until the server answers HTTP at all (a 401 from a login-protected app counts as up)."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"`python -m ui` exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url + "gradio_api/info", timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"`python -m ui` did not answer within {STARTUP_TIMEOUT_S}s:\n{log.read_text()[-4000:]}")


@contextlib.contextmanager
def running_server(workdir: Path, **env_overrides: str):
    """`python -m ui --port <free>` as a subprocess, with its own feedback log, until the block ends."""
    feedback = workdir / "feedback.jsonl"
    log = workdir / "server.log"
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("ASSISTANT_UI_")}
    env.update(
        ASSISTANT_FEEDBACK_LOG=str(feedback),
        GRADIO_ANALYTICS_ENABLED="False",
        PYTHONUNBUFFERED="1",
        **env_overrides,
    )
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "ui", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, process, log)
        yield {"url": url, "feedback_log": feedback, "log": log, "process": process}
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
