"""Score: the fitted weights file matches the features the code computes, and gives probabilities."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.answering.decide import QUESTION_FEATURES
from assistant.answering.features import FEATURE_NAMES
from assistant.answering.scoring import ModelFileError, load_answer_model, untrained_model


def test_the_shipped_model_fits_the_features_of_the_code():
    model = load_answer_model()
    assert model.unit.features == FEATURE_NAMES and model.question.features == QUESTION_FEATURES
    assert 0 < model.thresholds.hedge <= model.thresholds.answer < 1
    p = model.unit.probabilities(np.zeros((3, len(FEATURE_NAMES))))
    assert p.shape == (3,) and np.all((0 < p) & (p < 1))


def test_an_untrained_model_scores_everything_alike():
    model = untrained_model()
    assert np.allclose(model.unit.probabilities(np.random.default_rng(0).normal(size=(4, len(FEATURE_NAMES)))), 0.5)


@pytest.mark.parametrize(
    "change",
    [lambda d: d.update(format=99), lambda d: d["unit"]["features"].pop(), lambda d: d.pop("thresholds"), lambda d: d["unit"].update(coef=[1.0])],
)
def test_a_bad_weights_file_is_a_clear_error(tmp_path, change):
    data = json.loads(json.dumps(_shipped()))
    change(data)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelFileError):
        load_answer_model(path)


def _shipped() -> dict:
    from importlib import resources

    return json.loads(resources.files("assistant").joinpath("data/answer_model.json").read_text(encoding="utf-8"))


def test_probable_evidence_without_a_scope_conflict_stands_against_the_question_model(corpus_chunks):
    from assistant.answering.decide import evidence_stands
    from assistant.answering.gather import Candidate
    from assistant.evidence import split_units
    from assistant.retrieval.retriever import Hit

    chunk = corpus_chunks[10]
    unit = split_units(chunk)[0]
    clean = [0.0] * len(FEATURE_NAMES)
    conflicted = list(clean)
    conflicted[FEATURE_NAMES.index("year_conflict")] = 1.0
    hit = Hit(chunk, 1.0, 10)
    assert evidence_stands(Candidate(unit, hit, 0, tuple(clean), 0.99), 0.98)
    assert not evidence_stands(Candidate(unit, hit, 0, tuple(clean), 0.97), 0.98)
    assert not evidence_stands(Candidate(unit, hit, 0, tuple(conflicted), 0.999), 0.98)
    assert not evidence_stands(None, 0.98)
    assert load_answer_model().thresholds.evidence > 0.5  # the shipped floor, fitted by `python -m evals fit`


def test_evidence_without_the_kind_of_figure_asked_for_does_not_stand(corpus_chunks):
    from assistant.answering.decide import asked_none_given, evidence_stands
    from assistant.answering.gather import Candidate
    from assistant.evidence import split_units
    from assistant.question import parse_question
    from assistant.retrieval.retriever import Hit

    growth = next(u for c in corpus_chunks for u in split_units(c) if "装备制造业增加值增长" in u.text and "%" in u.text)
    features = [0.0] * len(FEATURE_NAMES)
    features[FEATURE_NAMES.index("has_number")] = 1.0
    candidate = Candidate(growth, Hit(growth.chunk, 1.0, 0), 0, tuple(features), 0.999)
    share = parse_question("1-7月装备制造业增加值占规模工业的比重是多少？", 2025)
    rate = parse_question("1-7月装备制造业增加值增长多少？", 2025)
    # A growth rate is no share: asked for one, the growth does not stand, however probable.
    assert asked_none_given(share, candidate)[3] == 1.0 and not evidence_stands(candidate, 0.98, share)
    assert not any(asked_none_given(rate, candidate)) and evidence_stands(candidate, 0.98, rate)
