"""Aggregate per-question scores into the headline metrics, overall and per question type.

Shares are micro-averaged over what they count: answer accuracy and false-refusal rate over answerable
questions; refusal accuracy over unanswerable ones; citation validity over all citations; citation
precision over the citations given for answerable questions with gold evidence; citation recall and
hit@k over their gold evidence spans / questions; MRR and retrieved characters are means per question
(MRR over answerable questions with evidence, characters over all questions). A metric with nothing to
count is None.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass
from typing import Iterable, Sequence

from evals.scoring import QuestionScore


@dataclass(frozen=True)
class Metrics:
    questions: int
    answerable: int
    unanswerable: int
    answer_accuracy: float | None
    refusal_accuracy: float | None
    false_refusal_rate: float | None
    citation_validity: float | None
    citation_precision: float | None
    citation_recall: float | None
    hit_at_1: float | None
    hit_at_3: float | None
    hit_at_5: float | None
    mrr: float | None
    avg_retrieved_chars_at_5: float | None
    latency_median_ms: float | None
    latency_p95_ms: float | None
    wall_median_ms: float | None
    wall_p95_ms: float | None

    def to_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


#: The headline metrics, in table order: (field, column label, kind) with kind "share", "chars" or "ms".
HEADLINE: tuple[tuple[str, str, str], ...] = (
    ("answer_accuracy", "answer acc.", "share"),
    ("refusal_accuracy", "refusal acc.", "share"),
    ("false_refusal_rate", "false refusals", "share"),
    ("citation_validity", "cit. validity", "share"),
    ("citation_precision", "cit. precision", "share"),
    ("citation_recall", "cit. recall", "share"),
    ("hit_at_1", "hit@1", "share"),
    ("hit_at_3", "hit@3", "share"),
    ("hit_at_5", "hit@5", "share"),
    ("mrr", "MRR", "share"),
    ("avg_retrieved_chars_at_5", "chars@5", "chars"),
    ("latency_median_ms", "median ms", "ms"),
    ("latency_p95_ms", "p95 ms", "ms"),
)


def aggregate(scores: Iterable[QuestionScore]) -> Metrics:
    scores = list(scores)
    answerable = [s for s in scores if s.answerable]
    unanswerable = [s for s in scores if not s.answerable]
    with_gold = [s for s in scores if s.has_gold]
    walls = [s.wall_ms for s in scores if s.wall_ms is not None]
    latencies = [s.latency_ms for s in scores]
    return Metrics(
        questions=len(scores),
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        answer_accuracy=_share(sum(bool(s.answer_correct) for s in answerable), len(answerable)),
        refusal_accuracy=_share(sum(bool(s.refusal_correct) for s in unanswerable), len(unanswerable)),
        false_refusal_rate=_share(sum(bool(s.false_refusal) for s in answerable), len(answerable)),
        citation_validity=_share(sum(s.valid_citations for s in scores), sum(s.citations for s in scores)),
        citation_precision=_share(sum(s.precise_citations for s in with_gold), sum(s.citations for s in with_gold)),
        citation_recall=_share(sum(s.recalled_gold_spans for s in with_gold), sum(s.gold_spans for s in with_gold)),
        hit_at_1=_share(sum(bool(s.hit_at(1)) for s in with_gold), len(with_gold)),
        hit_at_3=_share(sum(bool(s.hit_at(3)) for s in with_gold), len(with_gold)),
        hit_at_5=_share(sum(bool(s.hit_at(5)) for s in with_gold), len(with_gold)),
        mrr=_mean([s.reciprocal_rank or 0.0 for s in with_gold]),
        avg_retrieved_chars_at_5=_mean([s.retrieved_chars_at_5 for s in scores]),
        latency_median_ms=float(statistics.median(latencies)) if latencies else None,
        latency_p95_ms=percentile(latencies, 95) if latencies else None,
        wall_median_ms=float(statistics.median(walls)) if walls else None,
        wall_p95_ms=percentile(walls, 95) if walls else None,
    )


def aggregate_by_type(scores: Iterable[QuestionScore]) -> dict[str, Metrics]:
    groups: dict[str, list[QuestionScore]] = {}
    for score in scores:
        groups.setdefault(score.type, []).append(score)
    return {kind: aggregate(group) for kind, group in sorted(groups.items())}


def aggregate_by_document(scored: Iterable[tuple[str, QuestionScore]]) -> dict[str, Metrics]:
    """Metrics per document, each question counted under the document of its first gold span."""
    groups: dict[str, list[QuestionScore]] = {}
    for doc, score in scored:
        groups.setdefault(doc, []).append(score)
    return {doc: aggregate(group) for doc, group in sorted(groups.items())}


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _share(count: int, total: int) -> float | None:
    return count / total if total else None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
