"""The persisted index: chunks, their embeddings and the FAISS index, under a manifest.

Startup loads the index when the manifest matches the corpus, the model and the chunking settings,
and rebuilds it when it is missing, stale or corrupt, saying why. Every file is written atomically
and the manifest, written last, records the hash of every artefact it vouches for.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Callable

import numpy as np

from .atomic import remove_stale_temporaries, write_atomic, write_text_atomic
from .chunking import Chunk
from .corpus import Document
from .embedding_cache import EmbeddingCache
from .retrieval.dense import DenseIndex
from .settings import Settings
from .verification import check_passages

FORMAT_VERSION = 2
MANIFEST = "manifest.json"
CHUNKS = "chunks.json"
EMBEDDINGS = "embeddings.npy"
FAISS = "dense.faiss"


ARTEFACTS = (CHUNKS, EMBEDDINGS, FAISS)
_DIGEST = re.compile(r"[0-9a-f]{64}")


class IndexBuildError(RuntimeError):
    """The index cannot be built."""


class ManifestError(ValueError):
    """The index manifest is not what this version writes (a field missing, null or of a wrong type)."""


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
    #: Why the (re)built index could not be written to the index folder; it is served from memory.
    save_error: str | None = None


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
    if not manifest_path.is_file():
        return "no index yet"
    try:
        manifest = read_manifest(manifest_path)
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as error:
        return f"the manifest is unreadable ({error.__class__.__name__})"
    except ManifestError as error:
        return f"the manifest is invalid ({error})"
    for key, value in identity.items():
        if getattr(manifest, key) != value:
            if key == "corpus":
                return _corpus_change(manifest.corpus, value)  # type: ignore[arg-type]
            return f"{key.replace('_', ' ')} changed"
    for name, digest in manifest.artefacts.items():
        path = index_dir / name
        if not path.exists():
            return f"{name} is missing"
        try:
            actual = _sha256(path)
        except OSError as error:
            return f"{name} is unreadable ({error.__class__.__name__})"
        if actual != digest:
            return f"{name} is corrupt (hash mismatch)"
    return None


def read_manifest(path: Path) -> IndexManifest:
    """The manifest at `path`; ManifestError names the first field that is missing or malformed."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ManifestError("not a JSON object")
    expected = {f.name for f in fields(IndexManifest)}
    missing = sorted(expected - set(data))
    if missing:
        raise ManifestError(f"missing {', '.join(missing)}")
    unknown = sorted(set(data) - expected)
    if unknown:
        raise ManifestError(f"unknown field {', '.join(unknown)}")
    checks = {
        "format_version": lambda v: _is_int(v, 1),
        "model_id": lambda v: isinstance(v, str) and bool(v),
        "dimension": lambda v: _is_int(v, 1),
        "corpus": lambda v: isinstance(v, dict) and bool(v)
        and all(isinstance(k, str) and isinstance(d, str) and _DIGEST.fullmatch(d) for k, d in v.items()),
        "chunking": lambda v: isinstance(v, dict),
        "chunk_count": lambda v: _is_int(v, 1),
        "artefacts": lambda v: isinstance(v, dict) and sorted(v) == sorted(ARTEFACTS)
        and all(isinstance(d, str) and _DIGEST.fullmatch(d) for d in v.values()),
        "built_at": lambda v: isinstance(v, str),
        "build_seconds": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0,
    }
    for name, valid in checks.items():
        if not valid(data[name]):
            raise ManifestError(f"{name} is {json.dumps(data[name], ensure_ascii=False)[:80]}")
    return IndexManifest(**data)


def load(index_dir: Path, documents: tuple[Document, ...] | None = None) -> LoadedIndex:
    """The index in `index_dir`. With `documents`, every passage is checked to be their original text
    at its offsets (PassageMismatch, a ValueError, otherwise)."""
    manifest = read_manifest(index_dir / MANIFEST)
    items = json.loads((index_dir / CHUNKS).read_text(encoding="utf-8"))
    if not isinstance(items, list):
        raise ValueError(f"{CHUNKS} is not a list of passages")
    chunks = tuple(_chunk_from_json(item) for item in items)
    embeddings = np.load(index_dir / EMBEDDINGS, allow_pickle=False)
    dense = DenseIndex.load(index_dir / FAISS)
    if not (len(chunks) == len(embeddings) == dense.size == manifest.chunk_count):
        raise ValueError("index artefacts disagree on the number of chunks")
    if embeddings.ndim != 2 or not (embeddings.shape[1] == dense.dimension == manifest.dimension):
        raise ValueError("index artefacts disagree on the embedding dimension")
    if documents is not None:
        check_passages(chunks, documents)
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

    if cache.save_error:
        log(f"the embedding cache could not be saved ({cache.save_error}); the next build embeds these passages again")
    dense = DenseIndex.build(embeddings)

    index_dir = settings.index_dir
    artefacts = {
        CHUNKS: lambda path: path.write_text(json.dumps([_chunk_to_json(c) for c in chunks], ensure_ascii=False), encoding="utf-8"),
        EMBEDDINGS: lambda path: _save_npy(path, embeddings),
        FAISS: dense.save,
    }
    manifest = IndexManifest(
        format_version=FORMAT_VERSION,
        model_id=model_id,
        dimension=int(embeddings.shape[1]),
        corpus={d.doc: d.sha256 for d in documents},
        chunking=chunking_settings(settings),
        chunk_count=len(chunks),
        artefacts={},
        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        build_seconds=0.0,
    )
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        for name, write in artefacts.items():
            write_atomic(index_dir / name, write)
        manifest = replace(
            manifest,
            artefacts={name: _sha256(index_dir / name) for name in artefacts},
            build_seconds=round(time.perf_counter() - started, 3),
        )
        write_text_atomic(index_dir / MANIFEST, json.dumps(asdict(manifest), ensure_ascii=False, indent=2))
    except OSError as error:
        # The index is built and in memory: serve it, and say it could not be kept.
        problem = f"{error.strerror or error.__class__.__name__}: {error.filename or index_dir}"
        log(f"the index could not be saved to {index_dir} ({problem}); serving it from memory, it is rebuilt at the next start")
        return LoadedIndex(
            tuple(chunks), embeddings, dense, manifest, status=f"built ({reason}), not saved ({problem})",
            embedded_now=embedded_now, save_error=problem,
        )
    return LoadedIndex(tuple(chunks), embeddings, dense, manifest, status=f"built ({reason})", embedded_now=embedded_now)


def clean_up(folder: Path, log: Callable[[str], None] = lambda message: None) -> None:
    """Remove what a killed write left in `folder` (temporaries no writer holds), saying so."""
    for name in remove_stale_temporaries(folder):
        log(f"removed {name} in {folder}, left by an interrupted write")


def _is_int(value: object, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


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
    if not isinstance(data, dict):
        raise ValueError(f"{CHUNKS} holds a passage that is not an object")
    return Chunk(**{**data, "section": tuple(data["section"]), "offsets": tuple(data["offsets"])})
