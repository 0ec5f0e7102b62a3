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
        self._rrf_k = rrf_k

    def scores(self, lexical_query: str, dense_query: str) -> np.ndarray:
        """A fused relevance score for every passage."""
        score_lists = []
        if self.mode in ("hybrid", "lexical"):
            score_lists.append(self._lexical.scores(lexical_query))  # type: ignore[union-attr]
        if self.mode in ("hybrid", "dense"):
            vector = self._encode_query(dense_query)  # type: ignore[misc]
            score_lists.append(self._dense.scores(vector))  # type: ignore[union-attr]
        if len(score_lists) == 1:
            scores = score_lists[0]
            return scores / scores.max() if scores.max() > 0 else scores
        fused = reciprocal_rank_fusion(score_lists, k=self._rrf_k)
        return fused / fused.max() if fused.max() > 0 else fused

    def search(self, lexical_query: str, dense_query: str, limit: int) -> list[Hit]:
        scores = self.scores(lexical_query, dense_query)
        order = np.argsort(-scores, kind="stable")[:limit]
        return [Hit(self.chunks[i], float(scores[i]), int(i)) for i in order if scores[i] > 0]
