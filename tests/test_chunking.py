"""chunking: every chunk of the real corpus maps back to its original characters, stays in its section,
never cuts a number and stays near the chunk size; the plain baseline slices the original verbatim."""

from __future__ import annotations

import re
from itertools import groupby

import pytest

from assistant.chunking import Chunk, chunk_document
from assistant.cleaning import clean_span
from assistant.structure import parse_segments

_NUMBER_CHAR = re.compile(r"[0-9.]")


@pytest.fixture(scope="module")
def by_doc(corpus_documents, corpus_chunks):
    """(document, its segments, its chunks) for both documents."""
    return [
        (document, parse_segments(document.text, document.title), [c for c in corpus_chunks if c.doc == document.doc])
        for document in corpus_documents
    ]


def test_both_documents_are_chunked_with_the_default_settings(assistant_settings, by_doc):
    assert (assistant_settings.chunking, assistant_settings.chunk_size) == ("structured", 160)
    assert len(by_doc) == 2
    for document, _, chunks in by_doc:
        assert len(chunks) > 50
        assert [c.id for c in chunks] == [f"{document.doc}#{n}" for n in range(len(chunks))]
        assert all(c.doc == document.doc and c.title == document.title for c in chunks)


def test_every_chunk_character_is_the_original_character_at_its_offset(by_doc):
    for document, _, chunks in by_doc:
        for chunk in chunks:
            assert len(chunk.text) == len(chunk.offsets)
            for i, offset in enumerate(chunk.offsets):
                assert chunk.text[i] == document.text[offset], (chunk.id, i)
            assert all(a < b for a, b in zip(chunk.offsets, chunk.offsets[1:])), chunk.id


def test_start_and_end_bracket_the_offsets(by_doc):
    for _, _, chunks in by_doc:
        for chunk in chunks:
            assert chunk.start == chunk.offsets[0] and chunk.end == chunk.offsets[-1] + 1, chunk.id
            assert chunk.clean.original_span(0, len(chunk.text)) == (chunk.start, chunk.end)


def test_no_chunk_crosses_a_section_boundary(by_doc):
    """Each character of a chunk lies in a segment of the chunk's own section; the only exception is
    the line break that joins two consecutive segments of that same section (kept as a paragraph mark)."""
    for document, segments, chunks in by_doc:
        for chunk in chunks:
            for offset in chunk.offsets:
                holder = next((s for s in segments if s.start <= offset < s.end), None)
                if holder is not None:
                    assert holder.section == chunk.section, (chunk.id, offset, holder.section)
                    continue
                assert document.text[offset] == "\n", (chunk.id, offset)
                before = [s for s in segments if s.end <= offset][-1]
                after = next(s for s in segments if s.start > offset)
                assert before.section == after.section == chunk.section, (chunk.id, offset)
            foreign = [s for s in segments if s.section != chunk.section and chunk.start < s.end and s.start < chunk.end]
            assert not foreign, (chunk.id, foreign)


def test_no_chunk_boundary_falls_inside_a_number(by_doc):
    for _, _, chunks in by_doc:
        for section, run in groupby(chunks, key=lambda c: c.section):
            run = list(run)
            for previous, following in zip(run, run[1:]):
                cut = previous.text[-1] + following.text[0]
                assert not (_NUMBER_CHAR.match(cut[0]) and _NUMBER_CHAR.match(cut[1])), (
                    previous.id, previous.text[-15:], following.text[:15]
                )


def test_chunks_are_non_empty_and_near_the_chunk_size(assistant_settings, by_doc):
    limit = 1.5 * assistant_settings.chunk_size
    for _, _, chunks in by_doc:
        for chunk in chunks:
            assert chunk.text.strip(), chunk.id
            assert len(chunk.text) <= limit, (chunk.id, len(chunk.text))
            assert chunk.text == chunk.text.strip(" \n"), chunk.id
            assert "**" not in chunk.text and "\u3000" not in chunk.text, chunk.id


def test_chunks_lose_no_content(by_doc):
    """Every visible character of every segment is in some chunk."""
    for document, segments, chunks in by_doc:
        covered = {offset for chunk in chunks for offset in chunk.offsets}
        for segment in segments:
            cleaned = clean_span(document.text, segment.start, segment.end)
            lost = [o for ch, o in zip(cleaned.text, cleaned.offsets) if not ch.isspace() and o not in covered]
            assert not lost, (segment.section, document.text[lost[0] : lost[0] + 20])


def test_chunks_do_not_overlap_with_the_default_zero_overlap(by_doc):
    for _, _, chunks in by_doc:
        seen: set[int] = set()
        for chunk in chunks:
            assert not seen & set(chunk.offsets), chunk.id
            seen.update(chunk.offsets)


def test_a_monthly_figure_chunk_carries_its_paragraph_time_context(corpus_chunks):
    holding = [c for c in corpus_chunks if "计算机通信和其他电子设备制造业增长15.6%" in c.text]
    assert len(holding) == 1
    chunk = holding[0]
    assert chunk.section[1:] == ("重要指标",)
    assert "1-7月" not in chunk.text and chunk.context == "1-7月"
    assert "1-7月，" + chunk.text in chunk.indexed_text(with_section=False)


def test_indexed_text_prefixes_the_section_path_but_not_the_title(corpus_chunks):
    chunk = next(c for c in corpus_chunks if "推进提振消费专项行动" in c.text)
    indexed = chunk.indexed_text(with_section=True)
    assert indexed.startswith("二、关于2025年工作 › （一）全力推动经济持续回升向好 › 大力提振消费\n")
    assert indexed.endswith(chunk.text)
    assert chunk.title not in indexed.split("\n")[0]
    assert chunk.indexed_text(with_section=False).endswith(chunk.text)
    assert "二、关于2025年工作" not in chunk.indexed_text(with_section=False)


@pytest.mark.parametrize("size, overlap", [(500, 50), (200, 0)])
def test_plain_recipe_slices_the_original_verbatim(corpus_documents, size, overlap):
    for document in corpus_documents:
        chunks = chunk_document(document, size, overlap, recipe="plain")
        assert chunks
        for chunk in chunks:
            assert chunk.text == document.text[chunk.start : chunk.end]
            assert chunk.offsets == tuple(range(chunk.start, chunk.end))
            assert len(chunk.text) <= size
            assert chunk.section == (document.title,)


def test_other_chunk_sizes_keep_the_invariants(corpus_documents):
    for document in corpus_documents:
        for size in (60, 300):
            chunks: list[Chunk] = chunk_document(document, size, 0)
            assert chunks
            for chunk in chunks:
                assert all(document.text[o] == ch for ch, o in zip(chunk.text, chunk.offsets))
                assert 0 < len(chunk.text) <= 1.5 * size
