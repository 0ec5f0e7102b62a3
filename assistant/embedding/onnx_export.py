"""Export a sentence-transformers model to ONNX once, at provisioning, and check it before it is used.

The transformer is exported with torch's ONNX exporter; tokenization (``tokenizers``), pooling and
normalization are redone in numpy by :mod:`assistant.embedding.onnx_encoder`, so queries need neither
torch nor sentence-transformers. Two layouts are tried, best first:

* ``split``: the word-embedding table is saved as ``words.npy`` (memory-mapped at run time: only the rows
  of tokens actually seen are read) and the graph takes ``inputs_embeds``. The graph is a fifth of the
  size and loads in a fraction of the time;
* ``whole``: the graph takes ``input_ids``; for models whose position ids depend on the token ids.

A layout is kept only if the whole pipeline (tokenizer, graph, pooling) reproduces sentence-transformers on
:data:`CHECK_TEXTS`, one at a time and padded in a batch, to cosine >= :data:`MIN_COSINE`. Models with
modules other than Transformer, Pooling and Normalize, or a pooling the encoder does not redo, are not
exported: :class:`OnnxExportError` says why, and the model keeps using sentence-transformers.

The export lives in ``<models>/onnx/<hash of the model id>/``, built in a hidden staging folder and renamed
into place with ``export.json`` (written last) describing it; a failure is recorded in ``failed.json`` so
that startup can say why without trying again.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

#: Bump when the export's files or their meaning change; part of what a stored export must match.
EXPORT_LAYOUT = 1
#: The least cosine similarity between an ONNX embedding and sentence-transformers' for the export to be used.
MIN_COSINE = 0.99999
EXPORT_FILE = "export.json"
FAILED_FILE = "failed.json"
GRAPH_FILE = "model.onnx"
WORDS_FILE = "words.npy"
TOKENIZER_FILE = "tokenizer.json"
POOLINGS = ("mean", "cls", "max")
OPSET = 17

#: The fixed texts an export is checked on (prompts are added as the model uses them): short and long
#: Chinese questions and passages, figures, full-width forms, Latin text, whitespace, a lone character,
#: and a passage longer than any model's window, so truncation is checked too.
CHECK_TEXTS: tuple[str, ...] = (
    "今年全省地区生产总值预期增长多少？",
    "2024年全省粮食总产是多少？",
    "社零1-7月同比增长多少，比上半年快还是慢？",
    "那去年呢？",
    "城镇新增就业70万人以上，城镇调查失业率控制在5.5%以内。",
    "粮食播种面积稳定在7100万亩以上，产量稳定在600亿斤以上。",
    "全省规模以上工业增加值同比增长 7.2%，高于全国 0.8 个百分点；其中，高技术制造业增加值增长12.0%。",
    "推进都市圈建设，加快新区高质量发展，①实施强省会战略；②建设现代化产业体系。",
    "Hello world, ｆｕｌｌｗｉｄｔｈ　ＡＢＣ１２３！",
    "混合 text  with\ttabs\nand a line break",
    "省",
    "（一）关于2025年工作 › 大力提振消费。" + "坚持把恢复和扩大消费摆在优先位置，" * 60,
)


class OnnxExportError(RuntimeError):
    """The model cannot be exported to ONNX (or the export does not reproduce it); the message says why."""


@dataclass(frozen=True)
class OnnxExport:
    """A verified export: what the encoder needs to reproduce the model's embeddings."""

    folder: Path
    model_id: str
    layout: str  # "split" (inputs_embeds + words.npy) or "whole" (input_ids)
    inputs: tuple[str, ...]  # graph inputs, in order: inputs_embeds|input_ids, attention_mask[, token_type_ids]
    pooling: str  # one of POOLINGS
    max_seq_length: int
    dimension: int
    min_cosine: float
    seconds: float

    @property
    def graph(self) -> Path:
        return self.folder / GRAPH_FILE

    @property
    def words(self) -> Path:
        return self.folder / WORDS_FILE

    @property
    def tokenizer(self) -> Path:
        return self.folder / TOKENIZER_FILE


def export_folder(models_dir: Path, model_id: str) -> Path:
    digest = hashlib.sha256(f"{model_id}\0layout{EXPORT_LAYOUT}".encode("utf-8")).hexdigest()[:16]
    return Path(models_dir) / "onnx" / digest


def find_export(models_dir: Path, model_id: str) -> OnnxExport | None:
    """The stored, verified export of this model, or None."""
    folder = export_folder(models_dir, model_id)
    try:
        data = json.loads((folder / EXPORT_FILE).read_text(encoding="utf-8"))
        export = OnnxExport(
            folder=folder,
            model_id=data["model_id"],
            layout=data["layout"],
            inputs=tuple(data["inputs"]),
            pooling=data["pooling"],
            max_seq_length=int(data["max_seq_length"]),
            dimension=int(data["dimension"]),
            min_cosine=float(data["min_cosine"]),
            seconds=float(data.get("seconds", 0.0)),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if data.get("export_layout") != EXPORT_LAYOUT or export.model_id != model_id or export.min_cosine < MIN_COSINE:
        return None
    needed = [export.graph, export.tokenizer] + ([export.words] if export.layout == "split" else [])
    if not all(path.is_file() for path in needed):
        return None
    return export


def export_failure(models_dir: Path, model_id: str) -> str | None:
    """Why the last export of this model failed, if it did."""
    try:
        data = json.loads((export_folder(models_dir, model_id) / FAILED_FILE).read_text(encoding="utf-8"))
        return str(data["reason"]) if data.get("model_id") == model_id else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def ensure_export(
    st_model: "SentenceTransformer",
    models_dir: Path,
    model_id: str,
    prompts: tuple[str, str],
    *,
    threads: int = 0,
    log: Callable[[str], None] = lambda message: None,
) -> OnnxExport:
    """The verified export of this model, exporting and checking it first when there is none.

    ``prompts`` are the (query, passage) prompts the check texts are embedded with. Raises
    :class:`OnnxExportError` (and records why) when no layout reproduces the model.
    """
    existing = find_export(models_dir, model_id)
    if existing is not None:
        return existing
    target = export_folder(models_dir, model_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        plan = _plan(st_model)
    except OnnxExportError as error:
        _record_failure(target, model_id, str(error))
        raise
    texts = check_texts(prompts)
    reference = _reference_embeddings(st_model, texts)
    problems = []
    for layout in ("split", "whole"):
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
        try:
            staging.chmod(0o755)  # mkdtemp makes it private; the export is shared like the model folder
            log(f"Exporting the model to ONNX ({layout} layout)")
            inputs = _export(st_model, plan, layout, staging)
            candidate = OnnxExport(
                staging, model_id, layout, inputs, plan.pooling, plan.max_seq_length, plan.dimension, 0.0, 0.0
            )
            cosine = _agreement(candidate, texts, reference, threads)
            log(f"ONNX export ({layout}): least cosine to sentence-transformers {cosine:.7f} on {len(texts)} texts")
            if cosine < MIN_COSINE:
                problems.append(f"{layout} layout: least cosine {cosine:.7f} < {MIN_COSINE}")
                continue
            export = OnnxExport(
                target, model_id, layout, inputs, plan.pooling, plan.max_seq_length, plan.dimension,
                cosine, round(time.perf_counter() - started, 2),
            )
            _write_json(staging / EXPORT_FILE, _export_record(export, len(texts)))
            _fsync_tree(staging)
            _publish(staging, target)
            return export
        except OnnxExportError as error:
            problems.append(f"{layout} layout: {error}")
        except Exception as error:  # noqa: BLE001 - the exporter and ONNX Runtime fail in many ways
            problems.append(f"{layout} layout: {error.__class__.__name__}: {str(error).splitlines()[0][:300]}")
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    reason = "; ".join(problems)
    _record_failure(target, model_id, reason)
    raise OnnxExportError(reason)


def check_texts(prompts: tuple[str, str]) -> list[str]:
    """The check texts as queries (first half) and as passages (second half), with the model's prompts."""
    query, passage = prompts
    half = len(CHECK_TEXTS) // 2
    return [query + text for text in CHECK_TEXTS[:half]] + [passage + text for text in CHECK_TEXTS[half:]] + [
        query + CHECK_TEXTS[-1],
        passage + CHECK_TEXTS[0],
    ]


# -------------------------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class _Plan:
    pooling: str
    max_seq_length: int
    dimension: int
    input_names: tuple[str, ...]  # what the tokenizer feeds the transformer


def _plan(st_model: "SentenceTransformer") -> _Plan:
    """What the encoder must redo after the graph; OnnxExportError when it cannot."""
    modules = list(st_model)
    kinds = [type(module).__name__ for module in modules]
    if not kinds or kinds[0] != "Transformer":
        raise OnnxExportError(f"the first module is {kinds[0] if kinds else 'missing'}, not a Transformer")
    if len(kinds) < 2 or kinds[1] != "Pooling" or any(kind != "Normalize" for kind in kinds[2:]):
        raise OnnxExportError(f"modules {kinds} are not Transformer, Pooling[, Normalize]")
    transformer, pooling = modules[0], modules[1]
    config = pooling.get_config_dict()
    mode = _pooling_mode(config)
    if mode not in POOLINGS:
        raise OnnxExportError(f"pooling {mode!r} is not one of {POOLINGS}")
    if not config.get("include_prompt", True):
        raise OnnxExportError("the pooling leaves out the prompt's tokens")
    tokenizer = st_model.tokenizer
    if not getattr(tokenizer, "is_fast", False):
        raise OnnxExportError("the tokenizer is not a fast (tokenizers) tokenizer")
    if getattr(transformer, "do_lower_case", False):
        raise OnnxExportError("the model lower-cases its input before tokenizing")
    names = tuple(name for name in tokenizer.model_input_names if name in ("input_ids", "attention_mask", "token_type_ids"))
    if names[:2] != ("input_ids", "attention_mask"):
        raise OnnxExportError(f"the tokenizer feeds {tokenizer.model_input_names}, not input_ids and attention_mask")
    dimension = st_model.get_embedding_dimension() if hasattr(st_model, "get_embedding_dimension") else None
    if dimension is None:
        dimension = st_model.get_sentence_embedding_dimension()
    return _Plan(mode, int(st_model.max_seq_length), int(dimension), names)


def _pooling_mode(config: dict) -> str:
    mode = config.get("pooling_mode")
    if isinstance(mode, str):
        return {"mean_tokens": "mean", "cls_token": "cls", "max_tokens": "max"}.get(mode, mode)
    chosen = [name for name in ("cls_token", "mean_tokens", "max_tokens", "mean_sqrt_len_tokens", "weightedmean_tokens",
                                "lasttoken") if config.get(f"pooling_mode_{name}")]
    if len(chosen) != 1:
        return "+".join(chosen) or "none"
    return {"mean_tokens": "mean", "cls_token": "cls", "max_tokens": "max"}.get(chosen[0], chosen[0])


# -------------------------------------------------------------------------------------------- exporting


def _export(st_model: "SentenceTransformer", plan: _Plan, layout: str, out: Path) -> tuple[str, ...]:
    import torch

    transformer = st_model[0]
    hf_model = transformer.auto_model.eval()
    tokenizer = st_model.tokenizer
    tokenizer.backend_tokenizer.save(str(out / TOKENIZER_FILE))
    sample = tokenizer(["query: 示例问题", "passage: 一个稍长一些的示例段落，用来确定动态的批次和长度。"], padding=True,
                       return_tensors="pt")
    extra = tuple(name for name in plan.input_names if name == "token_type_ids")
    if layout == "split":
        embedding = hf_model.get_input_embeddings()
        if not isinstance(embedding, torch.nn.Embedding):
            raise OnnxExportError("the input embeddings are not a plain embedding table")
        words = embedding.weight.detach().to(torch.float32).cpu().numpy()
        with open(out / WORDS_FILE, "wb") as stream:
            np.save(stream, np.ascontiguousarray(words), allow_pickle=False)
        first = "inputs_embeds"
        arguments = (embedding(sample["input_ids"]).detach(), sample["attention_mask"])
    else:
        first = "input_ids"
        arguments = (sample["input_ids"], sample["attention_mask"])
    arguments += tuple(sample[name] for name in extra)
    inputs = (first, "attention_mask", *extra)

    class _Graph(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            return self.model(**dict(zip(inputs, tensors))).last_hidden_state

    axes = {name: {0: "batch", 1: "tokens"} for name in (*inputs, "last_hidden_state")}
    import warnings

    with torch.inference_mode(False), torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Graph(hf_model),
            arguments,
            str(out / GRAPH_FILE),
            input_names=list(inputs),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,
        )
    return inputs


def _reference_embeddings(st_model: "SentenceTransformer", texts: Sequence[str]) -> np.ndarray:
    vectors = st_model.encode(list(texts), batch_size=len(texts), normalize_embeddings=True, convert_to_numpy=True,
                              prompt="", show_progress_bar=False)
    one_by_one = np.stack([
        st_model.encode([text], normalize_embeddings=True, convert_to_numpy=True, prompt="", show_progress_bar=False)[0]
        for text in texts
    ])
    return np.concatenate([vectors, one_by_one]).astype(np.float32)


def _agreement(export: OnnxExport, texts: Sequence[str], reference: np.ndarray, threads: int) -> float:
    """The least cosine between the export's embeddings (padded batch, and one at a time) and the reference."""
    from assistant.embedding.onnx_encoder import OnnxEncoder

    encoder = OnnxEncoder(export, threads=threads)
    batch = encoder.encode(texts, batch_size=len(texts))
    single = np.stack([encoder.encode([text])[0] for text in texts])
    ours = np.concatenate([batch, single])
    if ours.shape != reference.shape:
        raise OnnxExportError(f"the export gives embeddings of shape {ours.shape}, not {reference.shape}")
    return float(np.min(np.sum(ours * reference, axis=1)))


# -------------------------------------------------------------------------------------------- storing


def _export_record(export: OnnxExport, check_count: int) -> dict[str, object]:
    record = asdict(export)
    record.pop("folder")
    record["inputs"] = list(export.inputs)
    record.update(
        export_layout=EXPORT_LAYOUT,
        check_texts=check_count,
        required_cosine=MIN_COSINE,
        versions={name: _version(name) for name in ("torch", "onnx", "onnxruntime", "tokenizers", "sentence-transformers")},
    )
    return record


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _record_failure(target: Path, model_id: str, reason: str) -> None:
    from assistant.atomic import write_text_atomic

    try:
        target.mkdir(parents=True, exist_ok=True)
        write_text_atomic(target / FAILED_FILE, json.dumps({"model_id": model_id, "reason": reason}, ensure_ascii=False))
    except OSError:
        pass  # only a note for the next start


def _write_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _fsync_tree(folder: Path) -> None:
    for name in os.listdir(folder):
        with open(folder / name, "rb") as stream:
            os.fsync(stream.fileno())


def _publish(staging: Path, target: Path) -> None:
    """Replace ``target`` (absent, failed or outdated) by the finished ``staging`` folder in renames."""
    retired = None
    if target.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.retired-", dir=target.parent))
        os.rename(target, retired / target.name)
    try:
        os.rename(staging, target)
    finally:
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
