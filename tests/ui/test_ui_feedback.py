"""ui/feedback.py: votes are appended as whole JSON lines, also under concurrent writers."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone

from ui.feedback import FeedbackLog, feedback_record, vote_name

ANSWER = {
    "id": "a1",
    "question": "2024年全省粮食总产是多少？",
    "answer": "粮食总产达615.6亿斤[1]。",
    "refused": False,
    "citations": [{"id": 1, "doc": "x.md", "title": "T", "section": "S", "start": 1, "end": 5, "quote": "粮食总产"}],
    "retrieved": [],
    "timings_ms": {"retrieve": 1.0, "answer": 1.0, "total": 2.0},
    "history": ["上一个问题"],
}


def test_vote_names():
    assert vote_name(True) == "up"
    assert vote_name(False) == "down"
    assert vote_name("") == "withdrawn" and vote_name(None) == "withdrawn"
    assert vote_name("Inaccurate") == "Inaccurate"


def test_record_has_question_answer_citations_time_vote():
    when = datetime(2025, 9, 1, 8, 30, tzinfo=timezone.utc)
    record = feedback_record("up", ANSWER, when=when)
    assert record == {
        "time": "2025-09-01T08:30:00+00:00",
        "vote": "up",
        "reason": "",
        "answer_id": "a1",
        "question": ANSWER["question"],
        "answer": ANSWER["answer"],
        "refused": False,
        "citations": ANSWER["citations"],
        "history": ["上一个问题"],
    }


def test_an_answer_from_chosen_documents_says_which():
    record = feedback_record("down", {**ANSWER, "documents": ["x.md"]})
    assert record["documents"] == ["x.md"]
    assert "documents" not in feedback_record("down", ANSWER)


def test_append_creates_folder_and_keeps_chinese(tmp_path):
    log = FeedbackLog(tmp_path / "new" / "feedback.jsonl")
    log.append(feedback_record("down", ANSWER))
    log.append(feedback_record("up", ANSWER))
    raw = log.path.read_text(encoding="utf-8")
    assert "粮食总产" in raw  # not \u-escaped
    assert [r["vote"] for r in log.read()] == ["down", "up"]
    assert raw.endswith("\n") and raw.count("\n") == 2


def test_concurrent_appends_never_tear_lines(tmp_path):
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    big = {**ANSWER, "answer": "长" * 20000}  # larger than a pipe buffer

    def write(n: int) -> None:
        for i in range(25):
            log.append({**feedback_record("up", big), "answer_id": f"{n}-{i}"})

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = log.path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 200
    assert len({json.loads(line)["answer_id"] for line in lines}) == 200


def test_line_separators_are_escaped_in_the_log(tmp_path):
    """Issue 9.9: U+2028, U+2029 and NEL would split a line for splitlines() and JavaScript readers."""
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    log.append(feedback_record("down", {**ANSWER, "question": "甲\u2028乙\u2029丙\x85丁"}, reason="理由\u2028"))
    raw = (tmp_path / "feedback.jsonl").read_text(encoding="utf-8")
    assert len(raw.splitlines()) == 1 and "\u2028" not in raw and "\\u2028" in raw
    assert log.read()[0]["question"] == "甲\u2028乙\u2029丙\x85丁" and log.read()[0]["reason"] == "理由\u2028"
