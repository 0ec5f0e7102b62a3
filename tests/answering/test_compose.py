"""Compose: claims are the source's own words with markers; numbers are checked against the cited span;
a comparison's difference is computed and labelled as computed."""

from __future__ import annotations

import shutil

import pytest

from assistant.answering.compose import CITED_SPAN_CHARS, Claim, UnverifiedNumber, cite, compose, difference, refusal, scope_label, verify_numbers
from assistant.evidence import split_units


def unit_with(corpus_chunks, text: str):
    chunk = next(c for c in corpus_chunks if text in c.text)
    return min((u for u in split_units(chunk) if text in u.text), key=lambda u: len(u.text))


def test_each_claim_is_the_source_text_with_its_marker(corpus_chunks):
    target = unit_with(corpus_chunks, "社会消费品零售总额增长5.5%以上")
    actual = unit_with(corpus_chunks, "全省社会消费品零售总额同比增长 6.2%".replace(" ", ""))
    draft = compose([Claim(target), Claim(actual)], ())
    assert "社会消费品零售总额增长5.5%以上[1]" in draft.text and "6.2%" in draft.text and "[2]" in draft.text
    assert len(draft.cited) == 2 and not draft.refused
    for claim, cited in zip((target, actual), draft.cited):
        assert claim.text in cited.text and len(cited.text) <= max(len(claim.text), CITED_SPAN_CHARS)


def test_a_clause_is_cited_by_its_sentence_and_clauses_of_one_sentence_share_it(corpus_chunks):
    first = unit_with(corpus_chunks, "智能算力达2000PF")
    second = unit_with(corpus_chunks, "超算算力达223PF")
    assert first.level == second.level == "clause" and first.sentence == second.sentence
    citing = cite([Claim(first), Claim(second)])
    assert citing.numbers == (1, 1) and citing.cited[0].text == first.sentence
    draft = compose([Claim(first), Claim(second)], ())
    assert draft.text.count("[1]") == 1 and "[2]" not in draft.text
    assert cite([Claim(first)], widen=False).cited == (first,)


def test_a_clause_of_a_long_sentence_is_cited_by_its_own_words(corpus_chunks):
    long_clause = next(
        u for c in corpus_chunks for u in split_units(c)
        if u.level == "clause" and len(u.sentence) > CITED_SPAN_CHARS and "；" not in u.sentence
    )
    assert cite([Claim(long_clause)]).cited == (long_clause,)


def test_the_scope_the_words_leave_unsaid_is_said(corpus_chunks):
    assert scope_label(unit_with(corpus_chunks, "粮食总产达615.6亿斤")) == "2024年"
    assert scope_label(unit_with(corpus_chunks, "规模工业增加值增长6.5%以上")) == "2025年目标"
    assert scope_label(unit_with(corpus_chunks, "全省规模工业增加值同比增长8.0%")) == "1-7月"


def test_a_period_named_late_in_a_sentence_is_not_glued_onto_its_clauses(corpus_chunks):
    # "7月30日，…主持召开…会议，高度肯定上半年…": the meeting is not a first-half-year fact.
    clause = unit_with(corpus_chunks, "主持召开实施“七大攻坚”暨经济运行和项目建设调度会议")
    assert scope_label(clause) != "上半年"


def test_the_difference_of_two_rates_is_computed_and_labelled(corpus_chunks):
    target = unit_with(corpus_chunks, "社会消费品零售总额增长5.5%以上")
    actual = unit_with(corpus_chunks, "全省社会消费品零售总额同比增长 6.2%".replace(" ", ""))
    said = difference(Claim(actual, "1-7月"), Claim(target, "目标"), 2, 1, ("社会消费品零售总额",))
    assert said == "1-7月比目标高0.7个百分点（据[2][1]计算）"


def test_the_difference_pairs_figures_of_the_same_unit_after_the_most_specific_topic_word(corpus_chunks):
    # The target sentence lists many figures; the one for 城镇新增就业 is an amount, as is the actual's.
    target = unit_with(corpus_chunks, "城镇新增就业70万人")
    actual = unit_with(corpus_chunks, "城镇新增就业79.8万人")
    said = difference(Claim(actual, "2024年"), Claim(target, "目标"), 2, 1, ("城镇", "城镇新增就业"))
    assert said == "2024年比目标高9.8万人（据[2][1]计算）"
    # An amount written before the rate on one side only: the rates are compared.
    amounts_first = unit_with(corpus_chunks, "全省技术合同成交额、知识价值信用贷款累计备案金额分别为")
    rate_only = unit_with(corpus_chunks, "技术合同成交额增长20.2%")
    said = difference(Claim(amounts_first, "1-7月"), Claim(rate_only, "2024年"), 1, 2, ("技术合同成交额",))
    assert said == "1-7月比2024年低10.21个百分点（据[1][2]计算）"


def test_a_number_the_cited_span_does_not_hold_is_never_emitted(corpus_chunks):
    unit = unit_with(corpus_chunks, "粮食总产达615.6亿斤")
    verify_numbers("粮食总产达615.6亿斤", unit)
    with pytest.raises(UnverifiedNumber):
        verify_numbers("粮食总产达999.9亿斤", unit)


def test_a_refusal_may_show_the_nearest_passage(corpus_chunks):
    nearest = unit_with(corpus_chunks, "全省规模工业增加值同比增长8.0%")
    shown = refusal("文档中没有1-8月的这项数据。", nearest, ())
    assert shown.refused and shown.text.startswith("文档中没有1-8月") and "8.0%" in shown.text
    assert shown.text.endswith("[1]。") and shown.cited == (nearest,)
    bare = refusal("文档中未找到与该问题直接相关的内容。", None, ())
    assert bare.refused and bare.cited == () and "[1]" not in bare.text


@pytest.fixture(scope="module")
def report_chunks(tmp_path_factory, assistant_settings):
    """The chunks of two plain-text reports of ../shared/newdocs that write percentages full-width (％) and
    container throughput in 万标准箱."""
    from assistant.chunking import chunk_document
    from assistant.corpus import load_corpus
    from regional_corpus import NEWDOCS

    names = ("2025-jilin-government-work-report.txt", "2025-tianjin-government-work-report.txt")
    if not all((NEWDOCS / n).is_file() for n in names):
        pytest.skip("../shared/newdocs is not beside the project")
    folder = tmp_path_factory.mktemp("two-reports")
    for name in names:
        shutil.copy(NEWDOCS / name, folder / name)
    s = assistant_settings
    return [c for d in load_corpus(folder) for c in chunk_document(d, s.chunk_size, s.chunk_overlap, s.chunking)]


def test_the_difference_reads_full_width_percentages_and_more_units(corpus_chunks, report_chunks):
    target = unit_with(report_chunks, "地区生产总值增长5.5％左右")
    actual = unit_with(corpus_chunks, "全年增长4.8%")
    said = difference(Claim(target, "吉林目标"), Claim(actual, "湖南2024年"), 1, 2, ("地区生产总值",))
    assert said == "吉林目标比湖南2024年高0.7个百分点（据[1][2]计算）"
    goal = unit_with(report_chunks, "集装箱吞吐量突破2400万标准箱")
    last = unit_with(report_chunks, "吞吐量2329万标准箱")
    assert difference(Claim(goal, "目标"), Claim(last, "2024年"), 1, 2, ("吞吐量",)) == "目标比2024年高71万标准箱（据[1][2]计算）"


def test_two_things_compared_by_name_get_the_difference_of_the_figures_after_their_names(corpus_chunks, weights_of_corpus):
    from assistant.answering.compose import stated_difference

    income = unit_with(corpus_chunks, "全体居民人均可支配收入增长5%，农村居民人均可支配收入增长6.1%")
    terms = weights_of_corpus.content_terms
    said = stated_difference("2024年农村居民收入增速比全体居民快多少?", [Claim(income)], terms)
    assert said == "农村比全体高1.1个百分点（据[1]计算）"
    # A side the cited span gives no figure for: nothing is computed.
    assert stated_difference("2024年农村居民收入增速比城镇居民快多少?", [Claim(income)], terms) == ""
    assert stated_difference("2024年农村居民收入增长多少?", [Claim(income)], terms) == ""


def test_a_stated_difference_passes_the_engine_s_check_of_computed_figures(real_assistant):
    answer = real_assistant.ask("去年农村居民收入增速比全体居民高多少？")
    assert "1.1个百分点（据[1]计算）" in answer.answer and not answer.refused, answer.answer


@pytest.fixture(scope="module")
def weights_of_corpus(corpus_chunks):
    from assistant.terms import TermWeights

    return TermWeights(tuple(corpus_chunks))
