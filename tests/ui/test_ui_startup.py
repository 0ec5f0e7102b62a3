"""Start-up of `python -m ui` (issue 10.9): a busy port is reported before anything loads, in Chinese,
with what to do; a normal start says where to open the chat and how to stop it, without Gradio's hints."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

from assistant.settings import PROJECT_ROOT


def test_a_busy_port_is_reported_at_once_with_what_to_do():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_UI_")}
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "ui", "--port", str(port)],
            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
        )
        elapsed = time.monotonic() - started
    assert result.returncode == 2, result.stderr
    assert f"端口 {port} 已被占用" in result.stderr and f"make run PORT={port + 1}" in result.stderr
    assert f"ASSISTANT_UI_PORT={port + 1}" in result.stderr
    assert "Traceback" not in result.stderr and "正在加载" not in result.stderr  # nothing was loaded first
    assert elapsed < 30, elapsed


def test_start_up_says_where_and_how_to_stop_in_chinese(server):
    log = server["log"].read_text(encoding="utf-8")
    assert f"请在浏览器中打开 {server['url']}" in log and "Ctrl+C" in log
    assert "share=True" not in log and "Running on" not in log
    assert "Loading weights" not in log
    assert log.count("正在加载文件、索引和模型") == 1 and "加载完成" in log
