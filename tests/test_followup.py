"""followup: a question that leans on the previous one is made self-contained; others are left alone.

The topic test is the engine's own: a question has a topic when TermWeights over the real chunks
finds content words in one of its written forms.
"""

from __future__ import annotations

from typing import Callable

import pytest

from assistant.terms import TermWeights
from assistant.followup import resolve_followup
from assistant.question import parse_question

YEAR = 2025


@pytest.fixture(scope="module")
def has_topic(corpus_chunks) -> Callable[[str], bool]:
    weights = TermWeights(corpus_chunks)
    return lambda text: weights.has_topic(parse_question(text, YEAR).variants)


def test_the_topic_test_itself(has_topic):
    assert has_topic("今年社零增长目标是多少？")
    assert has_topic("2024年全省粮食总产是多少？")
    assert not has_topic("那去年呢？")
    assert not has_topic("这个完成了多少？")


def test_another_year_of_the_previous_question(has_topic):
    resolved = resolve_followup("那去年呢？", ["今年社零增长目标是多少？"], has_topic)
    assert "去年" in resolved and "社零" in resolved and "今年" not in resolved
    parsed = parse_question(resolved, YEAR)
    assert parsed.scope.years == frozenset({2024})
    assert "社会消费品零售总额" in parsed.canonical
    assert not parsed.scope.target  # last year's figure is an outcome, not the target


def test_another_period_of_the_previous_question(has_topic):
    resolved = resolve_followup("上半年呢？", ["1-7月全省投资增长多少？"], has_topic)
    assert resolved.startswith("上半年") and "投资" in resolved and "1-7月" not in resolved


def test_an_anaphoric_question_is_joined_to_the_previous_one(has_topic):
    resolved = resolve_followup("这个目标完成了多少？", ["今年社零增长目标是多少？"], has_topic)
    assert resolved.startswith("今年社零增长目标是多少") and resolved.endswith("这个目标完成了多少？")


@pytest.mark.parametrize(
    "question",
    ["2024年全省粮食总产是多少？", "城镇新增就业多少万人？", "湘西自治州的四好农村路有哪些做法？"],
)
def test_a_self_contained_question_is_left_unchanged(has_topic, question):
    assert resolve_followup(question, ["今年社零增长目标是多少？"], has_topic) == question


def test_without_history_the_question_is_only_stripped(has_topic):
    assert resolve_followup("  那去年呢？ ", [], has_topic) == "那去年呢？"
    assert resolve_followup("那去年呢？", ["", "  "], has_topic) == "那去年呢？"


def test_follow_ups_chain_through_the_history(has_topic):
    resolved = resolve_followup("前年呢？", ["今年社零增长目标是多少？", "那去年呢？"], has_topic)
    assert "前年" in resolved and "社零" in resolved
    assert parse_question(resolved, YEAR).scope.years == frozenset({2023})


def test_another_place_replaces_the_place_of_the_previous_question(has_topic):
    assert resolve_followup("那祁阳呢？", ["攸县新增行政执法人员多少人？"], has_topic) == "祁阳新增行政执法人员多少人？"


def test_an_item_of_the_list_just_asked_about(has_topic):
    resolved = resolve_followup("第五项具体是什么？", ["十大重点民生实事有哪些？"], has_topic)
    assert resolved == "十大重点民生实事第五项具体是什么？"
