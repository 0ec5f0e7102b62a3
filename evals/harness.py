"""One evaluation run: every question through one answer source, scored and aggregated."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from assistant.answer import Answer
from assistant.corpus import load_corpus

from evals.aggregate import Metrics, aggregate, aggregate_by_document, aggregate_by_type
from evals.dataset import DEFAULT_QUESTIONS, Question, evidence_spans, load_questions
from evals.scoring import Expectation, QuestionScore, score_answer
from evals.sources import AnswerSource
from evals.spans import Span

DEFAULT_DATASET = DEFAULT_QUESTIONS


@dataclass(frozen=True)
class Outcome:
    expected: Expectation
    answer: Answer
    score: QuestionScore


@dataclass(frozen=True)
class EvalRun:
    source: str
    dataset: str
    outcomes: tuple[Outcome, ...]
    metrics: Metrics
    by_type: Mapping[str, Metrics] = field(default_factory=dict)
    #: by the document of each question's first gold span ("（无）" for a question with none)
    by_document: Mapping[str, Metrics] = field(default_factory=dict)

    @property
    def scores(self) -> tuple[QuestionScore, ...]:
        return tuple(o.score for o in self.outcomes)


def expectation(question: Question, corpus_dir: Path) -> Expectation:
    """A dataset question with its evidence quotes located in the original files.

    Unanswerable questions have no gold spans, so retrieval and citation metrics leave them out.
    """
    spans = evidence_spans(question, corpus_dir) if question.answerable else []
    return Expectation(
        id=str(question.id),
        question=question.question,
        type=question.type,
        answerable=question.answerable,
        answer=question.answer,
        answer_keys=tuple(question.answer_keys),
        accept_refusal=bool(question.accept_refusal),
        gold=tuple(Span(doc, start, end) for doc, start, end in spans),
    )


def load_expectations(dataset: Path, corpus_dir: Path, limit: int | None = None) -> list[Expectation]:
    """The first `limit` questions (all when None) of a dataset file, as expectations."""
    questions = load_questions(dataset)
    if limit is not None:
        questions = questions[:limit]
    return [expectation(q, corpus_dir) for q in questions]


def read_originals(corpus_dir: Path) -> dict[str, str]:
    """Each corpus document's original file text, by its path relative to the corpus folder."""
    return {document.doc: document.text for document in load_corpus(corpus_dir)}


def evaluate(
    expectations: Sequence[Expectation],
    source: AnswerSource,
    originals: Mapping[str, str],
    dataset: str = "",
    on_answer: Callable[[Outcome], None] | None = None,
) -> EvalRun:
    outcomes = []
    for expected in expectations:
        sourced = source.answer(expected.id, expected.question)
        outcome = Outcome(expected, sourced.answer, score_answer(expected, sourced.answer, originals, sourced.wall_ms))
        outcomes.append(outcome)
        if on_answer is not None:
            on_answer(outcome)
    return summarize(source.name, dataset, outcomes)


def summarize(source: str, dataset: str, outcomes: Iterable[Outcome]) -> EvalRun:
    outcomes = tuple(outcomes)
    scores = [o.score for o in outcomes]
    documents = aggregate_by_document((o.expected.gold[0].doc if o.expected.gold else "（无）", o.score) for o in outcomes)
    return EvalRun(source, dataset, outcomes, aggregate(scores), aggregate_by_type(scores), documents)
