"""The benchmark plumbing (the measurements themselves are `python -m evals bench`; never asserted)."""

import shutil
import sys

import pytest

from assistant.corpus import load_corpus
from assistant.settings import Settings
from evals.bench import EXTRA_DOCUMENT_NAME, BenchError, add_document, fresh_cache, run_child, settings_env


def test_fresh_cache_shares_only_the_model_folder(tmp_path):
    models = tmp_path / "real-cache" / "models"
    (models / "some-model").mkdir(parents=True)
    cache = fresh_cache(tmp_path / "work", models)
    settings = Settings(cache_dir=cache)
    assert (settings.model_cache_dir / "some-model").is_dir()
    assert settings.model_cache_dir.resolve() == models.resolve()
    assert not settings.embedding_cache_dir.exists()


def test_fresh_cache_needs_a_provisioned_model(tmp_path):
    with pytest.raises(BenchError, match="assistant model"):
        fresh_cache(tmp_path, tmp_path / "no-models")


def test_the_added_document_is_picked_up_by_the_corpus(settings, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(settings.corpus_dir, corpus)
    add_document(corpus)
    documents = load_corpus(corpus)
    assert len(documents) == len(load_corpus(settings.corpus_dir)) + 1
    assert documents[-1].doc == EXTRA_DOCUMENT_NAME


def test_settings_env_is_read_back_by_settings(tmp_path):
    env = settings_env(index_dir=tmp_path / "i", chunk_size=100, index_section_paths=False)
    settings = Settings.from_env(env)
    assert (settings.index_dir, settings.chunk_size, settings.index_section_paths) == (tmp_path / "i", 100, False)


def test_run_child_measures_its_own_child(tmp_path):
    out = tmp_path / "out.txt"
    code = "import sys; x = bytearray(64 * 2**20); print('ok'); print('err', file=sys.stderr)"
    child = run_child([sys.executable, "-c", code], {}, tmp_path / "log", out)
    assert out.read_text() == "ok\n" and (tmp_path / "log").read_text() == "err\n"
    assert child.returncode == 0 and child.seconds > 0 and child.max_rss_mib >= 64
    with pytest.raises(BenchError, match="exited with 3"):
        run_child([sys.executable, "-c", "raise SystemExit(3)"], {}, tmp_path / "log")
