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
    assert result.returncode == 2 and "--batch needs --json" in result.stderr


def test_a_missing_batch_file_exits_2(index_dir, tmp_path):
    result = _run(["ask", "--json", "--batch", str(tmp_path / "missing.jsonl")], _environment(index_dir))
    assert result.returncode == 2 and "cannot read" in result.stderr


def test_a_reader_that_goes_away_early_is_not_an_error(index_dir):
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "ask", "--json", "2024年全省粮食总产是多少？"],
        cwd=PROJECT_ROOT, env=_environment(index_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    process.stdout.close()  # like `… | head -c 0`: nobody reads the answer
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0
    assert b"Traceback" not in err
