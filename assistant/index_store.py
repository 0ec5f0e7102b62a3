"""The persisted index: chunks, their embeddings and the FAISS index, under a manifest.

Startup loads the index when the manifest matches the corpus, the model and the chunking settings,
and rebuilds it when it is missing, stale or corrupt, saying why. Every file is written atomically
and the manifest, written last, records the hash of every artefact it vouches for.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .atomic import write_atomic, write_text_atomic
from .chunking import Chunk
from .corpus import Document
from .embedding_cache import EmbeddingCache
from .retrieval.dense import DenseIndex
from .settings import Settings

FORMAT_VERSION = 2
MANIFEST = "manifest.json"
CHUNKS = "chunks.json"
EMBEDDINGS = "embeddings.npy"
FAISS = "dense.faiss"


class IndexBuildError(RuntimeError):
    """The index cannot be built."""


@dataclass(frozen=True)
class IndexManifest:
    format_version: int
    model_id: str
    dimension: int
    corpus: dict[str, str]  # doc -> sha256 of the file
    chunking: dict[str, object]
    chunk_count: int
    artefacts: dict[str, str]  # file name -> sha256
    built_at: str
    build_seconds: float


@dataclass(frozen=True)
class LoadedIndex:
    chunks: tuple[Chunk, ...]
    embeddings: np.ndarray
    dense: DenseIndex
    manifest: IndexManifest
    #: what happened: "loaded", or "built (reason)"
    status: str
    embedded_now: int = 0


def expected_identity(settings: Settings, documents: tuple[Document, ...], model_id: str) -> dict[str, object]:
    return {
        "format_version": FORMAT_VERSION,
        "model_id": model_id,
        "corpus": {d.doc: d.sha256 for d in documents},
        "chunking": chunking_settings(settings),
    }


def chunking_settings(settings: Settings) -> dict[str, object]:
    return {
        "code": _chunking_code_version(),
        "recipe": settings.chunking,
        "chunk_size": settings.chunk_size,
        "chunk_overlap": settings.chunk_overlap,
        "section_paths": settings.index_section_paths,
    }


def staleness(index_dir: Path, identity: dict[str, object]) -> str | None:
    """None when the index in `index_dir` is complete and matches `identity`; else why not."""
    manifest_path = index_dir / MANIFEST
    if not manifest_path.exists():
        return "no index yet"
    try:
        manifest = IndexManifest(**json.loads(manifest_path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, TypeError, UnicodeDecodeError) as error:
        return f"the manifest is unreadable ({error.__class__.__name__})"
    for key, value in identity.items():
        if getattr(manifest, key) != value:
            if key == "corpus":
                return _corpus_change(manifest.corpus, value)  # type: ignore[arg-type]
            return f"{key.replace('_', ' ')} changed"
    for name, digest in manifest.artefacts.items():
        path = index_dir / name
        if not path.exists():
            return f"{name} is missing"
        if _sha256(path) != digest:
            return f"{name} is corrupt (hash mismatch)"
    return None


def load(index_dir: Path) -> LoadedIndex:
    manifest = IndexManifest(**json.loads((index_dir / MANIFEST).read_text(encoding="utf-8")))
    chunks = tuple(_chunk_from_json(item) for item in json.loads((index_dir / CHUNKS).read_text(encoding="utf-8")))
    embeddings = np.load(index_dir / EMBEDDINGS, allow_pickle=False)
    dense = DenseIndex.load(index_dir / FAISS)
    if not (len(chunks) == len(embeddings) == dense.size == manifest.chunk_count):
        raise ValueError("index artefacts disagree on the number of chunks")
    return LoadedIndex(chunks, embeddings, dense, manifest, status="loaded")


def build(
    settings: Settings,
    documents: tuple[Document, ...],
    model_id: str,
    encode_passages: Callable[[list[str]], np.ndarray],
    reason: str,
    log: Callable[[str], None] = lambda message: None,
) -> LoadedIndex:
    from .chunking import chunk_document

    started = time.perf_counter()
    chunks: list[Chunk] = []
    for document in documents:
        chunks.extend(chunk_document(document, settings.chunk_size, settings.chunk_overlap, settings.chunking))
    if not chunks:
        raise IndexBuildError("the corpus produced no passages to index")
    texts = [chunk.indexed_text(settings.index_section_paths) for chunk in chunks]
    cache = EmbeddingCache(settings.embedding_cache_dir, model_id)
    embedding_started = time.perf_counter()
    embeddings, embedded_now = cache.embed(texts, encode_passages)
    embedding_seconds = time.perf_counter() - embedding_started
    log(
        f"{len(chunks)} passages, {embedded_now} newly embedded in {embedding_seconds:.1f} s, "
        f"{len(chunks) - embedded_now} from the cache"
    )
    dense = DenseIndex.build(embeddings)

    index_dir = settings.index_dir
    index_dir.mkdir(parents=True, exist_ok=True)
    write_text_atomic(index_dir / CHUNKS, json.dumps([_chunk_to_json(c) for c in chunks], ensure_ascii=False))
    write_atomic(index_dir / EMBEDDINGS, lambda path: _save_npy(path, embeddings))
    write_atomic(index_dir / FAISS, dense.save)
    manifest = IndexManifest(
        format_version=FORMAT_VERSION,
        model_id=model_id,
        dimension=int(embeddings.shape[1]),
        corpus={d.doc: d.sha256 for d in documents},
        chunking=chunking_settings(settings),
        chunk_count=len(chunks),
        artefacts={name: _sha256(index_dir / name) for name in (CHUNKS, EMBEDDINGS, FAISS)},
        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        build_seconds=round(time.perf_counter() - started, 3),
    )
    write_text_atomic(index_dir / MANIFEST, json.dumps(asdict(manifest), ensure_ascii=False, indent=2))
    return LoadedIndex(tuple(chunks), embeddings, dense, manifest, status=f"built ({reason})", embedded_now=embedded_now)


def _chunking_code_version() -> str:
    """A hash of the code that turns documents into passages: changing it makes the index stale."""
    digest = hashlib.sha256()
    for module in ("cleaning", "structure", "chunking"):  # read, not imported: loading an index needs no splitter
        digest.update((Path(__file__).parent / f"{module}.py").read_bytes())
    return digest.hexdigest()[:16]


def _save_npy(path: Path, array: np.ndarray) -> None:
    with open(path, "wb") as stream:
        np.save(stream, array, allow_pickle=False)


def _corpus_change(stored: dict[str, str], current: dict[str, str]) -> str:
    added = sorted(set(current) - set(stored))
    removed = sorted(set(stored) - set(current))
    changed = sorted(doc for doc in set(stored) & set(current) if stored[doc] != current[doc])
    parts = [f"{label}: {', '.join(docs)}" for label, docs in (("added", added), ("removed", removed), ("changed", changed)) if docs]
    return "corpus changed (" + "; ".join(parts) + ")"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _chunk_to_json(chunk: Chunk) -> dict[str, object]:
    data = asdict(chunk)
    data["section"] = list(chunk.section)
    data["offsets"] = list(chunk.offsets)
    return data


def _chunk_from_json(data: dict) -> Chunk:
    return Chunk(**{**data, "section": tuple(data["section"]), "offsets": tuple(data["offsets"])})
