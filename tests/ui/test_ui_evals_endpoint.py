"""The evaluation harness against the running chat server (`python -m evals run --endpoint URL`):
it scores exactly what staff see, and that is what the library answers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from assistant.settings import PROJECT_ROOT, Settings
from evals.harness import evaluate, load_expectations, read_originals
from evals.sources import EndpointSource, InProcessSource

DATASET = PROJECT_ROOT / "evals" / "questions.jsonl"
LIMIT = 12


def test_endpoint_answers_score_like_the_library(server, real_assistant):
    corpus_dir = Settings.from_env().corpus_dir
    expectations = load_expectations(DATASET, corpus_dir, limit=LIMIT)
    originals = read_originals(corpus_dir)

    through_ui = evaluate(expectations, EndpointSource(server["url"]), originals)
    in_process = evaluate(expectations, InProcessSource(real_assistant), originals)

    assert through_ui.metrics.citation_validity == 1.0
    for remote, local in zip(through_ui.outcomes, in_process.outcomes):
        assert remote.answer.answer == local.answer.answer, remote.expected.question
        assert [c.to_dict() for c in remote.answer.citations] == [c.to_dict() for c in local.answer.citations]
    assert through_ui.metrics.answer_accuracy == in_process.metrics.answer_accuracy


def test_evals_cli_runs_against_the_endpoint(server, tmp_path: Path):
    completed = subprocess.run(
        [sys.executable, "-m", "evals", "run", "--endpoint", server["url"], "--limit", "5", "--reports-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=PROJECT_ROOT,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "endpoint" in completed.stdout
    assert list(tmp_path.glob("*.json")) and list(tmp_path.glob("*.md"))
