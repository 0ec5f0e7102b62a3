"""The quality gate: the whole question set, in process, default settings, against evals/thresholds.toml.

The Assistant is the session's one `real_assistant` (tests/conftest.py), built once.
"""

from evals.harness import DEFAULT_DATASET, evaluate, load_expectations
from evals.report import run_table
from evals.sources import InProcessSource
from evals.thresholds import check, load_bounds


def test_headline_metrics_meet_the_thresholds(real_assistant, settings, originals):
    expectations = load_expectations(DEFAULT_DATASET, settings.corpus_dir)
    run = evaluate(expectations, InProcessSource(real_assistant), originals, dataset=str(DEFAULT_DATASET))
    violations = check(run.metrics, load_bounds())
    assert not violations, "\n".join(map(str, violations)) + "\n\n" + run_table(run)
