"""BM25 over Chinese tokens (bm25s)."""

from __future__ import annotations

import bm25s
import numpy as np

from .tokenize import Tokenizer


class LexicalIndex:
    """A BM25 index over passages; rebuilt in memory from the passages (milliseconds at this size)."""

    def __init__(self, texts: list[str], tokenizer: Tokenizer) -> None:
        self._tokenizer = tokenizer
        self._texts = texts
        self._size = len(texts)
        corpus = [tokenizer(text) or ["<empty>"] for text in texts]
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)
        self._vocabulary = self._bm25.vocab_dict

    def subset(self, positions: list[int]) -> "LexicalIndex":
        """A BM25 index over some of the passages only, with their own term statistics."""
        return LexicalIndex([self._texts[i] for i in positions], self._tokenizer)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for the query (zeros when no query token is known)."""
        tokens = [token for token in self._tokenizer(query) if token in self._vocabulary]
        if not tokens:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)
