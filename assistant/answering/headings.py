"""Headings: where each section's heading stands in the original text, as a unit that can be cited.

Passages hold a section's content, not the heading line above it ("【工作部署】", "一、2024年工作回顾"), so
a question about how a document is laid out ("这期月报分了哪几个栏目？", "特色亮点栏目介绍了哪些地方？")
is answered with the headings themselves, found in the original text at the place the sections begin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..chunking import Chunk
from ..evidence import Unit
from ..structure import FOOTER, PREAMBLE

#: How far past a section's first passage its heading may end (a lead phrase opens the passage itself).
LOOKAHEAD_CHARS = 120
#: Words by which a question asks how a document or one of its parts is laid out.
_ASKS_LAYOUT = re.compile(r"栏目|板块|几个部分|哪几部分|哪些部分|几部分|章节|分了哪|分为哪|分成哪|由哪")
#: Words by which a question names a document as a whole.
_NAMES_DOCUMENT = re.compile(r"报告|月报|文件|这期|本期|这份|全文")
_SKIPPED = frozenset(" \t\r\n\u3000【】[]*")


@dataclass(frozen=True)
class Heading:
    section: tuple[str, ...]  # the section path it heads (the document's title first)
    unit: Unit  # the heading's text in the original, as a one-sentence unit of its own passage


def asks_layout(question_text: str) -> bool:
    return bool(_ASKS_LAYOUT.search(question_text))


def names_document(question_text: str) -> bool:
    return bool(_NAMES_DOCUMENT.search(question_text))


def find_headings(text: str, chunks: list[Chunk]) -> tuple[Heading, ...]:
    """The headings of one document, in order: for each section path its passages open, where its
    label is written (spacing and brackets aside) between the previous heading and the passage."""
    headings: list[Heading] = []
    seen: set[tuple[str, ...]] = set()
    cursor = 0
    previous_start = 0
    for chunk in sorted(chunks, key=lambda c: c.start):
        # A heading stands after the passage before its section's first one: the search never rescans the text.
        window_start = max(cursor, previous_start)
        previous_start = chunk.start
        for depth in range(2, len(chunk.section) + 1):
            path = chunk.section[:depth]
            if path in seen or path[-1] in (PREAMBLE, FOOTER):
                continue
            seen.add(path)
            found = _find_label(text, path[-1], window_start, chunk.start + LOOKAHEAD_CHARS)
            if found is None:
                continue
            cursor = window_start = found[1]
            headings.append(Heading(path, _unit_of(chunk, path, text, *found)))
    return tuple(headings)


def children(headings: tuple[Heading, ...], parent: tuple[str, ...]) -> list[Heading]:
    """The headings right under `parent` (a document's top-level parts under its title)."""
    return [h for h in headings if len(h.section) == len(parent) + 1 and h.section[: len(parent)] == parent]


def named_parent(headings: tuple[Heading, ...], question_text: str) -> tuple[str, ...] | None:
    """The section a question names by its heading ("特色亮点栏目…"), the shallowest such; None for none."""
    compact = re.sub(r"\s", "", question_text)
    named = [h.section for h in headings if len(h.section[-1]) >= 2 and h.section[-1] in compact]
    return min(named, key=len) if named else None


def _find_label(text: str, label: str, start: int, end: int) -> tuple[int, int] | None:
    """Where `label` is written in text[start:end], spacing, brackets and bold markers aside ("特色亮点" in
    "【 特色亮点 】", a lead split by a page break): its first and past-its-last character; None if it is not."""
    kept = [i for i in range(start, min(end, len(text))) if text[i] not in _SKIPPED]
    at = "".join(text[i] for i in kept).find(label)
    if at < 0 or not label:
        return None
    return kept[at], kept[at + len(label) - 1] + 1


def _unit_of(chunk: Chunk, section: tuple[str, ...], text: str, start: int, end: int) -> Unit:
    """The heading at text[start:end] as a unit of a passage of its own (its text cleaned of spacing)."""
    offsets = tuple(i for i in range(start, end) if not text[i].isspace() and text[i] != "*")
    cleaned = "".join(text[i] for i in offsets)
    passage = Chunk(
        id=f"{chunk.doc}#heading@{start}",
        doc=chunk.doc,
        title=chunk.title,
        section=section,
        start=start,
        end=end,
        text=cleaned,
        offsets=offsets,
    )
    return Unit(passage, 0, len(cleaned), "sentence", 0, len(cleaned))
