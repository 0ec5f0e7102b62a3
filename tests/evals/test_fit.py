"""`python -m evals fit`: the fitted weights are reproducible from the data, and the engine can load them."""

from __future__ import annotations

import json

from assistant.answering.decide import QUESTION_FEATURES
from assistant.answering.features import FEATURE_NAMES
from assistant.answering.scoring import load_answer_model
from evals.dataset import DEFAULT_QUESTIONS, dump_questions, load_questions
from evals.fit import fit


def test_fitting_is_deterministic_and_writes_a_loadable_model(real_assistant, tmp_path):
    # A small tuning set (answerable and unanswerable questions) keeps the test short; the real fit
    # reads evals/questions.jsonl and evals/blind/dev.jsonl.
    questions = load_questions(DEFAULT_QUESTIONS)
    subset = [q for q in questions if q.answerable][:24] + [q for q in questions if not q.answerable][:8]
    dataset = tmp_path / "tuning.jsonl"
    dump_questions(subset, dataset)
    outputs = [tmp_path / "a.json", tmp_path / "b.json"]
    lines: list[str] = []
    for output in outputs:
        fit(real_assistant, datasets=[dataset], output=output, log=lines.append)
    first, second = (json.loads(p.read_text(encoding="utf-8")) for p in outputs)
    assert first == second
    assert first["unit"]["features"] == list(FEATURE_NAMES) and first["question"]["features"] == list(QUESTION_FEATURES)
    assert first["cross_validation"]["grouped_by"].startswith("question")
    model = load_answer_model(outputs[0])
    assert 0 < model.thresholds.hedge <= model.thresholds.answer < 1
    assert any("cross-validated" in line for line in lines)


def test_the_blind_test_set_is_never_a_tuning_set():
    from evals.fit import MULTIDOC_TUNING_SETS, TUNING_SETS

    assert all("test" not in path.name for path in (*TUNING_SETS, *MULTIDOC_TUNING_SETS))


def test_the_many_documents_corpus_is_assembled_from_the_seeds_and_the_reports(tmp_path):
    from evals.fit import assemble_many_documents

    seeds, reports = tmp_path / "seeds", tmp_path / "newdocs"
    seeds.mkdir(), reports.mkdir()
    (seeds / "a.md").write_text("# 甲", encoding="utf-8")
    assert assemble_many_documents(seeds, tmp_path / "corpus", reports) is None  # no reports: no such corpus
    (reports / "b.txt").write_text("乙", encoding="utf-8")
    folder = assemble_many_documents(seeds, tmp_path / "corpus", reports)
    assert sorted(p.name for p in folder.iterdir()) == ["a.md", "b.txt"]
    (reports / "b.txt").write_text("乙改", encoding="utf-8")
    assert (assemble_many_documents(seeds, folder, reports) / "b.txt").read_text(encoding="utf-8") == "乙改"
