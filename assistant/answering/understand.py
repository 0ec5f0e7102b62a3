"""Understand: a parsed question as the typed sub-questions it asks, one per asked item.

"去年GDP增长多少？总量多大？" asks two things; "社零和固投分别增长多少" two indicators; "今年目标多少？1-7月完成
多少？" a target and an actual; "A市和B市各多少" two places. Each sub-question keeps the scope of the whole
question where its own words do not give one, and says how it is to be labelled in the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ..glossary import load_glossary
from ..question import ParsedQuestion, parse_question
from ..scope import Scope, compare_anchors, detect_scope
from ..terms import TermWeights, Topic

#: Words that ask for something: a clause holding one is a question of its own.
#: A piece ending in 呢 ("…多少？B呢？") asks what the piece before it asked, of its own subject.
_ASKS = re.compile(r"多少|几[个项家条次成万亿%]?|哪|什么|谁|何时|如何|怎么|怎样|是否|有没有|吗|多大|多高|多长|多快|排第|呢$")
_PART_BREAK = re.compile(r"[？?；;]|，(?=(?:那|另外|还有|以及|并且|同时|其中|占|比|排|总量|总额|规模|增速|增长|完成|实际|目标))")
#: "A和B分别/各…": the items asked about side by side.
_EACH = re.compile(r"(分别|各自|各(?=是|为|有|要|需|增长|下降|多少|达到|完成|占))")
_JOINERS = re.compile(r"和|与|及|以及|、|跟")
_COMPARING = re.compile(
    r"比|对比|相比|比较|差距|相差|高于|低于|快于|慢于|高出|低了|差多少|还差|超出|超过了?多少"
    r"|谁(?:更)?[快慢高低多少大小]|哪(?:个|一个|边)(?:更)?[快慢高低多少大小]|[快慢高低多少大小]多少|是不是同一|一样吗"
)
MAX_PARTS = 4


@dataclass(frozen=True)
class SubQuestion:
    """One asked item: its own parsed text, topic and scope, and how its answer is introduced."""

    parsed: ParsedQuestion
    topic: Topic
    label: str = ""  # "目标", "1-7月", a city … for a side of a comparison or an item of a list of asks
    anchor: Scope | None = None  # a comparison side's own scope, which evidence must fit
    #: the documents it is answered from (those of the region it is about); None: every document
    docs: frozenset[str] | None = None
    #: the other reading of a later ask, tried when this one finds nothing: with what the first ask is about
    #: ("…法规叫什么？明确了多少项重点任务？"), or on its own when it was read with it ("…多少？民间投资增速呢？")
    retry: "SubQuestion | None" = None


@dataclass(frozen=True)
class Understanding:
    question: ParsedQuestion
    topic: Topic
    parts: tuple[SubQuestion, ...]
    compare: bool = False  # the parts are sides of one comparison: state the difference too
    #: the sides were not asked for but implied ("今年社零增长多少": the target and the latest actual);
    #: answered only when every side is found, otherwise the question is answered as one part
    implicit: bool = False


def understand(question: ParsedQuestion, weights: TermWeights, reference_year: int, implied: bool = True) -> Understanding:
    topic = weights.topic(question.variants)
    whole = SubQuestion(question, topic)
    if question.intent == "compare":
        anchors = compare_anchors(question.scope)
        if len(anchors) >= 2:
            sides = tuple(_side(question, topic, label, anchor, [a for _, a in anchors if a is not anchor]) for label, anchor in anchors[:MAX_PARTS])
            return Understanding(question, topic, sides, compare=True)
    scope = question.scope
    if (
        implied
        and question.intent == "figure"
        and scope.years == frozenset({reference_year})
        and not (scope.target or scope.actual or scope.periods or scope.places or scope.provinces)
    ):
        # This year's figure, neither target nor actual said: the year's target and its latest actual.
        years = frozenset({reference_year})
        anchors = [("目标", Scope(years=years, target=True)), ("实际进展", Scope(years=years, actual=True))]
        sides = tuple(_side(question, topic, label, anchor, [a for _, a in anchors if a is not anchor]) for label, anchor in anchors)
        return Understanding(question, topic, sides, compare=True, implicit=True)
    items = _each_items(question.normalized)
    if items:
        parts = tuple(_sub(text, question, weights, reference_year, label) for label, text in items)
        return Understanding(question, topic, parts)
    pieces = _asked_pieces(question.normalized)
    if len(pieces) >= 2:
        first = _sub(pieces[0], question, weights, reference_year, "")
        rest = []
        for piece in pieces[1:MAX_PARTS]:
            own = weights.topic(parse_question(piece, reference_year).variants)
            # "总量有多大", "比全国高多少" say nothing of what they are about: the first piece does.
            with_subject = _with_subject(pieces[0], piece)
            own_topic = has_own_topic(own, weights)
            readings = [piece, with_subject] if own_topic else [with_subject, piece]
            # "民间投资增速呢" read with the first ask's subject is also tried alone, if it has a word of its own.
            if with_subject == piece or not (own_topic or weights.content_terms(piece, fallback=False)):
                readings = readings[:1]
            intent = first.parsed.intent if piece.endswith("呢") else None
            part, *other = (_sub(text, question, weights, reference_year, "", intent) for text in readings)
            rest.append(replace(part, retry=other[0] if other else None))
        return Understanding(question, topic, (first, *rest))
    return Understanding(question, topic, (whole,))


def _asked_pieces(text: str) -> list[str]:
    """The clauses of a question that each ask something ("多少？占比多少？" -> two)."""
    pieces = [p for p in _PART_BREAK.split(text) if p and _ASKS.search(p)]
    return pieces if len(pieces) >= 2 else []


def has_own_topic(topic: Topic, weights: TermWeights) -> bool:
    """Whether a piece names a thing of its own that the documents write (not only "总量", "占比")."""
    for terms in topic.alternatives:
        strong = [t for t in terms if weights.weight(t) > 2.0]
        if len(strong) >= 2 or sum(weights.weight(t) for t in strong) >= 6.0:
            return True
    return False


def _with_subject(first: str, piece: str) -> str:
    """A later piece ("总量多大") read with what the first piece is about ("2024年GDP增长多少"); the first
    piece's time words are left out when the later one has its own ("上半年产值多少？去年全年是多少？")."""
    subject = _ASKS.split(first, maxsplit=1)[0]
    own = detect_scope(piece)
    if own.years or own.periods:
        for period in sorted(detect_scope(subject).periods, key=len, reverse=True):
            subject = subject.replace(period, "")
        subject = re.sub(r"20\d{2}年", "", subject)
    return subject + piece if subject and subject not in piece else piece


def _each_items(text: str) -> list[tuple[str, str]]:
    """"社零和固投分别增长多少" -> [("社零", "社零增长多少"), ("固投", "固投增长多少")]."""
    match = _EACH.search(text)
    if not match:
        return []
    head, tail = text[: match.start()], text[match.end() :]
    # The items are the last run of joined names before 分别/各: "2024年社零和固投" -> 社零, 固投.
    lead = re.match(r"^((?:20\d{2}年|\d{1,2}-\d{1,2}月|今年|去年|上半年|全省|全年)*)", head)
    prefix = lead.group(1) if lead else ""
    body = head[len(prefix) :]
    # "…20件民生实事里，适老化改造、滑冰场和户外健身中心各…": the items follow the last comma.
    comma = max(body.rfind(","), body.rfind("，"))
    if comma >= 0:
        body = body[comma + 1 :]
    names = [n for n in _JOINERS.split(body) if n]
    if len(names) < 2 or len(names) > MAX_PARTS or any(len(n) > 14 for n in names):
        return []
    # "沈阳和大连去年GDP各是多少": places side by side share what follows the last one.
    shared = ""
    places = _place_names()
    if all(n in places for n in names[:-1]):
        lead = next((p for p in places if names[-1].startswith(p) and len(names[-1]) > len(p)), None)
        if lead is not None:
            shared, names = names[-1][len(lead) :], [*names[:-1], lead]
    # A shared tail of the last name ("社零和固投增速") belongs to every item.
    return [(name, prefix + name + shared + tail) for name in names]


@lru_cache(maxsize=1)
def _place_names() -> tuple[str, ...]:
    """Names of provinces and cities a question may list side by side, longest first."""
    glossary = load_glossary()
    names = {*glossary.provinces, *glossary.region_aliases, *glossary.local_places, *glossary.cities}
    return tuple(sorted(names, key=len, reverse=True))


def _sub(
    text: str, question: ParsedQuestion, weights: TermWeights, reference_year: int, label: str, intent: str | None = None
) -> SubQuestion:
    """`text` as one sub-question of `question`; `intent`, when given, is what it asks ("B呢" asks what the
    ask before it asked)."""
    parsed = parse_question(text, reference_year)
    scope = parsed.scope
    whole = question.scope
    # Time and place said once for the whole question hold for each part that names none of its own; a
    # year, a target or an actual holds for the parts after it ("2024年A多少？B多少？"), not for those
    # before ("A现在多少？今年目标B多少？").
    at = question.normalized.find(text)
    before = detect_scope(question.normalized[:at]) if at >= 0 else whole
    scope = replace(
        scope,
        years=scope.years or before.years,
        periods=scope.periods or whole.periods,
        target=scope.target or (before.target and not scope.actual),
        actual=scope.actual or (before.actual and not scope.target),
        places=scope.places or whole.places,
        provinces=scope.provinces or whole.provinces,
        home=scope.home or whole.home,
    )
    intent = intent or (parsed.intent if parsed.intent != "compare" else "figure")
    parsed = replace(parsed, scope=scope, intent=intent, about_document=parsed.about_document or question.about_document)
    topic = weights.topic(parsed.variants)
    if topic.empty:
        topic = weights.topic(question.variants)
    return SubQuestion(parsed, topic, label)


def _side(question: ParsedQuestion, topic: Topic, label: str, anchor: Scope, others: list[Scope]) -> SubQuestion:
    """The question as asked about one side only: the other sides' time and place words taken out."""
    text = question.search_text
    for other in others:
        for year in other.years - anchor.years:
            text = text.replace(f"{year}年", " ")
        for period in other.periods - anchor.periods:
            text = text.replace(period, " ")
        if other.target and not anchor.target:
            text = re.sub(r"目标|计划|预期|力争", " ", text)
        for place in other.places - anchor.places:
            text = text.replace(place, " ")
    parsed = replace(question, search_text=text, scope=anchor, intent="figure")
    return SubQuestion(parsed, topic, label, anchor)


def asks_comparison(text: str) -> bool:
    return bool(_COMPARING.search(text))
