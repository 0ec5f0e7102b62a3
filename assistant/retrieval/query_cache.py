"""Query embeddings, cached by text and computed in one batch for the parts of one question."""

from __future__ import annotations

from collections import OrderedDict
from typing import Callable, Sequence

import numpy as np


class CachedQueryEncoder:
    """`encode(text)` for the retriever; `ahead(texts)` embeds the texts not yet cached in one batch
    (a question of several parts pays one encoder run, not one per part). The `size` latest are kept."""

    def __init__(self, encode_many: Callable[[list[str]], np.ndarray], size: int = 256) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, not {size}")
        self._encode_many = encode_many
        self._size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def __call__(self, text: str) -> np.ndarray:
        vector = self._cache.get(text)
        if vector is None:
            self.ahead([text])
            vector = self._cache[text]
        else:
            self._cache.move_to_end(text)
        return vector

    def ahead(self, texts: Sequence[str]) -> None:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for text, vector in zip(missing, self._encode_many(missing)):
                self._cache[text] = vector
        for text in texts:
            self._cache.move_to_end(text)
        while len(self._cache) > self._size:
            self._cache.popitem(last=False)

    def clear(self) -> None:
        self._cache.clear()
