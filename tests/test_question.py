"""question: normalisation of numerals/relative time/abbreviations, intent, expectation."""

from __future__ import annotations

import pytest

from assistant.question import (
    detect_intent,
    expectation,
    normalize_question,
    parse_question,
)

YEAR = 2025  # the reference year of the corpus (its latest document is from 2025)


@pytest.mark.parametrize(
    "question, normalized",
    [
        ("今年社零增长目标是多少？", "2025年社零增长目标是多少?"),
        ("去年粮食总产是多少", "2024年粮食总产是多少"),
        ("前年GDP", "2023年GDP"),
        ("前七个月全省投资增长多少", "1-7月全省投资增长多少"),
        ("头三个月", "1-3月"),
        ("1至7月全省投资增长多少", "1-7月全省投资增长多少"),
        ("1月到7月", "1-7月"),
        ("一至七月", "1-7月"),
        ("GDP增长百分之五点五", "GDP增长5.5%"),
        ("百分之六", "6%"),
        ("城镇新增就业七十九点八万人", "城镇新增就业79.8万人"),
        ("24年粮食总产", "2024年粮食总产"),
        ("今年年初", "2025年初"),
        ("年度 目标　是多少", "年度目标是多少"),
        ("ＧＤＰ增长多少？", "GDP增长多少?"),
    ],
)
def test_normalisation(question, normalized):
    assert normalize_question(question, YEAR) == normalized


def test_relative_years_follow_the_reference_year():
    assert normalize_question("今年和去年", 2030) == "2030年和2029年"


def test_abbreviations_are_expanded_for_search_and_written_out_for_matching():
    parsed = parse_question("今年社零增长目标是多少？", YEAR)
    assert "社会消费品零售总额" in parsed.search_text and "社零" in parsed.search_text
    assert parsed.canonical == "2025年社会消费品零售总额增长目标是多少?"
    assert parsed.variants[0] == parsed.normalized
    assert "2025年社会消费品零售总额增长目标是多少?" in parsed.variants


def test_gdp_becomes_the_regional_gross_product():
    parsed = parse_question("去年GDP增长多少？", YEAR)
    assert parsed.canonical == "2024年地区生产总值增长多少?"
    assert "地区生产总值" in parsed.search_text
    assert "2024年地区生产总值增长多少?" in parsed.variants
    assert parse_question("去年gdp增长多少？", YEAR).canonical == parsed.canonical


def test_parsed_question_carries_scope_and_expectation():
    parsed = parse_question("前七个月全省投资增长多少？", YEAR)
    assert parsed.original == "前七个月全省投资增长多少？"
    assert parsed.scope.periods == frozenset({"1-7月"})
    assert parsed.scope.home
    assert parsed.intent == "figure"
    assert parsed.expects.number and parsed.expects.percent


@pytest.mark.parametrize(
    "question, intent",
    [
        ("2024年全省粮食总产是多少？", "figure"),
        ("研发投入强度提升到了多少？", "figure"),
        ("2025年有哪些十大重点民生实事？", "list"),
        ("大力提振消费有哪些举措？", "list"),
        ("今年社零目标和前七个月实际比较", "compare"),
        ("2024年和2023年GDP对比", "compare"),
        ("国家实验室什么时候试运行？", "date"),
        ("签约仪式是哪一天举行的？", "date"),
        ("谁主持召开了调度会议？", "entity"),
        ("如何推进投资增效？", "policy"),
    ],
)
def test_intent(question, intent):
    assert detect_intent(normalize_question(question, YEAR)) == intent


@pytest.mark.parametrize(
    "question, number, unit, percent, share",
    [
        ("2024年全省粮食总产是多少亿斤？", True, "斤", False, False),
        ("城镇新增就业多少万人？", True, "人", False, False),
        ("规模工业增加值增长多少？", True, None, True, False),
        ("民间投资占比多少？", True, None, True, True),
    ],
)
def test_expectation_of_a_figure_question(question, number, unit, percent, share):
    text = normalize_question(question, YEAR)
    expects = expectation(text, detect_intent(text))
    assert (expects.number, expects.unit, expects.percent, expects.share) == (number, unit, percent, share)


def test_a_policy_question_expects_no_figure():
    text = normalize_question("如何推进投资增效？", YEAR)
    expects = expectation(text, detect_intent(text))
    assert not (expects.number or expects.unit or expects.percent or expects.share)


def test_an_amount_asked_in_billions_is_an_amount_of_money():
    assert parse_question("辽宁去年GDP总量到多少万亿了？", 2025).expects.unit == "元"
    assert parse_question("粮食产量多少亿斤？", 2025).expects.unit == "斤"


def test_names_asked_for_each_are_a_list_not_a_comparison():
    assert detect_intent("今年要支持打造的几个“之都”分别是哪些？") == "list"
    assert detect_intent("社零和固投分别增长多少？") == "compare"


def test_an_amount_in_micrograms_or_kilowatt_hours_is_asked_in_that_unit():
    assert expectation("PM2.5平均浓度是多少微克/立方米", "figure").unit == "微克"
    assert expectation("新能源发电量是多少亿千瓦时", "figure").unit == "千瓦时"
