"""The answering pipeline: each stage's typed output is the next stage's input."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Mapping

from ..evidence import Unit
from ..question import ParsedQuestion, parse_question
from ..regions import Regions
from ..retrieval.retriever import Hit, Retriever
from ..terms import TermWeights
from .compose import Claim, Draft, UnverifiedNumber, cite, compose, difference, refusal, stated_difference
from .decide import ANSWER, HEDGE, REFUSE, Decision, decide
from .gather import Gatherer, PartEvidence
from .headings import asks_layout, children, named_parent, names_document
from .scoring import AnswerModel, load_answer_model
from .select import inside, overlaps, rank_first, select_units, unlisted_name
from .understand import MAX_PARTS, Understanding, asks_comparison, has_own_topic, understand

#: How much of what a part asks its best unit must name for an earlier citation holding it to answer the part.
ANSWERED_COVERAGE = 0.5
#: The candidates whose documents a question about a layout may be about, and the parts an answer lists.
LAYOUT_CANDIDATES = 12
MAX_LAYOUT_PARTS = 12
HEDGE_PREFIX = "文档中没有与问题完全对应的表述，最相关的内容是："
NOT_FOUND = "文档中未找到与该问题直接相关的内容，请补充具体的指标或事项。"


@dataclass(frozen=True)
class Trace:
    """What each stage produced, for evaluation and fitting."""

    understanding: Understanding
    evidence: tuple[PartEvidence, ...]
    decisions: tuple[Decision, ...]
    gather_ms: float = 0.0  # retrieval and scoring of the candidates


class Answerer:
    def __init__(
        self,
        retriever: Retriever,
        weights: TermWeights,
        top_k: int,
        reference_year: int,
        known_years: frozenset[int] = frozenset(),
        model: AnswerModel | None = None,
        regions: Regions | None = None,
        years_by_doc: dict[str, frozenset[int]] | None = None,
        texts: Mapping[str, str] | None = None,
    ) -> None:
        self._weights = weights
        #: Term weights and known years of the documents a question is answered from (a region's).
        self._weights_within: dict[frozenset[str], TermWeights] = {}
        self._years_by_doc = years_by_doc or {}
        self._top_k = top_k
        self._reference_year = reference_year
        self._known_years = known_years
        self._regions = regions or Regions({}, "")
        self.model = model or load_answer_model()
        self.gatherer = Gatherer(retriever, weights, self.model, texts)

    def trace(self, question: ParsedQuestion, implied: bool = True, within: frozenset[str] | None = None) -> Trace:
        """Each stage's output for a question; `within`: the only documents it may be answered from."""
        started = time.perf_counter()
        understanding = self._within(self._understand(question, implied), within)
        self.gatherer.encode_ahead(understanding.parts)
        evidence = tuple(self.gatherer.gather(part, self.weights_for(part.docs)) for part in understanding.parts)
        gathered = time.perf_counter()
        covered = frozenset(self._regions.covered)
        decisions = tuple(
            decide(e, self.model, self.weights_for(e.part.docs), self._years_for(e.part.docs), covered) for e in evidence
        )
        evidence, decisions = self._retried(evidence, decisions, covered)
        if understanding.implicit and any(d.verdict != ANSWER for d in decisions):
            # An implied side is missing: the question as asked, in one part.
            again = self.trace(question, implied=False, within=within)
            return replace(again, gather_ms=again.gather_ms + (gathered - started) * 1000)
        return Trace(understanding, evidence, decisions, (gathered - started) * 1000)

    def _retried(
        self, evidence: tuple[PartEvidence, ...], decisions: tuple[Decision, ...], covered: frozenset[str]
    ) -> tuple[tuple[PartEvidence, ...], tuple[Decision, ...]]:
        """A later ask that finds nothing, asked again in its other reading (`SubQuestion.retry`)."""
        evidence, decisions = list(evidence), list(decisions)
        for at, (part_evidence, decision) in enumerate(zip(evidence, decisions)):
            retry = part_evidence.part.retry
            if retry is None or decision.verdict != REFUSE or decision.other_region:
                continue
            weights = self.weights_for(retry.docs)
            again = self.gatherer.gather(retry, weights)
            verdict = decide(again, self.model, weights, self._years_for(retry.docs), covered)
            if verdict.verdict != REFUSE:
                evidence[at], decisions[at] = again, verdict
        return tuple(evidence), tuple(decisions)

    def weights_for(self, docs: frozenset[str] | None) -> TermWeights:
        """How informative words are among the documents searched, as if they were the whole corpus."""
        if docs is None:
            return self._weights
        weights = self._weights_within.get(docs)
        if weights is None:
            weights = self._weights_within[docs] = TermWeights(tuple(c for c in self.gatherer.chunks if c.doc in docs))
        return weights

    def _years_for(self, docs: frozenset[str] | None) -> frozenset[int]:
        if docs is None or not self._years_by_doc:
            return self._known_years
        return frozenset(year for doc in docs for year in self._years_by_doc.get(doc, ()))

    def prepare(self) -> None:
        """Build each region's own search statistics now, not on its first question."""
        for docs in self._regions.searched_sets():
            self.gatherer.prepare_within(docs)
            self.weights_for(docs)

    def _understand(self, question: ParsedQuestion, implied: bool) -> Understanding:
        """The sub-questions, each placed in the region it is about: the one the question names, each of
        several it names ("A省和B省…分别"), or the home region."""
        named = self._regions.named(question.normalized)
        if len(named) < 2:
            region = named[0] if named else self._regions.home
            docs = self._regions.docs(region, question.normalized)
            weights = self.weights_for(docs)
            return self._placed(understand(self._localized(question, region), weights, self._reference_year, implied), region, docs)
        parts = []
        for region in named[:MAX_PARTS]:
            text = self._regions.without_others(question.normalized, region, named)
            docs = self._regions.docs(region, text)
            weights = self.weights_for(docs)
            understood = understand(self._localized(parse_question(text, self._reference_year), region), weights, self._reference_year, False)
            own = self._placed(understood, region, docs)
            for number, part in enumerate(own.parts):
                # "…分别是多少？相差多少？", "谁快，快多少": the difference is computed once, not asked of each region.
                if number and (asks_comparison(part.parsed.normalized) or not has_own_topic(part.topic, weights)):
                    continue
                parts.append(replace(part, label=region + part.label))
        compare = question.intent == "compare" or asks_comparison(question.normalized)
        topic = self._weights.topic(question.variants)
        return Understanding(question, topic, tuple(parts), compare=compare and len(parts) == len(named[:MAX_PARTS]))

    def _within(self, understanding: Understanding, within: frozenset[str] | None) -> Understanding:
        """The sub-questions searched only among chosen documents: those of the region a question names
        (none, when no chosen document speaks for it), or all chosen ones when it names none."""
        if within is None:
            return understanding
        named = bool(self._regions.named(understanding.question.normalized))
        def restricted(part):
            docs = (part.docs & within) if named and part.docs is not None else within
            return replace(part, docs=docs, retry=restricted(part.retry) if part.retry is not None else None)

        return replace(understanding, parts=tuple(restricted(p) for p in understanding.parts))

    def _localized(self, question: ParsedQuestion, region: str) -> ParsedQuestion:
        """The question as read inside its region's documents: the region is "the province itself", and
        its name, which those documents seldom write ("全省…"), is not searched for."""
        localized = replace(question, scope=self._regions.localize(question.scope, region))
        if not self._regions.several or region not in question.normalized:
            return localized
        return replace(
            localized,
            search_text=self._regions.unnamed(question.search_text, region),
            canonical=self._regions.unnamed(question.canonical, region),
        )

    def _placed(self, understanding: Understanding, region: str, docs: frozenset[str] | None) -> Understanding:
        def placed(part):
            retry = placed(part.retry) if part.retry is not None else None
            return replace(part, parsed=self._localized(part.parsed, region), docs=docs, retry=retry)

        return replace(understanding, parts=tuple(placed(p) for p in understanding.parts))

    def answer(self, question: ParsedQuestion, within: frozenset[str] | None = None) -> tuple[Draft, Trace]:
        trace = self.trace(question, within=within)
        try:
            return self._compose(trace), trace
        except UnverifiedNumber:
            # Never emit a figure the cited span does not hold: say what was found instead.
            return Draft(NOT_FOUND, True, (), self._retrieved(trace, [])), trace

    def _compose(self, trace: Trace) -> Draft:
        understanding, evidence, decisions = trace.understanding, trace.evidence, trace.decisions
        question = understanding.question
        layout = self._layout(question, evidence)
        if layout:
            headings = [Claim(u, "") for u in layout]
            return compose(headings, self._retrieved(trace, []), one_label=True, citing=cite(headings, widen=False))
        if understanding.topic.empty or not any(e.candidates for e in evidence):
            return Draft(NOT_FOUND, True, (), self._retrieved(trace, []))
        answered = [(e, d) for e, d in zip(evidence, decisions) if d.verdict != REFUSE]
        if not answered:
            first, decision = evidence[0], decisions[0]
            nearest = _nearest(first)
            # Another region's passage is no "nearest thing" to a region the corpus does not cover.
            show = nearest is not None and not decision.other_region and not decision.reason.startswith("文档中未找到")
            return refusal(decision.reason, nearest if show else None, self._retrieved(trace, [nearest] if nearest else []))
        claims: list[Claim] = []
        firsts: list[int] = []  # the index of each answered part's first claim: a comparison's sides
        for part_evidence, decision in answered:
            units = select_units(
                part_evidence, self.gatherer.units, self.gatherer.section_chunks, self.weights_for(part_evidence.part.docs),
                self.model.thresholds.companion, part_evidence.part.parsed.normalized,
            )
            unlisted = unlisted_name(units, part_evidence.candidates, part_evidence.part.parsed.normalized) if part_evidence.part.parsed.intent == "list" else None
            if unlisted and len(evidence) == 1:
                # The report names the list but never says what is in it: no mention stands for its items.
                return refusal(f"文档只提到“{unlisted}”，没有列出其具体内容。", units[0], self._retrieved(trace, units[:1]))
            label = part_evidence.part.label if understanding.compare or len(evidence) > 1 else ""
            fresh = [u for u in units if not any(overlaps(u, c.unit) for c in claims)]
            if claims and not fresh and part_evidence.best is not None and not self._answered_within(part_evidence, claims):
                # Another part already cited this unit: the part's own best fact elsewhere, if close.
                # First among the other clauses of the part's own best sentence ("…生产总值增长4.2%左右，一、二、
                # 三产业增加值分别增长…": the first part cited the one, this part asks for the other).
                best_unit = units[0] if units else part_evidence.best.unit
                floor = 0.5 * part_evidence.best.probability
                pool = [
                    c.unit for c in part_evidence.candidates[:12]
                    if c.probability >= floor and not any(overlaps(c.unit, claim.unit) for claim in claims)
                ]
                in_best = [u for u in pool if inside(u, best_unit)]
                fresh = rank_first(in_best or pool, part_evidence.part.parsed.normalized)[:1]
            if fresh:
                firsts.append(len(claims))
            claims.extend(Claim(unit, label) for unit in fresh)
        citing = cite(claims)
        extra = ""
        if understanding.compare and len(firsts) >= 2 and len(answered) == len(evidence):
            terms = tuple(t for alternative in understanding.topic.alternatives for t in alternative)
            a, b = firsts[0], firsts[1]
            extra = difference(claims[a], claims[b], citing.numbers[a], citing.numbers[b], terms)
        if not extra and claims and asks_comparison(question.normalized):
            # "A比B快多少" of two figures the cited spans give by name, in one sentence or two.
            extra = stated_difference(question.normalized, claims, self.weights_for(evidence[0].part.docs).content_terms, citing.numbers)
        missing = [e.part.label or "部分问题" for e, d in zip(evidence, decisions) if d.verdict == REFUSE]
        suffix = f"文档中没有{'、'.join(missing)}的对应数据。" if missing and len(evidence) > 1 else ""
        hedged = all(d.verdict == HEDGE for _, d in answered)
        retrieved = self._retrieved(trace, [c.unit for c in claims])
        one_label = question.intent in ("list", "policy")
        return compose(
            claims, retrieved, one_label=one_label, difference=extra, prefix=HEDGE_PREFIX if hedged else "", suffix=suffix, citing=citing
        )

    def _layout(self, question: ParsedQuestion, evidence: tuple[PartEvidence, ...]) -> list[Unit]:
        """For a question about how a document or one of its parts is laid out, the headings of the parts:
        of the section it names by its heading ("特色亮点栏目介绍了哪些地方"), in a document its evidence
        comes from; else, of a question that names the document itself, the top-level parts of its best evidence's."""
        if not asks_layout(question.normalized):
            return []
        docs = list(dict.fromkeys(c.unit.chunk.doc for e in evidence for c in e.candidates[:LAYOUT_CANDIDATES]))
        for doc in docs:
            headings = self.gatherer.headings(doc)
            parent = named_parent(headings, question.normalized)
            if parent is not None and len(children(headings, parent)) >= 2:
                return [h.unit for h in children(headings, parent)][:MAX_LAYOUT_PARTS]
        if (question.about_document or names_document(question.normalized)) and docs:
            headings = self.gatherer.headings(docs[0])
            parts = children(headings, headings[0].section[:1]) if headings else []
            if len(parts) >= 2:
                return [h.unit for h in parts][:MAX_LAYOUT_PARTS]
        return []

    def _answered_within(self, evidence: PartEvidence, claims: list[Claim]) -> bool:
        """Whether an earlier part's citation holds this part's best unit whole, and that unit names what
        this part asks ("…总产466亿斤…，粮食单产1050斤…" cited for the 总产 answers 单产 too)."""
        best = evidence.best.unit
        if not any(inside(best, claim.unit) and best.original_span != claim.unit.original_span for claim in claims):
            return False  # the very unit an earlier part cited is no answer to another ask
        return self.weights_for(evidence.part.docs).coverage(evidence.part.topic, best.text) >= ANSWERED_COVERAGE

    def _retrieved(self, trace: Trace, cited: list) -> tuple[Hit, ...]:
        """The top passages over all sub-questions, making room for every cited passage; each once."""
        best: dict[str, tuple[Hit, float]] = {}
        for part_evidence in trace.evidence:
            for hit, score in part_evidence.passages:
                if hit.chunk.id not in best or score > best[hit.chunk.id][1]:
                    best[hit.chunk.id] = (hit, score)
        ordered = sorted(best.values(), key=lambda item: -item[1])
        cited_ids = {unit.chunk.id for unit in cited if unit is not None}
        needed = [item for item in ordered if item[0].chunk.id in cited_ids]
        others = [item for item in ordered if item[0].chunk.id not in cited_ids]
        chosen = sorted(needed + others[: max(0, self._top_k - len(needed))], key=lambda item: -item[1])
        if not chosen:
            return ()
        top = max(score for _, score in chosen) or 1.0
        return tuple(replace(hit, score=round(score / top, 6)) for hit, score in chosen)


def _nearest(evidence: PartEvidence):
    """The passage a refusal points at: for a period the documents lack, the nearest figure of a period
    they give (the months to date); otherwise the best candidate."""
    if evidence.best is None:
        return None
    asked = evidence.part.parsed.scope
    if asked.periods:
        for candidate in evidence.candidates[:30]:
            if candidate.unit.scope.periods and not candidate.unit.scope.plan:
                return candidate.unit
    return evidence.best.unit
