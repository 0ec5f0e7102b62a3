"""Decide: an uncertain answer is given only from evidence of the time and place asked."""

from __future__ import annotations

from assistant.answering.decide import REFUSE, decide, hedges, scope_conflicted
from assistant.question import parse_question


def _evidence(assistant, text: str):
    trace = assistant._answerer.trace(parse_question(text, assistant._reference_year))
    return trace.evidence[0], trace.decisions[0]


def test_evidence_of_another_year_is_no_uncertain_answer(real_assistant):
    # The documents give this year's CPI target, not last year's figure.
    evidence, decision = _evidence(real_assistant, "去年居民消费价格涨幅是多少？")
    thresholds = real_assistant._answerer.model.thresholds
    assert scope_conflicted(evidence.best)
    assert not hedges(thresholds.answer - 1e-6, evidence.best, thresholds.hedge)
    assert decision.verdict == REFUSE and "2024年" in decision.reason


def test_evidence_of_the_year_asked_may_be_an_uncertain_answer(real_assistant):
    evidence, _ = _evidence(real_assistant, "2024年粮食总产是多少？")
    thresholds = real_assistant._answerer.model.thresholds
    assert not scope_conflicted(evidence.best)
    assert hedges(thresholds.hedge, evidence.best, thresholds.hedge)
    assert decide(evidence, real_assistant._answerer.model, real_assistant._weights, frozenset({2024, 2025})).verdict != REFUSE


def test_a_day_asked_for_that_no_evidence_gives_is_refused_saying_so(regional_assistant):
    answer = regional_assistant.ask("哈尔滨第九届亚冬会哪天开幕？")
    assert answer.refused and "没有给出具体日期" in answer.answer, answer.answer


def test_the_period_of_measures_asked_for_is_no_scope_of_figures(real_assistant):
    # "下半年" says when the measures are due; "二是要坚定不移稳重点。…" names no period of its own.
    answer = real_assistant.ask("下半年“稳重点”具体怎么稳？")
    assert not answer.refused, answer.answer
    assert "压舱石" in answer.answer, answer.answer
