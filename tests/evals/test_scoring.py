"""Per-question metrics on hand-built answers whose spans are real spans of the real corpus files."""

from dataclasses import replace

from eval_support import GROWTH, MEETING, MONTHLY, THIRD_QUARTER, WORK_REPORT
from evals.scoring import citation_is_valid, score_answer
from evals.spans import Span


def shifted(span: Span, start: int = 0, end: int = 0) -> Span:
    return Span(span.doc, span.start + start, span.end + end)


# ------------------------------------------------------------------------------- answers and refusals


def test_answer_keys_are_compared_after_nfkc_without_spaces_and_bold(expect, answer, originals):
    score = score_answer(expect(keys=("4.8%", "5.3万亿元")), answer("全年增长 **4.8％**，总量达5.3 万亿元。"), originals)
    assert score.answer_correct is True
    assert score.missing_keys == ()


def test_a_missing_key_makes_the_answer_wrong(expect, answer, originals):
    score = score_answer(expect(keys=("4.8%", "5.3万亿元")), answer("全年增长4.8%。"), originals)
    assert score.answer_correct is False
    assert score.missing_keys == ("5.3万亿元",)
    assert score.false_refusal is False
    assert score.refusal_correct is None


def test_refusing_an_answerable_question_is_wrong_and_a_false_refusal(expect, answer, originals):
    score = score_answer(expect(), answer("文件中没有找到相关内容，增长4.8%", refused=True), originals)
    assert score.answer_correct is False  # keys in a refusal's text do not count
    assert score.false_refusal is True
    assert score.refusal_correct is None
    assert "refused an answerable question" in score.failures


def test_refusal_is_accepted_when_the_question_allows_it(expect, answer, originals):
    score = score_answer(expect(accept_refusal=True), answer("未找到。", refused=True), originals)
    assert score.answer_correct is True
    assert score.false_refusal is False


def test_refusing_an_unanswerable_question_is_right(expect, answer, originals):
    score = score_answer(expect(answerable=False, type="unanswerable"), answer("未找到。", refused=True), originals)
    assert score.refusal_correct is True
    assert score.answer_correct is None and score.false_refusal is None
    assert score.failures == ()


def test_answering_an_unanswerable_question_is_wrong(expect, answer, originals):
    score = score_answer(expect(answerable=False, type="unanswerable"), answer("增长4.8%。"), originals)
    assert score.refusal_correct is False
    assert score.failures == ("answered an unanswerable question",)


# ---------------------------------------------------------------------------------- citation validity


def test_citation_quoting_the_original_is_valid(cite, span_of, originals):
    assert citation_is_valid(cite(span_of(WORK_REPORT, GROWTH)), originals)


def test_citation_validity_failures(cite, span_of, originals):
    growth = span_of(WORK_REPORT, GROWTH)
    assert not citation_is_valid(cite(shifted(growth, 1, 1), quote=GROWTH), originals)  # off by one
    assert not citation_is_valid(cite(growth, quote="全年增长 4.8%、总量达5.3万亿元"), originals)  # altered quote
    assert not citation_is_valid(cite(Span("missing.md", 0, 3), quote="abc"), originals)  # unknown doc
    end = len(originals[WORK_REPORT])
    past_the_end = cite(Span(WORK_REPORT, end - 2, end + 5), quote=originals[WORK_REPORT][-2:])
    assert not citation_is_valid(past_the_end, originals)
    assert not citation_is_valid(replace(cite(growth), start=growth.end, end=growth.start), originals)


def test_invalid_citations_are_counted(expect, answer, cite, span_of, originals):
    growth = span_of(WORK_REPORT, GROWTH)
    citations = (cite(growth, 1), cite(shifted(growth, 1, 1), 2, quote=GROWTH))
    score = score_answer(expect(gold=(growth,)), answer("增长4.8%", citations=citations), originals)
    assert (score.citations, score.valid_citations) == (2, 1)
    assert "1 invalid citation(s)" in score.failures


# ------------------------------------------------------------------------- citation precision, recall


def test_citation_covering_exactly_half_of_the_gold_span_counts(expect, answer, cite, span_of, originals):
    gold = span_of(WORK_REPORT, GROWTH)
    assert len(gold) % 2 == 0
    half = Span(gold.doc, gold.start + len(gold) // 2, gold.end + 30)
    less = Span(gold.doc, gold.start + len(gold) // 2 + 1, gold.end + 30)
    yes = score_answer(expect(gold=(gold,)), answer("4.8%", citations=(cite(half),)), originals)
    no = score_answer(expect(gold=(gold,)), answer("4.8%", citations=(cite(less),)), originals)
    assert (yes.precise_citations, yes.recalled_gold_spans) == (1, 1)
    assert (no.precise_citations, no.recalled_gold_spans) == (0, 0)


def test_same_offsets_in_the_other_document_do_not_count(expect, answer, cite, span_of, originals):
    gold = span_of(WORK_REPORT, GROWTH)
    elsewhere = cite(Span(MONTHLY, gold.start, gold.end))
    score = score_answer(expect(gold=(gold,)), answer("4.8%", citations=(elsewhere,)), originals)
    assert score.valid_citations == 1
    assert (score.precise_citations, score.recalled_gold_spans) == (0, 0)


def test_precision_and_recall_with_two_gold_spans(expect, answer, cite, span_of, originals):
    growth, quarter = span_of(WORK_REPORT, GROWTH), span_of(WORK_REPORT, THIRD_QUARTER)
    meeting = span_of(MONTHLY, MEETING)
    expected = expect(gold=(growth, quarter))
    one = score_answer(expected, answer("4.8%", citations=(cite(growth, 1), cite(meeting, 2))), originals)
    assert (one.citations, one.precise_citations) == (2, 1)
    assert (one.gold_spans, one.recalled_gold_spans) == (2, 1)
    assert "evidence cited 1/2" in one.failures
    # A single citation spanning both sentences covers both gold spans.
    both = Span(WORK_REPORT, quarter.start, growth.end)
    assert both.start < growth.start
    wide = score_answer(expected, answer("4.8%", citations=(cite(both),)), originals)
    assert (wide.precise_citations, wide.recalled_gold_spans) == (1, 2)


def test_recall_needs_one_citation_to_cover_the_gold_span(expect, answer, cite, span_of, originals):
    gold = span_of(WORK_REPORT, GROWTH)
    third = len(gold) // 3
    left, right = Span(gold.doc, gold.start, gold.start + third), Span(gold.doc, gold.end - third, gold.end)
    pieces = (cite(left, 1), cite(right, 2))
    score = score_answer(expect(gold=(gold,)), answer("4.8%", citations=pieces), originals)
    assert (score.precise_citations, score.recalled_gold_spans) == (0, 0)


# ------------------------------------------------------------------------------ retrieval: hit@k, MRR


def test_gold_at_rank_three(expect, answer, span_of, originals):
    gold = span_of(WORK_REPORT, GROWTH)
    other = span_of(MONTHLY, MEETING)
    retrieved = (other, shifted(other, 100, 100), shifted(gold, -40, 40), shifted(other, 200, 200))
    score = score_answer(expect(gold=(gold,)), answer("4.8%", retrieved=retrieved), originals)
    assert [score.hit_at(k) for k in (1, 3, 5)] == [False, True, True]
    assert score.reciprocal_rank == 1 / 3


def test_every_gold_span_must_be_retrieved_for_a_hit(expect, answer, span_of, originals):
    growth, quarter = span_of(WORK_REPORT, GROWTH), span_of(WORK_REPORT, THIRD_QUARTER)
    meeting = span_of(MONTHLY, MEETING)
    retrieved = (growth, meeting, meeting, quarter)
    score = score_answer(expect(gold=(growth, quarter)), answer("4.8%", retrieved=retrieved), originals)
    assert (score.first_gold_rank, score.all_gold_rank) == (1, 4)
    assert score.reciprocal_rank == 1.0
    assert [score.hit_at(k) for k in (1, 3, 5)] == [False, False, True]


def test_gold_split_across_passages_is_hit_by_their_union(expect, answer, span_of, originals):
    gold = span_of(WORK_REPORT, GROWTH)
    third = len(gold) // 3
    left, right = Span(gold.doc, gold.start - 50, gold.start + third), Span(gold.doc, gold.end - third, gold.end + 50)
    filler = span_of(MONTHLY, MEETING)
    score = score_answer(expect(gold=(gold,)), answer("4.8%", retrieved=(filler, left, right)), originals)
    assert (score.first_gold_rank, score.all_gold_rank) == (3, 3)
    assert [score.hit_at(k) for k in (1, 3, 5)] == [False, True, True]


def test_nothing_retrieved_is_a_miss_with_reciprocal_rank_zero(expect, answer, span_of, originals):
    score = score_answer(expect(gold=(span_of(WORK_REPORT, GROWTH),)), answer("4.8%"), originals)
    assert score.hit_at(5) is False and score.reciprocal_rank == 0.0
    assert "evidence not retrieved in top 5" in score.failures


def test_retrieval_metrics_do_not_apply_without_gold(expect, answer, span_of, originals):
    refusal = answer("未找到", refused=True, retrieved=(span_of(MONTHLY, MEETING),))
    score = score_answer(expect(answerable=False), refusal, originals)
    assert score.hit_at(1) is None and score.reciprocal_rank is None


def test_retrieved_characters_count_the_top_five(expect, answer, span_of, originals):
    meeting = span_of(MONTHLY, MEETING)
    retrieved = tuple(shifted(meeting, 30 * i, 30 * i) for i in range(7))
    score = score_answer(expect(), answer("4.8%", retrieved=retrieved, total_ms=42.0), originals, wall_ms=50.0)
    assert score.retrieved_chars_at_5 == 5 * len(meeting)
    assert (score.latency_ms, score.wall_ms) == (42.0, 50.0)
