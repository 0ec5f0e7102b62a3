"""Embeddings cached by model and text: only new texts are encoded; a damaged cache is rebuilt."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.embedding_cache import EmbeddingCache


import pytest


class RecordingEncoder:
    """The real model's passage encoder, recording which texts it was asked to encode."""

    def __init__(self, model) -> None:
        self.model = model
        self.seen: list[str] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return self.model.encode_passages(texts)


@pytest.fixture
def encoder(real_assistant):
    return lambda: RecordingEncoder(real_assistant._model)


def test_only_new_texts_are_encoded_and_the_cache_persists(tmp_path: Path, encoder):
    encode = encoder()
    first, new = EmbeddingCache(tmp_path, "model-a").embed(["粮食总产", "社会消费品零售总额"], encode)
    assert new == 2 and first.shape == (2, 384)
    again, new = EmbeddingCache(tmp_path, "model-a").embed(["社会消费品零售总额", "规模工业增加值", "粮食总产"], encode)
    assert new == 1 and sorted(encode.seen[:2]) == sorted(["粮食总产", "社会消费品零售总额"])
    assert encode.seen[2:] == ["规模工业增加值"]
    assert np.array_equal(again[0], first[1]) and np.array_equal(again[2], first[0])


def test_another_model_has_its_own_cache(tmp_path: Path, encoder):
    encode = encoder()
    EmbeddingCache(tmp_path, "model-a").embed(["粮食"], encode)
    _, new = EmbeddingCache(tmp_path, "model-b").embed(["粮食"], encode)
    assert new == 1


def test_a_damaged_cache_file_is_started_again(tmp_path: Path, encoder):
    cache = EmbeddingCache(tmp_path, "model-a")
    cache.embed(["粮食"], encoder())
    cache.path.write_bytes(b"not an npz file")
    _, new = EmbeddingCache(tmp_path, "model-a").embed(["粮食"], encoder())
    assert new == 1
