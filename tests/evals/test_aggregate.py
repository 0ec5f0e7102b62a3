"""Aggregation: micro shares over what each metric counts, None when there is nothing to count."""

import pytest

from eval_support import GROWTH, MEETING, MONTHLY, THIRD_QUARTER, WORK_REPORT
from evals.aggregate import aggregate, aggregate_by_document, aggregate_by_type, percentile
from evals.scoring import score_answer


@pytest.fixture
def scores(expect, answer, cite, span_of, originals):
    growth, quarter = span_of(WORK_REPORT, GROWTH), span_of(WORK_REPORT, THIRD_QUARTER)
    meeting = span_of(MONTHLY, MEETING)
    bad = cite(growth, 2, quote="not the original")
    cases = [
        # right; two citations of the gold span, the second with a wrong quote; gold at rank 1
        (
            expect(gold=(growth,), id="a"),
            answer("增长4.8%", citations=(cite(growth), bad), retrieved=(growth,), total_ms=10),
        ),
        # wrong answer citing one of two gold spans; first gold at rank 2, both by rank 3
        (
            expect(gold=(growth, quarter), id="b", type="compare"),
            answer("4.6%", citations=(cite(quarter),), retrieved=(meeting, growth, quarter), total_ms=20),
        ),
        # false refusal, nothing retrieved
        (expect(gold=(growth,), id="c"), answer("未找到", refused=True, total_ms=30)),
        # unanswerable, refused
        (
            expect(answerable=False, id="d", type="unanswerable"),
            answer("未找到", refused=True, retrieved=(meeting,), total_ms=40),
        ),
    ]
    return [score_answer(e, a, originals) for e, a in cases]


def test_overall_metrics(scores, span_of):
    m = aggregate(scores)
    assert (m.questions, m.answerable, m.unanswerable) == (4, 3, 1)
    assert m.answer_accuracy == pytest.approx(1 / 3)
    assert m.false_refusal_rate == pytest.approx(1 / 3)
    assert m.refusal_accuracy == 1.0
    assert m.citation_validity == pytest.approx(2 / 3)
    # a's two citations both cover growth (the invalid one still has its offsets), b's covers quarter
    assert m.citation_precision == 1.0
    assert m.citation_recall == pytest.approx(2 / 4)  # a: 1/1, b: 1/2, c: 0/1
    assert (m.hit_at_1, m.hit_at_3, m.hit_at_5) == (pytest.approx(1 / 3), pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert m.mrr == pytest.approx((1 + 1 / 2 + 0) / 3)
    growth, quarter = len(span_of(WORK_REPORT, GROWTH)), len(span_of(WORK_REPORT, THIRD_QUARTER))
    meeting = len(span_of(MONTHLY, MEETING))
    assert m.avg_retrieved_chars_at_5 == pytest.approx((growth + (meeting + growth + quarter) + 0 + meeting) / 4)
    assert m.latency_median_ms == 25.0
    assert m.latency_p95_ms == pytest.approx(38.5)
    assert m.wall_median_ms is None


def test_per_type_metrics_and_nothing_to_count(scores):
    by_type = aggregate_by_type(scores)
    assert list(by_type) == ["compare", "figure", "unanswerable"]
    assert by_type["unanswerable"].answer_accuracy is None
    assert by_type["unanswerable"].hit_at_5 is None
    assert by_type["figure"].refusal_accuracy is None
    assert by_type["compare"].answer_accuracy == 0.0


def test_per_document_metrics(scores):
    docs = ["a.md", "b.txt", "a.md", "（无）"]
    by_document = aggregate_by_document(zip(docs, scores))
    assert list(by_document) == ["a.md", "b.txt", "（无）"]
    assert by_document["a.md"].questions == 2 and by_document["a.md"].false_refusal_rate == 0.5
    assert by_document["（无）"].refusal_accuracy == 1.0


def test_no_citations_means_validity_is_not_measured(expect, answer, originals):
    m = aggregate([score_answer(expect(), answer("4.8%"), originals)])
    assert m.citation_validity is None and m.citation_precision is None


def test_percentile_interpolates_like_numpy():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([10, 20, 30, 40, 50], 95) == pytest.approx(48.0)
    assert percentile([7], 95) == 7
    with pytest.raises(ValueError):
        percentile([], 95)
