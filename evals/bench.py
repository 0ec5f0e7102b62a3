"""Benchmarks: index builds, warm query latency, cold start and peak memory. Measured, never asserted.

- index build from empty: `python -m assistant index` with a fresh index folder and a fresh cache folder
  (so every chunk is embedded), whose `models/` is a symlink to the real converted model folder; the time
  per 1,000 passages comes from the build's own log line (embedding time) and from the wall time;
- re-index with no change: the same command again;
- re-index after adding one document: a small third file added to the (copied) corpus, then again;
- warm query latency: a fresh process (`python -m evals.bench warm`) loads the assistant (which warms itself
  up) and asks every question once: median and p95 of the wall clock, and the first question against the
  tenth; once on a quiet machine and once with a competing CPU-bound process that the bench starts itself;
  for the default corpus and for the corpus given with `--corpus DIR` (whose index is built from empty first);
- query embedding by thread count: the ONNX encoder with 1 and 2 intra-op threads and sentence-transformers,
  interleaved on the same questions, quiet and contended (how the default `query_threads` was chosen);
- cold start: `python -m assistant ask --json QUESTION` as a subprocess, wall time;
- peak memory: `python -m assistant ask --json --batch FILE` over the whole set, the child's ru_maxrss.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

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


#: What the competing process runs: one core's worth of pure CPU work, until it is killed.
COMPETITOR_CODE = "while True: pass"
#: The line `python -m assistant index` logs about embedding (assistant/index_store.py).
_EMBEDDED_LINE = re.compile(r"(\d+) passages, (\d+) newly embedded in ([\d.]+) s")


@contextlib.contextmanager
def competing_process() -> Iterator[subprocess.Popen]:
    """A CPU-bound child process for as long as the block runs (killed and reaped afterwards)."""
    process = subprocess.Popen([sys.executable, "-c", COMPETITOR_CODE], stdin=subprocess.DEVNULL)
    try:
        time.sleep(0.2)  # let it get going
        if process.poll() is not None:
            raise BenchError(f"the competing process exited at once with {process.returncode}")
        yield process
    finally:
        process.kill()
        process.wait()


def embedding_log(log_text: str) -> tuple[int, int, float] | None:
    """(passages, newly embedded, embedding seconds) from the last such line of an index build's log."""
    matches = _EMBEDDED_LINE.findall(log_text)
    if not matches:
        return None
    passages, embedded, seconds = matches[-1]
    return int(passages), int(embedded), float(seconds)


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


def bench_index(settings: Settings, work: Path, label: str = "", add_one: bool = True) -> tuple[list[Measurement], dict[str, str]]:
    """Build from empty, re-index with no change (and after adding a document); returns the measurements and
    the environment of the index it built (for the warm-latency runs on the same corpus)."""
    work = Path(work)
    corpus = work / "corpus"
    shutil.copytree(settings.corpus_dir, corpus)
    env = settings_env(corpus_dir=corpus, index_dir=work / "index", cache_dir=fresh_cache(work, settings.model_cache_dir))
    log = work / "index.log"
    empty = run_child(assistant_command("index"), env, log)
    embedded = embedding_log(log.read_text(encoding="utf-8", errors="replace"))
    unchanged = run_child(assistant_command("index"), env, log)
    suffix = f" ({label})" if label else ""
    note = "`python -m assistant index` subprocess, wall time incl. interpreter start (and model load if it embeds)"
    measurements = [
        Measurement(f"index build from empty{suffix}", empty.seconds, "s", note + "; fresh index and embedding cache"),
    ]
    if embedded is not None and embedded[1]:
        passages, new, seconds = embedded
        measurements += [
            Measurement(f"embedding time per 1,000 passages{suffix}", seconds / new * 1000, "s",
                        f"{new} passages embedded in {seconds:.1f} s (the build's own log line)"),
            Measurement(f"build from empty per 1,000 passages{suffix}", empty.seconds / passages * 1000, "s",
                        f"wall time of the build / {passages} passages"),
        ]
    measurements.append(Measurement(f"re-index, no change{suffix}", unchanged.seconds, "s", note))
    if add_one:
        add_document(corpus)
        added = run_child(assistant_command("index"), env, log)
        measurements.append(Measurement(f"re-index after adding one document{suffix}", added.seconds, "s",
                                        note + f"; + {EXTRA_DOCUMENT_NAME}"))
        Path(corpus / EXTRA_DOCUMENT_NAME).unlink()
        run_child(assistant_command("index"), env, log)  # back to the corpus as given
    return measurements, env


def write_questions(questions: Sequence[tuple[str, str]], path: Path) -> Path:
    Path(path).write_text(
        "".join(json.dumps({"id": qid, "question": q}, ensure_ascii=False) + "\n" for qid, q in questions),
        encoding="utf-8",
    )
    return Path(path)


def bench_warm_latency(
    env: Mapping[str, str], questions: Sequence[tuple[str, str]], work: Path, label: str, contended: bool = False
) -> list[Measurement]:
    """Warm latency in a fresh process (see :func:`warm_child`), quiet or with a competing CPU-bound process."""
    work = Path(work)
    questions_file = write_questions(questions, work / "warm-questions.jsonl")
    out = work / "warm.json"
    command = [sys.executable, "-m", "evals.bench", "warm", str(questions_file), str(out)]
    with competing_process() if contended else contextlib.nullcontext():
        run_child(command, env, work / "warm.log")
    result = json.loads(out.read_text(encoding="utf-8"))
    walls = result["walls_ms"]
    condition = "with a competing CPU-bound process" if contended else "quiet"
    name = f"warm query latency, {label}, {condition}"
    note = (f"{len(walls)} questions in one fresh process after load ({result['load_s']:.1f} s, "
            f"{result['documents']} documents, {result['passages']} passages, queries on {result['backend']}); wall clock")
    measurements = [
        Measurement(f"{name}, median", statistics.median(walls), "ms", note),
        Measurement(f"{name}, p95", percentile(walls, 95), "ms", note),
    ]
    if result["tenth_ms"] is not None:
        measurements += [
            Measurement(f"{name}, first question", result["first_ms"], "ms", "the first question asked after load"),
            Measurement(f"{name}, tenth question", result["tenth_ms"], "ms",
                        "the same question asked again as the tenth, its cached query embedding forgotten"),
        ]
    return measurements


def warm_child(questions_file: Path, out: Path) -> None:
    """Load the assistant from the environment's settings, ask every question once, write the timings."""
    from assistant import Assistant

    questions = [json.loads(line)["question"] for line in Path(questions_file).read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    started = time.perf_counter()
    assistant = Assistant.from_settings(Settings.from_env())
    load_s = time.perf_counter() - started
    walls = []
    for question in questions:
        started = time.perf_counter()
        assistant.ask(question)
        walls.append((time.perf_counter() - started) * 1000)
        if len(walls) == 9 and len(questions) > 9:  # the first question again, as the tenth
            assistant.forget_queries()
            started = time.perf_counter()
            assistant.ask(questions[0])
            tenth = (time.perf_counter() - started) * 1000
    model = assistant._model
    result = {
        "load_s": load_s,
        "walls_ms": walls,
        "first_ms": walls[0],
        "tenth_ms": tenth if len(questions) > 9 else None,
        "documents": len(assistant.documents),
        "passages": len(assistant.index.chunks),
        "backend": model.describe_backend() if assistant.settings.retrieval_mode != "lexical" else "no embeddings",
    }
    Path(out).write_text(json.dumps(result), encoding="utf-8")


def bench_query_threads(questions: Sequence[tuple[str, str]], work: Path) -> list[Measurement]:
    """Query embedding time by backend and thread count (see :func:`query_threads_child`), in a fresh process:
    the bench's own process stays small, because a child inherits its peak memory (ru_maxrss) at fork."""
    work = Path(work)
    questions_file = write_questions(questions, work / "threads-questions.jsonl")
    out = work / "threads.json"
    run_child([sys.executable, "-m", "evals.bench", "threads", str(questions_file), str(out)], os.environ,
              work / "threads.log")
    return [Measurement(**item) for item in json.loads(out.read_text(encoding="utf-8"))]


def query_threads_child(questions_file: Path, out: Path) -> None:
    questions = [("", json.loads(line)["question"]) for line in Path(questions_file).read_text(encoding="utf-8")
                 .splitlines() if line.strip()]
    measurements = query_threads(Settings.from_env(), questions)
    Path(out).write_text(json.dumps([asdict(m) for m in measurements], ensure_ascii=False), encoding="utf-8")


def query_threads(settings: Settings, questions: Sequence[tuple[str, str]], rounds: int = 2) -> list[Measurement]:
    """Query embedding time by backend and thread count, interleaved on the same questions, quiet and contended."""
    from assistant.embedding.onnx_encoder import OnnxEncoder

    model = settings.embedding_model()
    export = model.onnx_export()
    if export is None:
        return []
    prompt = model.prompts.query
    texts = [prompt + q for _, q in questions[:60]]
    encoders: dict[str, Any] = {f"ONNX Runtime, {n} thread{'s' if n > 1 else ''}": OnnxEncoder(export, threads=n)
                                for n in (1, 2)}
    torch_model = type(model)(settings.model, settings.model_cache_dir, settings.query_prompt, settings.passage_prompt,
                              backend="sentence-transformers")
    encoders["sentence-transformers (torch, its default threads)"] = torch_model
    for name, encoder in encoders.items():  # load and warm every one before timing
        _embed_one(encoder, texts[0], questions[0][1])
    measurements = []
    for contended in (False, True):
        times: dict[str, list[float]] = {name: [] for name in encoders}
        with competing_process() if contended else contextlib.nullcontext():
            for _ in range(rounds):
                for text, (_, question) in zip(texts, questions):
                    for name, encoder in encoders.items():
                        started = time.perf_counter()
                        _embed_one(encoder, text, question)
                        times[name].append((time.perf_counter() - started) * 1000)
        condition = "with a competing CPU-bound process" if contended else "quiet"
        for name, values in times.items():
            note = f"{len(values)} query embeddings, interleaved with the other encoders"
            measurements += [
                Measurement(f"query embedding, {name}, {condition}, median", statistics.median(values), "ms", note),
                Measurement(f"query embedding, {name}, {condition}, p95", percentile(values, 95), "ms", note),
            ]
    return measurements


def _embed_one(encoder: Any, text_with_prompt: str, question: str) -> None:
    if hasattr(encoder, "encode_queries"):
        encoder.encode_queries([question])
    else:
        encoder.encode([text_with_prompt])


def bench_cold_start(question: str, runs: int, work: Path) -> list[Measurement]:
    command, log = assistant_command("ask", "--json", question), Path(work) / "cold.log"
    seconds = [run_child(command, os.environ, log).seconds for _ in range(runs)]
    runs_text = ", ".join(f"{s:.2f}" for s in seconds)
    note = f"`python -m assistant ask --json …` subprocess, wall time, median of {runs} ({runs_text} s)"
    return [Measurement("cold start, one question", statistics.median(seconds), "s", note)]


def bench_batch_memory(questions: Sequence[tuple[str, str]], work: Path) -> list[Measurement]:
    batch = write_questions(questions, Path(work) / "batch.jsonl")
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
    settings: Settings,
    questions: Sequence[tuple[str, str]],
    work: Path,
    cold_runs: int = 3,
    corpus: Path | None = None,
) -> list[Measurement]:
    """Every benchmark, in an order where each index exists before the subprocesses need it.

    ``corpus`` is a second, larger corpus folder: its index is built from empty, then its warm latency measured.
    """
    if not questions:
        raise BenchError("no questions to benchmark with")
    work = Path(work)
    default_env = settings_env()
    steps = [
        lambda: _prepare_default_index(settings),
        lambda: bench_warm_latency(default_env, questions, _sub(work, "warm-default"), _corpus_label(settings.corpus_dir)),
        lambda: bench_warm_latency(default_env, questions, _sub(work, "warm-default-busy"),
                                   _corpus_label(settings.corpus_dir), contended=True),
        lambda: bench_cold_start(questions[0][1], max(1, cold_runs), work),
        lambda: bench_batch_memory(questions, work),
        lambda: bench_query_threads(questions, _sub(work, "threads")),
        lambda: bench_index(settings, _sub(work, "index-default"))[0],
    ]
    if corpus is not None:
        steps.append(lambda: _bench_corpus(settings, Path(corpus), questions, _sub(work, "corpus")))
    measurements: list[Measurement] = []
    for step in steps:
        new = step()
        _say(new)
        measurements += new
    return measurements


def _bench_corpus(settings: Settings, corpus: Path, questions: Sequence[tuple[str, str]], work: Path) -> list[Measurement]:
    if not corpus.is_dir():
        raise BenchError(f"no corpus folder at {corpus}")
    label = _corpus_label(corpus)
    measurements, env = bench_index(settings.with_overrides(corpus_dir=corpus), work, label=label, add_one=False)
    _say(measurements)
    for contended in (False, True):
        measurements += bench_warm_latency(env, questions, _sub(work, f"warm-{contended}"), label, contended=contended)
    return measurements


def _prepare_default_index(settings: Settings) -> list[Measurement]:
    """Build or refresh the default index first, so that no measured process pays for it."""
    run_child(assistant_command("index"), os.environ, Path(os.devnull))
    return []


def _corpus_label(corpus: Path) -> str:
    from assistant.corpus import DOCUMENT_SUFFIXES

    count = sum(1 for path in Path(corpus).rglob("*") if path.is_file() and not path.name.startswith(".") and path.suffix in DOCUMENT_SUFFIXES)
    return f"{count} documents"


def _sub(work: Path, name: str) -> Path:
    path = Path(work) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def bench_table(measurements: Sequence[Measurement]) -> str:
    rows = [[m.name, f"{m.value:.1f} {m.unit}" if m.value < 100 else f"{m.value:.0f} {m.unit}", m.note]
            for m in measurements]
    return markdown_table(["measurement", "value", "how"], rows)


def machine_load() -> str:
    """The 1-, 5- and 15-minute load averages: how quiet the machine was (other users count)."""
    try:
        return ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


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


def _child_main(argv: Sequence[str]) -> int:
    """`python -m evals.bench warm|threads QUESTIONS OUT`: the fresh processes of :func:`bench_warm_latency`
    and :func:`bench_query_threads`."""
    children = {"warm": warm_child, "threads": query_threads_child}
    if len(argv) != 3 or argv[0] not in children:
        print("usage: python -m evals.bench warm|threads QUESTIONS.jsonl OUT.json", file=sys.stderr)
        return 2
    children[argv[0]](Path(argv[1]), Path(argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
