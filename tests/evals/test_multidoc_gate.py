"""The quality gate on many documents: the two seeds and the 31 reports of ../shared/newdocs in one
corpus, as a new user would drop them in (no manifest entries for the reports: their metadata is read from
their text), and the question sets written blind about those reports (dev.jsonl: ten reports, dev2.jsonl:
six others, dev3.jsonl: the last six, dev4.jsonl: ten of the dev sets' reports again, test.jsonl: ten more,
in evals/multidoc/), each against its bounds
(thresholds-*.toml there).

The test set is scored here only as aggregate numbers: its bounds come from its aggregate score, never from
its individual questions. Skipped when ../shared/newdocs is not beside the project.
"""

import shutil

import pytest

from evals.dataset import PROJECT_ROOT
from evals.harness import evaluate, load_expectations, read_originals
from evals.report import run_table
from evals.sources import InProcessSource
from evals.thresholds import check, load_bounds

NEWDOCS = PROJECT_ROOT.parent / "shared" / "newdocs"
MULTIDOC = PROJECT_ROOT / "evals" / "multidoc"
GATES = {
    "multidoc-dev": (MULTIDOC / "dev.jsonl", MULTIDOC / "thresholds-dev.toml"),
    "multidoc-dev2": (MULTIDOC / "dev2.jsonl", MULTIDOC / "thresholds-dev2.toml"),
    "multidoc-dev3": (MULTIDOC / "dev3.jsonl", MULTIDOC / "thresholds-dev3.toml"),
    "multidoc-dev4": (MULTIDOC / "dev4.jsonl", MULTIDOC / "thresholds-dev4.toml"),
    "multidoc-dev5": (MULTIDOC / "dev5.jsonl", MULTIDOC / "thresholds-dev5.toml"),
    "multidoc-dev6": (MULTIDOC / "dev6.jsonl", MULTIDOC / "thresholds-dev6.toml"),
    "multidoc-test": (MULTIDOC / "test.jsonl", MULTIDOC / "thresholds-test.toml"),
}


@pytest.fixture(scope="module")
def many_documents(tmp_path_factory, assistant_settings, exported_model):
    reports = sorted(NEWDOCS.glob("*.txt")) if NEWDOCS.is_dir() else []
    if len(reports) < 31:
        pytest.skip("the reports of ../shared/newdocs are not beside the project")
    from assistant.engine import Assistant

    corpus = tmp_path_factory.mktemp("many-documents")
    for path in (PROJECT_ROOT / "corpus").iterdir():
        shutil.copy(path, corpus / path.name)
    for path in reports:
        shutil.copy(path, corpus / path.name)
    settings = assistant_settings.with_overrides(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("many-index"))
    return Assistant.from_settings(settings)


@pytest.mark.parametrize("name", sorted(GATES))
def test_headline_metrics_on_many_documents_meet_the_thresholds(many_documents, name):
    dataset, bounds = GATES[name]
    corpus_dir = many_documents.settings.corpus_dir
    expectations = load_expectations(dataset, corpus_dir)
    run = evaluate(expectations, InProcessSource(many_documents), read_originals(corpus_dir), dataset=str(dataset))
    violations = check(run.metrics, load_bounds(bounds))
    assert not violations, "\n".join(map(str, violations)) + "\n\n" + run_table(run)
