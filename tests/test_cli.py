"""cli: `python -m assistant` run as a real subprocess, with its index in a temporary folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT

CONTRACT_KEYS = {"id", "question", "answer", "refused", "citations", "retrieved", "timings_ms"}


def _environment(index_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_INDEX_DIR=str(index_dir), PYTHONIOENCODING="utf-8", **extra)
    return env


def _run(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def index_dir(assistant_settings) -> Path:
    """The session's temporary index folder (the repo's index/ is never touched)."""
    return assistant_settings.index_dir


def test_ask_json_prints_one_contract_object(index_dir, assistant_settings):
    result = _run(["ask", "--json", "2024年全省粮食总产是多少？"], _environment(index_dir))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert set(record) == CONTRACT_KEYS
    assert record["question"] == "2024年全省粮食总产是多少？"
    assert not record["refused"] and "615.6亿斤" in record["answer"]
    original = (assistant_settings.corpus_dir / record["citations"][0]["doc"]).read_text(encoding="utf-8")
    citation = record["citations"][0]
    assert original[citation["start"] : citation["end"]] == citation["quote"]


def test_ask_json_batch_answers_every_line_in_order(index_dir, tmp_path):
    batch = tmp_path / "questions.jsonl"
    batch.write_text(
        "\n".join(
            [
                json.dumps({"id": "q1", "question": "2024年全省粮食总产是多少？"}, ensure_ascii=False),
                "this line is not a question object",
                json.dumps({"id": 7, "question": "1-7月全省投资增长多少？"}, ensure_ascii=False),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = _run(["ask", "--json", "--batch", str(batch)], _environment(index_dir))
    assert result.returncode != 0, "a malformed line must make the batch exit non-zero"
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3, result.stdout
    records = [json.loads(line) for line in lines]
    assert all(set(r) == CONTRACT_KEYS for r in records)

    assert records[0]["id"] == "q1" and not records[0]["refused"] and "615.6亿斤" in records[0]["answer"]
    assert records[1]["refused"] and records[1]["answer"] and records[1]["citations"] == []
    assert "第2行" in records[1]["answer"]
    assert records[2]["id"] == 7 and not records[2]["refused"] and "2.9%" in records[2]["answer"]
    assert f"{batch}:2:" in result.stderr


def test_index_builds_then_reports_up_to_date(tmp_path):
    env = _environment(tmp_path / "index")
    first = _run(["index"], env)
    assert first.returncode == 0, first.stderr
    assert "building the index: no index yet" in first.stderr
    assert "index built (no index yet)" in first.stderr
    second = _run(["index"], env)
    assert second.returncode == 0, second.stderr
    assert "index up to date" in second.stderr
    assert "building the index" not in second.stderr


@pytest.mark.parametrize(
    "variable, value, mentions",
    [
        ("ASSISTANT_RETRIEVAL_MODE", "nonsense", ["retrieval_mode", "nonsense"]),
        ("ASSISTANT_TOP_K", "five", ["ASSISTANT_TOP_K", "five"]),
        ("ASSISTANT_CHUNK_SIZE", "5", ["chunk_size"]),
    ],
)
def test_bad_settings_exit_2_with_a_clear_message(tmp_path, variable, value, mentions):
    result = _run(["ask", "--json", "2024年全省粮食总产是多少？"], _environment(tmp_path / "index", **{variable: value}))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "配置错误" in result.stderr
    for word in mentions:
        assert word in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "index").exists()


def test_batch_without_json_is_a_usage_error(index_dir, tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": 1, "question": "粮食总产是多少？"}\n', encoding="utf-8")
    result = _run(["ask", "--batch", str(batch)], _environment(index_dir))
    assert result.returncode == 2 and "--batch 需要同时使用 --json" in result.stderr


def test_a_missing_batch_file_exits_2(index_dir, tmp_path):
    result = _run(["ask", "--json", "--batch", str(tmp_path / "missing.jsonl")], _environment(index_dir))
    assert result.returncode == 2 and "cannot read" in result.stderr


def test_help_is_in_chinese(index_dir):
    for args in (["--help"], ["ask", "--help"], ["index", "--help"]):
        result = _run(args, _environment(index_dir), timeout=60)
        assert result.returncode == 0, result.stderr
        assert "用法：" in result.stdout and "显示本帮助并退出" in result.stdout, result.stdout
        for english in ("usage:", "show this help", "positional arguments", "options:"):
            assert english not in result.stdout, (english, result.stdout)


def test_usage_errors_are_in_chinese(index_dir):
    result = _run(["frobnicate"], _environment(index_dir), timeout=60)
    assert result.returncode == 2
    assert "错误" in result.stderr and "无效的选择" in result.stderr, result.stderr


def test_interactive_session_prompts_separates_answers_and_notes_follow_ups(index_dir):
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "ask"],
        cwd=PROJECT_ROOT,
        env=_environment(index_dir),
        input="今年社零增长目标是多少？\n去年呢？\n\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    # The prompt is shown before each question (on stderr, so stdout stays answers only).
    assert result.stderr.count("问> ") >= 3, result.stderr
    # Loading is reported once, apart, and is not counted as retrieval of the first answer.
    assert "加载文件、索引和模型用时" in result.stderr and "Loading weights" not in result.stderr
    assert "5.5%" in result.stdout and "5.4%" in result.stdout, result.stdout
    # A blank line after each answer, and the follow-up says how it was understood.
    assert "\n\n" in result.stdout.split("5.5%", 1)[1]
    assert "（按“" in result.stdout and "理解）" in result.stdout, result.stdout
    assert result.stdout.count("(检索 ") == 2 and result.stdout.count(" ms)\n\n") == 2, result.stdout
