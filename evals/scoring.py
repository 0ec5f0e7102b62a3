"""Per-question metrics: one answer from the contract, checked against what the question expects.

Definitions (the aggregates in evals.aggregate are shares and means of these):

- answer correct: the question is answerable, and either the answer was not a refusal and contains
  every answer key (both sides NFKC-normalised, whitespace and Markdown `**` removed), or it was a
  refusal and the question accepts one (`accept_refusal`).
- refusal correct: the question is unanswerable and the answer is a refusal.
- false refusal: the question is answerable, does not accept a refusal, and the answer is a refusal.
- a citation is valid when its doc is a corpus file, 0 <= start <= end <= len(text) and
  quote == text[start:end] of the original file.
- a citation is precise when it covers some gold evidence span (evals.spans.covers: same doc, overlap
  at least half the gold span); a gold span is recalled when some single citation covers it.
- all_gold_rank: the smallest r such that the union of the top-r retrieved passages covers every gold
  span; hit@k means all_gold_rank <= k.
- first_gold_rank: the smallest r such that the union of the top-r retrieved passages covers at least
  one gold span (for a short gold span: the rank of the first passage covering it); its reciprocal,
  0 when no r within the retrieved list qualifies, averages to MRR.
- retrieved_chars_at_5: characters of the top five retrieved passages, summed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from assistant.answer import Answer, Citation

from evals.dataset import normalize  # one definition for dataset checks and scoring
from evals.spans import Span, covers, union_covers

HIT_KS = (1, 3, 5)
CHARS_AT = 5


@dataclass(frozen=True)
class Expectation:
    """What one question expects, in spans of the original corpus files."""

    id: str
    question: str
    type: str
    answerable: bool
    answer: str  # the reference answer, for reports
    answer_keys: tuple[str, ...]
    accept_refusal: bool
    gold: tuple[Span, ...]


@dataclass(frozen=True)
class QuestionScore:
    id: str
    type: str
    answerable: bool
    refused: bool
    answer_correct: bool | None  # None for unanswerable questions
    missing_keys: tuple[str, ...]
    refusal_correct: bool | None  # None for answerable questions
    false_refusal: bool | None  # None for unanswerable questions
    citations: int
    valid_citations: int
    precise_citations: int  # meaningful only when gold_spans > 0
    gold_spans: int
    recalled_gold_spans: int
    first_gold_rank: int | None
    all_gold_rank: int | None
    retrieved_chars_at_5: int
    latency_ms: float  # timings_ms.total as reported by the answerer
    wall_ms: float | None  # measured by the harness around the call, when it made the call

    @property
    def has_gold(self) -> bool:
        return self.answerable and self.gold_spans > 0

    def hit_at(self, k: int) -> bool | None:
        if not self.has_gold:
            return None
        return self.all_gold_rank is not None and self.all_gold_rank <= k

    @property
    def reciprocal_rank(self) -> float | None:
        if not self.has_gold:
            return None
        return 0.0 if self.first_gold_rank is None else 1.0 / self.first_gold_rank

    @property
    def failures(self) -> tuple[str, ...]:
        """Names of the checks this answer failed, worst first."""
        failed = []
        if self.refusal_correct is False:
            failed.append("answered an unanswerable question")
        if self.false_refusal:
            failed.append("refused an answerable question")
        elif self.answer_correct is False:
            failed.append("missing " + "、".join(self.missing_keys))
        if self.valid_citations < self.citations:
            failed.append(f"{self.citations - self.valid_citations} invalid citation(s)")
        if self.has_gold and self.recalled_gold_spans < self.gold_spans:
            failed.append(f"evidence cited {self.recalled_gold_spans}/{self.gold_spans}")
        if self.has_gold and not self.hit_at(max(HIT_KS)):
            failed.append(f"evidence not retrieved in top {max(HIT_KS)}")
        return tuple(failed)


def citation_is_valid(citation: Citation, originals: Mapping[str, str]) -> bool:
    text = originals.get(citation.doc)
    if text is None or not 0 <= citation.start <= citation.end <= len(text):
        return False
    return text[citation.start : citation.end] == citation.quote


def score_answer(
    expected: Expectation, answer: Answer, originals: Mapping[str, str], wall_ms: float | None = None
) -> QuestionScore:
    """Score one answer; `originals` maps each corpus doc (relative path) to its original file text."""
    normalized = normalize(answer.answer)
    missing = tuple(key for key in expected.answer_keys if normalize(key) not in normalized)
    correct: bool | None = None
    if expected.answerable:
        correct = expected.accept_refusal if answer.refused else not missing
    cited = [Span(c.doc, c.start, c.end) for c in answer.citations if 0 <= c.start <= c.end]
    retrieved = [Span(r.doc, r.start, r.end) for r in answer.retrieved if 0 <= r.start <= r.end]
    return QuestionScore(
        id=expected.id,
        type=expected.type,
        answerable=expected.answerable,
        refused=answer.refused,
        answer_correct=correct,
        missing_keys=() if answer.refused else missing,
        refusal_correct=None if expected.answerable else answer.refused,
        false_refusal=(answer.refused and not expected.accept_refusal) if expected.answerable else None,
        citations=len(answer.citations),
        valid_citations=sum(citation_is_valid(c, originals) for c in answer.citations),
        precise_citations=sum(any(covers(c, g) for g in expected.gold) for c in cited),
        gold_spans=len(expected.gold),
        recalled_gold_spans=sum(any(covers(c, g) for c in cited) for g in expected.gold),
        first_gold_rank=_first_rank(retrieved, expected.gold, need_all=False),
        all_gold_rank=_first_rank(retrieved, expected.gold, need_all=True),
        retrieved_chars_at_5=sum(len(s) for s in retrieved[:CHARS_AT]),
        latency_ms=answer.timings_ms.total,
        wall_ms=wall_ms,
    )


def _first_rank(retrieved: list[Span], gold: tuple[Span, ...], need_all: bool) -> int | None:
    if not gold:
        return None
    quantifier = all if need_all else any
    for rank in range(1, len(retrieved) + 1):
        if quantifier(union_covers(retrieved[:rank], g) for g in gold):
            return rank
    return None
