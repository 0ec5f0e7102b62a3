"""Evidence: the sentences and clauses of retrieved passages, their scope, and how well they answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from .chunking import Chunk
from .question import ParsedQuestion
from .scope import detect_scope, section_is_plan, section_year

_SENTENCE_END = "。！？!?\n"
_NUMBER = re.compile(r"\d|[一二两三四五六七八九十百千]+[万亿]")
_DATES = re.compile(r"20\d{2}\s*年|\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{1,2}\s*-\s*\d{1,2}\s*月")
_PERIOD = re.compile(r"-|半年|季度")
_CONTINUATION = re.compile(r"同比|较上年|比上年|比去年|分别(?:实现|增长|下降|为)|完成年度|占全|均居|增长\d|下降\d")
_RANGE_PERIOD = re.compile(r"-|半年")


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

    def enclosing(self, limit: int) -> "Unit":
        """The unit's whole sentence when at most `limit` characters long, else its part between ；
        when that is, else the unit itself."""
        if self.level == "sentence":
            return self
        if self.sentence_end - self.sentence_start <= limit:
            return Unit(self.chunk, self.sentence_start, self.sentence_end, "sentence", self.sentence_start, self.sentence_end)
        for start, end in _spans(self.chunk.text, self.sentence_start, self.sentence_end, "；;"):
            if start <= self.start and self.end <= end:
                if self.level == "clause" and end - start <= limit:
                    return Unit(self.chunk, start, end, "part", self.sentence_start, self.sentence_end)
                break
        return self

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


_REVIEW = re.compile(r"回顾|过去一年")
_WORK_REPORT = re.compile(r"工作报告")
_FIRST_PART = re.compile(r"^一、")
_LATER_PART = re.compile(r"^[二三四五六七八九十]{1,2}、")


def _report_part(chunk) -> str:
    """"review" or "plan" for a part of a government work report whose heading names no year: such a
    report opens with its review of the past year ("一、…") and then sets out its tasks ("二、…"); "" else."""
    if len(chunk.section) < 2 or not _WORK_REPORT.search(chunk.section[0]):
        return ""
    year, own = section_year(chunk.section[1]), section_year(chunk.section[0])
    if year:
        # "二、2025年工作思路和重点任务" in a 2025 report: the parts about its own year set out its tasks.
        return "plan" if own and year >= own and not _REVIEW.search(chunk.section[1]) else ""
    if _FIRST_PART.match(chunk.section[1]):
        return "review"
    return "plan" if _LATER_PART.match(chunk.section[1]) else ""


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
    part = _report_part(chunk)
    plan = (section_is_plan(headings) or part == "plan") and not re.search(r"20\d{2}年是|过去一年", unit.sentence)
    inferred = False
    if not years:
        year = section_year(headings)
        if year:
            years = frozenset({year})
        else:
            year = section_year(chunk.section[0])
            if year and (_REVIEW.search(headings) or part == "review"):
                year -= 1  # a report's review ("过去一年工作回顾") speaks of the year before its own
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
