"""The coverage rule: at least half of a gold span, same document, union counted once."""

import pytest

from evals.spans import Span, covers, overlap, union_covers, union_overlap

GOLD = Span("a.md", 100, 120)  # 20 characters: covered from 10


def test_overlap_is_shared_characters_and_zero_across_documents():
    assert overlap(Span("a.md", 90, 105), GOLD) == 5
    assert overlap(GOLD, Span("a.md", 90, 105)) == 5
    assert overlap(Span("a.md", 120, 130), GOLD) == 0  # touching is not overlapping
    assert overlap(Span("b.md", 100, 120), GOLD) == 0


def test_covers_needs_exactly_half_of_the_gold_span():
    assert covers(Span("a.md", 110, 200), GOLD)  # 10 of 20
    assert not covers(Span("a.md", 111, 200), GOLD)  # 9 of 20
    assert covers(Span("a.md", 0, 1000), GOLD)
    assert not covers(Span("b.md", 0, 1000), GOLD)


def test_a_short_span_inside_a_long_gold_span_does_not_cover_it():
    assert not covers(Span("a.md", 100, 105), GOLD)


def test_empty_gold_span_is_never_covered():
    assert not covers(Span("a.md", 0, 1000), Span("a.md", 5, 5))
    assert not union_covers([Span("a.md", 0, 1000)], Span("a.md", 5, 5))


def test_union_counts_overlapping_spans_once():
    spans = [Span("a.md", 100, 106), Span("a.md", 102, 108), Span("b.md", 108, 120)]
    assert union_overlap(spans, GOLD) == 8
    assert not union_covers(spans, GOLD)
    assert union_covers(spans + [Span("a.md", 117, 125)], GOLD)  # 8 + 3 = 11


def test_union_of_disjoint_pieces_covers():
    assert union_covers([Span("a.md", 100, 105), Span("a.md", 115, 120)], GOLD)  # 5 + 5


def test_spans_must_be_ordered():
    with pytest.raises(ValueError):
        Span("a.md", 5, 4)
