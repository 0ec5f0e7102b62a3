"""The embedding model: the offline default, a local sentence-transformers folder, or a model hub name.

sentence-transformers is how a model is loaded, provisioned and checked. Provisioning also exports it to
ONNX where it can be (:mod:`assistant.embedding.onnx_export`); with a verified export, texts are embedded
with ONNX Runtime (:mod:`assistant.embedding.onnx_encoder`) and torch is never imported. Without one, the
SentenceTransformer is loaded lazily (on first use), on CPU, in float32, and :attr:`EmbeddingModel.backend_note`
says why. Every output is float32, L2-normalized, one row per text.
"""

from __future__ import annotations

import json
import os
import re
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

import numpy as np

from assistant.embedding.e5s1 import E5S1FormatError
from assistant.embedding.onnx_export import OnnxExport, OnnxExportError, ensure_export, export_failure, find_export
from assistant.embedding.provision import (
    PASSAGE_PROMPT,
    QUERY_PROMPT,
    ProvisionError,
    default_model_id,
    provision_default_model,
)
from assistant.settings import DEFAULT_MODEL

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from assistant.embedding.onnx_encoder import OnnxEncoder

#: How texts are embedded: ONNX Runtime when a verified export exists (else sentence-transformers), always
#: ONNX Runtime (an error without an export), or always sentence-transformers.
BACKENDS = ("auto", "onnx", "sentence-transformers")

#: The instruction BAAI recommends for short queries against passages with its Chinese bge models.
BGE_ZH_QUERY_PROMPT = "为这个句子生成表示以用于检索相关文章："
#: Seconds to wait for the model hub to answer before calling it unreachable.
HUB_PROBE_TIMEOUT = 5.0

_SENTENCE_TRANSFORMERS_CONFIG = "config_sentence_transformers.json"


class EmbeddingModelError(RuntimeError):
    """The embedding model cannot be provisioned or loaded; the message says why and what to do instead."""


@dataclass(frozen=True)
class Prompts:
    """Text prepended to queries and to passages before they are embedded ("" for none)."""

    query: str = ""
    passage: str = ""


E5_PROMPTS = Prompts(QUERY_PROMPT, PASSAGE_PROMPT)
NO_PROMPTS = Prompts()


def family_prompts(model: str) -> Prompts | None:
    """The prompts a model family is trained with, judged from its name; None when the name does not say.

    e5 models take ``query: ``/``passage: `` (the instruction-tuned e5 models are left to their own config);
    BAAI's Chinese bge models take an instruction before queries only, except the ``noinstruct`` variants;
    bge-m3 takes none.
    """
    name = _model_name(model)
    if re.search(r"(?:^|[-_.])e5(?:[-_.]|$)", name) and "instruct" not in name:
        return E5_PROMPTS
    if name.startswith("bge-m3"):
        return NO_PROMPTS
    if name.startswith("bge-") and re.search(r"(?:^|[-_.])zh(?:[-_.]|$)", name):
        return NO_PROMPTS if "noinstruct" in name else Prompts(BGE_ZH_QUERY_PROMPT, "")
    return None


def resolve_prompts(
    model: str,
    query_prompt: str | None = None,
    passage_prompt: str | None = None,
    configured: Mapping[str, str | None] | None = None,
) -> Prompts:
    """Explicit prompts win; then the model family's; then the model's own ``query``/``document`` prompts."""
    base = family_prompts(model)
    if base is None:
        base = configured_prompts(configured or {})
    return Prompts(
        base.query if query_prompt is None else query_prompt,
        base.passage if passage_prompt is None else passage_prompt,
    )


def configured_prompts(prompts: Mapping[str, str | None]) -> Prompts:
    """Prompts from a sentence-transformers ``prompts`` table (``document``, or else ``passage``)."""
    passage = prompts.get("document")
    if passage is None:
        passage = prompts.get("passage")
    return Prompts(prompts.get("query") or "", passage or "")


def _model_name(model: str) -> str:
    """The lowercase model name of a hub id, a folder, or a hub-cache snapshot folder."""
    parts = PurePosixPath(model.replace("\\", "/")).parts
    for part in reversed(parts):
        if part.startswith("models--"):  # .../models--BAAI--bge-m3/snapshots/<revision>
            return part.split("--")[-1].lower()
    return parts[-1].lower() if parts else ""


class _Source(Enum):
    DEFAULT = "default"
    FOLDER = "folder"
    HUB = "hub"


class EmbeddingModel:
    """A sentence-transformers embedding model with the right prompts for its family, loaded on first use."""

    def __init__(
        self,
        model: str,
        models_dir: Path,
        query_prompt: str | None = None,
        passage_prompt: str | None = None,
        batch_size: int = 32,
        *,
        backend: str = "auto",
        query_threads: int = 2,
        index_threads: int = 0,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
        if query_threads < 0 or index_threads < 0:
            raise ValueError("thread counts must be 0 (one per core) or more")
        self.model = model
        self.models_dir = Path(models_dir)
        self.batch_size = batch_size
        self.backend = backend
        self.query_threads = query_threads
        self.index_threads = index_threads
        self._explicit = (query_prompt, passage_prompt)
        self._source, self._folder = _classify(model)
        self._loaded: SentenceTransformer | None = None
        self._prompts: Prompts | None = None
        self._export: OnnxExport | None | bool = False  # False: not looked up yet
        self._encoders: dict[int, OnnxEncoder] = {}
        #: Why texts are embedded with sentence-transformers rather than ONNX Runtime ("" when they are not).
        self.backend_note = ""
        self._lock = threading.RLock()
        self._encoder_lock = threading.Lock()

    def __repr__(self) -> str:
        state = "loaded" if self._loaded is not None or self._encoders else "not loaded"
        return f"EmbeddingModel({self.model!r}, {self._source.value}, {state})"

    # ------------------------------------------------------------------------------------ identity

    @property
    def prompts(self) -> Prompts:
        """The prompts in use. Loads a hub model whose prompts only its own config knows."""
        with self._lock:
            if self._prompts is None:
                self._prompts = self._resolve_prompts()
            return self._prompts

    @property
    def model_id(self) -> str:
        """A stable id of what produces the vectors (model and prompts), for embedding-cache keys."""
        prompts = self.prompts
        if self._source is _Source.DEFAULT:
            try:
                base = default_model_id()
            except ProvisionError as error:
                raise EmbeddingModelError(f"cannot identify the default model {DEFAULT_MODEL}: {error}") from error
            if prompts == E5_PROMPTS:
                return base
        else:
            base = str(self._folder) if self._folder is not None else self.model
        return f"{base} prompts={json.dumps([prompts.query, prompts.passage], ensure_ascii=False)}"

    @property
    def dimension(self) -> int:
        export = self.onnx_export()
        if export is not None:
            return export.dimension
        model = self._model()
        dimension = model.get_embedding_dimension()
        if dimension is None:
            dimension = int(model.encode(["dimension"], convert_to_numpy=True).shape[1])
        return int(dimension)

    # ------------------------------------------------------------------------------------ encoding

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed search queries: float32, shape (len(texts), dimension), rows L2-normalized."""
        return self._encode(texts, self.prompts.query, show_progress=False, threads=self.query_threads)

    def encode_passages(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Embed passages: float32, shape (len(texts), dimension), rows L2-normalized.

        With ``show_progress``, a progress bar (tqdm, on standard error) counts the passages.
        """
        return self._encode(texts, self.prompts.passage, show_progress=show_progress, threads=self.index_threads)

    def preload(self) -> None:
        """Start loading the query encoder in a background thread, while the caller does other work.

        Reading the tokenizer and the ONNX graph releases the GIL, so this overlaps with loading the
        corpus and the index. Nothing happens without an ONNX export; a failure is left for first use to report.
        """
        if self.onnx_export() is None:
            return
        thread = threading.Thread(target=self._preload_quietly, name="embedding-preload", daemon=True)
        thread.start()

    def _preload_quietly(self) -> None:
        try:
            self._onnx_encoder(self.query_threads)
        except Exception:  # noqa: BLE001 - the first real use reports it
            pass

    def warm(self) -> None:
        """Load what embedding a query needs and run one, so that the first real question pays nothing."""
        self.encode_queries(["预热"])

    @property
    def backend_in_use(self) -> str:
        """"onnx" or "sentence-transformers": how texts are embedded (looks the export up, loads nothing)."""
        return "onnx" if self.onnx_export() is not None else "sentence-transformers"

    def describe_backend(self) -> str:
        export = self.onnx_export()
        if export is not None:
            threads = "one per core" if self.query_threads == 0 else f"{self.query_threads} thread(s)"
            return f"ONNX Runtime ({export.layout} export, queries on {threads})"
        return f"sentence-transformers (torch): {self.backend_note}"

    def onnx_export(self) -> OnnxExport | None:
        """The verified ONNX export in use, or None (then :attr:`backend_note` says why)."""
        with self._lock:
            if self._export is False:
                self._export = self._find_export()
            return self._export  # type: ignore[return-value]

    def _find_export(self) -> OnnxExport | None:
        if self.backend == "sentence-transformers":
            self.backend_note = "the sentence-transformers backend was chosen"
            return None
        try:
            model_id = self.model_id
        except EmbeddingModelError as error:
            self.backend_note = str(error)
            return None
        export = find_export(self.models_dir, model_id)
        if export is not None:
            return export
        failure = export_failure(self.models_dir, model_id)
        if failure is not None:
            self.backend_note = f"the model cannot be exported to ONNX ({failure})"
        else:
            self.backend_note = "there is no ONNX export of this model yet; `python -m assistant model` makes one"
        if self.backend == "onnx":
            raise EmbeddingModelError(f"the ONNX backend was asked for, but {self.backend_note}")
        return None

    def _onnx_encoder(self, threads: int) -> OnnxEncoder | None:
        with self._encoder_lock:
            export = self.onnx_export()
            if export is None:
                return None
            encoder = self._encoders.get(threads)
            if encoder is None:
                from assistant.embedding.onnx_encoder import OnnxEncoder

                try:
                    encoder = OnnxEncoder(export, threads=threads)
                except Exception as error:  # noqa: BLE001 - a damaged export: say so, then do without it
                    if self.backend == "onnx":
                        raise EmbeddingModelError(f"cannot load the ONNX export at {export.folder}: {error}") from error
                    self.backend_note = (
                        f"the ONNX export at {export.folder} cannot be loaded ({error}); "
                        "`python -m assistant model` makes it again"
                    )
                    with self._lock:
                        self._export = None
                    return None
                self._encoders[threads] = encoder
            return encoder

    def _encode(self, texts: Sequence[str], prompt: str, show_progress: bool, threads: int) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("expected a sequence of texts, not a single string")
        texts = list(texts)
        encoder = self._onnx_encoder(threads)
        if encoder is not None:
            return _encode_onnx(encoder, [prompt + text for text in texts], self.batch_size, show_progress)
        model = self._model()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = model.encode(
            texts,
            prompt=prompt,  # "" (not None) so a default prompt in the model's config never applies
            batch_size=self.batch_size,
            show_progress_bar=show_progress,
            normalize_embeddings=True,
            convert_to_numpy=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    # ------------------------------------------------------------------------------------ loading

    def provision(self, progress: Callable[[str], None] | None = None) -> Path | str:
        """Make the model available locally and return where it is (the hub name for a hub model).

        Unless the sentence-transformers backend is chosen, the model is also exported to ONNX and the
        export checked (once; a stored export is reused); when it cannot be, ``progress`` is told why.
        """
        report = progress or (lambda message: None)
        if self._source is _Source.DEFAULT:
            where: Path | str = self._provision_default(progress)
        else:
            self._model()
            where = self._folder if self._folder is not None else self.model
        if self.backend != "sentence-transformers":
            self.export_onnx(report)
        return where

    def export_onnx(self, progress: Callable[[str], None] | None = None) -> OnnxExport | None:
        """Export the model to ONNX and check it against sentence-transformers, unless a checked export exists.

        Returns the export, or None when the model cannot be exported (``progress`` and :attr:`backend_note`
        say why; texts are then embedded with sentence-transformers).
        """
        report = progress or (lambda message: None)
        with self._lock:
            model_id = self.model_id
            existing = find_export(self.models_dir, model_id)
            if existing is None:
                prompts = self.prompts
                try:
                    existing = ensure_export(
                        self._model(), self.models_dir, model_id, (prompts.query, prompts.passage),
                        threads=self.query_threads, log=report,
                    )
                except OnnxExportError as error:
                    self.backend_note = f"the model cannot be exported to ONNX ({error})"
                    report(f"{self.backend_note}; texts are embedded with sentence-transformers (torch)")
                    self._export = None
                    return None
                report(f"ONNX export checked: least cosine {existing.min_cosine:.7f} ({existing.folder})")
            self._export = existing
            self._encoders.clear()
            return existing

    def _model(self) -> SentenceTransformer:
        with self._lock:
            if self._loaded is None:
                self._loaded = self._load()
            return self._loaded

    def _load(self) -> SentenceTransformer:
        if self._source is _Source.DEFAULT:
            return _load_folder(self._provision_default(None), what="the provisioned default model")
        if self._source is _Source.FOLDER:
            assert self._folder is not None
            if not self._folder.is_dir():
                raise EmbeddingModelError(
                    f"there is no model folder at {self._folder}; use a sentence-transformers folder, "
                    f"a hub name, or the default model {DEFAULT_MODEL!r}"
                )
            return _load_folder(self._folder, what="the model folder")
        if not self.model.strip():
            raise EmbeddingModelError(f"no model named; use {DEFAULT_MODEL!r}, a local folder or a hub name")
        return _load_from_hub(self.model)

    def _provision_default(self, progress: Callable[[str], None] | None) -> Path:
        try:
            return provision_default_model(self.models_dir, progress)
        except (ProvisionError, E5S1FormatError) as error:
            raise EmbeddingModelError(f"cannot provision the default model {DEFAULT_MODEL}: {error}") from error

    def _resolve_prompts(self) -> Prompts:
        query, passage = self._explicit
        if query is not None and passage is not None:
            return Prompts(query, passage)
        if self._source is _Source.DEFAULT:
            return resolve_prompts("multilingual-e5-small", query, passage)
        name = str(self._folder) if self._folder is not None else self.model
        if family_prompts(name) is not None:
            return resolve_prompts(name, query, passage)
        if self._folder is not None:
            configured = _read_configured_prompts(self._folder)
        else:
            configured = dict(self._model().prompts)
        return resolve_prompts(name, query, passage, configured)


def _encode_onnx(encoder: OnnxEncoder, texts: list[str], batch_size: int, show_progress: bool) -> np.ndarray:
    if not show_progress or not texts:
        return encoder.encode(texts, batch_size=batch_size)
    from tqdm import tqdm

    with tqdm(total=len(texts), desc="embedding passages", unit="passage", dynamic_ncols=True) as bar:
        return encoder.encode(texts, batch_size=batch_size, progress=bar.update)


def _classify(model: str) -> tuple[_Source, Path | None]:
    """The default, a local folder (also one that does not exist yet: reported when loading), or a hub name."""
    if model == DEFAULT_MODEL:
        return _Source.DEFAULT, None
    folder = Path(model).expanduser()
    looks_like_path = model.startswith(("/", ".", "~")) or "\\" in model or model.count("/") > 1
    if looks_like_path or folder.exists():
        return _Source.FOLDER, folder.resolve()
    return _Source.HUB, None


def _read_configured_prompts(folder: Path) -> dict[str, str | None]:
    try:
        config = json.loads((folder / _SENTENCE_TRANSFORMERS_CONFIG).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    prompts = config.get("prompts") if isinstance(config, dict) else None
    return dict(prompts) if isinstance(prompts, dict) else {}


def _sentence_transformer(name_or_path: str, *, local_files_only: bool) -> SentenceTransformer:
    import torch
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(
        name_or_path,
        device="cpu",
        local_files_only=local_files_only,
        model_kwargs={"dtype": torch.float32},
    )


def _load_folder(folder: Path, *, what: str) -> SentenceTransformer:
    try:
        return _sentence_transformer(str(folder), local_files_only=True)
    except Exception as error:  # noqa: BLE001 - any failure here means the folder is not a usable model
        raise EmbeddingModelError(f"cannot load {what} {folder}: {error}") from error


def _load_from_hub(name: str) -> SentenceTransformer:
    """Load from the local Hugging Face cache if it is there, else from the hub, failing fast without it."""
    try:
        return _sentence_transformer(name, local_files_only=True)
    except Exception as cache_miss:  # noqa: BLE001 - not cached (or not loadable from the cache)
        if _hub_offline():
            raise EmbeddingModelError(
                f"the model {name!r} is not in the local Hugging Face cache and the hub is off (HF_HUB_OFFLINE). "
                f"Use the default model {DEFAULT_MODEL!r} (it needs no hub) or a local model folder."
            ) from cache_miss
    unreachable = _hub_unreachable_reason()
    if unreachable is not None:
        raise EmbeddingModelError(
            f"the Hugging Face hub is unreachable ({unreachable}), so the model {name!r} cannot be downloaded. "
            f"Use the default model {DEFAULT_MODEL!r} (it needs no hub) or a local sentence-transformers folder."
        )
    try:
        return _sentence_transformer(name, local_files_only=False)
    except Exception as error:  # noqa: BLE001 - network, missing repository, bad files: all end here
        raise EmbeddingModelError(
            f"cannot load the model {name!r} from the Hugging Face hub: {error}. "
            f"Use the default model {DEFAULT_MODEL!r} (it needs no hub) or a local sentence-transformers folder."
        ) from error


def _hub_offline() -> bool:
    from huggingface_hub import constants

    flag = os.environ.get("HF_HUB_OFFLINE", "").strip().upper()
    return flag in {"1", "ON", "YES", "TRUE"} or bool(constants.HF_HUB_OFFLINE)


def _hub_unreachable_reason(timeout: float = HUB_PROBE_TIMEOUT) -> str | None:
    """None if the hub endpoint answers HTTP within ``timeout`` seconds, else why not."""
    from huggingface_hub import constants

    request = urllib.request.Request(constants.ENDPOINT, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=timeout):
            return None
    except urllib.error.HTTPError:
        return None  # it answered
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return f"{constants.ENDPOINT}: {reason}"
