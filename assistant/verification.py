"""Checks of what is served against the original documents, independent of how it was produced.

At index load, every passage must be the original text at its offsets (an index file edited and
consistently re-hashed is caught here). At answer time, every figure of an answer must appear in the
original span its marker cites, and every time word ("2024年", "1-7月") in the cited document or in
the question; an answer that fails is not served.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from .answer import Citation
from .chunking import Chunk
from .corpus import Document

_MARKER = re.compile(r"\[(\d+)\]")
#: A statement computed from cited figures, labelled as such: "1-7月比目标高0.7个百分点（据[2][1]计算）".
_COMPUTED = re.compile(r"(?P<claim>[^；。\[\]]*)（据(?P<markers>(?:\[\d+\])+)计算）")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
#: A number that says when rather than how much: a year, a month, a day, or a month range ("1-7月").
_TIME_AFTER = re.compile(r"\s*(?:年|月|日|号|季度|(?:-|－|—|~|～|至|到)\s*\d{1,2}\s*月)")
_IGNORED_IN_SOURCE = re.compile(r"[\s*]")


class PassageMismatch(ValueError):
    """A stored passage is not the original text at its offsets."""


def check_passages(chunks: Iterable[Chunk], documents: Sequence[Document]) -> None:
    """Raise PassageMismatch unless every chunk's text is its document's original text at its offsets."""
    by_doc = {d.doc: d for d in documents}
    for chunk in chunks:
        document = by_doc.get(chunk.doc)
        if document is None:
            raise PassageMismatch(f"passage {chunk.id} is from {chunk.doc!r}, which is not in the corpus")
        text, offsets, original = chunk.text, chunk.offsets, document.text
        if not text or len(text) != len(offsets):
            raise PassageMismatch(f"passage {chunk.id} has {len(text)} characters but {len(offsets)} offsets")
        if offsets[0] != chunk.start or offsets[-1] + 1 != chunk.end or chunk.end > len(original):
            raise PassageMismatch(f"passage {chunk.id}: its span {chunk.start}-{chunk.end} does not match its offsets")
        previous = -1
        for char, offset in zip(text, offsets):
            if offset <= previous or original[offset] != char:
                raise PassageMismatch(
                    f"passage {chunk.id} is not the original text of {chunk.doc} at offset {offset}"
                )
            previous = offset
        if chunk.title != document.title:
            raise PassageMismatch(f"passage {chunk.id} carries the title {chunk.title!r}, not {document.title!r}")


def unsupported_claim(
    answer: str, citations: Sequence[Citation], documents: Mapping[str, Document], questions: Sequence[str]
) -> str | None:
    """Why the answer cannot be served as checked against the source, or None when it holds.

    Each claim is the text up to its marker [n]. A figure in it must appear in citation n's quote
    (the original text, whitespace and Markdown bold aside); a time number ("2024年", "1-7月", which
    answers prefix from the passage's heading or paragraph) must appear in the cited document or the
    question. Text after the last marker may hold time numbers of the question only.
    """
    by_id = {c.id: c for c in citations}
    for citation in citations:
        document = documents.get(citation.doc)
        if document is None or not 0 <= citation.start < citation.end <= len(document.text):
            return f"citation [{citation.id}] points outside the corpus ({citation.doc}:{citation.start}-{citation.end})"
        if document.text[citation.start : citation.end] != citation.quote:
            return f"citation [{citation.id}] does not quote the original at {citation.doc}:{citation.start}-{citation.end}"
    asked = _comparable(" ".join(questions))
    answer, problem = _without_computed(answer, by_id)
    if problem is not None:
        return problem
    position = 0
    for marker in _MARKER.finditer(answer):
        claim = answer[position : marker.start()]
        position = marker.end()
        citation = by_id.get(int(marker.group(1)))
        if citation is None:
            return f"marker [{marker.group(1)}] has no citation"
        quote = _comparable(citation.quote)
        source = _comparable_source(documents[citation.doc].text)
        for number, is_time in _numbers(claim):
            if _contains(quote, number) or (is_time and (_contains(source, number) or _contains(asked, number))):
                continue
            return f"the number {number} is not in the span [{citation.id}] cites ({citation.quote!r})"
    for number, is_time in _numbers(answer[position:]):
        if not (is_time and _contains(asked, number)):
            return f"the number {number} is not in any cited span"
    return None


def _without_computed(answer: str, by_id: Mapping[int, Citation]) -> tuple[str, str | None]:
    """The answer with its computed statements ("…高0.7个百分点（据[1][2]计算）") checked and taken out.

    A computed statement's figures must be differences of figures of the spans it names.
    """
    kept = []
    position = 0
    for match in _COMPUTED.finditer(answer):
        ids = [int(i) for i in _MARKER.findall(match.group("markers"))]
        if any(i not in by_id for i in ids):
            return answer, f"a computed statement cites a missing marker ({match.group(0)!r})"
        figures = [{Decimal(n) for n, is_time in _numbers(by_id[i].quote) if not is_time} for i in ids]
        possible = {abs(a - b) for a in figures[0] for b in (figures[1] if len(figures) > 1 else figures[0])}
        for number, is_time in _numbers(match.group("claim")):
            if not is_time and Decimal(number) not in possible:
                return answer, f"the computed figure {number} is not a difference of the cited figures"
        kept.append(answer[position : match.start()])
        position = match.end()
    kept.append(answer[position:])
    return "".join(kept), None


def _numbers(text: str) -> list[tuple[str, bool]]:
    """The numbers of a text (NFKC), each with whether it is a time number."""
    text = unicodedata.normalize("NFKC", text)
    found = []
    for match in _NUMBER.finditer(text):
        after = _TIME_AFTER.match(text, match.end())
        before = text[max(0, match.start() - 1) : match.start()]
        ends_range = before != "" and before in "-－—~～至到" and text[match.end() : match.end() + 1] == "月"
        is_time = bool(after) or ends_range
        found.append((match.group(0), is_time))
    return found


@lru_cache(maxsize=256)
def _comparable_source(text: str) -> str:
    return _comparable(text)


def prepare(documents: Iterable[Document]) -> None:
    """Normalize the documents' texts now, not on the first answer that cites each."""
    for document in documents:
        _comparable_source(document.text)


def _comparable(text: str) -> str:
    return _IGNORED_IN_SOURCE.sub("", unicodedata.normalize("NFKC", text))


def _contains(text: str, number: str) -> bool:
    """Whether ``number`` occurs in ``text`` as a whole number: no digit or point before it, no digit or
    point-and-digit after it (a search, not a regular expression compiled for every new number)."""
    start = text.find(number)
    while start != -1:
        end = start + len(number)
        before = text[start - 1] if start else ""
        after = text[end : end + 2]
        if not (before.isdecimal() or before == ".") and not (
            after[:1].isdecimal() or (after[:1] == "." and after[1:2].isdecimal())
        ):
            return True
        start = text.find(number, start + 1)
    return False
