"""Scope: the year, period, target-or-actual and place a question asks about, or a passage speaks of."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .glossary import load_glossary

_YEAR = re.compile(r"(20\d{2})年")
_RANGE = re.compile(r"(\d{1,2})\s*-\s*(\d{1,2})\s*月")
_QUARTER = re.compile(r"(?:第)?([一二三四1-4])季度")
_MONTH = re.compile(r"(?<![\d-])(\d{1,2})月(?:份)?(?!\d|-|\s*\d+日)")
_TARGET = re.compile(
    r"目标|预期|计划|力争|任务|打算|要求|安排|部署|确保|将要|拟"
    r"|20\d{2}年(?:的)?要|要(?:达到|新增|新建|建成|建设|建|完成|实现|提高|提升|增长|突破|培训|改造|冲到|办)"
)
_ACTUAL = re.compile(
    r"实际|完成了|完成得|实现了|达到了|增长了|下降了|涨了|降了|进度|执行|已经|情况如何|怎么样了|形势|遇到|面临|存在|目前|当前|以来|近期|最近"
    r"|(?:没有|没|未)(?:能)?(?:达到|完成|实现)|超额完成"
)
_COMPARABLE_PERIOD = re.compile(r"-|半年|季度|全年")
_QUARTER_NUMBER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class Scope:
    years: frozenset[int] = frozenset()
    periods: frozenset[str] = frozenset()  # "1-7月", "上半年", "三季度", "全年", "8月"
    target: bool = False
    actual: bool = False
    provinces: frozenset[str] = frozenset()  # other provinces named
    places: frozenset[str] = frozenset()  # cities and counties of the province named
    home: bool = False  # the province as a whole named ("全省", "我省")

    @property
    def is_empty(self) -> bool:
        return not (self.years or self.periods or self.provinces or self.places)


#: A period named only as the yardstick of a comparison ("与上半年持平", "高于一季度") is not the scope.
_COMPARED_WITH = re.compile(
    r"(?:与|比|较|同|高于|低于|快于|慢于|超过|追平)(?:去年同期|上年同期|上半年|下半年|[一二三四]季度|全国(?:平均水平|平均)?)"
)


#: "截至7月" is the months to date; "据8月的月报" names a report, not the month asked about.
_UP_TO_MONTH = re.compile(r"(?:截至|截止到?|到)(\d{1,2})月(?!\s*\d)(?:底|末|份)?(?:为止)?")
#: "截至8月中旬" is the running total to a day, as "截至8月17日" is (no period of whole months).
_UP_TO_DAY = re.compile(r"(?:截至|截止到?)\s*\d{1,2}\s*月\s*(?:上旬|中旬|下旬|初)")
_REPORT_MONTH = re.compile(r"(?:据|根据|按|从)?(\d{1,2})月(?:份)?(?:的|这期|那期|本期)?(?:工作)?月报")


def detect_scope(text: str) -> Scope:
    glossary = load_glossary()
    text = _COMPARED_WITH.sub("", text)
    text = _REPORT_MONTH.sub("月报", text)
    text = _UP_TO_DAY.sub("", text)
    text = _UP_TO_MONTH.sub(lambda m: f"1-{m.group(1)}月", text)
    periods: set[str] = set()
    for first, last in _RANGE.findall(text):
        periods.add("上半年" if (first, last) == ("1", "6") else f"{int(first)}-{int(last)}月")
    if "上半年" in text:
        periods.add("上半年")
    if "下半年" in text:
        periods.add("下半年")
    for quarter in _QUARTER.findall(text):
        periods.add(f"{_QUARTER_NUMBER[quarter]}季度")
    if re.search(r"全年|一整年", text):
        periods.add("全年")
    for month in _MONTH.findall(text):
        periods.add(f"{int(month)}月")
    provinces = {p for _, p in glossary.province_mentions(text)}
    places = {p for p in glossary.local_places if p in text}
    return Scope(
        years=frozenset(int(y) for y in _YEAR.findall(text)),
        periods=frozenset(periods),
        target=bool(_TARGET.search(text)),
        actual=bool(_ACTUAL.search(text)),
        provinces=frozenset(provinces),
        places=frozenset(places),
        home=any(word in text for word in glossary.home),
    )


def compare_anchors(scope: Scope) -> list[tuple[str, Scope]]:
    """The facts a comparison needs: the target, each period, each other year the question names."""
    anchors: list[tuple[str, Scope]] = []
    years = sorted(scope.years)
    latest = years[-1] if years else None
    periods = sorted(p for p in scope.periods if _COMPARABLE_PERIOD.search(p) and p != "全年")
    if scope.target:
        anchors.append(("目标", Scope(years=frozenset({latest}) if latest else frozenset(), target=True)))
    for period in periods:
        anchors.append((period, Scope(periods=frozenset({period}), actual=True)))
    covered = {latest} if (periods or scope.target) and latest else set()
    for year in years:
        if year not in covered:
            anchors.append((f"{year}年", Scope(years=frozenset({year}), actual=year != latest)))
    if (scope.places and scope.home or len(scope.places) >= 2) and len(anchors) <= 1:
        # "某县社零增速跟全省比", "A县和B县…分别": each place (and the province), same time.
        time = anchors[0][1] if anchors else Scope()
        anchors = [(place, Scope(years=time.years, periods=time.periods, places=frozenset({place}))) for place in sorted(scope.places)]
        if scope.home:
            anchors.append(("全省", Scope(years=time.years, periods=time.periods, home=True)))
        return anchors
    if len(anchors) == 1 and scope.target and scope.actual:
        anchors.append(("实际进展", Scope(years=frozenset({latest}) if latest else frozenset(), actual=True)))
    return anchors


def section_year(section_label: str) -> int | None:
    """The year a section is about, from its heading ("一、2024年工作回顾" -> 2024)."""
    years = _YEAR.findall(section_label)
    return int(years[-1]) if years else None


def section_is_plan(section_label: str) -> bool:
    """Whether a section sets out what is to be done (a report's tasks), not what was done (its review)."""
    if re.search(r"回顾|过去", section_label):
        return False
    return bool(re.search(r"关于20\d{2}年|目标|计划|主要任务|工作任务|工作安排|重点工作|总体要求|政策取向|政府自身建设|政府治理|政府建设", section_label))
