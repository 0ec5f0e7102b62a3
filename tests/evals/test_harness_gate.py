"""The quality gate: the own question set and both blind sets, in process, default settings, each against
its bounds (evals/thresholds.toml, evals/blind/thresholds-{dev,dev2,dev3,test}.toml).

The Assistant is the session's one `real_assistant` (tests/conftest.py), built once. The blind test set
is scored here only as aggregate numbers: its bounds are set from its aggregate score, never from its
individual questions.
"""

import pytest

from evals.dataset import PROJECT_ROOT
from evals.harness import DEFAULT_DATASET, evaluate, load_expectations
from evals.report import run_table
from evals.sources import InProcessSource
from evals.thresholds import THRESHOLDS_PATH, check, load_bounds

BLIND = PROJECT_ROOT / "evals" / "blind"
GATES = {
    "own": (DEFAULT_DATASET, THRESHOLDS_PATH),
    "blind-dev": (BLIND / "dev.jsonl", BLIND / "thresholds-dev.toml"),
    "blind-dev2": (BLIND / "dev2.jsonl", BLIND / "thresholds-dev2.toml"),
    "blind-dev3": (BLIND / "dev3.jsonl", BLIND / "thresholds-dev3.toml"),
    "blind-test": (BLIND / "test.jsonl", BLIND / "thresholds-test.toml"),
}


@pytest.mark.parametrize("name", sorted(GATES))
def test_headline_metrics_meet_the_thresholds(real_assistant, settings, originals, name):
    dataset, bounds = GATES[name]
    expectations = load_expectations(dataset, settings.corpus_dir)
    run = evaluate(expectations, InProcessSource(real_assistant), originals, dataset=str(dataset))
    violations = check(run.metrics, load_bounds(bounds))
    assert not violations, "\n".join(map(str, violations)) + "\n\n" + run_table(run)
