"""HTML for the chat: questions, answers with citation markers and cards, and the document viewer.

Every piece of text that comes from a person or a document (question, answer, quote, passage, title,
section) goes through ``html.escape`` before it becomes HTML. The only markup is the markup written
here. Chat messages are rendered on one line inside a ``<div>`` so that the Chatbot's Markdown step
treats them as a raw HTML block and never reinterprets the escaped text.

Citation links carry their target in the ``href`` (``#cite=<doc>@<start>-<end>``); the viewer script
in ``ui/theme.py`` sends that key to the server, which answers with ``render_viewer``.
"""

from __future__ import annotations

import re
from html import escape
from typing import Iterable, Mapping
from urllib.parse import quote, unquote

from assistant.answer import Answer, Citation, RetrievedPassage
from assistant.corpus import Document

MARKER = re.compile(r"\[(\d{1,3})\]")
CONTEXT_CHARS = 60  # shown either side of a quote when the passage offsets are unknown
SNIPPET_CHARS = 140  # longest related-passage snippet shown under a refusal
RELATED_LIMIT = 3
KEY_PREFIX = "#cite="
_KEY = re.compile(r"^(?:#?cite=)?(?P<doc>[^@]+)@(?P<start>\d+)-(?P<end>\d+)$")


# ----------------------------------------------------------------------------- text helpers


def text_html(text: str) -> str:
    """Escaped text for inside a chat message: line breaks become <br>, never raw newlines."""
    escaped = escape(text, quote=True)
    escaped = re.sub(r"\n{2,}", "\n", escaped.replace("\r\n", "\n"))
    return _dim_markdown(escaped).replace("\n", "<br>")


def _dim_markdown(escaped: str) -> str:
    """Show the source's Markdown emphasis markers faintly; the text itself is unchanged."""
    return escaped.replace("**", '<span class="hga-md">**</span>')


def citation_key(doc: str, start: int, end: int) -> str:
    return f"{KEY_PREFIX}{quote(doc, safe='')}@{int(start)}-{int(end)}"


def parse_citation_key(key: object) -> tuple[str, int, int] | None:
    """(doc, start, end) from a key made by ``citation_key``; None for anything else."""
    if not isinstance(key, str):
        return None
    match = _KEY.match(key.strip())
    if not match:
        return None
    return unquote(match["doc"]), int(match["start"]), int(match["end"])


def _link(key: str, inner_html: str, css_class: str, title: str = "") -> str:
    title_attr = f' title="{escape(title, quote=True)}"' if title else ""
    return f'<a class="{css_class}" href="{escape(key, quote=True)}"{title_attr}>{inner_html}</a>'


# ----------------------------------------------------------------------------- chat messages


def render_question(question: str) -> str:
    return f'<div class="hga-question">{text_html(question)}</div>'


def render_pending() -> str:
    return '<div class="hga-answer hga-pending">正在检索文件并组织答案<span class="hga-dots"></span></div>'


def render_notice(message: str) -> str:
    """A reply to input the assistant cannot take (empty, too long…): a message, not an error."""
    return f'<div class="hga-answer hga-notice"><div class="hga-text">{text_html(message)}</div></div>'


def render_answer_text(text: str, citations: Iterable[Citation]) -> str:
    """The answer with each complete marker [n] that names a citation made a clickable link."""
    by_id = {c.id: c for c in citations}
    parts: list[str] = []
    position = 0
    for match in MARKER.finditer(text):
        parts.append(text_html(text[position : match.start()]))
        citation = by_id.get(int(match.group(1)))
        if citation is None:
            parts.append(escape(match.group(0)))
        else:
            key = citation_key(citation.doc, citation.start, citation.end)
            parts.append(_link(key, escape(match.group(0)), "hga-marker", f"{citation.title} · {citation.section}"))
        position = match.end()
    parts.append(text_html(text[position:]))
    return "".join(parts)


def stream_prefixes(text: str, steps: int = 24) -> list[str]:
    """Growing prefixes of text for streaming, never cutting a citation marker in two."""
    atoms: list[str] = []
    position = 0
    for match in MARKER.finditer(text):
        atoms.extend(text[position : match.start()])
        atoms.append(match.group(0))
        position = match.end()
    atoms.extend(text[position:])
    if not atoms:
        return [""]
    size = max(1, -(-len(atoms) // max(1, steps)))
    return ["".join(atoms[:cut]) for cut in range(size, len(atoms), size)] + [text]


def render_streaming(text: str, citations: Iterable[Citation]) -> str:
    body = render_answer_text(text, citations)
    return f'<div class="hga-answer hga-streaming"><div class="hga-text">{body}<span class="hga-caret"></span></div></div>'


def render_answer(answer: Answer, texts: Mapping[str, str], titles: Mapping[str, str] | None = None) -> str:
    """The complete answer: text with markers, citation cards (or related passages), timings."""
    titles = titles or {}
    css = "hga-answer hga-refused" if answer.refused else "hga-answer"
    parts = [f'<div class="{css}">', f'<div class="hga-text">{render_answer_text(answer.answer, answer.citations)}</div>']
    if answer.citations:
        label = "最接近的原文" if answer.refused else "引用出处"
        parts.append(f'<div class="hga-section-label">{label}</div><div class="hga-cards">')
        parts.extend(render_citation_card(c, texts.get(c.doc, "")) for c in answer.citations)
        parts.append("</div>")
    related = _related(answer) if answer.refused else []
    if related:
        parts.append('<div class="hga-section-label">相关段落</div><div class="hga-cards">')
        for passage in related:
            parts.append(render_related(passage, texts.get(passage.doc, ""), titles.get(passage.doc, passage.doc)))
        parts.append("</div>")
    parts.append(render_meta(answer))
    parts.append("</div>")
    return "".join(parts)


def _related(answer: Answer) -> list[RetrievedPassage]:
    """The retrieved passages worth showing under a refusal: best first, not already cited."""
    cited = [(c.doc, c.start, c.end) for c in answer.citations]
    fresh = [
        p for p in answer.retrieved if not any(doc == p.doc and p.start <= s and e <= p.end for doc, s, e in cited)
    ]
    return sorted(fresh, key=lambda p: -p.score)[:RELATED_LIMIT]


def render_meta(answer: Answer) -> str:
    t = answer.timings_ms
    bits = [f"检索 {_ms(t.retrieve)}", f"生成 {_ms(t.answer)}", f"共 {_ms(t.total)}"]
    resolved = answer.resolved_question.strip()
    understood = ""
    if resolved and resolved != answer.question.strip():
        understood = f'<span class="hga-resolved">按“{text_html(resolved)}”理解</span>'
    return f'<div class="hga-meta">{understood}<span class="hga-timings">{" · ".join(bits)}</span></div>'


def _ms(value: float) -> str:
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _window(text: str, start: int, end: int, passage_start: int, passage_end: int) -> tuple[int, int]:
    if 0 <= passage_start <= start and end <= passage_end <= len(text):
        return passage_start, passage_end
    return max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)


def render_citation_card(citation: Citation, text: str) -> str:
    """One citation: title, section path, and the quote highlighted inside its passage."""
    if 0 <= citation.start <= citation.end <= len(text):
        lo, hi = _window(text, citation.start, citation.end, citation.passage_start, citation.passage_end)
        before, after = text[lo : citation.start], text[citation.end : hi]
    else:  # the document is not at hand: the quote alone
        lo, hi, before, after = 0, 0, "", ""
    passage = (
        ("…" if lo > 0 else "")
        + text_html(before)
        + f"<mark>{text_html(citation.quote)}</mark>"
        + text_html(after)
        + ("…" if text and hi < len(text) else "")
    )
    inner = (
        f'<span class="hga-card-head"><span class="hga-card-no">[{citation.id}]</span>'
        f'<span class="hga-card-title">{escape(citation.title)}</span></span>'
        f'<span class="hga-card-section">{escape(citation.section)}</span>'
        f'<span class="hga-card-passage">{passage}</span>'
    )
    return _link(citation_key(citation.doc, citation.start, citation.end), inner, "hga-card", "在原文中查看")


def render_related(passage: RetrievedPassage, text: str, title: str) -> str:
    """A nearby passage shown under a refusal, clickable like a citation."""
    snippet = text[passage.start : passage.end].strip()
    if len(snippet) > SNIPPET_CHARS:
        snippet = snippet[:SNIPPET_CHARS] + "…"
    inner = (
        f'<span class="hga-card-head"><span class="hga-card-title">{escape(title)}</span></span>'
        f'<span class="hga-card-passage">{text_html(snippet)}</span>'
    )
    return _link(citation_key(passage.doc, passage.start, passage.end), inner, "hga-card hga-related", "在原文中查看")


# ----------------------------------------------------------------------------- page furniture


def _document_line(document: Document) -> str:
    meta = " · ".join(escape(x) for x in (document.kind_label, document.date) if x)
    return f'<li><span class="hga-doc-title">{escape(document.title)}</span><span class="hga-doc-meta">{meta}</span></li>'


def render_header(documents: Iterable[Document]) -> str:
    items = "".join(_document_line(d) for d in documents)
    return (
        '<div class="hga-header">'
        '<div class="hga-brand"><h1>湖南省政府文件问答助手</h1>'
        "<p>回答只依据下列文件原文，每一处事实都标注出处；点击 [1] 等标记可在右侧查看原文。</p></div>"
        f'<div class="hga-docs"><span class="hga-docs-label">已收录文件</span><ul>{items}</ul></div>'
        "</div>"
    )


def render_viewer_placeholder(documents: Iterable[Document]) -> str:
    items = "".join(_document_line(d) for d in documents)
    return (
        '<div class="hga-viewer hga-viewer-empty">'
        '<div class="hga-viewer-hint">点击回答中的引用标记或下方的出处卡片，这里会显示文件原文并定位到引用的句子。</div>'
        f'<ul class="hga-viewer-docs">{items}</ul>'
        "</div>"
    )


def render_viewer(document: Document, start: int, end: int) -> str:
    """The whole original document, escaped, with text[start:end] in <mark id="hga-cited">."""
    text = document.text
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    start, end = min(start, end), max(start, end)
    meta = " · ".join(escape(x) for x in (document.kind_label, document.date, document.issuer) if x)
    source = ""
    if document.source_url and document.source_url.startswith(("https://", "http://")):
        source = f' · <a href="{escape(document.source_url, quote=True)}" target="_blank" rel="noopener noreferrer">原文链接</a>'
    span = escape(f"{document.doc}@{start}-{end}", quote=True)
    body = (
        _dim_markdown(escape(text[:start]))
        + f'<mark class="hga-cited" id="hga-cited" data-span="{span}">{_dim_markdown(escape(text[start:end]))}</mark>'
        + _dim_markdown(escape(text[end:]))
    )
    return (
        '<div class="hga-viewer">'
        f'<div class="hga-viewer-head"><div class="hga-viewer-title">{escape(document.title)}</div>'
        f'<div class="hga-viewer-meta">{meta}{source}</div></div>'
        f'<div class="hga-viewer-body" id="hga-viewer-body">{body}</div>'
        "</div>"
    )


def render_viewer_error(message: str) -> str:
    return f'<div class="hga-viewer hga-viewer-empty"><div class="hga-viewer-hint">{escape(message)}</div></div>'
