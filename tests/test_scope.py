"""scope: the years, periods, target/actual and places a text names; the sides of a comparison."""

from __future__ import annotations

import pytest

from assistant.scope import Scope, compare_anchors, detect_scope, section_is_plan, section_year


def test_years_and_periods():
    scope = detect_scope("2025年1-7月全省投资增长多少")
    assert scope.years == frozenset({2025})
    assert scope.periods == frozenset({"1-7月"})
    assert detect_scope("2024年和2025年").years == frozenset({2024, 2025})


@pytest.mark.parametrize(
    "text, periods",
    [
        ("上半年社零增长多少", {"上半年"}),
        ("1-6月社零增长多少", {"上半年"}),
        ("三季度增长多少", {"3季度"}),
        ("第二季度", {"2季度"}),
        ("全年增长多少", {"全年"}),
        ("8月份出口", {"8月"}),
        ("下半年打算", {"下半年"}),
        ("7月30日召开的会议", set()),
        ("1-7月和上半年", {"1-7月", "上半年"}),
    ],
)
def test_periods(text, periods):
    assert detect_scope(text).periods == frozenset(periods)


@pytest.mark.parametrize(
    "text, target, actual",
    [
        ("2025年社零增长目标是多少", True, False),
        ("预期增长多少", True, False),
        ("实际增长多少", False, True),
        ("目标完成了多少", True, True),
        ("粮食总产是多少", False, False),
    ],
)
def test_target_and_actual(text, target, actual):
    scope = detect_scope(text)
    assert (scope.target, scope.actual) == (target, actual)


def test_places_provinces_and_home():
    assert detect_scope("湖北省GDP增长多少").provinces == frozenset({"湖北"})
    assert detect_scope("湖北省GDP增长多少").places == frozenset()
    scope = detect_scope("溆浦县社零增速跟全省比怎么样")
    assert scope.places == frozenset({"溆浦"}) and scope.home
    assert detect_scope("常德市粮食生产").places == frozenset({"常德"})
    # A region's name is a province like any other; which one the documents speak for is the corpus's
    # business (assistant.regions), not the question reader's.
    assert detect_scope("湖南省粮食总产").provinces == frozenset({"湖南"})
    assert detect_scope("全省粮食总产").home
    assert not detect_scope("粮食总产").home
    assert detect_scope("粮食总产").is_empty
    assert not detect_scope("2024年粮食总产").is_empty


@pytest.mark.parametrize(
    "text",
    ["1-7月社零增长6.2%、与上半年持平", "比上半年快0.5个百分点", "高于一季度", "较上半年回落"],
)
def test_a_period_named_only_as_the_yardstick_is_not_the_scope(text):
    assert "上半年" not in detect_scope(text).periods
    assert "1季度" not in detect_scope(text).periods


def test_the_yardstick_is_dropped_but_the_period_itself_is_kept():
    assert detect_scope("1-7月社零增长6.2%、与上半年持平").periods == frozenset({"1-7月"})


def test_compare_anchors_target_and_period():
    anchors = compare_anchors(detect_scope("2025年社零目标是多少，1-7月实际增长多少"))
    assert [label for label, _ in anchors] == ["目标", "1-7月"]
    target, period = anchors[0][1], anchors[1][1]
    assert target.target and target.years == frozenset({2025}) and not target.actual
    assert period.actual and period.periods == frozenset({"1-7月"}) and not period.target


def test_compare_anchors_two_years():
    anchors = compare_anchors(detect_scope("2024年和2025年地区生产总值增长对比"))
    assert [label for label, _ in anchors] == ["2024年", "2025年"]
    assert anchors[0][1] == Scope(years=frozenset({2024}), actual=True)
    assert anchors[1][1] == Scope(years=frozenset({2025}), actual=False)


def test_compare_anchors_place_and_province():
    anchors = compare_anchors(detect_scope("溆浦县社零增速跟全省比怎么样"))
    assert [label for label, _ in anchors] == ["溆浦", "全省"]
    assert anchors[0][1].places == frozenset({"溆浦"}) and not anchors[0][1].home
    assert anchors[1][1].home and not anchors[1][1].places


def test_compare_anchors_place_and_province_share_the_time():
    anchors = compare_anchors(detect_scope("1-7月溆浦县社零增速跟全省比"))
    assert [label for label, _ in anchors] == ["溆浦", "全省"]
    assert all(anchor.periods == frozenset({"1-7月"}) for _, anchor in anchors)


def test_target_and_actual_without_a_period_compare_the_target_with_progress():
    anchors = compare_anchors(detect_scope("2025年社零目标完成了多少"))
    assert [label for label, _ in anchors] == ["目标", "实际进展"]


def test_a_single_fact_has_no_second_anchor():
    assert len(compare_anchors(detect_scope("2024年粮食总产是多少"))) == 1
    assert compare_anchors(detect_scope("粮食总产是多少")) == []


def test_section_year_and_plan():
    assert section_year("一、2024年工作回顾") == 2024
    assert section_year("二、关于2025年工作 › （一）全力推动经济持续回升向好") == 2025
    assert section_year("重点任务 › 内需扩量提效攻坚") is None
    assert section_is_plan("二、关于2025年工作 › （一）全力推动经济持续回升向好")
    assert not section_is_plan("一、2024年工作回顾 › ——经济发展贡献新担当")


def test_whether_a_target_was_met_asks_about_the_actual():
    scope = detect_scope("2024年哪些预期性指标没有达到年初目标？")
    assert scope.target and scope.actual
    assert not detect_scope("今年GDP增长目标是多少").actual


@pytest.mark.parametrize(
    "text, periods",
    [
        ("截至8月中旬申领了多少补贴", set()),  # a running total to a day, as "截至8月17日" is
        ("截至8月17日，全省消费品以旧换新共计1187.33万笔", set()),
        ("截至8月底全省累计发生多少起", {"1-8月"}),
        ("截至7月", {"1-7月"}),
    ],
)
def test_a_total_to_a_day_is_no_period_of_whole_months(text, periods):
    assert detect_scope(text).periods == periods
