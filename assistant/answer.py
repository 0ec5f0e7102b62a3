"""The answer and its citations: plain data that serializes to the JSON contract."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Citation:
    """A minimal span (sentence or clause) of an original corpus file."""

    id: int
    doc: str  # path relative to corpus/
    title: str
    section: str  # section path, e.g. "<title> › 二、关于2025年工作 › …"
    start: int  # Python string indices into the original file text
    end: int
    quote: str  # == original_text[start:end]
    #: The chunk the quote sits in, for showing the quote in context (not part of the JSON contract).
    passage_start: int = -1
    passage_end: int = -1
    #: The 1-based page of a PDF the quote starts on; None for formats without pages. In the JSON only
    #: when set, so that the contract of the other formats is unchanged.
    page: int | None = None

    def to_dict(self) -> dict[str, Any]:
        record = {
            "id": self.id,
            "doc": self.doc,
            "title": self.title,
            "section": self.section,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
        }
        if self.page is not None:
            record["page"] = self.page
        return record


@dataclass(frozen=True)
class RetrievedPassage:
    doc: str
    start: int
    end: int
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"doc": self.doc, "start": self.start, "end": self.end, "score": round(float(self.score), 6)}


@dataclass(frozen=True)
class Timings:
    retrieve: float = 0.0
    answer: float = 0.0
    total: float = 0.0

    def to_dict(self) -> dict[str, float]:
        return {"retrieve": round(self.retrieve, 2), "answer": round(self.answer, 2), "total": round(self.total, 2)}


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    refused: bool
    citations: tuple[Citation, ...] = ()
    retrieved: tuple[RetrievedPassage, ...] = ()
    timings_ms: Timings = field(default_factory=Timings)
    id: Any = None
    #: The question as understood (after follow-up resolution and normalisation); not in the contract.
    resolved_question: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "citations": [c.to_dict() for c in self.citations],
            "retrieved": [r.to_dict() for r in self.retrieved],
            "timings_ms": self.timings_ms.to_dict(),
        }
