"""Gather: the candidate evidence units of each sub-question, from its own retrieval, scored.

Candidates are the sentences, parts (；) and clauses of the best passages a sub-question retrieves, and
for a question about a document itself also the document's title and closing blocks. Each candidate
carries its feature vector and the fitted probability that it is the evidence asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from ..chunking import Chunk
from ..evidence import Unit, split_units
from ..glossary import load_glossary
from ..retrieval.retriever import Hit, Retriever
from ..structure import FOOTER, PREAMBLE
from ..terms import TermWeights
from .features import FEATURE_NAMES, PartFeatures, UnitFacts, feature_matrix
from .headings import Heading, find_headings
from .scoring import AnswerModel
from .understand import SubQuestion


def parent_of(section: tuple[str, ...]) -> tuple[str, ...]:
    """The part of a document a section belongs to, for gathering the items of a list."""
    return section[:-1] if len(section) > 3 else section

#: Passages retrieved per sub-question, and how many of them are split into candidate units.
SEARCHED = 30
SPLIT = 16
#: How much the retrieval score weighs beside the best unit's probability when passages are ranked.
HIT_WEIGHT = 0.25
#: A pasted paragraph is embedded by its opening only: the encoder's cost grows with the length, and
#: on two cores a 512-token query would take both from every other request.
MAX_DENSE_QUERY_CHARS = 160
#: Header blocks come from the documents of this many top passages (all documents, up to a bound,
#: when the question is about a document itself).
HEADER_DOCS = 3
_CONTENT_INTENTS = ("list", "policy", "figure")
MAX_HEADER_DOCS = 40


@dataclass(frozen=True)
class Candidate:
    unit: Unit
    hit: Hit
    rank: int  # of the passage among the sub-question's retrieved passages
    features: tuple[float, ...]
    probability: float


@dataclass(frozen=True)
class PartEvidence:
    part: SubQuestion
    candidates: tuple[Candidate, ...]  # best first
    passages: tuple[tuple[Hit, float], ...]  # passages with their ranking score, best first

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


class Gatherer:
    def __init__(
        self, retriever: Retriever, weights: TermWeights, model: AnswerModel, texts: Mapping[str, str] | None = None
    ) -> None:
        self._retriever = retriever
        self._texts = texts or {}
        self._headings: dict[str, tuple[Heading, ...]] = {}
        self._weights = weights
        self._model = model
        self._units: dict[str, tuple[Unit, ...]] = {}
        self._facts: dict[str, tuple[UnitFacts, ...]] = {}
        self._by_doc: dict[str, list[Chunk]] = {}
        for chunk in sorted(retriever.chunks, key=lambda c: (c.doc, c.start)):
            self._by_doc.setdefault(chunk.doc, []).append(chunk)
        self._headers = _Headers(retriever.chunks)

    @property
    def chunks(self) -> tuple[Chunk, ...]:
        return self._retriever.chunks

    def headings(self, doc: str) -> tuple[Heading, ...]:
        """The section headings of a document, where they stand in its original text (none without it)."""
        headings = self._headings.get(doc)
        if headings is None:
            text = self._texts.get(doc)
            headings = self._headings[doc] = find_headings(text, self._by_doc.get(doc, [])) if text else ()
        return headings

    def units(self, chunk: Chunk) -> tuple[Unit, ...]:
        units = self._units.get(chunk.id)
        if units is None:
            units = self._units[chunk.id] = tuple(split_units(chunk))
        return units

    def facts(self, chunk: Chunk) -> tuple[UnitFacts, ...]:
        facts = self._facts.get(chunk.id)
        if facts is None:
            facts = self._facts[chunk.id] = tuple(UnitFacts.of(unit) for unit in self.units(chunk))
        return facts

    def prepare(self) -> None:
        """Split every passage into units and compute their facts and scopes now, not on a question's
        first touch."""
        for chunk in self._retriever.chunks:
            for facts in self.facts(chunk):
                facts.unit.scope
        for doc in self._by_doc:
            self.headings(doc)

    def prepare_within(self, docs: frozenset[str]) -> None:
        """Build now what searching only these documents needs."""
        self._retriever.prepare(docs)

    def encode_ahead(self, parts) -> None:
        """Embed the sub-questions' dense queries together before any is searched."""
        self._retriever.encode_ahead([part.parsed.canonical[:MAX_DENSE_QUERY_CHARS] for part in parts])

    def section_chunks(self, doc: str, section: tuple[str, ...]) -> list[Chunk]:
        """The passages of one part of a document (its section and every section under it), in order."""
        return [c for c in self._by_doc.get(doc, ()) if c.section[: len(section)] == section]

    def collect(
        self, part: SubQuestion, weights: TermWeights | None = None
    ) -> tuple[list[Hit], list[tuple[Unit, Hit, int]], list[list[float]]]:
        """The passages a sub-question retrieves, their candidate units and the units' features (with the
        term weights of the documents it is answered from, when given)."""
        weights = weights or self._weights
        parsed = part.parsed
        hits = self._retriever.search(parsed.search_text, parsed.canonical[:MAX_DENSE_QUERY_CHARS], SEARCHED, part.docs)
        split = hits[:SPLIT]
        # The title and closing blocks of the documents retrieved: who issued them, when, to whom.
        docs = {hit.chunk.doc for hit in split[:HEADER_DOCS]}
        present = {hit.chunk.id for hit in split}
        floor = min((hit.score for hit in split), default=0.0)
        split = split + [
            Hit(chunk, floor, position)
            for position, chunk in self._headers.get_all(docs, parsed.about_document, part.docs)
            if chunk.id not in present
        ]
        # A document's title block answers questions about the document, never a list or a figure.
        title_blocks = not parsed.about_document and parsed.intent in _CONTENT_INTENTS
        split = [hit for hit in split if not (title_blocks and hit.chunk.section[1:2] == (PREAMBLE,))]
        units: list[tuple[Unit, Hit, int]] = []
        rows = []
        features = PartFeatures(parsed, part.topic, weights)
        for rank, hit in enumerate(split):
            for facts in self.facts(hit.chunk):
                if part.anchor is None or fits_anchor(part.anchor, facts.unit):
                    units.append((facts.unit, hit, rank))
                    rows.append(features.row(facts, hit.score, rank))
        return split, units, rows

    def gather(self, part: SubQuestion, weights: TermWeights | None = None) -> PartEvidence:
        split, units, rows = self.collect(part, weights)
        probabilities = self._model.unit.probabilities(feature_matrix(rows)) if rows else np.zeros(0)
        return rank_candidates(part, split, units, rows, probabilities)


class _Headers:
    """The title and closing-block passages of each document, by document."""

    def __init__(self, chunks: tuple[Chunk, ...]) -> None:
        self._by_doc: dict[str, list[tuple[int, Chunk]]] = {}
        for position, chunk in enumerate(chunks):
            if len(chunk.section) > 1 and chunk.section[1] in (PREAMBLE, FOOTER):
                self._by_doc.setdefault(chunk.doc, []).append((position, chunk))

    def get_all(self, docs: set[str], every_document: bool, within: frozenset[str] | None = None) -> list[tuple[int, Chunk]]:
        """The header passages of `docs`; of every document (of `within`, when given) for a question about
        a document itself."""
        searched = self._by_doc if within is None else {d: c for d, c in self._by_doc.items() if d in within}
        chosen = searched if every_document and len(searched) <= MAX_HEADER_DOCS else {d: self._by_doc.get(d, []) for d in docs}
        return [item for doc in sorted(chosen) for item in chosen[doc]]


def rank_candidates(part: SubQuestion, split: list[Hit], units, rows, probabilities) -> PartEvidence:
    """Candidates best first, and passages ranked by their best candidate and their retrieval score."""
    # A unit that shares no word of the topic, nor does its paragraph or section, comes after every unit
    # that does (a question about a document itself may be answered by a header line sharing none).
    # So does one without a number, for a figure asked ("多少"): an answer to it must hold one.
    ranked_by_topic = not part.parsed.about_document
    asks_figure = part.parsed.intent in ("figure", "compare") and (part.parsed.expects.number or part.parsed.expects.percent)
    # So does one that names the opposite of what is asked (支出 for 收入) and not what is asked.
    opposed = load_glossary().opposed(part.parsed.normalized)
    candidates = sorted(
        (Candidate(unit, hit, rank, tuple(row), float(p)) for (unit, hit, rank), row, p in zip(units, rows, probabilities)),
        key=lambda c: (
            ranked_by_topic and not _on_topic(c),
            bool(opposed) and any(other in c.unit.text and asked not in c.unit.text for asked, other in opposed),
            bool(asks_figure) and not c.features[_HAS_NUMBER],
            -c.probability, c.rank, c.unit.start,
        ),
    )
    best_by_passage: dict[str, float] = {}
    for candidate in candidates:
        best_by_passage.setdefault(candidate.hit.chunk.id, candidate.probability)
    passages = sorted(
        ((hit, best_by_passage.get(hit.chunk.id, 0.0) + HIT_WEIGHT * hit.score) for hit in split),
        key=lambda item: -item[1],
    )
    return PartEvidence(part, tuple(candidates), tuple(passages))


_COVERAGE = tuple(FEATURE_NAMES.index(name) for name in ("cov_own", "cov_context", "cov_section"))
_HAS_NUMBER = FEATURE_NAMES.index("has_number")


def _on_topic(candidate: Candidate) -> bool:
    return any(candidate.features[i] for i in _COVERAGE)


def fits_anchor(anchor, unit: Unit) -> bool:
    """Whether a unit can be the fact of one side of a comparison (its year, period, target, place)."""
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
