"""dense: FAISS inner product over normalized vectors is cosine similarity; save/load keeps it."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.retrieval.dense import DenseIndex


def _unit_rows(count: int, dimension: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(count, dimension)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _cosine(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    return (matrix @ vector) / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(vector))


def test_scores_equal_cosine_similarity_in_passage_order():
    passages = _unit_rows(50, 384, seed=1)
    query = _unit_rows(1, 384, seed=2)[0]
    index = DenseIndex.build(passages)
    assert (index.size, index.dimension) == (50, 384)
    scores = index.scores(query)
    assert scores.shape == (50,) and scores.dtype == np.float32
    assert scores == pytest.approx(_cosine(passages, query), abs=1e-5)


def test_a_passage_is_most_similar_to_itself():
    passages = _unit_rows(20, 16, seed=3)
    index = DenseIndex.build(passages)
    for i in (0, 7, 19):
        scores = index.scores(passages[i])
        assert int(np.argmax(scores)) == i and scores[i] == pytest.approx(1.0, abs=1e-5)


def test_save_load_round_trip(tmp_path):
    passages = _unit_rows(30, 64, seed=4)
    query = _unit_rows(1, 64, seed=5)[0]
    index = DenseIndex.build(passages)
    path = tmp_path / "dense.faiss"
    index.save(path)
    loaded = DenseIndex.load(path)
    assert (loaded.size, loaded.dimension) == (30, 64)
    assert np.array_equal(loaded.scores(query), index.scores(query))


def test_real_embeddings_round_trip(tmp_path, real_assistant):
    embeddings = real_assistant.index.embeddings
    assert np.allclose(np.linalg.norm(embeddings, axis=1), 1.0, atol=1e-4)
    path = tmp_path / "real.faiss"
    DenseIndex.build(embeddings).save(path)
    loaded = DenseIndex.load(path)
    query = embeddings[3]
    assert loaded.scores(query) == pytest.approx(_cosine(embeddings, query), abs=1e-5)
    assert int(np.argmax(loaded.scores(query))) == 3


def test_reading_a_damaged_file_raises(tmp_path):
    path = tmp_path / "broken.faiss"
    path.write_bytes(b"not a faiss index")
    with pytest.raises(RuntimeError):
        DenseIndex.load(path)
