"""Benchmarks: index builds, warm query latency, cold start and peak memory. Measured, never asserted.

- index build from empty: `python -m assistant index` with a fresh index folder and a fresh cache folder
  (so every chunk is embedded), whose `models/` is a symlink to the real converted model folder;
- re-index with no change: the same command again;
- re-index after adding one document: a small third file added to the (copied) corpus, then again;
- warm query latency: one process, one warm-up question, then every question (wall clock and the
  answer's own timings_ms.total);
- cold start: `python -m assistant ask --json QUESTION` as a subprocess, wall time;
- peak memory: `python -m assistant ask --json --batch FILE` over the whole set, the child's ru_maxrss.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from assistant.settings import PROJECT_ROOT, Settings

from evals.aggregate import percentile
from evals.report import markdown_table

#: The document the re-index benchmark adds: small, and not part of the real corpus.
EXTRA_DOCUMENT_NAME = "bench-extra-document.txt"
EXTRA_DOCUMENT = """关于基准测试的补充说明

本文件仅用于测量新增一份文档后重新建立索引所需的时间，不属于正式语料。

一、测试目的。检验索引在语料新增文件时能否只处理新增部分，并记录耗时。

二、测试内容。新增文档包含若干段落，每段长度与正式文件中的段落相近，便于切分和向量化。

三、其他事项。测试完成后，临时目录及其中的索引文件将被删除。
"""


@dataclass(frozen=True)
class Measurement:
    name: str
    value: float
    unit: str  # "s", "ms" or "MiB"
    note: str = ""


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    max_rss_mib: float
    returncode: int


class BenchError(RuntimeError):
    """A benchmarked command failed."""


def assistant_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "assistant", *args]


def settings_env(**values: object) -> dict[str, str]:
    """The current environment with ASSISTANT_<NAME> set for each value (how Settings.from_env reads them)."""
    env = dict(os.environ)
    env.update({f"ASSISTANT_{name.upper()}": str(value) for name, value in values.items()})
    return env


def run_child(command: Sequence[str], env: Mapping[str, str], log: Path, output: Path | None = None) -> ChildRun:
    """Run a command to completion; its wall time and its own peak resident memory (os.wait4).

    Standard error goes to `log`, standard output to `output` (to `log` as well when None).
    """
    with Path(log).open("wb") as err, Path(output or os.devnull).open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=out if output else err, stderr=err, env=dict(env), cwd=PROJECT_ROOT
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = returncode = os.waitstatus_to_exitcode(status)
    if returncode != 0:
        tail = Path(log).read_text(encoding="utf-8", errors="replace")[-2000:]
        raise BenchError(f"{' '.join(command)} exited with {returncode}:\n{tail}")
    return ChildRun(seconds, usage.ru_maxrss / 1024, returncode)  # ru_maxrss is in KiB on Linux


def fresh_cache(root: Path, models: Path) -> Path:
    """An empty cache folder whose models/ points at the real converted model folder."""
    if not models.is_dir():
        raise BenchError(f"no model folder at {models}; run `python -m assistant model` first")
    cache = Path(root) / "cache"
    cache.mkdir(parents=True)
    (cache / "models").symlink_to(models.resolve(), target_is_directory=True)
    return cache


def add_document(corpus_dir: Path) -> Path:
    path = Path(corpus_dir) / EXTRA_DOCUMENT_NAME
    path.write_text(EXTRA_DOCUMENT, encoding="utf-8")
    return path


def bench_index(settings: Settings, work: Path) -> list[Measurement]:
    corpus = Path(work) / "corpus"
    shutil.copytree(settings.corpus_dir, corpus)
    env = settings_env(
        corpus_dir=corpus, index_dir=Path(work) / "index", cache_dir=fresh_cache(work, settings.model_cache_dir)
    )
    log = Path(work) / "index.log"
    empty = run_child(assistant_command("index"), env, log)
    unchanged = run_child(assistant_command("index"), env, log)
    add_document(corpus)
    added = run_child(assistant_command("index"), env, log)
    note = "`python -m assistant index` subprocess, wall time incl. interpreter start (and model load if it embeds)"
    return [
        Measurement("index build from empty", empty.seconds, "s", note + "; fresh index and embedding cache"),
        Measurement("re-index, no change", unchanged.seconds, "s", note),
        Measurement("re-index after adding one document", added.seconds, "s", note + f"; + {EXTRA_DOCUMENT_NAME}"),
    ]


def bench_warm_latency(settings: Settings, questions: Sequence[tuple[str, str]]) -> list[Measurement]:
    from assistant import Assistant

    assistant = Assistant.from_settings(settings)
    assistant.ask(questions[0][1])  # warm-up
    walls, totals = [], []
    for _, question in questions:
        started = time.perf_counter()
        answer = assistant.ask(question)
        walls.append((time.perf_counter() - started) * 1000)
        totals.append(answer.timings_ms.total)
    note = f"{len(questions)} questions in one process after one warm-up"
    return [
        Measurement("warm query latency, median", statistics.median(walls), "ms", note + "; wall clock"),
        Measurement("warm query latency, p95", percentile(walls, 95), "ms", note + "; wall clock"),
        Measurement("warm query timings_ms.total, median", statistics.median(totals), "ms", note),
        Measurement("warm query timings_ms.total, p95", percentile(totals, 95), "ms", note),
    ]


def bench_cold_start(question: str, runs: int, work: Path) -> list[Measurement]:
    command, log = assistant_command("ask", "--json", question), Path(work) / "cold.log"
    seconds = [run_child(command, os.environ, log).seconds for _ in range(runs)]
    runs_text = ", ".join(f"{s:.2f}" for s in seconds)
    note = f"`python -m assistant ask --json …` subprocess, wall time, median of {runs} ({runs_text} s)"
    return [Measurement("cold start, one question", statistics.median(seconds), "s", note)]


def bench_batch_memory(questions: Sequence[tuple[str, str]], work: Path) -> list[Measurement]:
    batch = Path(work) / "batch.jsonl"
    batch.write_text(
        "".join(json.dumps({"id": qid, "question": q}, ensure_ascii=False) + "\n" for qid, q in questions),
        encoding="utf-8",
    )
    out = Path(work) / "batch-answers.jsonl"
    command = assistant_command("ask", "--json", "--batch", str(batch))
    child = run_child(command, os.environ, Path(work) / "batch.log", out)
    answered = sum(1 for line in out.read_text(encoding="utf-8").splitlines() if line.strip())
    note = f"`python -m assistant ask --json --batch FILE`, {len(questions)} questions ({answered} answers)"
    return [
        Measurement("batch peak memory (max RSS)", child.max_rss_mib, "MiB", note),
        Measurement("batch wall time", child.seconds, "s", note),
    ]


def run_benchmarks(
    settings: Settings, questions: Sequence[tuple[str, str]], work: Path, cold_runs: int = 3
) -> list[Measurement]:
    """Every benchmark, in an order where the default index exists before the subprocesses need it."""
    if not questions:
        raise BenchError("no questions to benchmark with")
    measurements = bench_warm_latency(settings, questions)
    _say(measurements)
    for step in (
        lambda: bench_cold_start(questions[0][1], max(1, cold_runs), work),
        lambda: bench_batch_memory(questions, work),
        lambda: bench_index(settings, work),
    ):
        new = step()
        _say(new)
        measurements += new
    return measurements


def bench_table(measurements: Sequence[Measurement]) -> str:
    rows = [[m.name, f"{m.value:.1f} {m.unit}" if m.value < 100 else f"{m.value:.0f} {m.unit}", m.note]
            for m in measurements]
    return markdown_table(["measurement", "value", "how"], rows)


def bench_markdown(measurements: Sequence[Measurement], meta: Mapping[str, Any]) -> str:
    lines = [f"# Benchmarks {meta.get('created', '')}".rstrip(), ""]
    lines += [f"- {key}: {value}" for key, value in meta.items() if key != "created"]
    lines += [f"- machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}", "", bench_table(measurements), ""]
    return "\n".join(lines)


def bench_json(measurements: Sequence[Measurement], meta: Mapping[str, Any]) -> dict[str, Any]:
    return {"meta": {**meta, "cpus": os.cpu_count()}, "measurements": [asdict(m) for m in measurements]}


def _say(measurements: Sequence[Measurement]) -> None:
    for m in measurements:
        print(f"  {m.name}: {m.value:.1f} {m.unit}", file=sys.stderr, flush=True)
