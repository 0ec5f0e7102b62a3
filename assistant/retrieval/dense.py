"""Dense search: exact inner product over L2-normalized embeddings in FAISS."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np


class DenseIndex:
    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @classmethod
    def build(cls, embeddings: np.ndarray) -> "DenseIndex":
        embeddings = np.ascontiguousarray(embeddings, dtype=np.float32)
        index = faiss.IndexFlatIP(embeddings.shape[1])
        index.add(embeddings)
        return cls(index)

    @classmethod
    def load(cls, path: Path) -> "DenseIndex":
        return cls(faiss.read_index(str(path)))

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @property
    def size(self) -> int:
        return self._index.ntotal

    @property
    def dimension(self) -> int:
        return self._index.d

    def scores(self, query_vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query to every passage, in passage order."""
        query = np.ascontiguousarray(query_vector.reshape(1, -1), dtype=np.float32)
        similarities, ids = self._index.search(query, self.size)
        result = np.zeros(self.size, dtype=np.float32)
        result[ids[0]] = similarities[0]
        return result
