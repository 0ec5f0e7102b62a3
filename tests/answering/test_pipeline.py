"""The pipeline's composition of several asks: each ask cites its own part of the evidence."""

from __future__ import annotations


def test_a_second_ask_answered_by_the_first_asks_sentence_cites_its_own_clause_of_it(regional_assistant):
    # "全区地区生产总值增长4.2%左右，一、二、三产业增加值分别增长4%、5.3%、3.4%，…": the first ask cites the first
    # clause; the second ask's best unit is the whole sentence, so it takes its own clause of it.
    answer = regional_assistant.ask("广西去年GDP增长多少？一二三产分别增长多少？")
    assert "4.2%" in answer.answer and "5.3%" in answer.answer and "3.4%" in answer.answer, answer.answer
    first, second = answer.citations[:2]
    assert first.doc == second.doc and first.end <= second.start
    assert "产业增加值" in second.quote and "外贸" not in second.quote
