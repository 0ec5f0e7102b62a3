"""From dataset questions to expectations, and a run through a source (the answers file)."""

import json

from eval_support import GROWTH, WORK_REPORT, make_answer
from evals.dataset import load_questions
from evals.harness import DEFAULT_DATASET, evaluate, load_expectations
from evals.sources import AnswersFileSource


def test_expectations_locate_every_evidence_quote(settings, originals):
    questions = {q.id: q for q in load_questions(DEFAULT_DATASET)}
    expectations = load_expectations(DEFAULT_DATASET, settings.corpus_dir)
    assert len(expectations) == len(questions)
    for e in expectations:
        question = questions[e.id]
        assert e.answerable == (question.type != "unanswerable")
        quotes = [originals[g.doc][g.start : g.end] for g in e.gold]
        assert quotes == ([ev.quote for ev in question.evidence] if e.answerable else [])


def test_limit_keeps_the_first_questions(settings):
    first = load_expectations(DEFAULT_DATASET, settings.corpus_dir, limit=3)
    assert [e.id for e in first] == [q.id for q in load_questions(DEFAULT_DATASET)[:3]]


def test_evaluate_scores_each_question_in_order(tmp_path, settings, originals, cite, span_of):
    expectations = load_expectations(DEFAULT_DATASET, settings.corpus_dir, limit=2)
    growth = span_of(WORK_REPORT, GROWTH)
    path = tmp_path / "answers.jsonl"
    path.write_text(
        "".join(
            json.dumps(make_answer("?", citations=(cite(growth),), id=e.id).to_dict(), ensure_ascii=False) + "\n"
            for e in reversed(expectations)
        ),
        encoding="utf-8",
    )
    seen = []
    run = evaluate(expectations, AnswersFileSource(path), originals, "questions", on_answer=seen.append)
    assert [o.expected.id for o in run.outcomes] == [e.id for e in expectations] == [o.expected.id for o in seen]
    assert run.source == f"answers {path}" and run.metrics.questions == 2
    assert run.metrics.citation_validity == 1.0
