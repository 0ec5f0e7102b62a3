"""jsonl: one JSON value per line that every line reader reads back as one line (issue 9, item 9:
the feedback log wrote raw U+2028). The real FeedbackLog appends through it."""

from __future__ import annotations

import json

from assistant.jsonl import json_line
from ui.feedback import FeedbackLog, feedback_record

AWKWARD = "粮食\u2028总产\u2029是\u0085多少\ud800？"


def test_line_separators_and_lone_surrogates_are_escaped_and_read_back_exactly():
    value = {"question": AWKWARD, "id": ["\u2028", 1]}
    line = json_line(value)
    assert len(line.splitlines()) == 1 and "\u2028" not in line and "\u0085" not in line
    line.encode("utf-8")  # no UnicodeEncodeError
    assert json.loads(line) == value


def test_plain_text_stays_readable():
    assert json_line({"q": "粮食总产"}) == '{"q": "粮食总产"}'
    assert json_line({"q": "粮食"}, separators=(",", ":")) == '{"q":"粮食"}'


def test_the_feedback_log_writes_one_line_per_vote(tmp_path):
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    answer = {"id": None, "question": AWKWARD, "answer": "答\u2028案", "refused": False, "citations": [], "history": []}
    log.append(feedback_record("up", answer))
    log.append(feedback_record("down", answer))
    raw = (tmp_path / "feedback.jsonl").read_text(encoding="utf-8")
    assert len(raw.splitlines()) == 2 and "\u2028" not in raw
    assert [r["question"] for r in log.read()] == [AWKWARD, AWKWARD]
