"""Embeddings cached by model and passage text, so re-indexing embeds only what is new."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .atomic import write_atomic


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    def __init__(self, folder: Path, model_id: str) -> None:
        digest = hashlib.sha1(model_id.encode("utf-8")).hexdigest()[:16]
        self.path = Path(folder) / f"embeddings-{digest}.npz"
        self._vectors: dict[str, np.ndarray] = {}
        #: Why the last save failed (a read-only cache folder): the vectors are still returned.
        self.save_error: str | None = None
        if self.path.exists():
            try:
                with np.load(self.path, allow_pickle=False) as data:
                    self._vectors = dict(zip(data["keys"].tolist(), data["vectors"]))
            except (OSError, ValueError, KeyError):
                self._vectors = {}  # a damaged cache is only a cache: start it again

    def embed(self, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray]) -> tuple[np.ndarray, int]:
        """Vectors for `texts`, encoding only the ones not cached; returns (vectors, how many were new)."""
        keys = [_key(text) for text in texts]
        missing = sorted({key: text for key, text in zip(keys, texts) if key not in self._vectors}.items())
        if missing:
            vectors = encode([text for _, text in missing])
            for (key, _), vector in zip(missing, vectors):
                self._vectors[key] = np.asarray(vector, dtype=np.float32)
            self._save()
        if not keys:
            return np.zeros((0, 0), dtype=np.float32), 0
        return np.stack([self._vectors[key] for key in keys]).astype(np.float32), len(missing)

    def _save(self) -> None:
        keys = np.array(list(self._vectors), dtype="U40")
        vectors = np.stack(list(self._vectors.values())).astype(np.float32)

        def write(temporary: Path) -> None:
            with open(temporary, "wb") as stream:
                np.savez(stream, keys=keys, vectors=vectors)

        try:
            write_atomic(self.path, write)
        except OSError as error:  # only a cache: the vectors are returned all the same
            self.save_error = f"{error.strerror or error.__class__.__name__}: {error.filename or self.path}"
        else:
            self.save_error = None
