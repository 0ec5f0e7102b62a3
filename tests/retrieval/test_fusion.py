"""fusion: ranks and reciprocal rank fusion, checked against values worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.retrieval.fusion import ranks, reciprocal_rank_fusion


def test_ranks_are_one_based_and_ties_keep_passage_order():
    assert ranks(np.array([0.2, 0.9, 0.5])).tolist() == [3, 1, 2]
    assert ranks(np.array([0.5, 0.5, 0.7, 0.5])).tolist() == [2, 3, 1, 4]


def test_rrf_sums_reciprocal_ranks():
    lexical = np.array([3.0, 2.0, 1.0])
    dense = np.array([0.1, 0.9, 0.5])
    fused = reciprocal_rank_fusion([lexical, dense], k=60)
    expected = [1 / 61 + 1 / 63, 1 / 62 + 1 / 61, 1 / 63 + 1 / 62]
    assert fused == pytest.approx(expected)
    assert int(np.argmax(fused)) == 1  # second in one ranking and first in the other beats first and last


def test_a_passage_a_ranking_scores_zero_gets_nothing_from_it():
    lexical = np.array([2.0, 0.0, 0.0])
    dense = np.array([0.3, 0.2, 0.1])
    fused = reciprocal_rank_fusion([lexical, dense], k=10)
    assert fused == pytest.approx([1 / 11 + 1 / 11, 1 / 12, 1 / 13])


def test_weights_scale_each_ranking():
    a = np.array([1.0, 0.5])
    b = np.array([0.5, 1.0])
    fused = reciprocal_rank_fusion([a, b], k=0, weights=[2.0, 1.0])
    assert fused == pytest.approx([2 / 1 + 1 / 2, 2 / 2 + 1 / 1])


def test_one_ranking_keeps_its_order():
    scores = np.array([0.1, 0.7, 0.4, 0.9])
    fused = reciprocal_rank_fusion([scores])
    assert np.argsort(-fused).tolist() == np.argsort(-scores).tolist()


def test_nothing_to_fuse_is_an_error():
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([])
