"""Reciprocal rank fusion of several rankings of the same passages."""

from __future__ import annotations

import numpy as np


def ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of each passage under `scores` (ties broken by passage order)."""
    order = np.argsort(-scores, kind="stable")
    result = np.empty(len(scores), dtype=np.int64)
    result[order] = np.arange(1, len(scores) + 1)
    return result


def reciprocal_rank_fusion(score_lists: list[np.ndarray], k: int = 60, weights: list[float] | None = None) -> np.ndarray:
    """Sum of weight / (k + rank) over the rankings; passages a ranking scores 0 get nothing from it."""
    if not score_lists:
        raise ValueError("nothing to fuse")
    weights = weights or [1.0] * len(score_lists)
    fused = np.zeros(len(score_lists[0]), dtype=np.float64)
    for scores, weight in zip(score_lists, weights):
        contribution = weight / (k + ranks(scores))
        contribution[scores <= 0] = 0.0
        fused += contribution
    return fused
