"""Cleaning text in memory, with an offset map back to the original file.

Cleaning only ever deletes characters (Markdown markers, indentation, page-break newlines, stray
spaces), so the cleaned text is a subsequence of the original and every cleaned character knows the
index it came from. Any cleaned span maps back to an original span whose text is what is cited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_LINE_PREFIX = re.compile(r"^(?:[ \t\u3000]*(?:#{1,6}[ \t]+|>[ \t]?))?[ \t\u3000]*", re.MULTILINE)


def is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x3000 <= code <= 0x303F  # CJK punctuation
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x2018 <= code <= 0x201F  # curly quotes used as Chinese quotes
        or code in (0x2014, 0x2026, 0x00B7, 0x25B2)  # —— … · ▲
        or 0x2460 <= code <= 0x24FF  # circled numbers ①
    )


@dataclass(frozen=True)
class CleanText:
    """Cleaned text plus, for each of its characters, the index of that character in the original."""

    text: str
    offsets: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.text) != len(self.offsets):
            raise ValueError("a cleaned text needs exactly one original offset per character")

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) covering cleaned characters [start, end)."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"empty or out-of-range cleaned span [{start}, {end})")
        return self.offsets[start], self.offsets[end - 1] + 1

    def slice(self, start: int, end: int) -> "CleanText":
        return CleanText(self.text[start:end], self.offsets[start:end])

    def strip(self, chars: str | None = None) -> "CleanText":
        left = len(self.text) - len(self.text.lstrip(chars))
        right = len(self.text.rstrip(chars))
        return self.slice(left, max(left, right))

    @staticmethod
    def join(parts: list["CleanText"]) -> "CleanText":
        return CleanText("".join(p.text for p in parts), tuple(o for p in parts for o in p.offsets))


def clean_span(original: str, start: int, end: int) -> CleanText:
    """Clean original[start:end] into one running line of text.

    Removes Markdown heading and quote markers, link targets, ``**`` bold markers, indentation, all
    line breaks (a page break inside a sentence disappears), and spaces next to Chinese characters
    (``3112.99 亿元`` -> ``3112.99亿元``). Spaces between two Latin words or numbers stay, as one.
    """
    keep = [True] * (end - start)
    segment = original[start:end]

    def drop(a: int, b: int) -> None:
        for i in range(a, b):
            keep[i] = False

    for match in _LINE_PREFIX.finditer(segment):
        drop(match.start(), match.end())
    for match in _MARKDOWN_LINK.finditer(segment):
        drop(match.start(), match.start(1))  # "["
        drop(match.end(1), match.end())  # "](url)"
    for match in re.finditer(r"\*\*", segment):
        drop(match.start(), match.end())
    for i, char in enumerate(segment):
        if char in "\r\n":
            keep[i] = False

    chars = [(segment[i], start + i) for i in range(len(segment)) if keep[i]]
    return CleanText.join([_drop_stray_spaces(chars)])


def _drop_stray_spaces(chars: list[tuple[str, int]]) -> CleanText:
    text: list[str] = []
    offsets: list[int] = []
    i = 0
    while i < len(chars):
        char, offset = chars[i]
        if char in " \t\u3000\xa0":
            j = i
            while j < len(chars) and chars[j][0] in " \t\u3000\xa0":
                j += 1
            before = text[-1] if text else ""
            after = chars[j][0] if j < len(chars) else ""
            if before and after and not is_cjk(before) and not is_cjk(after):
                text.append(" ")
                offsets.append(offset)
            i = j
            continue
        text.append(char)
        offsets.append(offset)
        i += 1
    return CleanText("".join(text), tuple(offsets))
