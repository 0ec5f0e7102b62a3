"""Score: one fitted function from features to a calibrated probability.

The weights are a small versioned data file (`assistant/data/answer_model.json`) written by
`python -m evals fit`: a standardised logistic regression for evidence units ("is this unit the
evidence for the sub-question?") and one for questions ("does the best evidence answer it?"), with the
decision thresholds chosen on the cross-validated precision/recall curve.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

MODEL_FORMAT = 1
MODEL_FILE = "data/answer_model.json"


class ModelFileError(ValueError):
    """The fitted-weights file is missing, malformed, or fits other features than the code computes."""


@dataclass(frozen=True)
class LinearModel:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        if matrix.size == 0:
            return np.zeros(0)
        z = ((matrix - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def to_dict(self) -> dict:
        return {
            "features": list(self.features),
            "mean": [round(float(v), 8) for v in self.mean],
            "scale": [round(float(v), 8) for v in self.scale],
            "coef": [round(float(v), 8) for v in self.coef],
            "intercept": round(float(self.intercept), 8),
        }

    @classmethod
    def from_dict(cls, data: dict, expected: tuple[str, ...]) -> "LinearModel":
        features = tuple(data["features"])
        if features != expected:
            raise ModelFileError(f"fitted for features {features}, the code computes {expected}: run python -m evals fit")
        arrays = [np.asarray(data[name], dtype=np.float64) for name in ("mean", "scale", "coef")]
        if any(a.shape != (len(features),) for a in arrays):
            raise ModelFileError("weights of the wrong length")
        mean, scale, coef = arrays
        return cls(features, mean, np.where(scale > 0, scale, 1.0), coef, float(data["intercept"]))


@dataclass(frozen=True)
class Thresholds:
    answer: float  # question probability at or above which the best evidence is given as the answer
    hedge: float  # … at or above which it is given, said to be uncertain; below, a refusal
    companion: float  # a unit probability, relative to the best, for more items of a list or policy
    #: a best unit this probable, with no scope conflict, is given (said to be uncertain) even when the
    #: question model would refuse: evidence found is not thrown away without evidence against it
    evidence: float = 1.01


@dataclass(frozen=True)
class AnswerModel:
    version: str
    unit: LinearModel
    question: LinearModel
    thresholds: Thresholds


def untrained_model() -> AnswerModel:
    """Zero weights (every probability 0.5): what fitting starts from, as features do not depend on weights."""
    from .decide import QUESTION_FEATURES
    from .features import FEATURE_NAMES

    def zero(names: tuple[str, ...]) -> LinearModel:
        n = len(names)
        return LinearModel(names, np.zeros(n), np.ones(n), np.zeros(n), 0.0)

    return AnswerModel("untrained", zero(FEATURE_NAMES), zero(QUESTION_FEATURES), Thresholds(0.5, 0.5, 0.8))


def load_answer_model(path: Path | None = None) -> AnswerModel:
    from .decide import QUESTION_FEATURES
    from .features import FEATURE_NAMES

    return _load(str(path) if path else None, FEATURE_NAMES, QUESTION_FEATURES)


@lru_cache(maxsize=4)
def _load(path: str | None, unit_features: tuple[str, ...], question_features: tuple[str, ...]) -> AnswerModel:
    try:
        text = Path(path).read_text(encoding="utf-8") if path else resources.files("assistant").joinpath(MODEL_FILE).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as error:
        raise ModelFileError(f"cannot read the fitted answer model: {error}") from error
    try:
        if data.get("format") != MODEL_FORMAT:
            raise ModelFileError(f"answer model format {data.get('format')!r}, expected {MODEL_FORMAT}")
        t = data["thresholds"]
        return AnswerModel(
            version=str(data["version"]),
            unit=LinearModel.from_dict(data["unit"], unit_features),
            question=LinearModel.from_dict(data["question"], question_features),
            thresholds=Thresholds(float(t["answer"]), float(t["hedge"]), float(t["companion"]), float(t.get("evidence", 1.01))),
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise ModelFileError(f"malformed answer model: {error!r}") from error
