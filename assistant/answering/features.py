"""Features: how well one evidence unit answers one sub-question, as a plain vector of generic measures.

Nothing here names a document, place or question: lexical and dense agreement, coverage of the
question's words, scope agreement (year, period, target or actual, place), whether the unit holds the
kind of answer asked for, and where the unit sits. The weights that combine them are fitted on data
(`python -m evals fit`), not chosen here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..evidence import Unit, meets_expectation
from ..glossary import load_glossary
from ..question import ParsedQuestion
from ..structure import FOOTER, PREAMBLE
from ..terms import TermWeights, Topic

_NUMBER = re.compile(r"\d|[一二两三四五六七八九十百千]+[万亿]")
_DATES = re.compile(r"20\d{2}\s*年|\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{1,2}\s*-\s*\d{1,2}\s*月")
_DAY = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*日|20\d{2}\s*年\s*\d{1,2}\s*月")
_SHARE = re.compile(r"占|比重|占比|比例")
_PERCENT = re.compile(r"%|％|百分点")
_ENUMERATOR = re.compile(r"[\u2460-\u2473]|[一二三四五六七八九十]是|（[一二三四五六七八九十]）")
_PERIOD_WORD = re.compile(r"-|半年|季度|全年")
_MONTH_ONLY = re.compile(r"\d{1,2}月")
_SUBJECT_NOISE = re.compile(r"全省|全市|全县|同比|累计|分别|共计|实现|达到?|增长|下降|约|超过?|突破|其中|，|、|\s")
_DAY_IN_QUESTION = re.compile(r"\d{1,2}月\d{1,2}日")
#: Words by which a question speaks of a document itself rather than of what it reports.
_DOCUMENT_WORDS = re.compile(r"这期|本期|这份|该报告|月报|报告|文件|印发|发布|编发|编制|联系人|联系电话|电话|邮箱|报送|抄送|发给|栏目|落款|署名|作报告|在什么会")
_ASKS_MEASURES = re.compile(r"怎么(?!样)|怎样(?!了)|举措|措施|要求|部署|安排")
_ASKS_WHO = re.compile(r"谁|何人|哪位|报告人|作报告的人")
_FIELD_LABEL = re.compile(r"^(?:报|发|抄送|联系人|电话|邮箱)：|联系人：|电话：|邮箱：")

FEATURE_NAMES = (
    "hit_score",  # fused retrieval score of the unit's passage (relative to the best)
    "hit_rank",  # 1 / (1 + rank of the passage)
    "cov_own",  # weighted share of the topic's words in the unit
    "cov_context",  # … in the unit with its section path and paragraph time phrase
    "cov_section",  # … in the section path alone
    "bigram_share",  # share of the question's character bigrams in the unit
    "exact_run",  # longest run of the question's own words repeated exactly (capped, /10)
    "subject_share",  # how much of what the unit's first figure is said of is the topic
    "log_len",
    "level_sentence",
    "level_part",
    "level_clause",
    "heading_only",
    "in_header",  # the unit is in a document's title block or its closing distribution block
    "header_for_document",  # … and the question is about the document itself
    "year_match",
    "year_conflict",
    "year_inferred",
    "period_match",
    "period_conflict",
    "period_absent",
    "period_unasked",
    "month_asked_has_period",
    "target_plan",
    "target_not_plan",
    "actual_plan",
    "actual_not_plan",
    "place_match",
    "place_conflict",
    "local_for_home",
    "has_number",
    "meets_kind",
    "unit_missing",
    "share_for_growth",
    "missing_code",
    "has_day",
    "enumeration",
    "figure_x_number",
    "figure_x_len",
    "date_x_day",
    "list_x_items",
    "list_x_len",
    "policy_x_len",
    "entity_x_short",
    "about_doc_x_header_len",
    "day_match",  # a day the question names ("7月30日") stands in the unit's sentence
    "meta_x_header",  # the question speaks of the document itself (印发, 联系人, 邮箱…) and the unit is a header
    "date_x_header",
    "entity_x_header",
    "label_words",  # the unit is a header line of the form "联系人：", "报：", "发："
    "who_x_speaker",  # the question asks who, and the unit is a line of an office and a name ("省长 X")
)


@dataclass(frozen=True)
class UnitFacts:
    """What features need of a unit that does not depend on the question: computed once per unit."""

    unit: Unit
    lowered: str
    context_lowered: str
    section_lowered: str
    sentence_compact: str
    length: int
    log_len: float
    has_number: bool
    items: int
    heading_only: bool
    in_header: bool
    has_day: bool
    field_label: bool
    share_words: bool
    subject: str  # what the unit's first figure is said of, without its noise words
    speaker_line: bool

    @classmethod
    def of(cls, unit: Unit) -> "UnitFacts":
        text = unit.text
        in_header = len(unit.chunk.section) > 1 and unit.chunk.section[1] in (PREAMBLE, FOOTER)
        return cls(
            unit=unit,
            lowered=text.lower(),
            context_lowered=unit.context_text.lower(),
            section_lowered=" ".join(unit.chunk.section[1:]).lower(),
            sentence_compact=unit.sentence.replace(" ", ""),
            length=len(text),
            log_len=math.log(1 + len(text)),
            has_number=bool(_NUMBER.search(_DATES.sub("", text))),
            items=text.count("、") + len(_ENUMERATOR.findall(text)),
            heading_only=any(text.rstrip("。；，") in heading for heading in unit.chunk.section),
            in_header=in_header,
            has_day=bool(_DAY.search(unit.sentence)),
            field_label=bool(_FIELD_LABEL.search(unit.sentence)),
            share_words=bool(_SHARE.search(text)),
            subject=_figure_subject(text),
            speaker_line=bool(_speaker_line().fullmatch(text.strip(" \u3000。"))),
        )


class PartFeatures:
    """The features of units for one sub-question: what depends on the question alone is worked out
    once here, so that scoring a unit costs only what depends on the unit."""

    def __init__(self, question: ParsedQuestion, topic: Topic, weights: TermWeights) -> None:
        self.question = question
        self.topic = topic
        self._coverage = weights.coverage_scorer(topic)
        asked = question.scope
        self._years_asked = asked.years
        # "下半年怎么稳": the period of measures asked for says when they are due, not which figures.
        measures = question.intent in ("policy", "list") and bool(_ASKS_MEASURES.search(question.normalized))
        self._periods_asked = frozenset() if measures else frozenset(p for p in asked.periods if _PERIOD_WORD.search(p))
        self._months_asked = bool({p for p in asked.periods if _MONTH_ONLY.fullmatch(p)})
        self._wants_target = asked.target and not asked.actual
        self._wants_actual = asked.actual and not asked.target
        self._places = tuple(asked.places | asked.provinces)
        self._asked_places = bool(asked.places)
        expected = question.expects
        self._unit_pattern = (
            re.compile(r"[\d百千万亿十][\d.]*\s*(?:[万亿千百])?" + re.escape(expected.unit)) if expected.unit else None
        )
        self._share_for_growth = expected.percent and not expected.share
        self._phrase = question.phrase[:MAX_PHRASE_CHARS]
        self._phrase_grams = {
            self._phrase[i : i + 2] for i in range(len(self._phrase) - 1) if "|" not in self._phrase[i : i + 2]
        }
        self._days = _DAY_IN_QUESTION.findall(question.normalized)
        self._document_words = bool(_DOCUMENT_WORDS.search(question.normalized))
        self._asks_who = bool(_ASKS_WHO.search(question.normalized))

    def row(self, facts: UnitFacts, hit_score: float, rank: int) -> list[float]:
        question = self.question
        unit = facts.unit
        text = unit.text
        scope = unit.scope
        intent = question.intent
        coverage = self._coverage.coverage
        in_header = facts.in_header
        length = facts.length
        log_len = facts.log_len
        has_number = facts.has_number
        items = facts.items

        years_asked = self._years_asked
        year_match = float(bool(years_asked and scope.years & years_asked))
        year_conflict = float(bool(years_asked and scope.years and not scope.years & years_asked))
        periods_asked = self._periods_asked
        if "全年" in periods_asked and scope.years and not scope.periods and not scope.plan:
            # A past year's figure in a review of that year ("2024年，…产值突破8500亿元") is the whole year's.
            periods_asked = periods_asked - {"全年"}
        months_asked = self._months_asked
        period_match = float(bool(periods_asked and scope.periods & periods_asked))
        period_conflict = float(bool(periods_asked and scope.periods and not scope.periods & periods_asked))
        period_absent = float(bool(periods_asked and not scope.periods))
        period_unasked = float(bool(not periods_asked and not months_asked and scope.periods and not scope.inherited_period))
        wants_target = self._wants_target
        wants_actual = self._wants_actual
        places = self._places
        place_match = float(sum(1 for p in places if p in scope.text)) / len(places) if places else 0.0
        place_conflict = float(bool(places and not any(p in scope.text for p in places)))
        unit_missing = float(self._unit_pattern is not None and not self._unit_pattern.search(text))
        is_figure = intent in ("figure", "compare")
        grams = self._phrase_grams
        return [
            hit_score,
            1.0 / (1 + rank),
            coverage(facts.lowered),
            coverage(facts.context_lowered),
            coverage(facts.section_lowered),
            sum(1 for g in grams if g in text) / len(grams) if grams else 0.0,
            min(_shared_run(self._phrase, text), 10) / 10,
            _subject_share(self.topic, facts.subject),
            log_len,
            float(unit.level == "sentence"),
            float(unit.level == "part"),
            float(unit.level == "clause"),
            float(facts.heading_only),
            float(in_header),
            float(in_header and question.about_document),
            year_match,
            year_conflict,
            float(scope.inferred_year),
            period_match,
            period_conflict,
            period_absent,
            period_unasked,
            float(bool(months_asked and scope.periods)),
            float(wants_target and scope.plan),
            float(wants_target and not scope.plan),
            float(wants_actual and scope.plan),
            float(wants_actual and not scope.plan),
            place_match,
            place_conflict,
            float(bool(scope.places and not self._asked_places)),
            float(has_number),
            float(meets_expectation(question, text)),
            unit_missing,
            float(self._share_for_growth and facts.share_words),
            float(self._coverage.missing_code(facts.context_lowered)),
            float(facts.has_day),
            min(items, 8) / 8,
            float(is_figure and has_number),
            float(is_figure) * log_len,
            float(intent == "date" and facts.has_day),
            float(intent == "list") * min(items, 8) / 8,
            float(intent == "list") * log_len,
            float(intent == "policy") * log_len,
            float(intent == "entity" and length < 40),
            float(question.about_document and in_header) * log_len,
            float(any(day in facts.sentence_compact for day in self._days)),
            float(in_header and self._document_words),
            float(in_header and intent == "date"),
            float(in_header and intent == "entity"),
            float(facts.field_label),
            float(self._asks_who and facts.speaker_line),
        ]


def feature_matrix(rows: list[list[float]]) -> np.ndarray:
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))


#: The question's own words compared character by character: a pasted paragraph is cut to this.
MAX_PHRASE_CHARS = 120


def _shared_run(phrase: str, text: str) -> int:
    """Length of the longest run of the question's characters that the text repeats exactly."""
    phrase = phrase[:MAX_PHRASE_CHARS]
    longest = 0
    for start in range(len(phrase)):
        length = longest + 1
        while start + length <= len(phrase) and phrase[start : start + length] in text:
            longest = length
            length += 1
    return longest


@lru_cache(maxsize=1)
def _speaker_line() -> re.Pattern:
    """A line of an office and a name: "省长 X", "X省人民政府省长 X", "代理主席 X·Y"."""
    titles = "|".join(re.escape(t) for t in load_glossary().speaker_titles) or "(?!)"
    return re.compile(rf"[^，。；：、]{{0,16}}?(?:代理|代)?(?:{titles})[\s\u3000]*[\u4e00-\u9fff]{{2,4}}(?:·[\u4e00-\u9fff]{{2,8}})?")


def _figure_subject(text: str) -> str:
    return _SUBJECT_NOISE.sub("", re.split(r"\d", _DATES.sub("", text), maxsplit=1)[0][-24:])


def _subject_share(topic: Topic, subject: str) -> float:
    """How much of what a figure is said of ("规模工业增加值" in "规模工业增加值增长7.3%") is the topic."""
    if not subject:
        return 0.0
    best = 0.0
    for terms in topic.alternatives:
        covered = sum(len(term) for term in terms if term in subject)
        best = max(best, min(1.0, covered / len(subject)))
    return best
