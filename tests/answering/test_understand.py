"""Understand: questions become one typed sub-question per asked item, with the whole question's scope."""

from __future__ import annotations

import pytest

from assistant.answering.understand import understand
from assistant.question import parse_question


@pytest.fixture
def understood(real_assistant):
    def run(text: str):
        parsed = parse_question(text, real_assistant._reference_year)
        return understand(parsed, real_assistant._weights, real_assistant._reference_year)

    return run


def test_a_single_question_is_one_part(understood):
    result = understood("2024年全省粮食总产是多少？")
    assert len(result.parts) == 1 and not result.compare
    assert 2024 in result.parts[0].parsed.scope.years


def test_two_asks_are_two_parts_and_a_bare_second_ask_borrows_the_subject(understood):
    result = understood("去年全省GDP增长了多少？总量有多大？")
    assert len(result.parts) == 2
    second = result.parts[1].parsed
    assert "总量" in second.normalized and 2024 in second.scope.years  # the year said once holds for both
    assert any("地区生产总值" in t or "gdp" in t.lower() for terms in result.parts[1].topic.alternatives for t in terms)


def test_a_second_ask_with_its_own_topic_keeps_it(understood):
    result = understood("全省实有企业主体多少户？“四上”企业有多少？")
    assert len(result.parts) == 2
    assert any("四上" in t for terms in result.parts[1].topic.alternatives for t in terms)


def test_items_asked_side_by_side_are_parts_each(understood):
    result = understood("2024年社零和固投分别增长多少？")
    assert [p.label for p in result.parts] == ["社零", "固投"]
    assert all(2024 in p.parsed.scope.years for p in result.parts)


def test_a_comparison_has_one_side_per_anchor(understood):
    result = understood("今年社零增长目标是多少？前七个月实际增长多少？")
    assert result.compare and len(result.parts) == 2
    target, actual = (p.anchor for p in result.parts)
    assert target.target and not actual.target and "1-7月" in actual.periods


def test_a_bare_follow_up_ending_in_ne_asks_what_the_first_piece_asked(understood):
    result = understood("全省地区生产总值增长多少？居民人均可支配收入呢？")
    assert len(result.parts) == 2
    second = result.parts[1]
    assert second.parsed.intent == result.parts[0].parsed.intent == "figure"
    assert any("可支配" in t for terms in second.topic.alternatives for t in terms)


def test_a_later_ask_with_a_topic_of_its_own_can_be_retried_with_the_first_asks_subject(understood):
    result = understood("湘潭率先出台的科技成果转化规定叫什么名字？里面明确了多少项重点任务？")
    assert len(result.parts) == 2
    second = result.parts[1]
    assert "湘潭" not in second.parsed.normalized
    assert second.retry is not None and "湘潭" in second.retry.parsed.normalized
    assert "重点任务" in second.retry.parsed.normalized


def test_a_bare_later_ask_with_its_own_time_borrows_the_subject_without_the_first_asks_time(understood):
    result = understood("绿色智能计算产业上半年产值多少？去年全年是多少？")
    second = result.parts[1].parsed
    assert "绿色智能计算" in second.normalized and "上半年" not in second.normalized
    assert 2024 in second.scope.years


def test_places_side_by_side_share_what_follows_the_last_one(understood):
    result = understood("株洲和湘潭去年GDP各是多少？")
    assert [p.label for p in result.parts] == ["株洲", "湘潭"]
    assert all("GDP" in p.parsed.normalized and 2024 in p.parsed.scope.years for p in result.parts)


def test_a_later_ask_is_tried_both_alone_and_with_the_first_asks_subject(understood):
    for question in ("1-7月全省投资增长多少？民间投资增速呢？", "湘潭率先出台的科技成果转化规定叫什么名字？里面明确了多少项重点任务？"):
        second = understood(question).parts[1]
        assert second.retry is not None, question
        readings = {second.parsed.normalized, second.retry.parsed.normalized}
        first_subject = "全省投资" if "全省投资" in question else "湘潭"
        assert any(first_subject in r for r in readings) and any(first_subject not in r for r in readings), readings


def test_items_listed_after_a_comma_are_the_parts_whatever_comes_before(understood):
    result = understood("2024年的民生实事里，适老化改造、滑冰场和户外健身中心各要搞多少？")
    assert [p.label for p in result.parts] == ["适老化改造", "滑冰场", "户外健身中心"]
