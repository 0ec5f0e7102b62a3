"""The document as staff read it: cleaned text with its headings, an outline, and the cited span marked.

The original file is never shown raw: Markdown markers, indentation and page breaks inside a sentence
are gone (``assistant.cleaning``), headings come from the document's structure
(``assistant.structure``), and every shown character keeps its offset in the original, so a citation's
``[start, end)`` marks exactly the characters it quotes.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from assistant.cleaning import CleanText, clean_span
from assistant.corpus import Document
from assistant.structure import PREAMBLE, parse_segments

#: Outline depth: the document's chapters and their numbered sections (bold lead phrases are not listed).
OUTLINE_LEVELS = 2


@dataclass(frozen=True)
class Block:
    """A heading (level >= 1) or a paragraph (level 0) of cleaned text."""

    level: int
    text: CleanText
    #: Bold lead phrases (``大力提振消费。``) inside a paragraph, as [start, end) of its cleaned text.
    bold: tuple[tuple[int, int], ...] = ()


def document_blocks(document: Document) -> list[Block]:
    """Headings and paragraphs of the document, in order, each paragraph cleaned with its offsets."""
    original = document.text
    blocks: list[Block] = []
    path: tuple[str, ...] = ()
    previous_end = -1
    for segment in parse_segments(original, document.title):
        cleaned = clean_span(original, segment.start, segment.end).strip()
        if not cleaned.text:
            continue
        section = segment.section[1:]  # the document title is the viewer's own heading
        common = 0
        while common < min(len(path), len(section)) and path[common] == section[common]:
            common += 1
        bold: tuple[tuple[int, int], ...] = ()
        for depth in range(common, len(section)):
            name = section[depth]
            if depth == 0 and name == PREAMBLE:
                continue
            if depth == len(section) - 1 and cleaned.text.startswith(name):
                bold = ((0, len(name)),)  # a bold lead phrase opening the text: shown in place, in bold
                continue
            anchor = original.find(name, max(0, previous_end), segment.start)
            offset = anchor if anchor >= 0 else segment.start
            blocks.append(Block(depth + 1, CleanText(name, tuple(range(offset, offset + len(name))))))
        path = section
        same_paragraph = (
            blocks and blocks[-1].level == 0 and previous_end >= 0 and "\n" not in original[previous_end : segment.start]
        )
        if same_paragraph:  # a lead phrase split one paragraph into sub-sections: it stays one paragraph
            last = blocks.pop()
            shift = len(last.text.text)
            blocks.append(Block(0, CleanText.join([last.text, cleaned]), last.bold + tuple((a + shift, b + shift) for a, b in bold)))
        else:
            blocks.append(Block(0, cleaned, bold))
        previous_end = segment.end
    return blocks


def marked_html(
    text: CleanText,
    start: int,
    end: int,
    *,
    bold: tuple[tuple[int, int], ...] = (),
    first: list[bool] | None = None,
    span: str = "",
) -> str:
    """Escaped cleaned text with the characters whose original offsets lie in [start, end) in <mark>.

    ``bold`` ranges (cleaned indices) are wrapped in <strong>. ``first`` is a one-element flag shared
    across calls: the first mark of a view gets ``id="hga-cited"`` and ``data-span`` (what the page
    script scrolls to); later marks only the class.
    """
    size = len(text.text)
    cuts = {0, size}
    for a, b in bold:
        cuts.update((max(0, min(size, a)), max(0, min(size, b))))
    for i in range(1, size):
        if (start <= text.offsets[i] < end) != (start <= text.offsets[i - 1] < end):
            cuts.add(i)
    points = sorted(cuts)
    parts: list[str] = []
    for a, b in zip(points, points[1:]):
        chunk = escape(text.text[a:b])
        if any(x <= a and b <= y for x, y in bold):
            chunk = f"<strong>{chunk}</strong>"
        if start <= text.offsets[a] < end:
            if first is not None and first[0]:
                first[0] = False
                chunk = f'<mark class="hga-cited" id="hga-cited" data-span="{escape(span, quote=True)}">{chunk}</mark>'
            else:
                chunk = f'<mark class="hga-cited hga-cited-more">{chunk}</mark>'
        parts.append(chunk)
    return "".join(parts)


def render_document(document: Document, start: int, end: int) -> str:
    """The viewer: head (title, meta, outline, search, citation navigation) and the cleaned body."""
    span = f"{document.doc}@{start}-{end}"
    first = [True]
    body: list[str] = []
    outline: list[str] = []
    blocks = document_blocks(document)
    pages = iter(enumerate(document.page_starts[1:], start=2))
    next_page = next(pages, None)
    where: list[int] = []  # each block's place in body (page marks sit between blocks)
    for number, block in enumerate(blocks):
        while next_page is not None and block.text.offsets and block.text.offsets[0] >= next_page[1]:
            body.append(f'<div class="hga-page-mark" aria-label="第{next_page[0]}页">第{next_page[0]}页</div>')
            next_page = next(pages, None)
        where.append(len(body))
        if block.level:
            anchor = f"hga-sec-{number}"
            tag = f"h{min(6, block.level + 2)}"
            body.append(f'<{tag} class="hga-doc-h hga-doc-h{block.level}" id="{anchor}">{marked_html(block.text, start, end, first=first, span=span)}</{tag}>')
            if block.level <= OUTLINE_LEVELS:
                outline.append(
                    f'<li class="hga-outline-l{block.level}"><a href="#" data-target="{anchor}">{escape(block.text.text)}</a></li>'
                )
        else:
            body.append(f"<p>{marked_html(block.text, start, end, bold=block.bold, first=first, span=span)}</p>")
    if first[0]:  # nothing shown falls in the span (only markers or spaces): an empty anchor where it was
        at = next((where[i] for i, b in enumerate(blocks) if b.text.offsets and b.text.offsets[-1] >= start), len(body))
        anchor = f'<mark class="hga-cited" id="hga-cited" data-span="{escape(span, quote=True)}"></mark>'
        body.insert(at, anchor)
    meta = " · ".join(escape(x) for x in (document.kind_label, document.date, document.issuer) if x)
    page = document.page_at(start)
    if page is not None:
        meta += f' · <span class="hga-viewer-page">引文在第{page}页（共{len(document.page_starts)}页）</span>'
    source = ""
    if document.source_url and document.source_url.startswith(("https://", "http://")):
        source = f' · <a href="{escape(document.source_url, quote=True)}" target="_blank" rel="noopener noreferrer">原文链接</a>'
    outline_html = (
        f'<details class="hga-outline"><summary>目录</summary><ol>{"".join(outline)}</ol></details>' if outline else ""
    )
    tools = (
        '<div class="hga-viewer-tools">'
        f"{outline_html}"
        '<span class="hga-search"><input type="search" class="hga-search-input" placeholder="在本文件中搜索" '
        'aria-label="在本文件中搜索" autocomplete="off"><span class="hga-search-count" aria-live="polite"></span>'
        '<button type="button" class="hga-tool" data-search="prev" title="上一处" aria-label="上一处">↑</button>'
        '<button type="button" class="hga-tool" data-search="next" title="下一处" aria-label="下一处">↓</button></span>'
        '<span class="hga-cite-nav"></span>'
        "</div>"
    )
    return (
        f'<div class="hga-viewer" data-doc="{escape(document.doc, quote=True)}">'
        '<div class="hga-viewer-head">'
        '<div class="hga-viewer-top"><button type="button" class="hga-back">‹ 返回回答</button>'
        f'<div class="hga-viewer-title">{escape(document.title)}</div></div>'
        f'<div class="hga-viewer-meta">{meta}{source}</div>'
        f"{tools}</div>"
        f'<div class="hga-viewer-body" id="hga-viewer-body">{"".join(body)}</div>'
        "</div>"
    )
