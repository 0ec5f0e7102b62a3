"""The ONNX export of the real default model: checked against sentence-transformers, stored atomically,
refused (with the reason, and sentence-transformers kept) for a model it cannot reproduce."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.embedding.model import EmbeddingModel, EmbeddingModelError
from assistant.embedding.onnx_encoder import OnnxEncoder
from assistant.embedding.onnx_export import (
    CHECK_TEXTS,
    EXPORT_FILE,
    FAILED_FILE,
    GRAPH_FILE,
    MIN_COSINE,
    TOKENIZER_FILE,
    WORDS_FILE,
    check_texts,
    export_folder,
    find_export,
)
from assistant.settings import DEFAULT_MODEL, Settings


@pytest.fixture(scope="module")
def torch_model(exported_model: EmbeddingModel) -> EmbeddingModel:
    return EmbeddingModel(DEFAULT_MODEL, exported_model.models_dir, backend="sentence-transformers")


def test_the_default_model_is_exported_in_the_split_layout_and_checked(exported_model: EmbeddingModel):
    export = exported_model.onnx_export()
    assert export is not None and export.layout == "split"
    assert export.inputs == ("inputs_embeds", "attention_mask")
    assert export.pooling == "mean" and export.dimension == 384 and export.max_seq_length == 512
    assert export.min_cosine >= MIN_COSINE
    record = json.loads((export.folder / EXPORT_FILE).read_text(encoding="utf-8"))
    assert record["model_id"] == exported_model.model_id and record["required_cosine"] == MIN_COSINE
    assert record["check_texts"] == len(check_texts(("query: ", "passage: ")))
    for name in (GRAPH_FILE, WORDS_FILE, TOKENIZER_FILE):
        assert (export.folder / name).is_file()
    assert export.folder == export_folder(exported_model.models_dir, exported_model.model_id)
    assert not list(export.folder.parent.glob(f".{export.folder.name}.partial-*"))
    assert exported_model.backend_in_use == "onnx" and "ONNX Runtime" in exported_model.describe_backend()


def test_the_export_reproduces_sentence_transformers_on_the_check_texts(exported_model, torch_model):
    encoder = OnnxEncoder(exported_model.onnx_export(), threads=1)
    texts = check_texts(("query: ", "passage: "))
    ours = encoder.encode(texts, batch_size=5)  # padded batches of mixed lengths
    reference = torch_model._model().encode(texts, normalize_embeddings=True, convert_to_numpy=True, prompt="")
    assert np.sum(ours * reference, axis=1).min() >= MIN_COSINE
    # The over-long check text is truncated to the model's window, as sentence-transformers does.
    assert len(encoder.token_ids([texts[-2]])[0]) == 512 and len(CHECK_TEXTS[-1]) > 512


def test_provisioning_again_reuses_the_export(exported_model: EmbeddingModel):
    export = exported_model.onnx_export()
    before = (export.folder / GRAPH_FILE).stat().st_mtime_ns
    messages: list[str] = []
    model = Settings().embedding_model()
    model.provision(messages.append)
    assert (export.folder / GRAPH_FILE).stat().st_mtime_ns == before
    assert not any("Exporting" in message for message in messages)
    assert model._loaded is None  # sentence-transformers was not even loaded


def test_an_export_of_another_model_or_layout_is_not_used(exported_model: EmbeddingModel, tmp_path: Path):
    export = exported_model.onnx_export()
    assert find_export(exported_model.models_dir, exported_model.model_id + " prompts=[]") is None
    copy = tmp_path / "onnx" / export.folder.name
    shutil.copytree(export.folder, copy, copy_function=os.symlink)
    (copy / EXPORT_FILE).unlink()
    record = json.loads((export.folder / EXPORT_FILE).read_text(encoding="utf-8"))
    (copy / EXPORT_FILE).write_text(json.dumps({**record, "export_layout": 0}), encoding="utf-8")
    assert find_export(tmp_path, exported_model.model_id) is None
    (copy / EXPORT_FILE).write_text(json.dumps({**record, "min_cosine": 0.999}), encoding="utf-8")
    assert find_export(tmp_path, exported_model.model_id) is None
    (copy / EXPORT_FILE).write_text(json.dumps(record), encoding="utf-8")
    assert find_export(tmp_path, exported_model.model_id) is not None


def _linked_model_folder(source: Path, target: Path) -> Path:
    """A copy of a sentence-transformers folder whose large files are symlinks."""
    shutil.copytree(source, target, copy_function=lambda a, b: os.symlink(a, b) if a.endswith(".safetensors")
                    else shutil.copy2(a, b))
    return target


def test_a_model_whose_pooling_cannot_be_redone_keeps_sentence_transformers_and_says_why(
    exported_model: EmbeddingModel, tmp_path: Path
):
    folder = _linked_model_folder(Path(exported_model.provision()), tmp_path / "sqrt-pooled-model")
    pooling = folder / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text(encoding="utf-8"))
    config.update(pooling_mode_mean_tokens=False, pooling_mode_mean_sqrt_len_tokens=True)
    pooling.write_text(json.dumps(config), encoding="utf-8")
    models = tmp_path / "models"
    messages: list[str] = []
    model = EmbeddingModel(str(folder), models)
    model.provision(messages.append)
    assert model.backend_in_use == "sentence-transformers"
    assert "cannot be exported" in model.describe_backend() and "pooling" in model.describe_backend()
    assert any("sentence-transformers" in message and "pooling" in message for message in messages)
    assert (export_folder(models, model.model_id) / FAILED_FILE).is_file()
    assert not (export_folder(models, model.model_id) / EXPORT_FILE).exists()
    # A later process learns why without trying again, and embeds with sentence-transformers.
    later = EmbeddingModel(str(folder), models)
    assert later.backend_in_use == "sentence-transformers" and "pooling" in later.backend_note
    assert later.encode_queries(["今年的目标"]).shape == (1, 384)
    with pytest.raises(EmbeddingModelError, match="ONNX backend was asked for"):
        EmbeddingModel(str(folder), models, backend="onnx").encode_queries(["今年的目标"])


def test_a_damaged_export_falls_back_with_a_message_or_fails_when_onnx_is_required(
    exported_model: EmbeddingModel, tmp_path: Path
):
    export = exported_model.onnx_export()
    models = tmp_path / "models"
    models.mkdir()
    source = Path(exported_model.provision())
    os.symlink(source, models / source.name)
    copy = models / "onnx" / export.folder.name
    shutil.copytree(export.folder, copy, copy_function=os.symlink)
    (copy / GRAPH_FILE).unlink()
    (copy / GRAPH_FILE).write_bytes(b"not an onnx graph")
    model = EmbeddingModel(DEFAULT_MODEL, models)
    vectors = model.encode_queries(["今年的目标"])
    assert vectors.shape == (1, 384) and model.backend_in_use == "sentence-transformers"
    assert "cannot be loaded" in model.backend_note and "python -m assistant model" in model.backend_note
    with pytest.raises(EmbeddingModelError, match="cannot load the ONNX export"):
        EmbeddingModel(DEFAULT_MODEL, models, backend="onnx").encode_queries(["今年的目标"])


def test_without_an_export_onnx_is_refused_and_auto_says_how_to_make_one(default_models_dir: Path):
    model = EmbeddingModel(DEFAULT_MODEL, default_models_dir)  # converted, never exported
    assert model.backend_in_use == "sentence-transformers"
    assert "python -m assistant model" in model.describe_backend()
    with pytest.raises(EmbeddingModelError, match="no ONNX export"):
        EmbeddingModel(DEFAULT_MODEL, default_models_dir, backend="onnx").encode_queries(["问题"])
