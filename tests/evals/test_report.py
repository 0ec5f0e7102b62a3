"""Reports: the headline table, the worst failures first, and the two files written."""

import json

from eval_support import GROWTH, MEETING, MONTHLY, WORK_REPORT
from evals.harness import Outcome, summarize
from evals.report import format_value, render_markdown, run_to_json, worst_failures, write_report
from evals.scoring import score_answer


def run_of(cases, originals):
    return summarize("test", "inline", [Outcome(e, a, score_answer(e, a, originals)) for e, a in cases])


def test_wrong_answers_come_before_citation_and_retrieval_misses(expect, answer, cite, span_of, originals):
    growth, meeting = span_of(WORK_REPORT, GROWTH), span_of(MONTHLY, MEETING)
    run = run_of(
        [
            (expect(gold=(growth,), id="right-but-not-retrieved"), answer("4.8%", citations=(cite(growth),))),
            (expect(gold=(growth,), id="all-right"), answer("4.8%", citations=(cite(growth),), retrieved=(growth,))),
            (expect(gold=(growth,), id="wrong"), answer("4.6%", citations=(cite(growth),), retrieved=(growth,))),
            (expect(gold=(growth,), id="wrong-everything"), answer("4.6%", citations=(cite(meeting),))),
        ],
        originals,
    )
    assert [o.expected.id for o in worst_failures(run, 10)] == ["wrong-everything", "wrong", "right-but-not-retrieved"]
    assert [o.expected.id for o in worst_failures(run, 1)] == ["wrong-everything"]


def test_markdown_and_json_reports(tmp_path, expect, answer, cite, span_of, originals):
    growth = span_of(WORK_REPORT, GROWTH)
    run = run_of(
        [
            (expect(gold=(growth,), id="a"), answer("4.6%", citations=(cite(growth),), retrieved=(growth,))),
            (expect(answerable=False, type="unanswerable", id="b"), answer("未找到", refused=True)),
        ],
        originals,
    )
    meta = {"created": "20250101-000000", "settings": "retrieval_mode=hybrid"}
    markdown = render_markdown(run, originals, meta)
    assert "| **overall** | 2 |" in markdown and "| unanswerable | 1 |" in markdown
    assert f"- evidence `{WORK_REPORT}` {growth.start}–{growth.end}: {GROWTH}" in markdown
    assert f"- cited [1] `{WORK_REPORT}` {growth.start}–{growth.end}: {GROWTH}" in markdown
    md_path, json_path = write_report(markdown, run_to_json(run, meta), tmp_path, "r")
    assert md_path.read_text(encoding="utf-8") == markdown
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["meta"] == meta
    assert data["metrics"]["answer_accuracy"] == 0.0
    assert [q["id"] for q in data["questions"]] == ["a", "b"]
    assert data["questions"][0]["answer"]["citations"][0]["quote"] == GROWTH


def test_values_are_formatted_by_kind():
    assert format_value(None, "share") == "—"
    assert format_value(0.87654, "share") == "0.877"
    assert format_value(812.4, "chars") == "812"
    assert (format_value(12.34, "ms"), format_value(1234.5, "ms")) == ("12.3", "1234")
