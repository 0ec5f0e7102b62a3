"""Chunking documents into small passages that never cross a section boundary or cut a number."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

from .cleaning import CleanText, clean_span
from .corpus import Document
from .structure import parse_segments, section_label

if TYPE_CHECKING:  # LangChain is imported only to chunk (indexing), never to answer
    from langchain_text_splitters import RecursiveCharacterTextSplitter

#: Chinese boundaries, strongest first: paragraph, sentence, clause.
CHINESE_SEPARATORS = ["\n", "。", "！", "？", "；", "，", "、", ""]
MIN_CHUNK_CHARS = 24
_TIME_LEAD = re.compile(r"((?:20\d{2}年)?(?:\d{1,2}-\d{1,2}月|上半年|前三季度|截至\d{1,2}月\d{1,2}日|截至\d{1,2}月底))[，,]")
_NUMBER_CHAR = re.compile(r"[0-9０-９.．%％]")


@dataclass(frozen=True)
class Chunk:
    id: str  # "<doc>#<n>"
    doc: str
    title: str
    section: tuple[str, ...]
    start: int  # original offsets of the chunk's first and past-its-last character
    end: int
    text: str  # cleaned text
    offsets: tuple[int, ...]  # original offset of every cleaned character
    #: The time phrase that opens the chunk's paragraph ("1-7月"), when the chunk itself may not repeat it.
    context: str = ""

    @property
    def section_label(self) -> str:
        return section_label(self.section)

    @property
    def clean(self) -> CleanText:
        return CleanText(self.text, self.offsets)

    def indexed_text(self, with_section: bool) -> str:
        """What retrieval sees: the section path (headings carry topic words) and the text."""
        prefix = self.context + "，" if self.context and self.context not in self.text else ""
        if not with_section or len(self.section) < 2:
            return prefix + self.text
        return section_label(self.section[1:]) + "\n" + prefix + self.text


def chunk_document(document: Document, chunk_size: int, chunk_overlap: int, recipe: str = "structured") -> list[Chunk]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    if recipe == "plain":
        return _plain_chunks(document, chunk_size, chunk_overlap)
    splitter = RecursiveCharacterTextSplitter(
        separators=CHINESE_SEPARATORS,
        keep_separator="end",
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        strip_whitespace=True,
    )
    chunks: list[Chunk] = []
    for section, group in _section_texts(document):
        for piece, context in _split(splitter, group):
            start, end = piece.original_span(0, len(piece.text))
            chunks.append(
                Chunk(
                    id=f"{document.doc}#{len(chunks)}",
                    doc=document.doc,
                    title=document.title,
                    section=section,
                    start=start,
                    end=end,
                    text=piece.text,
                    offsets=piece.offsets,
                    context=context,
                )
            )
    return _merge_fragments(chunks, chunk_size)


def _merge_fragments(chunks: list[Chunk], chunk_size: int) -> list[Chunk]:
    """Join a fragment too short to stand alone (a lone lead phrase) to the next chunk of its section."""
    merged: list[Chunk] = []
    pending: Chunk | None = None
    for chunk in chunks:
        if pending is not None:
            if pending.section == chunk.section and len(pending.text) + len(chunk.text) <= chunk_size * 1.5:
                chunk = Chunk(
                    id=chunk.id, doc=chunk.doc, title=chunk.title, section=chunk.section, start=pending.start,
                    end=chunk.end, text=pending.text + chunk.text,
                    offsets=pending.offsets + chunk.offsets, context=pending.context or chunk.context,
                )
            else:
                merged.append(pending)
            pending = None
        if len(chunk.text) < MIN_CHUNK_CHARS:
            pending = chunk
        else:
            merged.append(chunk)
    if pending is not None:
        merged.append(pending)
    return [_renumber(chunk, number) for number, chunk in enumerate(merged)]


def _renumber(chunk: Chunk, number: int) -> Chunk:
    return Chunk(**{**chunk.__dict__, "id": f"{chunk.doc}#{number}"})


def _section_texts(document: Document) -> list[tuple[tuple[str, ...], CleanText]]:
    """Consecutive segments of one section joined into one cleaned text, paragraphs kept as "\\n"."""
    original = document.text
    result = []
    segments = parse_segments(original, document.title)
    for section, run in groupby(segments, key=lambda s: s.section):
        parts: list[CleanText] = []
        previous_end = None
        for segment in run:
            cleaned = clean_span(original, segment.start, segment.end)
            if not cleaned.text:
                continue
            if parts and previous_end is not None:
                newline = original.find("\n", previous_end, segment.start)
                if newline >= 0:
                    parts.append(CleanText("\n", (newline,)))
            parts.append(cleaned)
            previous_end = segment.end
        if parts:
            result.append((section, CleanText.join(parts)))
    return result


def _split(splitter: RecursiveCharacterTextSplitter, group: CleanText) -> list[tuple[CleanText, str]]:
    """Split a section's text; locate each piece, keep numbers whole at its edges, find its time context."""
    pieces: list[tuple[CleanText, str]] = []
    search_from = 0
    for text in splitter.split_text(group.text):
        start = group.text.find(text, search_from)
        if start < 0:
            raise RuntimeError(f"splitter returned text not found in its input: {text[:30]!r}")
        end = start + len(text)
        search_from = start + 1
        while start > 0 and _inside_number(group.text, start):
            start -= 1
        while end < len(group.text) and _inside_number(group.text, end):
            end += 1
        piece = group.slice(start, end).strip(" \n")
        if piece.text:
            pieces.append((piece, _paragraph_context(group.text, start)))
    return pieces


def _paragraph_context(text: str, position: int) -> str:
    """The opening time phrase of the paragraph holding `position`: "1-7月" in "1-7月，全省投资…"."""
    paragraph_start = text.rfind("\n", 0, position) + 1
    match = _TIME_LEAD.match(text, paragraph_start)
    return match.group(1) if match else ""


def _inside_number(text: str, boundary: int) -> bool:
    """Whether a cut at `boundary` would fall between two characters of one number."""
    return bool(_NUMBER_CHAR.match(text[boundary - 1]) and _NUMBER_CHAR.match(text[boundary]))


def _plain_chunks(document: Document, chunk_size: int, chunk_overlap: int) -> list[Chunk]:
    """The LangChain default recipe on the raw file: a baseline to measure the structured one against."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap, add_start_index=True)
    chunks = []
    for piece in splitter.create_documents([document.text]):
        start = piece.metadata["start_index"]
        text = piece.page_content
        chunks.append(
            Chunk(
                id=f"{document.doc}#{len(chunks)}",
                doc=document.doc,
                title=document.title,
                section=(document.title,),
                start=start,
                end=start + len(text),
                text=text,
                offsets=tuple(range(start, start + len(text))),
            )
        )
    return chunks
