"""Evidence: the sentences and clauses of retrieved passages, their scope, and how well they answer."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .chunking import Chunk
from .question import ParsedQuestion
from .scope import Scope, detect_scope, section_is_plan, section_year
from .structure import PREAMBLE

_SENTENCE_END = "。！？!?\n"
LENGTH_WEIGHT = 0.25
_ORDINALS = "一二三四五六七八九十"
_CIRCLED = re.compile(r"[\u2460-\u2473]")
_ORDINAL = re.compile(r"第([一二三四五六七八九十])(?:项|条|件|个|点)")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_TERM = re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z0-9.]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9.]*[A-Za-z0-9](?![A-Za-z0-9])")
_TIME_WORDS = re.compile(
    r"20\d{2}年|\d{1,2}-\d{1,2}月|上半年|下半年|[一二三四1-4]季度"
    r"|(?<![A-Za-z.\d])\d+(?:\.\d+)?(?:%|万亿|亿|万|千)?(?:元|人次|人|斤|亩|公里|家|个|项|辆|台)?"
)
_STOP_PHRASES_LONG = ("是多少", "有哪些", "是什么", "了多少", "怎么样", "多少", "什么", "哪些")
_STOP_PHRASES = (
    "是多少", "多少", "是什么", "什么", "有哪些", "哪些", "请问", "情况", "怎么样", "怎么", "如何", "怎样",
    "是否", "有没有", "分别", "实际", "目标", "完成", "了多少", "一下", "介绍", "主要", "全省", "湖南省",
    "湖南", "我省", "具体", "报告", "提到", "文件", "里面", "文档", "计划", "预期", "要求", "相比", "对比",
    "比较", "达到", "多大", "多高", "哪个", "哪里", "哪天", "时候", "今年", "去年", "举措", "措施", "做了",
    "工作", "方面", "呢", "吗", "的", "了", "年", "月", "是", "有", "和", "与", "及",
)
_NUMBER = re.compile(r"\d")
_SUBJECT_END = re.compile(r"\d")
_SHARE = re.compile(r"占|比重|占比|比例")
_SUBJECT_NOISE = re.compile(r"全省|全市|全县|同比|累计|分别|共计|实现|达到?|增长|下降|约|超过?|突破|其中|，|、|\s")
_DATES = re.compile(r"20\d{2}\s*年|\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{1,2}\s*-\s*\d{1,2}\s*月")
_PERIOD = re.compile(r"-|半年|季度")
_CONTINUATION = re.compile(r"同比|较上年|比上年|比去年|分别(?:实现|增长|下降|为)|完成年度|占全|均居|增长\d|下降\d")
_RANGE_PERIOD = re.compile(r"-|半年")
_HOW_MANY_ITEMS = re.compile(r"哪[一二三四五六七八九十几两\d]*[个项条种类家大点部位方面]+")
_QUESTION_WORDS = {
    "多少", "什么", "哪些", "请问", "一下", "哪个", "哪家", "哪位", "多久", "怎么", "如何", "怎样", "是否", "有没有",
    "哪天", "哪一天", "何时", "时候", "能否", "可以", "告诉", "知道", "是不是", "还是", "哪里", "为什么", "几个", "几项",
}
_STOP_WORDS = set(_STOP_PHRASES) | {
    "亿元", "万元", "元", "亿斤", "万人", "公里", "万亩", "百分点", "个百分点", "万家", "万辆", "万台", "具体",
    "请问", "一下", "情况", "哪个", "哪家", "哪位", "谁", "多久", "时间", "日期", "数据", "指标", "数字", "关于",
    "这个", "那个", "这些", "那些", "还有", "能否", "可以", "告诉", "知道", "想", "一共", "总共", "分别", "大概",
    "左右", "同比", "增速", "增长", "提高", "下降", "达到", "实现", "多长", "几个", "几项", "几家", "哪天", "哪一天",
    "时候", "何时", "哪些方面", "怎么", "如何", "数量", "总数", "水平", "多高", "怎样", "近期", "形势", "进展", "状况", "省里", "政府", "我们", "咱们", "本省", "省内", "全年", "年度",
}


@dataclass(frozen=True)
class Unit:
    """A sentence, a part of a sentence (between ；) or a clause (between ，) of a chunk."""

    chunk: Chunk
    start: int  # cleaned offsets within chunk.text
    end: int
    level: str  # "sentence", "part" or "clause"
    sentence_start: int
    sentence_end: int

    @property
    def text(self) -> str:
        return self.chunk.text[self.start : self.end]

    @property
    def sentence(self) -> str:
        return self.chunk.text[self.sentence_start : self.sentence_end]

    @property
    def original_span(self) -> tuple[int, int]:
        return self.chunk.clean.original_span(self.start, self.end)

    @cached_property
    def scope(self) -> "UnitScope":
        return unit_scope(self)

    @property
    def context_text(self) -> str:
        """The unit's sentence with what scopes it: the document, headings and the paragraph's time phrase.

        A very short sentence (a line of a report's header block) is read with its whole passage.
        """
        sentence = self.sentence if len(self.sentence) >= 16 else self.chunk.text
        return " ".join(self.chunk.section) + " " + self.chunk.context + " " + sentence


@dataclass(frozen=True)
class UnitScope:
    years: frozenset[int]
    periods: frozenset[str]
    plan: bool  # a target or plan rather than an outcome
    text: str  # the text a place must be named in (sentence, context, section)
    #: the years were only inferred from the document's date, not written in the text or its heading
    inferred_year: bool = False
    #: the period comes from the paragraph's opening phrase, not from the unit's own sentence
    inherited_period: bool = False
    #: the city or county the unit's section is about ("特色亮点 › 常德市：…"), if any
    places: frozenset[str] = frozenset()


def split_units(chunk: Chunk) -> list[Unit]:
    units: list[Unit] = []
    text = chunk.text
    for s_start, s_end in _spans(text, 0, len(text), _SENTENCE_END):
        units.append(Unit(chunk, s_start, s_end, "sentence", s_start, s_end))
        parts = _spans(text, s_start, s_end, "；;")
        for p_start, p_end in parts:
            if len(parts) > 1:
                units.append(Unit(chunk, p_start, p_end, "part", s_start, s_end))
            clauses = _merge_continuations(text, _spans(text, p_start, p_end, "，,：:"))
            if len(clauses) > 1:
                units.extend(Unit(chunk, c_start, c_end, "clause", s_start, s_end) for c_start, c_end in clauses)
    return units


def _merge_continuations(text: str, clauses: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A clause that only goes on about the previous clause's figure ("同比增长3.6%") joins it."""
    merged: list[tuple[int, int]] = []
    for start, end in clauses:
        if merged and _CONTINUATION.match(text, start):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _spans(text: str, start: int, end: int, stops: str) -> list[tuple[int, int]]:
    """Pieces of text[start:end] ending at (and including) a stop character, trimmed of spaces/punctuation."""
    spans = []
    piece_start = start
    depth = 0  # a bracketed aside （高于一季度，高于去年同期） is not cut into pieces
    for i in range(start, end):
        if text[i] in "（(":
            depth += 1
        elif text[i] in "）)" and depth:
            depth -= 1
        elif text[i] in stops and (depth == 0 or text[i] in _SENTENCE_END):
            spans.append((piece_start, i + 1))
            piece_start = i + 1
    if piece_start < end:
        spans.append((piece_start, end))
    trimmed = []
    for a, b in spans:
        while a < b and text[a] in " \n":
            a += 1
        while b > a and text[b - 1] in " \n，,；;：:":
            b -= 1
        if b - a >= 2:
            trimmed.append((a, b))
    return trimmed


def unit_scope(unit: Unit) -> UnitScope:
    chunk = unit.chunk
    headings = " ".join(chunk.section[1:])
    own = detect_scope(unit.text)
    sentence = detect_scope(unit.sentence)
    years = own.years or sentence.years
    periods = frozenset(p for p in own.periods if _PERIOD.search(p))
    periods = periods or frozenset(p for p in sentence.periods if _RANGE_PERIOD.search(p))
    inherited = False
    if not periods and chunk.context:
        periods = frozenset(p for p in detect_scope(chunk.context).periods if _RANGE_PERIOD.search(p))
        inherited = bool(periods)
        years = years or detect_scope(chunk.context).years
    plan = section_is_plan(headings) and not re.search(r"20\d{2}年是|过去一年", unit.sentence)
    inferred = False
    if not years:
        year = section_year(headings)
        if year:
            years = frozenset({year})
        else:
            year = section_year(chunk.section[0])
            years, inferred = (frozenset({year}), True) if year else (frozenset(), False)
    return UnitScope(
        years=years,
        periods=periods,
        plan=plan,
        text=unit.sentence + chunk.context + " ".join(chunk.section),
        inferred_year=inferred,
        inherited_period=inherited,
        places=detect_scope(headings).places,
    )


class TermWeights:
    """How informative a question's words are, from how many passages contain them."""

    def __init__(self, chunks: tuple[Chunk, ...]) -> None:
        self._texts = [chunk.indexed_text(True).lower() for chunk in chunks]
        self._count = max(len(chunks), 1)
        self._weights: dict[str, float] = {}

    def weight(self, term: str) -> float:
        if term not in self._weights:
            frequency = sum(1 for text in self._texts if term in text)
            if frequency == 0 and len(term) >= 3:
                # A compound the passages never write whole: as informative as its rarest bigram.
                frequency = min(sum(1 for text in self._texts if gram in text) for gram in _bigrams(term))
            # Rarer and longer words say more: "播种面积" narrows a question more than "粮食".
            weight = math.log(1 + self._count / (frequency + 0.5)) * (1 + LENGTH_WEIGHT * max(0, min(len(term), 6) - 2))
            if frequency == 0 and len(term) == 2:
                weight /= 2  # a two-character word the passages never use is as often a turn of phrase as a topic
            self._weights[term] = weight
        return self._weights[term]

    def content_terms(self, text: str, fallback: bool = True) -> list[str]:
        """The question's topic words: jieba words minus question words, years, periods and numbers.

        With `fallback`, a question made only of generic words ("报告是谁作的") is about those words.
        """
        text = _TIME_WORDS.sub(" ", text)
        text = _HOW_MANY_ITEMS.sub(" ", text)
        for phrase in _STOP_PHRASES_LONG:
            text = text.replace(phrase, " ")
        # "第七项" of a numbered list is written "⑦" in the documents.
        ordinals = [chr(0x2460 + _ORDINALS.index(m) ) for m in _ORDINAL.findall(text)]
        text = _ORDINAL.sub(" ", text)
        codes = ordinals + [code.lower() for code in _LATIN_TERM.findall(text)]
        text = _LATIN_TERM.sub(" ", text)
        words = codes + [w for w in _words(text) if len(w) >= 2 and _CJK.search(w) and w not in _QUESTION_WORDS]
        terms = [w for w in words if w not in _STOP_WORDS]
        return list(dict.fromkeys(terms or (words if fallback else [])))

    def has_topic(self, variants: tuple[str, ...]) -> bool:
        """Whether the question names something of its own, rather than leaning on an earlier one
        ("第五项是什么？" names only a position in something said before)."""
        return any(
            any(not _CIRCLED.fullmatch(term) for term in self.content_terms(v, fallback=False)) for v in variants
        )

    def topic(self, variants: tuple[str, ...]) -> "Topic":
        """The question's words in each written form; a form whose words another form contains and
        extends (the abbreviation's lone "增加值" beside "规模 工业 增加值") is dropped."""
        alternatives = list(dict.fromkeys(tuple(self.content_terms(v)) for v in variants))
        kept = [a for a in alternatives if not any(set(a) < set(b) for b in alternatives)]
        return Topic(tuple(kept))

    def missing_code(self, topic: "Topic", text: str) -> bool:
        """Whether the text lacks a Latin-letter term of the question (PM2.5, 5G) in every form of it:
        such a term names one precise thing, and a passage without it is about something else."""
        lowered = text.lower()
        return all(
            any((_LATIN_TERM.fullmatch(t) or _CIRCLED.fullmatch(t)) and t not in lowered for t in terms)
            for terms in topic.alternatives
        )

    def coverage(self, topic: "Topic", text: str) -> float:
        """Weighted share of the topic's words the text contains (the best of the topic's variants)."""
        best = 0.0
        lowered = text.lower()
        for terms in topic.alternatives:
            total = sum(self.weight(t) for t in terms)
            if total <= 0:
                continue
            found = sum(self.weight(t) * _credit(t, lowered) for t in terms)
            best = max(best, found / total)
        return best


@dataclass(frozen=True)
class Topic:
    alternatives: tuple[tuple[str, ...], ...]

    @property
    def empty(self) -> bool:
        return not any(self.alternatives)


def _credit(term: str, text: str) -> float:
    if term in text:
        return 1.0
    if len(term) >= 3:
        grams = _bigrams(term)
        return 0.8 * sum(1 for gram in grams if gram in text) / len(grams)
    return 0.0


def _bigrams(term: str) -> list[str]:
    return [term[i : i + 2] for i in range(len(term) - 1)] or [term]


def _words(text: str) -> list[str]:
    return _jieba().lcut(text, HMM=False)


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    from .glossary import load_glossary

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    glossary = load_glossary()
    # Glossary terms and their written forms are single words: "全年增长" must not fall apart.
    for term, forms in glossary.expand.items():
        for word in (term, *forms):
            jieba.add_word(word, freq=200000)
    return jieba


def scope_fit(question: Scope, scope: UnitScope) -> float:
    """How well a unit's scope fits the question's: positive fits, negative contradicts."""
    fit = 0.0
    if question.years:
        if scope.years & question.years:
            fit += 0.3
        elif scope.years:
            fit -= 0.6
    asked_periods = {p for p in question.periods if "-" in p or "年" in p or "季度" in p}
    if asked_periods:
        if scope.periods & asked_periods:
            fit += 0.3
        elif scope.periods:
            fit -= 0.25  # another period: not what was asked, but the nearest kind of figure
        else:
            fit -= 0.35
    elif any(re.fullmatch(r"\d{1,2}月", p) for p in question.periods):
        fit += 0.2 if scope.periods else 0.0  # a month asked: the months-to-date figures come nearest
    elif scope.periods and not scope.inherited_period:
        fit -= 0.1  # a quarter's or half-year's figure when the question asks about no period
    if question.target and not question.actual:
        fit += 0.2 if scope.plan else -0.1
    elif question.actual and not question.target:
        fit += -0.2 if scope.plan else 0.05
    for place in question.places | question.provinces:
        fit += 0.3 if place in scope.text else -0.8
    if scope.places and not question.places:
        fit -= 0.5 if question.home else 0.15  # one city's figure for a question about the province
    return fit


def _shared_run(phrase: str, text: str) -> int:
    """Length of the longest run of the question's characters that the text repeats exactly."""
    longest = 0
    for start in range(len(phrase)):
        length = longest + 1
        while start + length <= len(phrase) and phrase[start : start + length] in text:
            longest = length
            length += 1
    return longest


def subject_coverage(weights: "TermWeights", topic: Topic, text: str) -> float:
    """How much of the question's topic the words before a clause's first figure speak of."""
    subject = _SUBJECT_END.split(_DATES.sub("", text), maxsplit=1)[0]
    return weights.coverage(topic, subject)


def _subject_share(topic: Topic, text: str) -> float:
    """How much of what a figure is said of ("规模工业增加值" in "规模工业增加值增长7.3%") is the topic."""
    subject = _SUBJECT_NOISE.sub("", _SUBJECT_END.split(_DATES.sub("", text), maxsplit=1)[0][-24:])
    if not subject:
        return 0.0
    best = 0.0
    for terms in topic.alternatives:
        covered = sum(len(term) for term in terms if term in subject)
        best = max(best, min(1.0, covered / len(subject)))
    return best


def meets_expectation(question: ParsedQuestion, text: str) -> bool:
    """Whether the text holds the kind of answer asked for: a number, in the unit asked, a share…"""
    expected = question.expects
    if expected.number and not _NUMBER.search(_DATES.sub("", text)):
        return False
    if expected.unit and not re.search(r"[\d百千万亿十][\d.]*\s*(?:[万亿千百])?" + re.escape(expected.unit), text):
        return False
    if expected.percent and not re.search(r"%|％|百分点|\d+成|翻番|倍", text):
        return False
    if expected.share and not re.search(r"占|比重|比例|率", text):
        return False
    return True


def unit_score(question: ParsedQuestion, unit: Unit, topic: Topic, weights: TermWeights, prior: float) -> float:
    own = weights.coverage(topic, unit.text)
    context = weights.coverage(topic, unit.context_text)
    own_weight = 0.3 if question.intent == "date" else 0.55  # a date is rarely said with the words asked
    score = own_weight * own + (0.9 - own_weight) * context + 0.15 * prior + scope_fit(question.scope, unit.scope)
    if not any(unit.text.rstrip("。；，") in heading for heading in unit.chunk.section):  # not a bare heading
        score += 0.04 * max(0, min(_shared_run(question.phrase, unit.text), 10) - 3)  # "预期性指标" word for word
    if weights.missing_code(topic, unit.context_text):
        score -= 0.6  # "⑤", "PM2.5": a precise identifier the unit does not carry
    if question.about_document and len(unit.chunk.section) > 1 and unit.chunk.section[1] == PREAMBLE:
        score += 0.6  # who issued it and when stand in the document's header block
    if not meets_expectation(question, unit.text) and not (question.scope.target and unit.scope.plan):
        score -= 0.3
    if question.intent in ("figure", "compare"):
        score += 0.12 if _NUMBER.search(unit.text) else -0.1
        score += 0.2 * _subject_share(topic, unit.text)
        if question.expects.percent and not question.expects.share and _SHARE.search(unit.text):
            score -= 0.15  # a share ("占…比重达74.4%") when a growth rate is asked
        score -= 0.0015 * max(0, len(unit.text) - 40)
    elif question.intent == "date":
        score += 0.25 if re.search(r"\d{1,2}月\d{1,2}日|20\d{2}年\d{1,2}月", unit.sentence) else -0.15
    else:
        score -= 0.0007 * max(0, len(unit.text) - 80)
    return score
