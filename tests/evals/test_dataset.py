"""The evaluation question set (evals/questions.jsonl) and its validator (evals.dataset)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evals.dataset import (
    DEFAULT_CORPUS,
    DEFAULT_QUESTIONS,
    QUESTION_TYPES,
    DatasetError,
    Evidence,
    Question,
    evidence_spans,
    load_questions,
    normalize,
    read_document,
    validate_questions,
)

WORK_REPORT = "2025-hunan-government-work-report.md"
MONTHLY = "2025-08-qida-gongjian-monthly-report.txt"


@pytest.fixture(scope="module")
def questions() -> list[Question]:
    return load_questions(DEFAULT_QUESTIONS)


# ------------------------------------------------------------------------------------ the real dataset


def test_real_dataset_has_no_problems(questions: list[Question]) -> None:
    assert validate_questions(questions, DEFAULT_CORPUS, require_unique_quotes=True) == []


def test_real_dataset_size_and_types(questions: list[Question]) -> None:
    types = Counter(q.type for q in questions)
    assert len(questions) >= 120
    assert set(types) == set(QUESTION_TYPES), f"types present: {dict(types)}"
    assert types["unanswerable"] >= 20
    assert all(q.answer_keys == () for q in questions if q.type == "unanswerable")
    assert all(1 <= len(q.answer_keys) <= 4 for q in questions if q.type != "unanswerable")


def test_real_dataset_covers_both_documents(questions: list[Question]) -> None:
    manifest = json.loads((DEFAULT_CORPUS / "manifest.json").read_text(encoding="utf-8"))
    documents = {entry["file"] for entry in manifest["documents"]}
    cited = Counter(e.doc for q in questions if q.answerable for e in q.evidence)
    assert set(cited) == documents
    assert min(cited.values()) >= 30


def test_real_dataset_has_page_break_quotes(questions: list[Question]) -> None:
    broken = [e for q in questions for e in q.evidence if "\n\n" in e.quote]
    assert len(broken) >= 10
    assert all(e.doc == MONTHLY for e in broken)


def test_real_dataset_evidence_spans_are_the_quotes(questions: list[Question]) -> None:
    for question in questions:
        spans = evidence_spans(question, DEFAULT_CORPUS)
        assert len(spans) == len(question.evidence)
        for (doc, start, end), evidence in zip(spans, question.evidence):
            assert doc == evidence.doc
            assert read_document(DEFAULT_CORPUS, doc)[start:end] == evidence.quote


def test_real_dataset_file_is_clean_jsonl() -> None:
    raw = DEFAULT_QUESTIONS.read_bytes().decode("utf-8")
    lines = raw.split("\n")
    assert lines[-1] == "", "the file ends with a newline"
    for line in lines[:-1]:
        data = json.loads(line)
        assert "\\u" not in line, "written with ensure_ascii=False"
        assert list(data)[:6] == ["id", "question", "type", "answer", "answer_keys", "evidence"]


# ---------------------------------------------------------------------- the validator on bad datasets


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "report.md").write_text("全年增长4.8%、总量达5.3万亿元。粮食总产达615.6亿斤。", encoding="utf-8")
    (folder / "monthly.txt").write_text("装备制造业增加值增长\n\n12.0%，分别为 3112.99 亿元。", encoding="utf-8")
    return folder


def good(**overrides: object) -> dict:
    data = {
        "id": "q-001",
        "question": "去年GDP增长多少？",
        "type": "figure",
        "answer": "增长4.8%，总量5.3万亿元。",
        "answer_keys": ["4.8%"],
        "evidence": [{"doc": "report.md", "quote": "全年增长4.8%、总量达5.3万亿元"}],
    }
    data.update(overrides)
    return data


def write(tmp_path: Path, *records: dict | str) -> Path:
    path = tmp_path / "questions.jsonl"
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def problems_of(tmp_path: Path, corpus: Path, *records: dict | str) -> list[str]:
    return validate_questions(load_questions(write(tmp_path, *records)), corpus)


def test_a_good_small_dataset_is_valid(tmp_path: Path, corpus: Path) -> None:
    records = [
        good(),
        good(
            id="q-002",
            question="装备制造业增加值增长多少？",
            answer="增长12.0%，金额3112.99亿元",
            answer_keys=["12.0%", "3112.99 亿元"],
            evidence=[{"doc": "monthly.txt", "quote": "装备制造业增加值增长\n\n12.0%"}],
            accept_refusal=True,
        ),
        good(id="q-003", question="2023年GDP？", type="unanswerable", answer="文件没有，无法回答。", answer_keys=[], evidence=[]),
    ]
    questions = load_questions(write(tmp_path, *records, ""))
    assert [q.id for q in questions] == ["q-001", "q-002", "q-003"]
    assert questions[1].accept_refusal and not questions[0].accept_refusal
    assert questions[1].evidence == (Evidence("monthly.txt", "装备制造业增加值增长\n\n12.0%"),)
    assert questions[0].line == 1 and questions[2].line == 3
    assert validate_questions(questions, corpus) == []
    assert evidence_spans(questions[1], corpus) == [("monthly.txt", 0, 17)]


def test_catches_a_quote_that_is_not_verbatim(tmp_path: Path, corpus: Path) -> None:
    # The original has a page break and a stray space that the quote leaves out.
    record = good(evidence=[{"doc": "monthly.txt", "quote": "装备制造业增加值增长12.0%"}], answer_keys=["4.8%"])
    problems = problems_of(tmp_path, corpus, record)
    assert len(problems) == 1 and "does not occur verbatim" in problems[0] and "q-001" in problems[0]
    record = good(evidence=[{"doc": "monthly.txt", "quote": "分别为 3112.99亿元"}])
    assert any("does not occur verbatim" in p for p in problems_of(tmp_path, corpus, record))
    with pytest.raises(DatasetError):
        evidence_spans(load_questions(write(tmp_path, record))[0], corpus)


def test_catches_a_duplicate_id(tmp_path: Path, corpus: Path) -> None:
    problems = problems_of(tmp_path, corpus, good(), good(question="再问一次？"))
    assert len(problems) == 1
    assert "duplicate id 'q-001'" in problems[0] and "line 2" in problems[0] and "line 1" in problems[0]


def test_catches_a_key_missing_from_the_answer(tmp_path: Path, corpus: Path) -> None:
    problems = problems_of(tmp_path, corpus, good(answer_keys=["4.8%", "615.6亿斤"]))
    assert len(problems) == 1 and "'615.6亿斤' does not appear in the answer" in problems[0]


def test_keys_match_after_whitespace_bold_and_nfkc(tmp_path: Path, corpus: Path) -> None:
    record = good(answer="增长 **４．８％**，总量５.３ 万亿元", answer_keys=["4.8%", "5.3万亿元"])
    assert problems_of(tmp_path, corpus, record) == []
    assert normalize("3112.99 亿元") == normalize("**3112.99亿元**") == "3112.99亿元"


def test_catches_schema_and_content_problems(tmp_path: Path, corpus: Path) -> None:
    records = [
        good(id="a", type="number"),
        good(id="b", question="  "),
        good(id="c", type="unanswerable", answer_keys=["4.8%"]),
        good(id="d", answer_keys=[]),
        good(id="e", evidence=[]),
        good(id="f", evidence=[{"doc": "missing.md", "quote": "全年增长4.8%"}]),
        good(id="g", evidence=[{"doc": "../corpus/report.md", "quote": "全年增长4.8%"}]),
        good(id="h", answer_keys="4.8%"),
        good(id="i", accept_refusal="yes"),
        good(id="j", answer_keys=["4.8%", "4.8%"]),
        good(id="k", type="unanswerable", answer_keys=[], accept_refusal=True),
        good(id=7),
        good(id="l", answer_keys=["增长", "4.8%", "5.3万亿元", "总量", "万亿元"]),
    ]
    for record in records:
        if record["id"] == "h":
            with pytest.raises(DatasetError, match="line 1: answer_keys must be a list"):
                load_questions(write(tmp_path, record))
            continue
        problems = problems_of(tmp_path, corpus, record)
        assert problems, f"no problem found in {record}"
    assert any("is not one of" in p for p in problems_of(tmp_path, corpus, records[0]))
    assert any("non-empty" in p for p in problems_of(tmp_path, corpus, records[1]))
    assert any("no answer_keys" in p for p in problems_of(tmp_path, corpus, records[2]))
    assert any("not a file" in p for p in problems_of(tmp_path, corpus, records[5]))
    assert any("relative to the corpus folder" in p for p in problems_of(tmp_path, corpus, records[6]))


def test_unique_quotes_are_only_required_on_request(tmp_path: Path, corpus: Path) -> None:
    (corpus / "report.md").write_text("增长4.8%。又增长4.8%。", encoding="utf-8")
    questions = load_questions(write(tmp_path, good(evidence=[{"doc": "report.md", "quote": "增长4.8%"}])))
    assert validate_questions(questions, corpus) == []
    assert "occurs 2 times" in validate_questions(questions, corpus, require_unique_quotes=True)[0]
    assert evidence_spans(questions[0], corpus) == [("report.md", 0, 6)]


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"id": "q-001", "question": ', "line 2: not valid JSON"),
        ('["not", "an", "object"]', "line 2: expected a JSON object"),
        ('{"id": "q-002", "question": "?", "type": "figure", "answer": "a", "answer_keys": []}', "line 2: missing field(s) evidence"),
        (json.dumps(good(id="q-002", note="typo")), "line 2: unknown field(s) note"),
        (json.dumps(good(id="q-002", evidence=["全年增长4.8%"])), "line 2: evidence[0] must be an object"),
        (json.dumps(good(id="q-002", evidence=[{"doc": "report.md"}])), "line 2: evidence[0]: missing quote"),
    ],
)
def test_a_malformed_line_raises_with_its_number(tmp_path: Path, line: str, message: str) -> None:
    path = write(tmp_path, good(), line)
    with pytest.raises(DatasetError) as raised:
        load_questions(path)
    assert message in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_questions_are_frozen(questions: list[Question]) -> None:
    with pytest.raises(AttributeError):
        questions[0].id = "changed"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        questions[0].evidence[0].quote = "changed"  # type: ignore[misc]


def test_a_docx_or_pdf_document_is_read_as_its_text_of_record(tmp_path):
    from evals.dataset import read_document

    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4 binary")
    (tmp_path / ".report.pdf.txt").write_text("提取的文字\n\n第二页", encoding="utf-8")
    assert read_document(tmp_path, "report.pdf") == "提取的文字\n\n第二页"
