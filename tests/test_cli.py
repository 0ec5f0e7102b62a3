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


# ---------------------------------------------------------------------- issue 9, items 3 and 7: every input
# line gives one output line, in order, with its id, whatever the line holds.


def test_batch_gives_one_line_per_input_line_whatever_it_holds(index_dir, tmp_path):
    good = {"id": "g", "question": "2024年全省粮食总产是多少？"}
    lines = [
        json.dumps({"id": "sep", "question": "粮食\u2028总产\u0085是多少？"}, ensure_ascii=False).encode("utf-8"),
        json.dumps({"id": "no-question"}).encode("utf-8"),
        json.dumps({"id": "bad-byte", "question": "粮食总产"}).encode("utf-8")[:-3] + b"\xff\xfe\"}",
        b"",
        b"[1, 2]",
        json.dumps({"id": "surrogate-\ud800", "question": "粮食\ud800总产"}).encode("utf-8"),  # escaped in JSON
        json.dumps({"id": 42, "question": 42}).encode("utf-8"),
        json.dumps({"id": "h", "question": "那去年呢？", "history": ["今年社零增长目标是多少？"]}, ensure_ascii=False).encode("utf-8"),
        json.dumps({"id": "bad-history", "question": "粮食总产", "history": 42}).encode("utf-8"),
        json.dumps(good, ensure_ascii=False).encode("utf-8") + b"\r",  # a CRLF file
    ]
    batch = tmp_path / "questions.jsonl"
    batch.write_bytes(b"\xef\xbb\xbf" + json.dumps(good, ensure_ascii=False).encode("utf-8") + b"\n" + b"\n".join(lines) + b"\n")
    result = _run(["ask", "--json", "--batch", str(batch)], _environment(index_dir))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout.split("\n")
    assert out[-1] == "" and len(out) - 1 == 1 + len(lines) == len(result.stdout.splitlines())
    records = [json.loads(line) for line in out[:-1]]
    assert all(set(r) == CONTRACT_KEYS for r in records)
    ids = [r["id"] for r in records]
    assert ids == ["g", "sep", "no-question", None, None, None, "surrogate-\ud800", 42, "h", "bad-history", "g"]

    by_line = dict(enumerate(records, start=1))
    assert not by_line[1]["refused"] and "615.6亿斤" in by_line[1]["answer"]  # the BOM is ignored
    assert by_line[2]["question"] == "粮食\u2028总产\u0085是多少？"  # one line, read back whole
    assert by_line[3]["refused"] and "第3行" in by_line[3]["answer"] and "question" in by_line[3]["answer"]
    assert by_line[4]["refused"] and "UTF-8" in by_line[4]["answer"]
    assert by_line[5]["refused"] and "空行" in by_line[5]["answer"]
    assert by_line[6]["refused"] and "对象" in by_line[6]["answer"]
    assert by_line[7]["refused"] and "代理码位" in by_line[7]["answer"] and by_line[7]["question"] == "粮食\ufffd总产"
    assert by_line[8]["refused"] and "必须是文本" in by_line[8]["answer"]
    assert not by_line[9]["refused"] and "2024年" in by_line[9]["answer"]
    assert by_line[10]["refused"] and "对话历史" in by_line[10]["answer"]
    assert not by_line[11]["refused"] and "615.6亿斤" in by_line[11]["answer"]
    for number in (3, 4, 5, 6):
        assert f"{batch}:{number}:" in result.stderr
    assert "\u2028" not in result.stdout and "\\u2028" in result.stdout


def test_ask_with_undecodable_argv_bytes_is_refused_not_a_crash(index_dir):
    env = _environment(index_dir)
    result = subprocess.run(
        [sys.executable.encode(), b"-m", b"assistant", b"ask", b"--json", "粮食总产".encode("utf-8") + b"\xff"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    record = json.loads(result.stdout.decode("utf-8"))
    assert record["refused"] and "代理码位" in record["answer"] and record["question"] == "粮食总产\ufffd"


def test_a_corpus_error_is_a_message_not_a_traceback(index_dir, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "manifest.json").write_text(json.dumps({"documents": [{"file": "a.md", "date": "unknown"}]}), encoding="utf-8")
    result = _run(["ask", "--json", "粮食总产多少？"], _environment(index_dir, ASSISTANT_CORPUS_DIR=str(corpus)))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "语料或索引错误" in result.stderr and "date must be an ISO date" in result.stderr


def test_a_reader_that_goes_away_early_is_not_an_error(index_dir):
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "ask", "--json", "2024年全省粮食总产是多少？"],
        cwd=PROJECT_ROOT, env=_environment(index_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    process.stdout.close()  # like `… | head -c 0`: nobody reads the answer
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0
    assert b"Traceback" not in err


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
