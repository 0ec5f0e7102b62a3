"""From retrieved passages to a short answer whose every claim cites a minimal span.

No language model: the answer is composed from the evidence sentences and clauses themselves, so a
figure is never rewritten. Scope decides between passages and decides when to refuse.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .composing import Draft, Refusal, compose, refusal_draft
from .evidence import Unit, meets_expectation, split_units, subject_coverage, unit_score
from .question import ParsedQuestion
from .retrieval.retriever import Hit, Retriever
from .scope import Scope, compare_anchors
from .structure import PREAMBLE
from .terms import TermWeights, Topic

CANDIDATES = 30
MIN_COVERAGE = 0.45
LIST_MAX_SENTENCES = 10
SHORT_SENTENCE = 16
SUBJECT_COVERAGE = 0.34
_DATE_WORDS = re.compile(r"20\d{2}\s*年|\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{1,2}\s*-\s*\d{1,2}\s*月")
LIST_MAX_CHARS = 520
_ASKABLE_PERIOD = re.compile(r"-|半年|季度|全年")
_NUMERALS = "一二三四五六七八九十"
_COINED = re.compile(r"[“\"][二三四五六七八九十两]个[一二三四五六七八九十]")
_COUNTED_ITEMS = re.compile(r"哪[二三四五六七八九十几两\d]+|(?<![一二三四五六七八九十两\d])[一二三四五六七八九十两\d]+个[“\"]|[“\"][二三四五六七八九十两]个[一二三四五六七八九十]|[二三四五六七八九十]大|几个|几项|几条|几方面")
# A question word, then on the same line a separator and another question word. Read from the line's
# first question word on, committed (atomic groups): linear in the length, where ".*….*" is cubic.
_MULTI_ASK = re.compile(
    r"分别|各(?:是|为|有)?多少|^(?>.*?(?:多少|几|怎么样|如何|哪))(?>[^？?，,、和\n]*)[？?，,、和].*(?:多少|几|怎么样|如何|哪)",
    re.MULTILINE,
)
_NATIONAL = re.compile(r"^(?:请问)?(?:全国|中国)(?!.*(?:湖南|全省|我省))")

Ranked = list[tuple[Hit, list[Unit], float]]


class Answerer:
    def __init__(self, retriever: Retriever, weights: TermWeights, top_k: int) -> None:
        self._retriever = retriever
        self._weights = weights
        self._top_k = top_k
        self._units: dict[str, list[Unit]] = {}  # per chunk id: passages never change once loaded

    def units(self, chunk) -> list[Unit]:
        units = self._units.get(chunk.id)
        if units is None:
            units = self._units[chunk.id] = split_units(chunk)
        return units

    def retrieve(self, question: ParsedQuestion) -> Ranked:
        """Passages ranked by fused retrieval score and by how well their best unit answers, in scope."""
        topic = self._weights.topic(question.variants)
        hits = self._retriever.search(question.search_text, question.canonical, CANDIDATES)
        if question.about_document:
            hits = hits + self._preambles(hits)
        ranked = []
        for hit in hits:
            units = self.units(hit.chunk)
            best = max((unit_score(question, u, topic, self._weights, hit.score) for u in units), default=0.0)
            ranked.append((hit, units, 0.5 * hit.score + best))
        ranked.sort(key=lambda item: -item[2])
        return ranked

    def answer(self, question: ParsedQuestion, ranked: Ranked) -> Draft:
        top = ranked[: self._top_k]
        retrieved = _as_retrieved(top)
        topic = self._weights.topic(question.variants)
        if not top or topic.empty:
            return Draft("文档中未找到与该问题直接相关的内容，请补充具体的指标或事项。", True, (), retrieved)
        scored = sorted(
            ((unit_score(question, unit, topic, self._weights, hit.score), unit) for hit, units, _ in top for unit in units),
            key=lambda item: -item[0],
        )
        out_of_scope = self._outside_corpus(question, scored[0][1], [unit for _, unit in scored])
        if out_of_scope is not None:
            return refusal_draft(out_of_scope, scored[0][1], retrieved)
        if question.intent == "compare":
            draft = self._compare(question, topic, ranked)
            if draft is not None:
                return draft
        best = scored[0][1]
        if question.intent == "figure" and _current_year_unqualified(question.scope, best):
            # "今年社零增长多少？": the year's target and its latest actual figure are both answers.
            both = self._compare(question, topic, ranked, anchors=_target_and_actual(best))
            if both is not None:
                return both
        if best.level == "clause" and _MULTI_ASK.search(question.normalized):
            best = _part_of(best)  # "分别增长多少", "多少…？排第几？": the figures travel together
        refusal = self._refusal(question, topic, best)
        if refusal is not None:
            return refusal_draft(refusal, self._focus(best, topic), retrieved)
        if question.intent in ("list", "policy"):
            return compose(self._list_units(best, scored, topic, question.intent, question.normalized), retrieved, one_label=True)
        if question.about_document and best.chunk.section[1:2] == (PREAMBLE,) and question.intent == "entity":
            # Who issued it: the header block as a whole (title, issuer, date), cited as one span.
            text = best.chunk.text
            dated = re.search(r"20\d{2}年\d{1,2}月\d{1,2}日", text)
            end = text.find("\n", dated.end()) if dated else -1
            end = len(text) if end < 0 else end  # up to the line that carries the date
            header = Unit(best.chunk, 0, end, "sentence", 0, end)
            return compose([header], retrieved)
        whole = best if best.level == "sentence" else _sentence_of(best)
        if question.intent in ("entity", "date") and len(whole.text) < SHORT_SENTENCE and not re.search(r"\d", whole.text):
            following = self._next_sentence(whole)  # "强化央企联动。" names the point; the next sentence says who
            if following is not None:
                return compose([whole, following], retrieved, one_label=True)
        if not meets_expectation(question, best.text):
            # A target the documents state only in words ("进出口保稳提质"): say so, and give the words.
            focus = self._focus(best, topic)
            draft = compose([focus], retrieved)
            return Draft("文档没有给出具体数值，只提出：" + draft.text, False, draft.cited, retrieved)
        return compose([best], retrieved)

    def _outside_corpus(self, question: ParsedQuestion, best: Unit, candidates: list[Unit]) -> Refusal | None:
        """Another province, the whole country, or a place the evidence does not speak of."""
        scope = question.scope
        for province in sorted(scope.provinces):
            if province not in best.scope.text:
                return Refusal(f"文档只涉及湖南省的情况，没有{province}的相关内容。", False)
        if _NATIONAL.search(question.normalized):
            return Refusal("文档只涉及湖南省的情况，没有全国层面的这项数据。", False)
        for place in sorted(scope.places):
            speaks_of = [best] if len(scope.places) == 1 else candidates  # several places: each in some passage
            if not any(place in unit.scope.text for unit in speaks_of):
                return Refusal(f"文档中没有{place}这方面的内容。", False)
        if len(scope.places) == 1 and question.intent == "figure" and not self._about_place(best, next(iter(scope.places)), question):
            return Refusal(f"文档中没有{next(iter(scope.places))}的这项数据。", False)
        return None

    def _about_place(self, unit: Unit, place: str, question: ParsedQuestion) -> bool:
        """Whether a unit's figure is the place's: its section is about the place, or a clause naming
        the place also names what is asked ("长沙广汽埃安…建成投产" is not 长沙's GDP)."""
        if place in unit.scope.places:
            return True
        topic = self._weights.topic(question.variants)
        clauses = [
            u for u in self.units(unit.chunk)
            if u.sentence_start == unit.sentence_start and u.level == "clause" and place in u.text
        ] or [unit]
        return any(self._weights.coverage(topic, c.text) >= MIN_COVERAGE for c in clauses)

    def _refusal(self, question: ParsedQuestion, topic: Topic, best: Unit) -> Refusal | None:
        scope = question.scope
        coverage = self._weights.coverage(topic, best.context_text)
        for province in sorted(scope.provinces):
            if coverage < MIN_COVERAGE:
                return Refusal(f"文档只涉及湖南省的情况，没有{province}的相关内容。", False)
        in_header = question.about_document and best.chunk.section[1:2] == (PREAMBLE,)
        if (coverage < MIN_COVERAGE and not in_header) or self._weights.missing_code(topic, best.context_text):
            return Refusal("文档中未找到与该问题直接相关的内容。", False)
        for year in sorted(scope.years):
            if best.scope.years and year not in best.scope.years:
                return Refusal(f"文档中没有{year}年的这项数据。", True)
        asked = {p for p in scope.periods if _ASKABLE_PERIOD.search(p)}
        if asked and not asked & best.scope.periods:
            wants_target = scope.target and not scope.actual
            if not (wants_target and best.scope.plan) and not (asked == {"全年"} and not best.scope.plan):
                return Refusal(f"文档中没有{'、'.join(sorted(asked))}的这项数据。", True)
        months = sorted(p for p in scope.periods if re.fullmatch(r"\d{1,2}月", p))
        if months and question.intent in ("figure", "compare") and not any(
            re.search(rf"(?<![\d-]){m}(?!\d)", best.sentence.replace(" ", "")) for m in months
        ):
            return Refusal(f"文档中没有{'、'.join(months)}单月的这项数据。", True)
        if scope.actual and not scope.target and best.scope.plan:
            return Refusal("文档中没有这项指标的实际完成数据，只有预期目标。", True)
        if question.intent == "figure" and best.level == "clause" and re.search(r"\d", _DATE_WORDS.sub("", best.text)):
            if subject_coverage(self._weights, topic, best.text) < SUBJECT_COVERAGE and coverage < 0.8:
                return Refusal("文档中没有给出这项的具体数值。", True)
        if not (scope.target and not scope.actual):
            focus = self._focus(best, topic)
            around = [_part_of(focus).text]
            unit = question.expects.unit
            if not meets_expectation(question, best.text) or (
                unit and not any(re.search(r"[\d百千万亿十][\d.]*[万亿千百]?" + unit, text) for text in around or [focus.text])
            ):
                return Refusal("文档中没有给出这项的具体数值。", True)
        return None

    def _focus(self, unit: Unit, topic: Topic) -> Unit:
        """The clause of a unit that speaks of the question's topic most (the unit itself if it is one)."""
        if unit.level == "clause":
            return unit
        clauses = [u for u in self.units(unit.chunk) if u.level == "clause" and unit.start <= u.start and u.end <= unit.end]
        if not clauses:
            return unit
        return max(clauses, key=lambda c: (self._weights.coverage(topic, c.text), -c.start))

    def _list_units(
        self, best: Unit, scored: list[tuple[float, Unit]], topic: Topic, intent: str, question_text: str
    ) -> list[Unit]:
        """A policy: its sentence (and a close second). A list: the sentence that enumerates the items
        (甲、乙、丙), or the parallel phrases a section repeats (排比: 以“实干”… 以“快干”…)."""
        counted = _COUNTED_ITEMS.search(question_text)
        if intent == "list" and counted:
            wanted = _count_of(counted.group(0))
            enumerating = self._enumerating_unit(scored, topic, wanted)
            parallel = self._parallel_phrases([unit for _, unit in scored[:40]], topic)
            # A coined "三个一" names phrases that open alike; "哪七个" is usually one enumeration.
            ordered = [parallel, [enumerating] if enumerating else []]
            if not _COINED.search(counted.group(0)):
                ordered.reverse()
            for units in ordered:
                if units and (len(units) >= 2 or units[0] is enumerating):
                    return units[:LIST_MAX_SENTENCES]
        if intent == "list" and best.text.count("、") >= 2:
            return [best]  # the clause that enumerates the items
        sentence = best if best.level == "sentence" else _sentence_of(best)
        if len(sentence.text) < SHORT_SENTENCE:
            # "大力提振消费。" or "消费资源分布不均问题突出。" names the point: the next sentence says what it is.
            following = self._next_sentence(sentence)
            return [sentence, following] if following else [sentence]
        if intent == "policy":
            top = scored[0][0]
            seconds = [
                u for s, u in scored
                if u.level == "sentence" and s >= 0.92 * top and u.chunk.section == best.chunk.section
                and not _same_place(u, sentence) and not _is_heading_only(u)
            ]
            return sorted([sentence] + seconds[:1], key=_position)
        return [sentence]

    def _enumerating_unit(self, scored: list[tuple[float, Unit]], topic: Topic, wanted: int | None) -> Unit | None:
        """The best-scored unit that names about as many items (甲、乙、丙) as the question asks for."""
        if wanted is None or wanted < 3:
            return None
        for _, unit in scored:
            if unit.level != "sentence" and _item_count(unit.text) >= wanted:
                if self._weights.coverage(topic, unit.context_text) >= MIN_COVERAGE and self._weights.coverage(topic, unit.text) > 0:
                    return unit
        return None

    def _preambles(self, hits: list[Hit]) -> list[Hit]:
        """The header blocks of the documents, for questions about a document itself."""
        present = {hit.chunk.id for hit in hits}
        floor = min((hit.score for hit in hits), default=0.0)
        return [
            Hit(chunk, floor, position)
            for position, chunk in enumerate(self._retriever.chunks)
            if len(chunk.section) > 1 and chunk.section[1] == PREAMBLE and chunk.id not in present
        ]

    def _next_sentence(self, sentence: Unit) -> Unit | None:
        later = [u for u in self.units(sentence.chunk) if u.level == "sentence" and u.start >= sentence.end]
        return min(later, key=lambda u: u.start) if later else None

    def _parallel_phrases(self, near: list[Unit], topic: Topic) -> list[Unit]:
        """The most relevant run of sentences, in the parts of the document the candidates come from,
        whose first clauses open alike (①… ②…, 一是… 二是…, 持续加强… 持续加强…)."""
        parents = {}
        for unit in near:
            section = unit.chunk.section
            parent = section[:-1] if len(section) > 3 else section
            if len(parent) >= 2 and parent[1] != PREAMBLE:
                parents.setdefault((unit.chunk.doc, parent), None)
        best_group: list[Unit] = []
        best_relevance = 0.0
        for doc, parent in parents:
            chunks = [c for c in self._retriever.chunks if c.doc == doc and c.section[: len(parent)] == parent]
            openings: dict[str, list[Unit]] = {}
            for chunk in chunks:
                units = self.units(chunk)
                for sentence in (u for u in units if u.level == "sentence"):
                    # Each sentence's first clause, or the sentence when it is a single clause.
                    first = next(
                        (u for u in units if u.level == "clause" and u.start == sentence.start and u.sentence_start == sentence.start),
                        sentence,
                    )
                    openings.setdefault(_opening(first.text), []).append(first)
            for group in openings.values():
                if len(group) < 3 or len({u.text for u in group}) != len(group):
                    continue
                relevance = sum(self._weights.coverage(topic, u.text + " " + " ".join(u.chunk.section[1:])) for u in group) / len(group)
                if relevance > best_relevance:
                    best_group, best_relevance = group, relevance
        return sorted(best_group, key=_position) if best_relevance >= MIN_COVERAGE else []

    def _compare(
        self, question: ParsedQuestion, topic: Topic, ranked: Ranked, anchors: list | None = None
    ) -> Draft | None:
        """One fact per side of the comparison, each found by its own search in its own scope.

        With `anchors` given (an implicit comparison), nothing is said of a side not found, and a
        draft is made only when every side is found.
        """
        implicit = anchors is not None
        anchors = anchors if implicit else compare_anchors(question.scope)
        if len(anchors) < 2:
            return None
        picked: list[Unit] = []
        picked_places: list[str] = []
        missing: list[str] = []
        side_ranked: list = []
        for label, anchor in anchors:
            if anchor.home and picked and not anchor.periods and not anchor.years:
                # The province's figure for the same time as the place's ("溆浦县社零增速跟全省比").
                anchor = replace(anchor, periods=picked[-1].scope.periods, actual=not picked[-1].scope.plan)
            side = _side_question(question, anchor, [a for _, a in anchors if a is not anchor])
            side_hits = self.retrieve(side)[: 2 * self._top_k]
            side_ranked.extend(side_hits)
            candidates = [
                (unit_score(side, unit, topic, self._weights, hit.score), unit)
                for hit, units, _ in side_hits
                for unit in units
                if _fits(anchor, unit) and not any(_same_place(unit, p) for p in picked)
            ]
            best = max(candidates, key=lambda item: item[0])[1] if candidates else None
            if best is None or self._weights.coverage(topic, best.context_text) < MIN_COVERAGE:
                missing.append(label)
                continue
            picked.append(best)
            picked_places.append("、".join(sorted(anchor.places)) or ("全省" if anchor.home else ""))
        if not picked or (implicit and missing):
            return None
        retrieved = _retrieved_with(picked, ranked + side_ranked, self._top_k)
        draft = compose(picked, retrieved, places=picked_places)
        if missing:
            return Draft(draft.text + f"文档中没有{'、'.join(missing)}的对应数据。", False, draft.cited, retrieved)
        return draft


def _side_question(question: ParsedQuestion, anchor: Scope, others: list[Scope]) -> ParsedQuestion:
    """The question as asked about one side only: the other sides' time words taken out of its text."""
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
    return replace(question, search_text=text, scope=anchor, intent="figure")


def _current_year_unqualified(scope: Scope, best: Unit) -> bool:
    """A question about this year's figure that says neither target nor actual nor which months."""
    if scope.target or scope.actual or scope.periods or scope.places or scope.provinces:
        return False
    year = max(best.scope.years, default=None)
    return year is not None and scope.years <= {year} and (best.scope.plan or bool(best.scope.periods))


def _target_and_actual(best: Unit) -> list[tuple[str, Scope]]:
    years = frozenset({max(best.scope.years)})
    return [("目标", Scope(years=years, target=True)), ("实际进展", Scope(years=years, actual=True))]


def _retrieved_with(units: list[Unit], ranked: Ranked, top_k: int) -> tuple[Hit, ...]:
    """The top passages, making room for every passage a cited unit comes from; each passage once."""
    best: dict[str, tuple[Hit, list[Unit], float]] = {}
    for item in ranked:
        chunk_id = item[0].chunk.id
        if chunk_id not in best or item[2] > best[chunk_id][2]:
            best[chunk_id] = item
    ordered = sorted(best.values(), key=lambda item: -item[2])
    cited = {unit.chunk.id for unit in units}
    needed = [item for item in ordered if item[0].chunk.id in cited]
    others = [item for item in ordered if item[0].chunk.id not in cited]
    chosen = needed + others[: max(0, top_k - len(needed))]
    return _as_retrieved(sorted(chosen, key=lambda item: -item[2]))


def _as_retrieved(items: Ranked) -> tuple[Hit, ...]:
    """Passages with the score they were ranked by (relative to the best), best first."""
    if not items:
        return ()
    top = max(item[2] for item in items) or 1.0
    return tuple(replace(hit, score=round(rank / top, 6)) for hit, _, rank in items)


def _fits(anchor: Scope, unit: Unit) -> bool:
    scope = unit.scope
    if anchor.places and not anchor.places & scope.places and not any(p in scope.text for p in anchor.places):
        return False
    if anchor.home and scope.places:
        return False
    if anchor.target:
        return scope.plan and (not anchor.years or bool(anchor.years & scope.years))
    if anchor.actual and scope.plan:
        return False
    if anchor.periods and not anchor.periods & scope.periods:
        return False
    return not anchor.years or bool(anchor.years & scope.years)


def _part_of(unit: Unit) -> Unit:
    """The part of its sentence (between ；) a unit lies in, or its sentence when it has no parts."""
    for other in split_units(unit.chunk):
        if other.level == "part" and other.start <= unit.start and unit.end <= other.end:
            return other
    return _sentence_of(unit)


def _item_count(text: str) -> int:
    """Items a phrase enumerates: 甲、乙、丙, or a bracketed list （甲，乙，丙）."""
    bracketed = max((len(re.split(r"[，、,]", inner)) for inner in re.findall(r"（([^）]*)）", text)), default=1)
    return max(text.count("、") + 1, bracketed)


def _count_of(words: str) -> int | None:
    """How many items a question asks for: "哪七个" -> 7, "十大" -> 10, "哪几个" -> None."""
    digits = re.findall(r"\d+", words)
    if digits:
        return int(digits[0])
    for char in words:
        if char in _NUMERALS:
            return _NUMERALS.index(char) + 1
    return None


def _opening(text: str) -> str:
    """How a phrase opens, with enumerators made alike: "①补…" and "②组…" open the same way."""
    if re.match(r"[\u2460-\u2473]", text):
        return "①"
    if re.match(r"[一二三四五六七八九十]+是", text):
        return "一是"
    return text[:2]


def _position(unit: Unit) -> tuple[str, int, int]:
    return (unit.chunk.doc, unit.chunk.start, unit.start)


def _sentence_of(unit: Unit) -> Unit:
    return Unit(unit.chunk, unit.sentence_start, unit.sentence_end, "sentence", unit.sentence_start, unit.sentence_end)


def _same_place(a: Unit, b: Unit) -> bool:
    """Whether two units overlap in the original text."""
    (a_start, a_end), (b_start, b_end) = a.original_span, b.original_span
    return a.chunk.doc == b.chunk.doc and a_start < b_end and b_start < a_end


def _is_heading_only(unit: Unit) -> bool:
    """A sentence that only repeats its section's lead phrase ("大力提振消费。")."""
    return unit.text.rstrip("。；，") in unit.chunk.section
