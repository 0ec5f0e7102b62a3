"""The quality gate: headline metrics checked against the bounds in evals/thresholds.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from evals.aggregate import Metrics

THRESHOLDS_PATH = Path(__file__).resolve().parent / "thresholds.toml"


@dataclass(frozen=True)
class Bound:
    metric: str
    limit: float
    is_max: bool  # False: the metric must be at least `limit`; True: at most


@dataclass(frozen=True)
class Violation:
    bound: Bound
    value: float | None

    def __str__(self) -> str:
        relation = "at most" if self.bound.is_max else "at least"
        got = "not measured" if self.value is None else f"{self.value:.4g}"
        return f"{self.bound.metric} = {got}, must be {relation} {self.bound.limit:g}"


def load_bounds(path: Path = THRESHOLDS_PATH) -> tuple[Bound, ...]:
    with Path(path).open("rb") as handle:
        data = tomllib.load(handle)
    unknown = set(data) - {"min", "max"}
    if unknown:
        raise ValueError(f"{path}: unknown sections {sorted(unknown)}; use [min] and [max]")
    known = {f.name for f in fields(Metrics)}
    bounds = []
    for section in ("min", "max"):
        for metric, limit in data.get(section, {}).items():
            if metric not in known:
                raise ValueError(f"{path}: [{section}] {metric} is not a metric ({', '.join(sorted(known))})")
            bounds.append(Bound(metric, float(limit), is_max=section == "max"))
    return tuple(bounds)


def check(metrics: Metrics, bounds: tuple[Bound, ...]) -> list[Violation]:
    """Bounds the metrics break; a metric with nothing to count (None) breaks its bound."""
    violations = []
    for bound in bounds:
        value = getattr(metrics, bound.metric)
        ok = value is not None and (value <= bound.limit if bound.is_max else value >= bound.limit)
        if not ok:
            violations.append(Violation(bound, value))
    return violations
