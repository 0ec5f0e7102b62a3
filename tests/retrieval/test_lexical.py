"""lexical: BM25 over the real chunks' indexed texts finds the passage a query names."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.retrieval.lexical import LexicalIndex
from assistant.retrieval.tokenize import bigram_tokens, jieba_tokens


@pytest.fixture(scope="module", params=["bigram", "jieba"])
def index_and_chunks(request, corpus_chunks):
    tokenizer = bigram_tokens if request.param == "bigram" else jieba_tokens
    texts = [c.indexed_text(True) for c in corpus_chunks]
    return LexicalIndex(texts, tokenizer), corpus_chunks


def _top(index: LexicalIndex, chunks, query: str, n: int):
    scores = index.scores(query)
    return [chunks[i] for i in np.argsort(-scores, kind="stable")[:n]]


def test_grain_output_is_in_the_top_three(index_and_chunks):
    index, chunks = index_and_chunks
    top = _top(index, chunks, "粮食总产", 3)
    assert any("粮食总产达615.6亿斤" in c.text for c in top), [c.text[:30] for c in top]


@pytest.mark.parametrize(
    "query, needle",
    [
        ("1-7月全省投资同比增长", "全省投资同比增长2.9%"),
        ("推进新材料产品认定工作", "印发《湖南省首批次重点新"),
        ("城镇新增就业", "城镇新增就业79.8万人"),
    ],
)
def test_other_passages_are_found(index_and_chunks, query, needle):
    index, chunks = index_and_chunks
    assert any(needle in c.text for c in _top(index, chunks, query, 5))


def test_one_score_per_passage(index_and_chunks):
    index, chunks = index_and_chunks
    scores = index.scores("粮食总产")
    assert scores.shape == (len(chunks),) and scores.dtype == np.float32
    assert (scores >= 0).all() and scores.max() > 0


def test_unknown_words_score_nothing(index_and_chunks):
    index, chunks = index_and_chunks
    assert not index.scores("qwertyuiop").any()
    assert not index.scores("").any()


def test_a_tiny_index():
    index = LexicalIndex(["粮食总产达615.6亿斤", "社会消费品零售总额增长5.4%", ""], bigram_tokens)
    scores = index.scores("粮食产量")
    assert scores[0] > 0 and scores[1] == 0 and scores[2] == 0
