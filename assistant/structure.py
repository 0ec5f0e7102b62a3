"""Recovering a document's structure: paragraphs, headings and the section path of every passage.

Works on the original text and returns content segments as original offsets; headings, the
preamble's layout and trailing distribution footers are structure, not content. A page break inside
a sentence (PDF text: ``增长\\n\\n12.0%``) does not end a paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SECTION_SEPARATOR = " › "
#: The section of whatever precedes a document's first heading: its title block, issuer and date.
PREAMBLE = "导语"
#: The section of a document's closing distribution block (报：… 发：… 联系人：…).
FOOTER = "文末"

_TERMINAL = set("。！？；：!?;:…】")
_HEADING_MD = re.compile(r"^#{1,6}\s+(.+?)\s*$")
_HEADING_BRACKET = re.compile(r"^【\s*(.+?)\s*】$")
_HEADING_NUMBERED = re.compile(r"^（[一二三四五六七八九十]+）")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_FOOTER_START = re.compile(r"^(?:报：|发：|抄送|联系人：|印发|---+$|\*\*\*+$|> ?作者)")
#: A reprint's trailer (a rule, the reprinter's name and address) is not part of the document at all.
_REPRINT_START = re.compile(r"^(?:---+$|\*\*\*+$|> ?作者)")
_INDENT = " \t\u3000"
#: A plain-text line may also be indented with typographic spaces (em, en, no-break).
_LINE_INDENT = _INDENT + "\u2002\u2003\u00a0"


@dataclass(frozen=True)
class Segment:
    """A run of content in the original text that sits under one section path."""

    section: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class _Paragraph:
    start: int
    end: int
    text: str  # original text, stripped of indentation and quote markers at its start


def parse_segments(original: str, title: str) -> list[Segment]:
    paragraphs = _paragraphs(original)
    plain = not any(_heading(p.text) for p in paragraphs)
    if plain:
        # A plain-text report (one paragraph per line, no marked headings): its headings are lines
        # such as "一、2024年工作回顾", "（一）…", "一是…", and a short sentence that opens a paragraph.
        return _plain_segments(original, _lines(paragraphs), title)
    paragraphs, footer = _split_footer(paragraphs)
    segments: list[Segment] = []
    level1: str | None = None
    level2: str | None = None
    for paragraph in paragraphs:
        text = paragraph.text
        heading = _heading(text)
        if heading is not None:
            kind, name = heading
            if kind == "title":
                continue
            if kind == 1:
                level1, level2 = name, None
            else:
                level2 = name
            continue
        body_start = paragraph.start
        nested_leads = True
        if text.startswith("▲"):
            name, consumed = _triangle_title(text)
            level2 = name
            body_start = _advance(original, paragraph.start, consumed)
            nested_leads = False  # leads after a ▲ title are its sub-sections, siblings of each other
        base = tuple(s for s in (title, level1 or PREAMBLE, level2) if s)
        segments.extend(_split_on_leads(original, body_start, paragraph.end, base, nested_leads))
    segments.extend(Segment((title, FOOTER), p.start, p.end) for p in footer)
    return [s for s in segments if original[s.start : s.end].strip(_INDENT + "\n*")]


_PLAIN_LEVEL1 = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|附件\s*\d*(?:\s|$)|名词解释$)")
#: An unnumbered heading line of a report ("2024年工作回顾", "加强政府自身建设"): short, no punctuation.
_PLAIN_BARE_LEVEL1 = re.compile(r"^(?:20\d{2}年)?[\u4e00-\u9fff]{2,14}$")
_PLAIN_BARE_WORDS = re.compile(r"回顾|安排|任务|目标|要求|自身建设|政府建设")
_PLAIN_LEVEL2 = re.compile(r"^(?:（[一二三四五六七八九十]{1,3}）|[一二三四五六七八九十]{1,3}是)")
#: A heading line is short and holds no sentence end; a list item ("一、为老年人提供…。") is not one.
_PLAIN_HEADING_CHARS = 40
#: A paragraph's opening sentence names its sub-section ("持续扩大有效需求。…") when it is this short.
_PLAIN_LEAD_CHARS = 30
_LEAD_SENTENCE = re.compile(r"^([^。！？；：\d]{4,%d})。(?=.{20})" % _PLAIN_LEAD_CHARS, re.DOTALL)


def _lines(paragraphs: list[_Paragraph]) -> list[_Paragraph]:
    """Every non-empty line as a paragraph of its own."""
    return [line for paragraph in paragraphs for line in _block_lines(paragraph)]


def _block_lines(paragraph: _Paragraph) -> list[_Paragraph]:
    """The lines of a block, each with its original span (indentation left out)."""
    result = []
    raw = paragraph.text
    # paragraph.text is the block with its leading indentation stripped: find each line's original span.
    offset = paragraph.end - len(raw)
    cursor = 0
    for line in raw.split("\n"):
        start = offset + cursor
        cursor += len(line) + 1
        stripped = line.lstrip(_LINE_INDENT + ">").lstrip(_LINE_INDENT)
        if stripped.strip():
            lead = len(line) - len(stripped)
            result.append(_Paragraph(start + lead, start + len(line.rstrip()), stripped.rstrip()))
    return result


def _plain_heading(text: str) -> tuple[int, str, bool] | None:
    """(level, name, whether the line is only the heading) for a heading of a plain-text report."""
    line = text.strip()
    if _PLAIN_BARE_LEVEL1.match(line) and _PLAIN_BARE_WORDS.search(line):
        return 1, line, True
    for level, pattern in ((1, _PLAIN_LEVEL1), (2, _PLAIN_LEVEL2)):
        if not pattern.match(line):
            continue
        if len(line) <= _PLAIN_HEADING_CHARS and not re.search(r"[。；！？]", line[:-1]):
            return level, _plain(line.rstrip("。")), True
        if level == 2:
            first = re.match(r"^(.{4,60}?)[。：]", line)
            if first:
                return level, _plain(first.group(1)), False
        return None
    return None


def _plain_segments(original: str, paragraphs: list[_Paragraph], title: str) -> list[Segment]:
    paragraphs, footer = _split_footer(paragraphs)
    segments: list[Segment] = []
    level1: str | None = None
    level2: str | None = None
    for paragraph in paragraphs:
        heading = _plain_heading(paragraph.text)
        section_name = None
        if heading is not None:
            level, name, alone = heading
            if level == 1:
                level1, level2 = name, None
            else:
                level2 = name
            if alone:
                continue
        elif level1 is not None:
            lead = _LEAD_SENTENCE.match(paragraph.text)
            section_name = _plain(lead.group(1)) if lead else None
        base = tuple(s for s in (title, level1 or PREAMBLE, level2, section_name) if s)
        segments.append(Segment(base, paragraph.start, paragraph.end))
    segments.extend(Segment((title, FOOTER), p.start, p.end) for p in footer)
    return [s for s in segments if original[s.start : s.end].strip(_INDENT + "\n*")]


def section_label(section: tuple[str, ...]) -> str:
    return SECTION_SEPARATOR.join(section)


def _paragraphs(original: str) -> list[_Paragraph]:
    """Blank-line separated paragraphs, re-joined across page breaks inside a sentence."""
    raw: list[tuple[int, int]] = []
    for match in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", original):
        line_block = match.group(0)
        if line_block.strip(" >\n\t\u3000"):
            raw.append((match.start(), match.start() + len(line_block.rstrip("\n"))))
    paragraphs: list[_Paragraph] = []
    seen_heading = False
    for start, end in raw:
        text = _strip_prefix(original[start:end])
        quoted = original[start:end].lstrip(_INDENT).startswith(">")
        if paragraphs and seen_heading and not quoted and _continues(paragraphs[-1].text, text):
            previous = paragraphs.pop()
            paragraphs.append(_Paragraph(previous.start, end, previous.text + original[previous.end : end]))
            continue
        if _heading(text) not in (None,) and _heading(text)[0] != "title":
            seen_heading = True
        paragraphs.append(_Paragraph(start, end, text))
    return paragraphs


def _split_footer(paragraphs: list[_Paragraph]) -> tuple[list[_Paragraph], list[_Paragraph]]:
    """The body, and the trailing distribution block (报：… 发：… 联系人：…) that is its own section.

    A reprint's trailer (after ``---``, or "作者: …") is left out altogether.
    """
    cut = len(paragraphs)
    for index in range(len(paragraphs) - 1, max(-1, len(paragraphs) - 8), -1):
        if _FOOTER_START.match(paragraphs[index].text.strip()):
            cut = index
    footer = paragraphs[cut:]
    reprint = next((i for i, p in enumerate(footer) if _REPRINT_START.match(p.text.strip())), len(footer))
    return paragraphs[:cut], footer[:reprint]


def _strip_prefix(text: str) -> str:
    return text.lstrip(_INDENT + ">").lstrip(_INDENT)


def _continues(previous: str, following: str) -> bool:
    """Whether `following` is the rest of a sentence that a page break cut out of `previous`."""
    if _heading(previous) is not None or _heading(following) is not None:
        return False
    if _FOOTER_START.match(previous.strip()):
        return False
    if following.startswith(("▲", "#", ">", "---")) or _FOOTER_START.match(following):
        return False
    tail = previous.rstrip(_INDENT + "*\n")
    return bool(tail) and tail[-1] not in _TERMINAL


def _heading(text: str) -> tuple[object, str] | None:
    line = text.strip()
    if "\n" in line:
        return None
    match = _HEADING_MD.match(line)
    if match:
        level = len(line) - len(line.lstrip("#"))
        return ("title" if level == 1 else 1, _plain(match.group(1)))
    match = _HEADING_BRACKET.match(line)
    if match:
        return (1, _plain(match.group(1)))
    bold = _BOLD.fullmatch(line)
    if bold and _HEADING_NUMBERED.match(bold.group(1).strip()):
        return (2, _plain(bold.group(1)))
    return None


def _triangle_title(text: str) -> tuple[str, int]:
    """``▲内需扩量提效攻坚。促进…`` -> ("内需扩量提效攻坚", characters consumed)."""
    line_end = text.find("\n")
    line = text if line_end < 0 else text[:line_end]
    stop = line.find("。")
    consumed = len(line) if stop < 0 else stop + 1
    return _plain(line[1:consumed]).rstrip("。"), consumed


def _advance(original: str, start: int, count: int) -> int:
    """The original index `count` characters of stripped paragraph text after `start`."""
    position = start
    while position < len(original) and original[position] in _INDENT + ">":
        position += 1
    return position + count


def _split_on_leads(
    original: str, start: int, end: int, base: tuple[str, ...], nested: bool = True
) -> list[Segment]:
    """Split a paragraph at bold lead phrases (``**大力提振消费。**``), each opening a sub-section."""
    text = original[start:end]
    leads: list[tuple[int, str]] = []
    body_offset = len(text) - len(text.lstrip(_INDENT))
    for match in _BOLD.finditer(text):
        phrase = match.group(1)
        at_start = match.start() == body_offset
        name = _lead_name(phrase, text[match.end() :], at_start)
        if name:
            leads.append((match.start(), name))
    if not leads:
        return [Segment(base, start, end)]
    segments: list[Segment] = []
    opening = leads[0][1] if nested and leads[0][0] == body_offset else None
    if leads[0][0] > body_offset:
        segments.append(Segment(base, start, start + leads[0][0]))
    for index, (position, name) in enumerate(leads):
        stop = leads[index + 1][0] if index + 1 < len(leads) else len(text)
        if opening is not None and index > 0:
            section = base + (opening, name)
        else:
            section = base + (name,)
        segments.append(Segment(section, start + position, start + stop))
    return segments


def _lead_name(phrase: str, after: str, at_start: bool) -> str | None:
    phrase_plain = _plain(phrase)
    if not phrase_plain or len(phrase_plain) > 60:
        return None
    if "。" in phrase_plain:
        return phrase_plain.split("。")[0]
    if at_start and phrase_plain[-1] in "，：,:":
        return phrase_plain.rstrip("，：,:")
    # A lead whose bold markers a page break split: "**推进新材料产品认定工**\n\n作。"
    if after.startswith("\n"):
        rest = _plain(after)
        for stop in range(min(len(rest), 5)):
            if rest[stop] in "。，":
                return phrase_plain + rest[:stop]
    return None


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("**", "")).strip()
