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


def test_the_competing_process_burns_cpu_and_is_gone_afterwards():
    import os
    import time

    from evals.bench import competing_process

    with competing_process() as process:
        pid = process.pid
        with open(f"/proc/{pid}/stat") as stat:
            before = sum(int(x) for x in stat.read().split()[13:15])
        time.sleep(0.5)
        with open(f"/proc/{pid}/stat") as stat:
            after = sum(int(x) for x in stat.read().split()[13:15])
        assert process.poll() is None and after > before  # it runs and uses CPU
    assert process.poll() is not None
    assert not os.path.exists(f"/proc/{pid}/stat") or "Z" not in open(f"/proc/{pid}/stat").read().split()[2]


def test_the_embedding_line_of_a_real_build_is_read_back(settings, tmp_path, exported_model):
    from assistant.engine import ensure_index
    from evals.bench import embedding_log

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    add_document(corpus)
    lines: list[str] = []
    local = settings.with_overrides(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=tmp_path / "cache")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "models").symlink_to(exported_model.models_dir, target_is_directory=True)
    index = ensure_index(local, load_corpus(corpus), local.embedding_model(), log=lines.append)
    passages, embedded, seconds = embedding_log("\n".join(lines))
    assert passages == embedded == len(index.chunks) > 0 and seconds > 0
    assert embedding_log("nothing embedded here") is None


def test_warm_latency_runs_in_a_fresh_process_and_reports_first_and_tenth(settings, real_assistant, tmp_path):
    from evals.bench import bench_warm_latency

    questions = [(f"q{i}", q) for i, q in enumerate(["2024年全省粮食总产是多少？", "今年社零增长目标是多少？"] * 5)]
    env = settings_env(index_dir=settings.index_dir)
    measurements = {m.name: m for m in bench_warm_latency(env, questions, tmp_path, "2 documents")}
    names = [name for name in measurements if name.startswith("warm query latency, 2 documents, quiet")]
    assert {n.rsplit(", ", 1)[1] for n in names} == {"median", "p95", "first question", "tenth question"}
    assert all(m.value > 0 for m in measurements.values())
    assert "ONNX Runtime" in measurements["warm query latency, 2 documents, quiet, median"].note
