"""The topic words of a question and how much of them a passage says, over the real passages."""

from __future__ import annotations

import pytest

from assistant.question import parse_question
from assistant.terms import TermWeights


@pytest.fixture(scope="module")
def weights(corpus_chunks) -> TermWeights:
    return TermWeights(tuple(corpus_chunks))


def topic_of(weights: TermWeights, question: str):
    return weights.topic(parse_question(question, 2025).variants)


def test_question_words_times_and_amounts_are_not_topic_words(weights):
    terms = weights.content_terms("2024年全省粮食总产是多少？")
    assert "粮食总产" in terms and "是多少" not in terms and not any("2024" in t for t in terms)
    assert "万亿" not in weights.content_terms("经济总量破5万亿了吗")
    terms = weights.content_terms("今年民生实事准备投多少钱、办几件？")
    assert "民生实事" in terms and "准备" not in terms and "几件" not in terms
    assert "称作" not in weights.content_terms("把封关运作称作什么工程？")


def test_glossary_words_stay_whole_and_every_written_form_is_tried(weights):
    topic = topic_of(weights, "去年GDP增长多少？")
    assert ("地区生产总值",) in topic.alternatives and ("全年增长",) in topic.alternatives


def test_an_abbreviation_s_lone_leftover_is_dominated_by_its_written_form(weights):
    # "规工增加值" alone would match every 增加值; its written form 规模工业增加值 is more specific.
    alternatives = topic_of(weights, "1-7月规工增加值增速是多少？").alternatives
    assert alternatives and all("规工" not in terms for terms in alternatives)
    # Every reading names the 规模 and the 工业, whole ("规模工业增加值") or word by word (the written words of
    # "规模以上工业增加值", which the seeds never write whole).
    assert all("规模" in "".join(terms) and "工业" in "".join(terms) for terms in alternatives)
    assert any("规模工业增加值" in terms for terms in alternatives)


def test_coverage_weighs_rare_words_above_common_ones(weights):
    topic = topic_of(weights, "2024年全省粮食播种面积是多少？")
    assert weights.coverage(topic, "粮食播种面积稳定在7140万亩以上") == pytest.approx(1.0)
    assert weights.coverage(topic, "粮食总产达615.6亿斤") < 0.45


def test_precise_identifiers_are_kept_and_required(weights):
    topic = topic_of(weights, "去年PM2.5浓度是多少？")
    assert any("pm2.5" in terms for terms in topic.alternatives)
    assert weights.missing_code(topic, "洞庭湖总磷浓度下降提前完成国考目标")
    assert not weights.missing_code(topic, "力争PM2.5浓度下降到33微克/立方米")
    assert "⑦" in weights.content_terms("民生实事第七项是什么")


def test_a_question_leaning_on_the_previous_one_has_no_topic_of_its_own(weights):
    assert not weights.has_topic(parse_question("那去年呢？", 2025).variants)
    assert not weights.has_topic(parse_question("第五项具体是什么？", 2025).variants)
    assert weights.has_topic(parse_question("十大重点民生实事有哪些？", 2025).variants)


def test_characters_jieba_cannot_place_are_kept_together(weights):
    assert "文旅" in weights.content_terms("今年文旅方面有什么打算")
    assert "上作" not in weights.content_terms("报告是哪天在什么会议上作的")


def test_a_topic_scorer_gives_each_passage_the_coverage_and_codes_of_the_topic(weights, corpus_chunks):
    # One scorer per sub-question serves all its candidates: it must agree with the weights on every text.
    topic = topic_of(weights, "去年PM2.5浓度和粮食播种面积是多少？")
    scorer = weights.coverage_scorer(topic)
    for chunk in corpus_chunks[:40]:
        lowered = chunk.text.lower()
        assert 0.0 <= scorer.coverage(lowered) <= 1.0
        assert scorer.missing_code(lowered) == ("pm2.5" not in lowered)
    assert scorer.coverage("pm2.5浓度下降，粮食播种面积稳定") == pytest.approx(1.0)
    assert scorer.coverage("城镇新增就业") == 0.0


def test_a_region_s_name_and_the_words_of_a_comparison_are_not_topic_words(weights):
    # "X省政府" is one jieba word: the region is where, not what; a difference is computed, not looked up.
    assert weights.content_terms("辽宁省政府对今年面临的形势怎么判断") == ["面临", "判断"]
    terms = weights.content_terms("粮食产量去年多少？今年目标多少？两者相差多少？")
    assert "相差" not in terms and "两者" not in terms and terms


def test_a_compound_the_passages_never_write_whole_is_also_read_as_its_written_words(weights):
    # The seeds write 粮食 and 总产 ("粮食总产达615.6亿斤"), never 粮食总产量.
    alternatives = topic_of(weights, "2024年粮食总产量是多少？").alternatives
    assert ("粮食", "总产") in alternatives
    assert all(weights._written(t) for t in ("粮食", "总产")) and not weights._written("粮食总产量")
