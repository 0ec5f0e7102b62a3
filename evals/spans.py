"""Character spans of corpus files, and the one coverage rule every span metric uses.

A span *covers* a gold evidence span when both are in the same document and they overlap by at least
half of the gold span's length. A set of spans covers a gold span when their union does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

#: A gold span counts as covered once this share of its characters is covered.
COVER_SHARE = 0.5


@dataclass(frozen=True)
class Span:
    doc: str  # path relative to corpus/
    start: int  # Python string indices into the original file text
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"not a span: {self}")

    def __len__(self) -> int:
        return self.end - self.start


def overlap(a: Span, b: Span) -> int:
    """Characters shared by two spans (0 for different documents)."""
    if a.doc != b.doc:
        return 0
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def union_overlap(spans: Iterable[Span], gold: Span) -> int:
    """Characters of `gold` covered by the union of `spans` (overlapping spans count once)."""
    intervals = sorted((max(s.start, gold.start), min(s.end, gold.end)) for s in spans if s.doc == gold.doc)
    covered, reach = 0, gold.start
    for start, end in intervals:
        start = max(start, reach)
        if end > start:
            covered += end - start
            reach = end
    return covered


def covers(span: Span, gold: Span) -> bool:
    """`span` covers at least half of a non-empty `gold` span."""
    return len(gold) > 0 and overlap(span, gold) >= COVER_SHARE * len(gold)


def union_covers(spans: Iterable[Span], gold: Span) -> bool:
    """The union of `spans` covers at least half of a non-empty `gold` span."""
    return len(gold) > 0 and union_overlap(spans, gold) >= COVER_SHARE * len(gold)
