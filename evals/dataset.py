"""The evaluation question set: loading `questions.jsonl` and validating it against the corpus.

One JSON object per line::

    {"id": "wr-fig-001", "question": "...", "type": "figure", "answer": "...",
     "answer_keys": ["4.8%"], "evidence": [{"doc": "2025-...md", "quote": "..."}],
     "accept_refusal": false}

`accept_refusal` is optional (default false). Every evidence quote is copied verbatim from the original
file named by `doc` (a path relative to corpus/); quotes from the PDF-extracted monthly report may span
its page breaks ("\\n\\n") and keep its stray spaces. Answer keys are compared with the answer (and, by
the scorer, with the assistant's answer) after NFKC normalisation with whitespace and Markdown `**`
removed.

Run `python -m evals.dataset [questions.jsonl] [corpus_dir]` to print the problems of a dataset.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Sequence

from assistant.formats import EXTRACTED_SUFFIXES
from assistant.text_record import text_path

#: Every allowed question type; "unanswerable" questions expect a refusal.
QUESTION_TYPES = ("figure", "policy", "entity", "date", "list", "compare", "qualitative", "unanswerable")
UNANSWERABLE = "unanswerable"
REQUIRED_FIELDS = ("id", "question", "type", "answer", "answer_keys", "evidence")
OPTIONAL_FIELDS = ("accept_refusal",)
EVIDENCE_FIELDS = ("doc", "quote")
#: An answerable question has between one and this many answer keys.
MAX_ANSWER_KEYS = 4

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONS = Path(__file__).resolve().parent / "questions.jsonl"
DEFAULT_CORPUS = PROJECT_ROOT / "corpus"


class DatasetError(ValueError):
    """A dataset file, or one of its lines, cannot be read as questions."""


@dataclass(frozen=True)
class Evidence:
    doc: str  # path relative to corpus/
    quote: str  # verbatim text of that file


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    type: str
    answer: str
    answer_keys: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    accept_refusal: bool = False
    #: 1-based line of the dataset file the question was read from (None when built in code).
    line: int | None = field(default=None, compare=False)

    @property
    def answerable(self) -> bool:
        return self.type != UNANSWERABLE

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "question": self.question,
            "type": self.type,
            "answer": self.answer,
            "answer_keys": list(self.answer_keys),
            "evidence": [{"doc": e.doc, "quote": e.quote} for e in self.evidence],
        }
        if self.accept_refusal:
            data["accept_refusal"] = True
        return data


def normalize(text: str) -> str:
    """NFKC, without Markdown bold markers and whitespace: the form answers and keys are compared in."""
    text = unicodedata.normalize("NFKC", text).replace("**", "")
    return "".join(text.split())


# --------------------------------------------------------------------------------------------- loading


def load_questions(path: Path | str) -> list[Question]:
    """Every question of a JSONL file, in file order; blank lines are skipped.

    Raises DatasetError naming the line for a line that is not a JSON object, lacks a required field,
    has an unknown field, or whose evidence is not a list of {"doc", "quote"} objects. Field values are
    kept as written (lists become tuples); `validate_questions` checks their types and content.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DatasetError(f"cannot read dataset {path}: {error}") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DatasetError(f"{path} is not UTF-8 text: {error}") from error
    questions = []
    # JSON Lines separates records by "\n" only: str.splitlines would also split at U+2028 etc.,
    # which json.dumps(ensure_ascii=False) leaves unescaped inside strings.
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            questions.append(parse_question(line, number, source=str(path)))
    return questions


def parse_question(line: str, number: int = 0, source: str = "<string>") -> Question:
    """One dataset line as a Question (see load_questions for what raises DatasetError)."""
    where = f"{source}, line {number}"
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise DatasetError(f"{where}: not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise DatasetError(f"{where}: expected a JSON object, got {type(data).__name__}")
    missing = [name for name in REQUIRED_FIELDS if name not in data]
    if missing:
        raise DatasetError(f"{where}: missing field(s) {', '.join(missing)}")
    unknown = sorted(set(data) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        raise DatasetError(f"{where}: unknown field(s) {', '.join(unknown)}")
    keys = data["answer_keys"]
    if not isinstance(keys, list):
        raise DatasetError(f"{where}: answer_keys must be a list, got {type(keys).__name__}")
    evidence = data["evidence"]
    if not isinstance(evidence, list):
        raise DatasetError(f"{where}: evidence must be a list, got {type(evidence).__name__}")
    items = []
    for index, item in enumerate(evidence):
        if not isinstance(item, dict):
            raise DatasetError(f"{where}: evidence[{index}] must be an object with doc and quote")
        missing = [name for name in EVIDENCE_FIELDS if name not in item]
        unknown = sorted(set(item) - set(EVIDENCE_FIELDS))
        if missing or unknown:
            problem = f"missing {', '.join(missing)}" if missing else f"unknown field(s) {', '.join(unknown)}"
            raise DatasetError(f"{where}: evidence[{index}]: {problem}")
        items.append(Evidence(doc=item["doc"], quote=item["quote"]))
    return Question(
        id=data["id"],
        question=data["question"],
        type=data["type"],
        answer=data["answer"],
        answer_keys=tuple(keys),
        evidence=tuple(items),
        accept_refusal=data.get("accept_refusal", False),
        line=number or None,
    )


def dump_questions(questions: Iterable[Question], path: Path | str) -> None:
    """Write questions as JSONL (UTF-8, not ASCII-escaped), one object per line."""
    lines = [json.dumps(q.to_dict(), ensure_ascii=False) for q in questions]
    Path(path).write_text("".join(line + "\n" for line in lines), encoding="utf-8")


# ------------------------------------------------------------------------------------------ validation


def validate_questions(
    questions: Sequence[Question], corpus_dir: Path | str, *, require_unique_quotes: bool = False
) -> list[str]:
    """Human-readable problems of a question set; an empty list means it is valid.

    Checks field types, allowed `type` values, unique ids, non-empty question and answer, 1–4 answer
    keys each contained in the answer (0 keys for unanswerable questions), that each evidence doc is a
    file in corpus_dir and each quote occurs verbatim in it, and that answerable questions have evidence.
    With require_unique_quotes, a quote occurring more than once in its document is a problem too.
    """
    corpus_dir = Path(corpus_dir)
    problems: list[str] = []
    first_line: dict[str, str] = {}
    for position, question in enumerate(questions, start=1):
        label = _label(question, position)
        problems.extend(f"{label}: {p}" for p in _question_problems(question, corpus_dir, require_unique_quotes))
        if isinstance(question.id, str) and question.id:
            where = f"line {question.line}" if question.line else f"question #{position}"
            if question.id in first_line:
                problems.append(f"{label}: duplicate id {question.id!r} (first at {first_line[question.id]})")
            else:
                first_line[question.id] = where
    return problems


def _label(question: Question, position: int) -> str:
    where = f"line {question.line}" if question.line else f"question #{position}"
    return f"{where} ({question.id!r})" if isinstance(question.id, str) and question.id else where


def _question_problems(question: Question, corpus_dir: Path, require_unique_quotes: bool) -> list[str]:
    problems = []
    if not isinstance(question.id, str) or not question.id.strip():
        problems.append("id must be a non-empty string")
    elif question.id != question.id.strip():
        problems.append("id has leading or trailing whitespace")
    if not isinstance(question.question, str) or not question.question.strip():
        problems.append("question must be a non-empty string")
    if not isinstance(question.type, str) or question.type not in QUESTION_TYPES:
        problems.append(f"type {question.type!r} is not one of {', '.join(QUESTION_TYPES)}")
    answer_ok = isinstance(question.answer, str) and bool(question.answer.strip())
    if not answer_ok:
        problems.append("answer must be a non-empty string")
    if not isinstance(question.accept_refusal, bool):
        problems.append(f"accept_refusal must be true or false, not {question.accept_refusal!r}")
    elif question.accept_refusal and question.type == UNANSWERABLE:
        problems.append("accept_refusal is only for answerable questions (unanswerable ones expect a refusal)")

    keys = question.answer_keys
    if not isinstance(keys, (tuple, list)):
        problems.append("answer_keys must be a list of strings")
        keys = ()
    bad_keys = [k for k in keys if not isinstance(k, str) or not normalize(k)]
    if bad_keys:
        problems.append(f"answer_keys must be non-empty strings, not {bad_keys!r}")
    keys = [k for k in keys if isinstance(k, str) and normalize(k)]
    if question.type == UNANSWERABLE:
        if keys:
            problems.append("unanswerable questions must have no answer_keys")
    elif question.type in QUESTION_TYPES:
        if not keys and not bad_keys:
            problems.append("answerable questions need at least one answer key")
        elif len(question.answer_keys) > MAX_ANSWER_KEYS:
            problems.append(f"at most {MAX_ANSWER_KEYS} answer keys, not {len(question.answer_keys)}")
    if len({normalize(k) for k in keys}) < len(keys):
        problems.append("answer_keys has duplicates")
    if answer_ok:
        normalized_answer = normalize(question.answer)
        for key in keys:
            if normalize(key) not in normalized_answer:
                problems.append(f"answer key {key!r} does not appear in the answer")

    evidence = question.evidence
    if not isinstance(evidence, (tuple, list)):
        problems.append("evidence must be a list of {doc, quote} objects")
        evidence = ()
    if question.type in QUESTION_TYPES and question.type != UNANSWERABLE and not evidence:
        problems.append("answerable questions need at least one evidence quote")
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(evidence):
        prefix = f"evidence[{index}]"
        if not isinstance(item, Evidence):
            problems.append(f"{prefix} must be an Evidence (doc, quote)")
            continue
        if not isinstance(item.doc, str) or not item.doc:
            problems.append(f"{prefix}: doc must be a non-empty string")
            continue
        if not isinstance(item.quote, str) or not item.quote.strip():
            problems.append(f"{prefix}: quote must be a non-empty string")
            continue
        if (item.doc, item.quote) in seen:
            problems.append(f"{prefix}: the same quote is given twice")
        seen.add((item.doc, item.quote))
        try:
            text = read_document(corpus_dir, item.doc)
        except DatasetError as error:
            problems.append(f"{prefix}: {error}")
            continue
        count = text.count(item.quote)
        if count == 0:
            problems.append(f"{prefix}: quote does not occur verbatim in {item.doc}: {_clip(item.quote)!r}")
        elif count > 1 and require_unique_quotes:
            problems.append(f"{prefix}: quote occurs {count} times in {item.doc}; lengthen it: {_clip(item.quote)!r}")
    return problems


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------------------------------- documents


def read_document(corpus_dir: Path | str, doc: str) -> str:
    """The original text of corpus_dir/doc, decoded as UTF-8 and never altered (no newline translation);
    for a .docx or .pdf, its text of record (the extracted text stored beside it, which citations index)."""
    relative = PurePosixPath(doc)
    if relative.is_absolute() or ".." in relative.parts or "\\" in doc or not relative.parts:
        raise DatasetError(f"doc {doc!r} must be a path relative to the corpus folder")
    path = Path(corpus_dir) / Path(*relative.parts)
    if path.suffix in EXTRACTED_SUFFIXES:
        path = text_path(path)
    try:
        stat = path.stat()
    except OSError:
        raise DatasetError(f"doc {doc!r} is not a file in {corpus_dir}") from None
    if not path.is_file():
        raise DatasetError(f"doc {doc!r} is not a file in {corpus_dir}")
    return _read_text(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _read_text(path: str, mtime_ns: int, size: int) -> str:
    try:
        return Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DatasetError(f"cannot read {path} as UTF-8 text: {error}") from error


def evidence_spans(question: Question, corpus_dir: Path | str) -> list[tuple[str, int, int]]:
    """(doc, start, end) of each evidence quote in its original file, in evidence order.

    Python string indices, so that text[start:end] == quote. A quote is located at its first
    occurrence, which is its only one when the quote is unique, as dataset quotes should be.
    Raises DatasetError when a doc is missing or a quote does not occur in it.
    """
    spans = []
    for item in question.evidence:
        text = read_document(corpus_dir, item.doc)
        start = text.find(item.quote) if item.quote else -1
        if start < 0:
            raise DatasetError(f"{question.id}: quote not found in {item.doc}: {_clip(item.quote)!r}")
        spans.append((item.doc, start, start + len(item.quote)))
    return spans


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    path = Path(args[0]) if args else DEFAULT_QUESTIONS
    corpus_dir = Path(args[1]) if len(args) > 1 else DEFAULT_CORPUS
    try:
        questions = load_questions(path)
    except DatasetError as error:
        print(error, file=sys.stderr)
        return 2
    problems = validate_questions(questions, corpus_dir, require_unique_quotes=True)
    for problem in problems:
        print(problem)
    counts: dict[str, int] = {}
    for q in questions:
        counts[str(q.type)] = counts.get(str(q.type), 0) + 1
    summary = ", ".join(f"{t} {counts[t]}" for t in sorted(counts, key=str))
    print(f"{path}: {len(questions)} questions ({summary}); {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
