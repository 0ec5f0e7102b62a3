"""The pipeline's composition of several asks: each ask cites its own part of the evidence."""

from __future__ import annotations


def test_a_second_ask_answered_by_the_first_asks_sentence_cites_its_own_clause_of_it(regional_assistant):
    # "全区地区生产总值增长4.2%左右，一、二、三产业增加值分别增长4%、5.3%、3.4%，…": the first ask cites the first
    # clause; the second ask's best unit is the whole sentence, so it takes its own clause of it. Both
    # clauses stand in one short sentence, which both cite.
    answer = regional_assistant.ask("广西去年GDP增长多少？一二三产分别增长多少？")
    assert "4.2%" in answer.answer and "5.3%" in answer.answer and "3.4%" in answer.answer, answer.answer
    assert "外贸" not in answer.answer, answer.answer
    assert len(answer.citations) == 1 and answer.answer.count("[1]") == 1, answer.answer
    quote = answer.citations[0].quote
    assert "4.2%" in quote and "产业增加值" in quote and "3.4%" in quote


def test_an_ask_the_first_asks_citation_already_answers_adds_nothing_else(real_assistant):
    # "…全体居民人均可支配收入增长5%，农村居民人均可支配收入增长6.1%…" answers both items in one sentence.
    answer = real_assistant.ask("去年全体居民和农村居民人均可支配收入各增长多少？")
    assert "5%" in answer.answer and "6.1%" in answer.answer, answer.answer
    assert len(answer.citations) == 1, answer.answer


def test_the_headline_growth_written_without_its_indicator_answers_for_the_indicator(real_assistant):
    # The review writes "全年增长4.8%、总量达5.3万亿元" without naming 地区生产总值.
    answer = real_assistant.ask("2024年全省地区生产总值增长多少？")
    assert "4.8%" in answer.answer and not answer.refused, answer.answer
