"""Hybrid retrieval: BM25 and dense rankings of the same passages, fused by reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..chunking import Chunk
from .dense import DenseIndex
from .fusion import reciprocal_rank_fusion
from .lexical import LexicalIndex


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float  # fused score (higher is better)
    position: int  # index of the chunk in the index


class Retriever:
    def __init__(
        self,
        chunks: tuple[Chunk, ...],
        mode: str,
        lexical: LexicalIndex | None,
        dense: DenseIndex | None,
        encode_query: Callable[[str], np.ndarray] | None,
        rrf_k: int = 60,
        encode_ahead: Callable[[list[str]], None] | None = None,
    ) -> None:
        if mode in ("hybrid", "lexical") and lexical is None:
            raise ValueError(f"{mode} retrieval needs a lexical index")
        if mode in ("hybrid", "dense") and (dense is None or encode_query is None):
            raise ValueError(f"{mode} retrieval needs a dense index and a query encoder")
        self.chunks = chunks
        self.mode = mode
        self._lexical = lexical
        self._dense = dense
        self._encode_query = encode_query
        self._encode_ahead = encode_ahead
        self._rrf_k = rrf_k
        self._positions: dict[frozenset[str], np.ndarray] = {}
        self._lexical_within: dict[frozenset[str], LexicalIndex] = {}

    def positions(self, docs: frozenset[str]) -> np.ndarray:
        """The index positions of the passages of some documents, in index order."""
        found = self._positions.get(docs)
        if found is None:
            found = self._positions[docs] = np.asarray([i for i, c in enumerate(self.chunks) if c.doc in docs], dtype=np.int64)
        return found

    def prepare(self, docs: frozenset[str]) -> None:
        """Build now what searching only these documents needs (their own BM25 statistics)."""
        if docs not in self._lexical_within and self._lexical is not None and self.positions(docs).size:
            self._lexical_within[docs] = self._lexical.subset(self.positions(docs).tolist())

    def scores(self, lexical_query: str, dense_query: str, docs: frozenset[str] | None = None) -> np.ndarray:
        """A fused relevance score for every passage; only the passages of `docs` (when given) are ranked,
        as if they were the whole index (BM25 with their own term statistics), and the others score 0."""
        within = self.positions(docs) if docs is not None else None
        if within is not None and not within.size:
            return np.zeros(len(self.chunks), dtype=np.float32)
        score_lists = []
        if self.mode in ("hybrid", "lexical"):
            if within is None:
                score_lists.append(self._lexical.scores(lexical_query))  # type: ignore[union-attr]
            else:
                self.prepare(docs)  # type: ignore[arg-type]
                score_lists.append(self._lexical_within[docs].scores(lexical_query))  # type: ignore[index]
        if self.mode in ("hybrid", "dense"):
            vector = self._encode_query(dense_query)  # type: ignore[misc]
            dense = self._dense.scores(vector)  # type: ignore[union-attr]
            score_lists.append(dense if within is None else dense[within])
        if len(score_lists) == 1:
            scores = score_lists[0]
            scores = scores / scores.max() if scores.size and scores.max() > 0 else scores
        else:
            fused = reciprocal_rank_fusion(score_lists, k=self._rrf_k)
            scores = fused / fused.max() if fused.size and fused.max() > 0 else fused
        if within is None:
            return scores
        result = np.zeros(len(self.chunks), dtype=scores.dtype)
        result[within] = scores
        return result

    def encode_ahead(self, dense_queries: list[str]) -> None:
        """Embed now, in one batch, the dense queries about to be searched (the parts of one question)."""
        if self._encode_ahead is not None and self.mode in ("hybrid", "dense") and len(dense_queries) > 1:
            self._encode_ahead(dense_queries)

    def search(self, lexical_query: str, dense_query: str, limit: int, docs: frozenset[str] | None = None) -> list[Hit]:
        """The best passages (of `docs`, when given), best first."""
        scores = self.scores(lexical_query, dense_query, docs)
        order = np.argsort(-scores, kind="stable")[:limit]
        return [Hit(self.chunks[i], float(scores[i]), int(i)) for i in order if scores[i] > 0]
