"""The quality gate's bounds file and how metrics are checked against it."""

from dataclasses import replace

import pytest

from evals.aggregate import aggregate
from evals.thresholds import THRESHOLDS_PATH, Bound, check, load_bounds

HEADLINE_GATED = {
    "answer_accuracy",
    "refusal_accuracy",
    "false_refusal_rate",
    "citation_validity",
    "citation_precision",
    "citation_recall",
    "hit_at_5",
    "avg_retrieved_chars_at_5",
}


def test_the_project_thresholds_gate_every_headline_metric():
    bounds = load_bounds(THRESHOLDS_PATH)
    assert {b.metric for b in bounds} == HEADLINE_GATED
    assert {b.metric for b in bounds if b.is_max} == {"false_refusal_rate", "avg_retrieved_chars_at_5"}


def test_check_minimum_maximum_and_unmeasured(expect, answer, originals):
    metrics = replace(aggregate([]), answer_accuracy=0.8, false_refusal_rate=0.1)
    assert check(metrics, (Bound("answer_accuracy", 0.8, False), Bound("false_refusal_rate", 0.1, True))) == []
    violations = check(metrics, (Bound("answer_accuracy", 0.81, False), Bound("false_refusal_rate", 0.05, True)))
    assert [v.bound.metric for v in violations] == ["answer_accuracy", "false_refusal_rate"]
    assert str(violations[0]) == "answer_accuracy = 0.8, must be at least 0.81"
    unmeasured = check(metrics, (Bound("hit_at_5", 0.0, False),))
    assert str(unmeasured[0]) == "hit_at_5 = not measured, must be at least 0"


def test_unknown_metric_or_section_is_an_error(tmp_path):
    (tmp_path / "a.toml").write_text("[min]\nanswer_acuracy = 0.5\n")
    with pytest.raises(ValueError, match="answer_acuracy"):
        load_bounds(tmp_path / "a.toml")
    (tmp_path / "b.toml").write_text("[minimum]\nanswer_accuracy = 0.5\n")
    with pytest.raises(ValueError, match="minimum"):
        load_bounds(tmp_path / "b.toml")
