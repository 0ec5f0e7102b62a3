"""index_store: the persisted index is loaded when current, rebuilt (saying why) when missing, stale or
corrupt, and a failed build never leaves a half-written index behind. Real model, real FAISS.

Every test works on its own copy of the corpus and index folder, and on a copy of the embedding cache
(so that "only new passages are embedded" holds on every run, and the real cache is not grown).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant import index_store
from assistant.corpus import load_corpus
from assistant.embedding.model import EmbeddingModel
from assistant.engine import ensure_index
from assistant.index_store import CHUNKS, EMBEDDINGS, FAISS, FORMAT_VERSION, MANIFEST
from assistant.settings import Settings

WORK_REPORT = "2025-hunan-government-work-report.md"
NEW_PARAGRAPH = "　　全省新建智慧气象观测站128个，气象灾害预警信息覆盖率达到99.2%，为防汛抗旱提供了有力支撑。"


@pytest.fixture(scope="module")
def model(assistant_settings: Settings) -> EmbeddingModel:
    s = assistant_settings
    return EmbeddingModel(s.model, s.model_cache_dir, s.query_prompt, s.passage_prompt, s.embed_batch_size)


@pytest.fixture
def settings(tmp_path: Path, assistant_settings: Settings, real_assistant) -> Settings:
    """A private corpus copy, index folder and embedding cache (a copy of the real one, which the session
    Assistant has filled); the provisioned model is shared through a link."""
    corpus = tmp_path / "corpus"
    shutil.copytree(assistant_settings.corpus_dir, corpus)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "models").symlink_to(assistant_settings.model_cache_dir.resolve(), target_is_directory=True)
    shutil.copytree(assistant_settings.embedding_cache_dir, cache / "embeddings")
    return assistant_settings.with_overrides(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=cache)


def _ensure(settings: Settings, model: EmbeddingModel, log: list[str] | None = None):
    return ensure_index(settings, load_corpus(settings.corpus_dir), model, log=(log if log is not None else []).append)


def _add_paragraph(settings: Settings) -> None:
    """A new paragraph at the end of the work report's body (before its author footer)."""
    path = settings.corpus_dir / WORK_REPORT
    text = path.read_text(encoding="utf-8")
    footer = text.rindex("\n\n---")
    path.write_text(text[:footer] + "\n\n" + NEW_PARAGRAPH + text[footer:], encoding="utf-8")


def _snapshot(index_dir: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(index_dir.iterdir())}


def test_first_build_says_why_and_the_second_call_loads(settings, model):
    log: list[str] = []
    built = _ensure(settings, model, log)
    assert built.status == "built (no index yet)"
    assert log[0] == "building the index: no index yet"
    assert {p.name for p in settings.index_dir.iterdir()} == {MANIFEST, CHUNKS, EMBEDDINGS, FAISS}

    log.clear()
    loaded = _ensure(settings, model, log)
    assert loaded.status == "loaded" and loaded.embedded_now == 0 and log == []
    assert loaded.chunks == built.chunks
    assert np.array_equal(loaded.embeddings, built.embeddings)
    assert loaded.dense.size == len(loaded.chunks) == loaded.manifest.chunk_count
    assert loaded.manifest == built.manifest


def test_the_manifest_records_what_the_index_was_built_from(settings, model):
    built = _ensure(settings, model)
    manifest = json.loads((settings.index_dir / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["model_id"] == model.model_id
    assert manifest["dimension"] == built.embeddings.shape[1] == built.dense.dimension == 384
    assert manifest["corpus"] == {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in settings.corpus_dir.iterdir()
        if path.suffix in (".md", ".txt")
    }
    chunking = manifest["chunking"]
    assert {k: chunking[k] for k in ("recipe", "chunk_size", "chunk_overlap", "section_paths")} == {
        "recipe": "structured", "chunk_size": 160, "chunk_overlap": 0, "section_paths": True,
    }
    assert isinstance(chunking["code"], str) and len(chunking["code"]) == 16
    assert manifest["chunk_count"] == len(built.chunks)
    assert manifest["artefacts"] == {
        name: hashlib.sha256((settings.index_dir / name).read_bytes()).hexdigest() for name in (CHUNKS, EMBEDDINGS, FAISS)
    }


def test_a_changed_corpus_is_stale_naming_the_file_and_only_new_passages_are_embedded(settings, model):
    before = _ensure(settings, model)
    _add_paragraph(settings)
    documents = load_corpus(settings.corpus_dir)
    reason = index_store.staleness(settings.index_dir, index_store.expected_identity(settings, documents, model.model_id))
    assert reason == f"corpus changed (changed: {WORK_REPORT})"

    after = _ensure(settings, model)
    assert after.status == f"built ({reason})"
    assert 0 < after.embedded_now <= 3
    assert len(after.chunks) >= len(before.chunks)
    assert any("气象灾害预警信息覆盖率达到99.2%" in c.text for c in after.chunks)
    assert _ensure(settings, model).status == "loaded"


def test_an_added_document_is_named(settings, model):
    _ensure(settings, model)
    (settings.corpus_dir / "extra-note.md").write_text("# 补充说明\n\n" + NEW_PARAGRAPH + "\n", encoding="utf-8")
    after = _ensure(settings, model)
    assert after.status == "built (corpus changed (added: extra-note.md))"
    assert any(c.doc == "extra-note.md" for c in after.chunks)


@pytest.mark.parametrize(
    "overrides, reason",
    [({"chunk_size": 200}, "chunking changed"), ({"index_section_paths": False}, "chunking changed")],
)
def test_changed_chunking_settings_are_stale(settings, model, overrides, reason):
    _ensure(settings, model)
    changed = settings.with_overrides(**overrides)
    rebuilt = _ensure(changed, model)
    assert rebuilt.status == f"built ({reason})"
    assert rebuilt.manifest.chunking["chunk_size"] == changed.chunk_size


def test_a_different_model_or_format_is_stale(settings, model):
    _ensure(settings, model)
    identity = index_store.expected_identity(settings, load_corpus(settings.corpus_dir), model.model_id)
    assert index_store.staleness(settings.index_dir, identity) is None
    assert index_store.staleness(settings.index_dir, {**identity, "model_id": "another-model"}) == "model id changed"
    assert index_store.staleness(settings.index_dir, {**identity, "format_version": 1}) == "format version changed"


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 8)


@pytest.mark.parametrize("damage", [_truncate, _garbage], ids=["truncated", "garbage"])
@pytest.mark.parametrize("name", [FAISS, CHUNKS, EMBEDDINGS])
def test_a_corrupt_artefact_is_detected_and_rebuilt(settings, model, name, damage):
    built = _ensure(settings, model)
    damage(settings.index_dir / name)
    log: list[str] = []
    rebuilt = _ensure(settings, model, log)
    assert rebuilt.status == f"built ({name} is corrupt (hash mismatch))"
    assert log[0] == f"building the index: {name} is corrupt (hash mismatch)"
    assert rebuilt.embedded_now == 0  # the embeddings come from the cache
    assert rebuilt.chunks == built.chunks
    assert _ensure(settings, model).status == "loaded"


def test_a_missing_artefact_is_detected_and_rebuilt(settings, model):
    _ensure(settings, model)
    (settings.index_dir / FAISS).unlink()
    assert _ensure(settings, model).status == f"built ({FAISS} is missing)"


@pytest.mark.parametrize("damage", [_truncate, _garbage, lambda p: p.write_text("{}")], ids=["truncated", "garbage", "empty-object"])
def test_an_unreadable_manifest_is_rebuilt(settings, model, damage):
    _ensure(settings, model)
    damage(settings.index_dir / MANIFEST)
    rebuilt = _ensure(settings, model)
    assert rebuilt.status.startswith(("built (the manifest is unreadable (", "built (the manifest is invalid (missing "))
    assert _ensure(settings, model).status == "loaded"


def _vouch_for(index_dir: Path, name: str) -> None:
    """Make the manifest vouch for the damaged file, so that only reading it can find the damage."""
    path = index_dir / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["artefacts"][name] = hashlib.sha256((index_dir / name).read_bytes()).hexdigest()
    path.write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize(
    "name, damage",
    [
        (FAISS, _truncate),
        (FAISS, _garbage),
        (CHUNKS, _truncate),
        (CHUNKS, _garbage),
        (EMBEDDINGS, _garbage),
        (CHUNKS, lambda p: p.write_text(json.dumps([{"id": "x"}]), encoding="utf-8")),
    ],
    ids=["faiss-truncated", "faiss-garbage", "chunks-truncated", "chunks-garbage", "embeddings-garbage", "chunks-wrong-shape"],
)
def test_damage_the_manifest_vouches_for_is_found_when_reading_and_rebuilt(settings, model, name, damage):
    built = _ensure(settings, model)
    damage(settings.index_dir / name)
    _vouch_for(settings.index_dir, name)
    rebuilt = _ensure(settings, model)  # must not raise
    assert rebuilt.status.startswith("built (the index could not be read")
    assert rebuilt.chunks == built.chunks
    assert _ensure(settings, model).status == "loaded"


def test_a_failed_build_leaves_the_previous_index_loadable(settings, model):
    previous = _ensure(settings, model)
    identity = index_store.expected_identity(settings, load_corpus(settings.corpus_dir), model.model_id)
    files_before = _snapshot(settings.index_dir)
    cache_before = {p.name: p.read_bytes() for p in settings.embedding_cache_dir.iterdir()}

    _add_paragraph(settings)
    calls: list[list[str]] = []

    def failing_encode(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        raise RuntimeError("the encoder failed")

    with pytest.raises(RuntimeError, match="the encoder failed"):
        index_store.build(settings, load_corpus(settings.corpus_dir), model.model_id, failing_encode, "test")
    assert calls and any(NEW_PARAGRAPH.strip("　")[:10] in text for text in calls[0])

    assert _snapshot(settings.index_dir) == files_before, "a failed build must not touch the index files"
    assert {p.name: p.read_bytes() for p in settings.embedding_cache_dir.iterdir()} == cache_before
    assert index_store.staleness(settings.index_dir, identity) is None
    reloaded = index_store.load(settings.index_dir)
    assert reloaded.chunks == previous.chunks and reloaded.manifest == previous.manifest

    # The changed corpus is then seen as stale and rebuilt.
    assert _ensure(settings, model).status == f"built (corpus changed (changed: {WORK_REPORT}))"


def test_an_empty_corpus_cannot_be_indexed(settings, model):
    empty = replace(load_corpus(settings.corpus_dir)[0], text="# 空\n")
    with pytest.raises(index_store.IndexBuildError):
        index_store.build(settings, (empty,), model.model_id, model.encode_passages, "test")
    assert not (settings.index_dir / MANIFEST).exists()


# ---------------------------------------------------------------------- issue 9, item 4: a damaged manifest,
# an index folder that cannot be written, and what a killed write leaves behind.


def _edit_manifest(index_dir: Path, **fields: object) -> None:
    path = index_dir / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest.update(fields)
    path.write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize(
    "fields, named",
    [
        ({"artefacts": None}, "artefacts is null"),
        ({"corpus": None}, "corpus is null"),
        ({"artefacts": {}}, "artefacts is {}"),
        ({"artefacts": {CHUNKS: "0" * 64}}, "artefacts is"),
        ({"dimension": 999}, None),  # well-formed but wrong: found when reading
        ({"dimension": "384"}, 'dimension is "384"'),
        ({"dimension": True}, "dimension is true"),
        ({"chunk_count": -1}, "chunk_count is -1"),
        ({"chunking": None}, "chunking is null"),
        ({"model_id": None}, "model_id is null"),
        ({"extra": 1}, "unknown field extra"),
    ],
)
def test_a_malformed_manifest_field_is_named_and_rebuilt(settings, model, fields, named):
    built = _ensure(settings, model)
    _edit_manifest(settings.index_dir, **fields)
    log: list[str] = []
    rebuilt = _ensure(settings, model, log)  # never raises
    if named is None:
        assert rebuilt.status.startswith("built (") and rebuilt.status != "loaded"
    else:
        assert rebuilt.status == f"built (the manifest is invalid ({named}))" or rebuilt.status.startswith(
            f"built (the manifest is invalid ({named}"
        )
    assert rebuilt.chunks == built.chunks
    assert _ensure(settings, model).status == "loaded"


def test_the_index_command_repairs_a_null_manifest_field(settings, model):
    import os
    import subprocess
    import sys

    from assistant.settings import PROJECT_ROOT

    _ensure(settings, model)
    _edit_manifest(settings.index_dir, artefacts=None, corpus=None)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        ASSISTANT_INDEX_DIR=str(settings.index_dir), ASSISTANT_CORPUS_DIR=str(settings.corpus_dir),
        ASSISTANT_CACHE_DIR=str(settings.cache_dir), PYTHONIOENCODING="utf-8",
    )
    result = subprocess.run([sys.executable, "-m", "assistant", "index"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "building the index: the manifest is invalid (" in result.stderr and "Traceback" not in result.stderr
    assert _ensure(settings, model).status == "loaded"


@pytest.fixture
def unwritable(tmp_path: Path):
    """Make a folder unwritable, also for root (chattr +i), and writable again afterwards."""
    import os
    import subprocess

    made: list[Path] = []

    def make(folder: Path) -> None:
        if os.geteuid() == 0:
            if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
                pytest.skip("root, and the file system has no immutable attribute to make a folder read-only")
        else:
            folder.chmod(0o555)
        made.append(folder)

    yield make
    for folder in made:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], check=False)
        else:
            folder.chmod(0o755)


def test_a_read_only_stale_index_is_rebuilt_in_memory_and_served(settings, model, unwritable):
    from assistant.engine import Assistant

    _ensure(settings, model)
    _add_paragraph(settings)  # the index is now stale
    before = _snapshot(settings.index_dir)
    unwritable(settings.index_dir)
    log: list[str] = []
    index = _ensure(settings, model, log)
    assert index.save_error and "not saved (" in index.status and index.status.startswith("built (corpus changed")
    assert any("could not be saved" in line and "serving it from memory" in line for line in log)
    assert any("气象灾害预警信息覆盖率达到99.2%" in c.text for c in index.chunks)
    assert _snapshot(settings.index_dir) == before  # nothing half-written
    answer = Assistant(settings, load_corpus(settings.corpus_dir), index, model).ask("气象灾害预警信息覆盖率达到多少？")
    assert "99.2%" in answer.answer


def test_an_index_path_that_is_a_file_serves_the_built_index(settings, model):
    settings.index_dir.write_text("not a folder", encoding="utf-8")
    log: list[str] = []
    index = _ensure(settings, model, log)
    assert index.status.startswith("built (no index yet), not saved (") and index.save_error
    assert len(index.chunks) > 100 and index.dense.size == len(index.chunks)
    assert settings.index_dir.read_text(encoding="utf-8") == "not a folder"


def test_the_index_command_says_the_save_failed_and_exits_1(settings):
    import os
    import subprocess
    import sys

    from assistant.settings import PROJECT_ROOT

    settings.index_dir.write_text("not a folder", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_INDEX_DIR=str(settings.index_dir), ASSISTANT_CACHE_DIR=str(settings.cache_dir), PYTHONIOENCODING="utf-8")
    result = subprocess.run([sys.executable, "-m", "assistant", "index"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "索引未能保存" in result.stderr and "Traceback" not in result.stderr


def test_a_temporary_left_by_a_killed_write_is_removed(settings, model):
    import fcntl
    import os

    _ensure(settings, model)
    stale = settings.index_dir / f".{EMBEDDINGS}.abc123.tmp"
    stale.write_bytes(b"half an array")
    cache_stale = settings.embedding_cache_dir / ".embeddings-x.npz.def456.tmp"
    cache_stale.write_bytes(b"half")
    busy = settings.index_dir / f".{CHUNKS}.busy99.tmp"  # another process is writing this one now
    busy.write_bytes(b"[")
    handle = os.open(busy, os.O_RDONLY)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        log: list[str] = []
        assert _ensure(settings, model, log).status == "loaded"
        assert not stale.exists() and not cache_stale.exists() and busy.exists()
        assert any(stale.name in line and "interrupted write" in line for line in log)
    finally:
        os.close(handle)
    assert {p.name for p in settings.index_dir.iterdir()} == {MANIFEST, CHUNKS, EMBEDDINGS, FAISS, busy.name}
