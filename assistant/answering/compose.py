"""Compose: the answer text from the chosen evidence units, each claim cited, figures never rewritten.

Each claim is the source's own words with a marker [n], prefixed with the scope the words leave
unsaid ("2024年", "1-7月", "2025年目标"); [n] points at the claim's whole sentence when that is short
enough to check at a glance. A comparison also states the difference of its two figures,
labelled as computed from the cited spans. Every number of a claim is checked against the span it
cites before the text is returned; a claim failing the check is never emitted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable
from decimal import Decimal, InvalidOperation

from ..evidence import Unit
from ..retrieval.retriever import Hit
from .select import inside

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
#: The longest sentence (or part between ；) a claim cites whole rather than by its own clause.
CITED_SPAN_CHARS = 120
_PERCENT_FIGURE = re.compile(r"(-?\d+(?:\.\d+)?)\s*[%％]")
_AMOUNT_FIGURE = re.compile(
    r"(\d+(?:\.\d+)?)\s*(万亿元|亿元|万元|亿斤|万人次|亿人次|万人|亿吨|万吨|万亩|万千瓦|千瓦|公里|万户|万家|万辆|万套|万平方米|万标准箱|亿立方米|亿千瓦时|万千瓦时|天)"
)


@dataclass(frozen=True)
class Draft:
    """An answer before it becomes the contract's Answer: text with [n] markers and the cited units."""

    text: str
    refused: bool
    cited: tuple[Unit, ...]
    retrieved: tuple[Hit, ...]


@dataclass(frozen=True)
class Claim:
    unit: Unit
    label: str = ""  # what the claim is about when its words do not say it ("目标", a city)


@dataclass(frozen=True)
class Citing:
    """The spans the claims cite, each once, and the citation number of each claim."""

    cited: tuple[Unit, ...]
    numbers: tuple[int, ...]


class UnverifiedNumber(ValueError):
    """A composed claim holds a number its cited span does not."""


def scope_label(unit: Unit) -> str:
    """What the evidence is about when its own words do not say it: "2024年", "2025年目标", "1-7月"."""
    scope = unit.scope
    if scope.periods:
        period = sorted(scope.periods)[0]
        if period in unit.text.replace(" ", ""):
            return ""
        # A period is said of the unit only when it opens the paragraph or the unit's sentence;
        # one named later in the sentence ("高度肯定上半年…") is about something else.
        opening = unit.sentence.replace(" ", "")[:12]
        return period if scope.inherited_period or period in opening else ""
    if scope.years and not scope.inferred_year and not re.search(r"20\d{2}年", unit.sentence):
        return f"{max(scope.years)}年" + ("目标" if scope.plan else "")
    return ""


def body_of(unit: Unit) -> str:
    return re.sub(r"(?<![，。；：！？])\n", "，", unit.text.rstrip("。；;，,：:")).replace("\n", "")


def cite(claims: list[Claim], widen: bool = True) -> Citing:
    """What each claim cites: its whole sentence, or its part between ；, when that is at most
    CITED_SPAN_CHARS long (the reader checks a claim against its sentence, which says what a clause
    leaves to it: the subject, the period), else the claim's own words. Claims within one cited span
    share its number."""
    cited: list[Unit] = []
    numbers: list[int] = []
    for claim in claims:
        span = claim.unit.enclosing(CITED_SPAN_CHARS) if widen else claim.unit
        for index, earlier in enumerate(cited):
            if inside(span, earlier) or inside(earlier, span):
                if inside(earlier, span):
                    cited[index] = span
                numbers.append(index + 1)
                break
        else:
            cited.append(span)
            numbers.append(len(cited))
    return Citing(tuple(cited), tuple(numbers))


def compose(
    claims: list[Claim],
    retrieved: tuple[Hit, ...],
    one_label: bool = False,
    difference: str = "",
    prefix: str = "",
    suffix: str = "",
    citing: Citing | None = None,
) -> Draft:
    citing = citing or cite(claims)
    parts = []
    for index, claim in enumerate(claims):
        unit, number = claim.unit, citing.numbers[index]
        label = scope_label(unit) if (index == 0 or not one_label) else ""
        if claim.label and claim.label not in unit.text and claim.label not in label:
            label = claim.label + label
        body = body_of(unit)
        verify_numbers(body, unit)
        # A run of claims citing one span is marked once, after its last claim.
        marker = "" if index + 1 < len(claims) and citing.numbers[index + 1] == number else f"[{number}]"
        parts.append(f"{label}，{body}{marker}" if label else f"{body}{marker}")
    text = prefix + "；".join(parts)
    if difference:
        text += "；" + difference
    return Draft(text + "。" + suffix, False, citing.cited, retrieved)


def refusal(message: str, nearest: Unit | None, retrieved: tuple[Hit, ...]) -> Draft:
    if nearest is None:
        return Draft(message, True, (), retrieved)
    label = scope_label(nearest)
    body = body_of(nearest)
    verify_numbers(body, nearest)
    nearest_text = f"{label}，{body}" if label else body
    return Draft(f"{message}文档中最接近的内容是：{nearest_text}[1]。", True, (nearest,), retrieved)


def verify_numbers(body: str, unit: Unit) -> None:
    """Every number of a claim's body occurs in the span it cites (the span's text, spaces removed)."""
    cited = re.sub(r"\s", "", unit.text)
    for number in _NUMBER.findall(re.sub(r"\s", "", body)):
        if number not in cited:
            raise UnverifiedNumber(f"{number} is not in the cited span {unit.text[:40]!r}")


def difference(first: Claim, second: Claim, first_id: int, second_id: int, topic_terms: tuple[str, ...]) -> str:
    """"高于目标0.7个百分点（据[1][2]计算）": the difference of the two sides' figures of the same kind."""
    pair = _matching_figures(_figures(first.unit.text, topic_terms), _figures(second.unit.text, topic_terms))
    if pair is None:
        return ""
    (a, unit), (b, _) = pair
    try:
        delta = Decimal(a) - Decimal(b)
    except InvalidOperation:
        return ""
    unit = "个百分点" if unit == "%" else unit
    first_name = first.label or "前者"
    second_name = second.label or "后者"
    if delta == 0:
        return f"{first_name}与{second_name}持平（据[{first_id}][{second_id}]计算）"
    word = "高" if delta > 0 else "低"
    amount = _plain_decimal(abs(delta))
    return f"{first_name}比{second_name}{word}{amount}{unit}（据[{first_id}][{second_id}]计算）"


#: "农村居民收入增速比全体居民快多少": what is compared with what, and the word for the direction.
_THAN = re.compile(r"([^，,。？?；比]{2,20}?)比([^，,。？?；比]{2,20}?)(?:要|还)?(?:高|低|快|慢|多|少)(?:了|出)?(?:多少|几)")
_CLAUSE_END = re.compile(r"[，,；;。]")


def stated_difference(
    question_text: str, claims: list[Claim], terms_of: Callable[[str], list[str]], numbers: tuple[int, ...] | None = None
) -> str:
    """"农村居民比全体居民高1.1个百分点（据[1]计算）": for a question comparing two things by name, the
    difference of the figures the cited claims give right after each name ("" when either is missing or
    they are not of one unit)."""
    match = _THAN.search(question_text)
    if not match:
        return ""
    first_terms, second_terms = terms_of(match.group(1)), terms_of(match.group(2))
    first_own = [t for t in first_terms if t not in second_terms] or first_terms
    second_own = [t for t in second_terms if t not in first_terms] or second_terms
    first, second = _figure_after(claims, first_own), _figure_after(claims, second_own)
    if first is None or second is None or first[:2] == second[:2] or first[3] != second[3]:
        return ""
    (first_id, _, a, unit, first_name), (second_id, _, b, _, second_name) = first, second
    if numbers is not None:  # claim numbers to the numbers of the spans they cite
        first_id, second_id = numbers[first_id - 1], numbers[second_id - 1]
    delta = Decimal(a) - Decimal(b)
    markers = f"[{first_id}]" if first_id == second_id else f"[{first_id}][{second_id}]"
    unit = "个百分点" if unit == "%" else unit
    if delta == 0:
        return f"{first_name}与{second_name}持平（据{markers}计算）"
    return f"{first_name}比{second_name}{'高' if delta > 0 else '低'}{_plain_decimal(abs(delta))}{unit}（据{markers}计算）"


def _figure_after(claims: list[Claim], terms: list[str]):
    """(claim number, position, value, unit, term): the first figure after one of `terms` in the claims,
    in the same clause, trying the terms in order."""
    for term in terms:
        for number, claim in enumerate(claims, start=1):
            compact = re.sub(r"\s", "", claim.unit.text)
            at = compact.find(term)
            while at >= 0:
                end = _CLAUSE_END.search(compact, at)
                clause = compact[at : end.start() if end else len(compact)]
                figures = sorted(
                    [(m.start(), m.group(1), "%") for m in _PERCENT_FIGURE.finditer(clause)]
                    + [(m.start(), m.group(1), m.group(2)) for m in _AMOUNT_FIGURE.finditer(clause)]
                )
                if figures:
                    offset, value, unit = figures[0]
                    return number, at + offset, value, unit, term
                at = compact.find(term, at + 1)
    return None


def _figures(text: str, topic_terms: tuple[str, ...]) -> list[tuple[str, str]]:
    """The figures (value, unit) a unit gives, in order from its most specific topic word on ("城镇新增就业",
    not the "城镇" of another figure), then those before it."""
    compact = re.sub(r"\s", "", text)
    found = sorted((-len(t), compact.find(t)) for t in topic_terms if t and compact.find(t) >= 0)
    start = found[0][1] if found else 0
    matches = sorted(
        [(m.start(), m.group(1), "%") for m in _PERCENT_FIGURE.finditer(compact)]
        + [(m.start(), m.group(1), m.group(2)) for m in _AMOUNT_FIGURE.finditer(compact)]
    )
    after = [(value, unit) for at, value, unit in matches if at >= start]
    before = [(value, unit) for at, value, unit in matches if at < start]
    return after + before


def _matching_figures(a: list[tuple[str, str]], b: list[tuple[str, str]]):
    """The earliest pair of figures of the same unit, one from each side."""
    pairs = [(i + j, i, j) for i, x in enumerate(a) for j, y in enumerate(b) if x[1] == y[1]]
    if not pairs:
        return None
    _, i, j = min(pairs)
    return a[i], b[j]


def _plain_decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text
