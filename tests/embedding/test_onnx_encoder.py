"""The ONNX query path against the torch path on the own question set: the same embeddings, the same
retrieval, the same answers (real model, real index)."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from assistant.embedding.model import EmbeddingModel
from assistant.embedding.onnx_encoder import OnnxEncoder
from assistant.embedding.onnx_export import MIN_COSINE
from assistant.settings import DEFAULT_MODEL, PROJECT_ROOT

QUESTIONS_FILE = PROJECT_ROOT / "evals" / "questions.jsonl"


@pytest.fixture(scope="module")
def questions() -> list[str]:
    lines = QUESTIONS_FILE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


@pytest.fixture(scope="module")
def onnx_model(exported_model: EmbeddingModel) -> EmbeddingModel:
    return EmbeddingModel(DEFAULT_MODEL, exported_model.models_dir, backend="onnx")


@pytest.fixture(scope="module")
def torch_model(exported_model: EmbeddingModel) -> EmbeddingModel:
    return EmbeddingModel(DEFAULT_MODEL, exported_model.models_dir, backend="sentence-transformers")


@pytest.fixture(scope="module")
def torch_assistant(assistant_settings, real_assistant):
    """An Assistant over the same index whose queries go through sentence-transformers (torch)."""
    from assistant.engine import Assistant

    settings = assistant_settings.with_overrides(embedding_backend="sentence-transformers")
    return Assistant.from_settings(settings)


def test_query_embeddings_match_torch_on_every_own_question(onnx_model, torch_model, questions):
    ours = onnx_model.encode_queries(questions)
    theirs = torch_model.encode_queries(questions)
    assert len(questions) >= 200
    assert np.sum(ours * theirs, axis=1).min() >= MIN_COSINE


def test_passage_embeddings_match_torch(onnx_model, torch_model, corpus_chunks):
    texts = [chunk.indexed_text(True) for chunk in corpus_chunks[::3]]
    cosines = np.sum(onnx_model.encode_passages(texts) * torch_model.encode_passages(texts), axis=1)
    assert cosines.min() >= MIN_COSINE


def test_dense_retrieval_is_the_same_as_with_torch(real_assistant, onnx_model, torch_model, questions):
    dense = real_assistant.index.dense
    for question, ours, theirs in zip(questions, onnx_model.encode_queries(questions),
                                      torch_model.encode_queries(questions)):
        a, b = dense.scores(ours), dense.scores(theirs)
        np.testing.assert_allclose(a, b, atol=1e-4, err_msg=question)
        top_a, top_b = np.argsort(-a, kind="stable")[:10], np.argsort(-b, kind="stable")[:10]
        for i, j in zip(top_a, top_b):  # the same passage at every rank, unless two passages tie
            assert i == j or abs(a[i] - a[j]) < 1e-4, question


def test_answers_and_retrieved_passages_are_the_same_as_with_torch(real_assistant, torch_assistant, questions):
    assert real_assistant._model.backend_in_use == "onnx"
    assert torch_assistant._model.backend_in_use == "sentence-transformers"
    differences = []
    for question in questions:
        ours, theirs = real_assistant.ask(question).to_dict(), torch_assistant.ask(question).to_dict()
        for record in (ours, theirs):
            record.pop("timings_ms")
            for passage in record["retrieved"]:
                passage["score"] = round(passage["score"], 4)
        if ours != theirs:
            differences.append(question)
    assert differences == []


def test_order_batches_and_threads_do_not_change_the_vectors(exported_model, questions):
    export = exported_model.onnx_export()
    texts = ["query: " + q for q in questions[:40]]
    one = OnnxEncoder(export, threads=1)
    reference = np.stack([one.encode([text])[0] for text in texts])
    shuffled = list(range(len(texts)))
    random.Random(7).shuffle(shuffled)
    for encoder, batch_size in ((one, 7), (OnnxEncoder(export, threads=2), 40), (OnnxEncoder(export, threads=0), 1)):
        vectors = encoder.encode([texts[i] for i in shuffled], batch_size=batch_size)
        np.testing.assert_allclose(vectors, reference[shuffled], atol=2e-6)


def test_outputs_and_bad_input(exported_model):
    encoder = OnnxEncoder(exported_model.onnx_export())
    vectors = encoder.encode(["今年的目标", ""])
    assert vectors.dtype == np.float32 and vectors.shape == (2, 384) and vectors.flags.c_contiguous
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, 384)
    with pytest.raises(TypeError, match="sequence of texts"):
        encoder.encode("今年的目标")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="batch_size"):
        encoder.encode(["x"], batch_size=0)
    with pytest.raises(ValueError, match="threads"):
        OnnxEncoder(exported_model.onnx_export(), threads=-1)


def test_passages_show_a_progress_bar_when_asked(onnx_model, capsys):
    onnx_model.encode_passages(["城镇新增就业70万人以上。", "粮食产量稳定在600亿斤以上。"], show_progress=True)
    err = capsys.readouterr().err
    assert "embedding passages" in err and "2/2" in err
