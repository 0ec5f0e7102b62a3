"""Chinese tokens for lexical search: character bigrams (default) or jieba words."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable

Tokenizer = Callable[[str], list[str]]

_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|\d+(?:\.\d+)?%?|[a-z]+[0-9.]*")


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def bigram_tokens(text: str) -> list[str]:
    """Overlapping character bigrams of every Chinese run; numbers and Latin words whole."""
    tokens: list[str] = []
    for run in _RUN.findall(normalize(text)):
        if "\u3400" <= run[0] <= "\u9fff":
            if len(run) == 1:
                tokens.append(run)
            else:
                tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            tokens.append(run)
    return tokens


def jieba_tokens(text: str) -> list[str]:
    return [token for token in _jieba().lcut_for_search(normalize(text)) if _RUN.fullmatch(token)]


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def tokenizer_for(name: str) -> Tokenizer:
    if name == "bigram":
        return bigram_tokens
    if name == "jieba":
        return jieba_tokens
    raise ValueError(f"unknown lexical tokenizer {name!r}")
