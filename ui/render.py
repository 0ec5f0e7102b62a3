"""HTML for the chat: questions, answers with citation markers and cards, and the document viewer.

Every piece of text that comes from a person or a document (question, answer, quote, passage, title,
section) goes through ``html.escape`` before it becomes HTML. The only markup is the markup written
here. Chat messages are rendered on one line inside a ``<div>`` so that the Chatbot's Markdown step
treats them as a raw HTML block and never reinterprets the escaped text: every line terminator a
Markdown parser or a browser knows (``\r``, ``\n``, ``\v``, ``\f``, NEL, U+2028/U+2029), whatever
the text's line endings, becomes ``<br>`` or a character reference, never a raw line break
(``one_line`` checks the finished message).

Citation links carry their target in the ``href`` (``#cite=<doc>@<start>-<end>``); the viewer script
in ``ui/theme.py`` sends that key to the server, which answers with ``render_viewer``.
"""

from __future__ import annotations

import re
from html import escape
from typing import Iterable, Mapping
from urllib.parse import quote, unquote

from assistant.answer import Answer, Citation, RetrievedPassage
from assistant.cleaning import clean_span
from assistant.corpus import Document
from assistant.regions import short_name
from assistant.structure import SECTION_SEPARATOR
from assistant.suggestions import Suggestions

from ui.document_view import marked_html, render_document

MARKER = re.compile(r"\[(\d{1,3})\]")
CONTEXT_CHARS = 60  # shown either side of a quote when the passage offsets are unknown
SNIPPET_CHARS = 140  # longest related-passage snippet shown under a refusal
RELATED_LIMIT = 3
KEY_PREFIX = "#cite="
_KEY = re.compile(r"^(?:#?cite=)?(?P<doc>[^@]+)@(?P<start>\d+)-(?P<end>\d+)$")
#: Citation cards shown open under an answer; the rest are folded behind "展开其余 N 处出处".
OPEN_CARDS = 2
#: Every character that ends a line for a Markdown parser or a browser.
LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")


# ----------------------------------------------------------------------------- text helpers


def text_html(text: str) -> str:
    """Escaped text for inside a chat message: any run of line breaks becomes one <br>, never a raw one."""
    escaped = escape(text, quote=True)
    return re.sub(r"(?:<br>)+", "<br>", LINE_BREAKS.sub("<br>", escaped))


def attribute_text(text: str) -> str:
    """Text for an HTML attribute value on one line: escaped, line breaks as character references."""
    return LINE_BREAKS.sub("&#10;", escape(text.replace("\r\n", "\n"), quote=True))


def one_line(html: str) -> str:
    """A finished chat message: guaranteed free of raw line breaks (so Markdown never takes over)."""
    return LINE_BREAKS.sub(" ", html)


def plain(text: str) -> str:
    """Document text as staff read it: Markdown markers, indentation and line breaks removed."""
    return clean_span(text, 0, len(text)).text if text else ""


def section_path(citation: Citation) -> str:
    """The citation's section path without the document title it starts with (the title is shown apart)."""
    parts = citation.section.split(SECTION_SEPARATOR)
    if parts and parts[0] == citation.title:
        parts = parts[1:]
    return SECTION_SEPARATOR.join(parts)


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
    return one_line(f'<div class="hga-question">{text_html(question)}</div>')


def render_pending() -> str:
    return '<div class="hga-answer hga-pending">正在检索文件并组织答案<span class="hga-dots"></span></div>'


def render_notice(message: str) -> str:
    """A reply to input the assistant cannot take (empty, too long…): a message, not an error; no votes."""
    return one_line(f'<div class="hga-answer hga-notice"><div class="hga-text">{text_html(message)}</div></div>')


def plain_text(answer: Answer, texts: Mapping[str, str] | None = None) -> str:
    """What 复制 puts on the clipboard: the answer with its markers, then one line per source, as in the CLI.

    ``[2] 湖南省实施“七大攻坚”工作月报（2025年8月） › 重要指标：“…”``
    """
    lines = [answer.answer.strip()]
    if answer.citations:
        lines.append("")
        lines.append("最接近的原文：" if answer.refused else "出处：")
    for citation in answer.citations:
        where = SECTION_SEPARATOR.join(x for x in (citation.title, section_path(citation)) if x)
        page = f"（第{citation.page}页）" if citation.page is not None else ""
        lines.append(f"[{citation.id}] {where}{page}：“{plain(citation.quote)}”")
    return "\n".join(lines)


def _payload(text: str) -> str:
    """Text the page script reads from a hidden span: the chat's sanitizer keeps no data-* attributes."""
    lines = LINE_BREAKS.split(text)
    return "".join(f'<span class="hga-line">{escape(line)}</span>' for line in lines)


def _ask_button(question: str, label: str | None = None, css: str = "hga-suggestion") -> str:
    """A button that asks ``question`` as it stands (the page script sends it, without the conversation)."""
    return (
        f'<button type="button" class="hga-ask {css}">{text_html(label if label is not None else question)}'
        f'<span class="hga-payload">{_payload(question)}</span></button>'
    )


def render_suggestions(question: str, suggestions: Suggestions, answer: Answer | None = None) -> str:
    """Instead of an answer: "您是不是想问…？" for a mistyped term, or questions to pick for a vague one."""
    if suggestions.kind == "typo":
        intro = f"文件中没有“{text_html(suggestions.typed)}”。您是不是想问："
        css = "hga-answer hga-suggest hga-typo"
    else:
        intro = "这个问题比较宽泛，文件无法直接回答。可以试试下面这些问题："
        css = "hga-answer hga-suggest hga-vague"
    buttons = "".join(_ask_button(q) for q in suggestions.questions)
    return one_line(
        f'<div class="{css}"><div class="hga-text">{intro}</div><div class="hga-suggestions">{buttons}</div></div>'
    )


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
            tooltip = SECTION_SEPARATOR.join(x for x in (citation.title, section_path(citation)) if x)
            parts.append(_link(key, escape(match.group(0)), "hga-marker", tooltip))
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
    return one_line(f'<div class="hga-answer hga-streaming"><div class="hga-text">{body}<span class="hga-caret"></span></div></div>')


def render_answer(
    answer: Answer,
    texts: Mapping[str, str],
    titles: Mapping[str, str] | None = None,
    *,
    answer_id: str = "",
    literal: bool = False,
) -> str:
    """The complete answer: how the question was understood, text with markers, citation cards (or
    related passages), and a footer with 复制, 赞/踩 and the timings behind 详情.

    ``literal``: the question was asked as it stands (no follow-up note, nothing to re-ask).
    """
    titles = titles or {}
    css = "hga-answer hga-refused" if answer.refused else "hga-answer"
    if answer_id:
        css += f" {answer_class(answer_id)}"
    parts = [f'<div class="{css}">']
    if not literal:
        parts.append(render_understood(answer))
    parts.append(f'<div class="hga-text">{render_answer_text(answer.answer, answer.citations)}</div>')
    if answer.citations:
        label = "最接近的原文" if answer.refused else "引用出处"
        cards = [render_citation_card(c, texts.get(c.doc, "")) for c in answer.citations]
        parts.append(f'<div class="hga-section-label">{label}</div><div class="hga-cards">')
        parts.extend(cards[:OPEN_CARDS])
        if len(cards) > OPEN_CARDS:
            parts.append(
                f'<details class="hga-more"><summary>展开其余 {len(cards) - OPEN_CARDS} 处出处</summary>'
                f'<div class="hga-cards">{"".join(cards[OPEN_CARDS:])}</div></details>'
            )
        parts.append("</div>")
    related = _related(answer) if answer.refused else []
    if related:
        parts.append('<div class="hga-section-label">相关段落</div><div class="hga-cards">')
        for passage in related:
            parts.append(render_related(passage, texts.get(passage.doc, ""), titles.get(passage.doc, passage.doc)))
        parts.append("</div>")
    parts.append(render_actions(answer, answer_id, texts))
    parts.append("</div>")
    return one_line("".join(parts))


def answer_class(answer_id: str) -> str:
    """The answer's id as a CSS class (``hga-aid-<hex>``): the chat's sanitizer keeps classes only."""
    return "hga-aid-" + re.sub(r"[^0-9A-Za-z_-]", "", answer_id)


def render_understood(answer: Answer) -> str:
    """Above the answer: "按“…”理解" when a follow-up was read with the earlier questions, and a
    "不是这个意思" button that asks the question exactly as typed."""
    resolved = answer.resolved_question.strip()
    if not resolved or resolved == answer.question.strip():
        return ""
    return (
        f'<div class="hga-understood"><span>按“{text_html(resolved)}”理解</span>'
        f'{_ask_button(answer.question, "不是这个意思", "hga-reask")}</div>'
    )


def render_actions(answer: Answer, answer_id: str, texts: Mapping[str, str] | None = None) -> str:
    """复制 (plain text with sources), 赞 then 踩, and the timings folded behind 详情."""
    copy = (
        '<button type="button" class="hga-act hga-copy" title="复制回答和出处（纯文本）">复制'
        f'<span class="hga-payload">{_payload(plain_text(answer, texts))}</span></button>'
    )
    votes = (
        f'<span class="hga-vote {answer_class(answer_id)}">'
        '<button type="button" class="hga-act hga-up" title="回答有帮助">赞</button>'
        '<button type="button" class="hga-act hga-down" title="回答有问题">踩</button></span>'
        if answer_id
        else ""
    )
    return f'<div class="hga-actions">{copy}{votes}{render_meta(answer)}</div>'


def _related(answer: Answer) -> list[RetrievedPassage]:
    """The retrieved passages worth showing under a refusal: best first, not already cited."""
    cited = [(c.doc, c.start, c.end) for c in answer.citations]
    fresh = [
        p for p in answer.retrieved if not any(doc == p.doc and p.start <= s and e <= p.end for doc, s, e in cited)
    ]
    return sorted(fresh, key=lambda p: -p.score)[:RELATED_LIMIT]


def render_meta(answer: Answer) -> str:
    """The timings, for whoever wants them, behind a small 详情 toggle."""
    t = answer.timings_ms
    bits = [f"检索 {_ms(t.retrieve)}", f"作答 {_ms(t.answer)}", f"共 {_ms(t.total)}"]
    return f'<details class="hga-meta"><summary>详情</summary><span class="hga-timings">{" · ".join(bits)}</span></details>'


def _ms(value: float) -> str:
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _window(text: str, start: int, end: int, passage_start: int, passage_end: int) -> tuple[int, int]:
    if 0 <= passage_start <= start and end <= passage_end <= len(text):
        return passage_start, passage_end
    return max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)


def render_citation_card(citation: Citation, text: str) -> str:
    """One citation: number, title, section path, and the quote highlighted inside its (cleaned) passage."""
    if text and 0 <= citation.start < citation.end <= len(text):
        lo, hi = _window(text, citation.start, citation.end, citation.passage_start, citation.passage_end)
        passage = (
            ("…" if lo > 0 else "")
            + marked_html(clean_span(text, lo, hi), citation.start, citation.end)
            + ("…" if hi < len(text) else "")
        )
    else:  # the document is not at hand: the quote alone
        passage = f"<mark>{escape(plain(citation.quote))}</mark>"
    passage = LINE_BREAKS.sub(" ", passage)
    inner = (
        f'<span class="hga-card-head"><span class="hga-card-no">[{citation.id}]</span>'
        f'<span class="hga-card-title">{escape(citation.title)}</span></span>'
        f'<span class="hga-card-section">{escape(section_path(citation))}{_page_html(citation.page)}</span>'
        f'<span class="hga-card-passage">{passage}</span>'
    )
    return _link(citation_key(citation.doc, citation.start, citation.end), inner, "hga-card", "在原文中查看")


def _page_html(page: int | None) -> str:
    return f'<span class="hga-card-page">第{page}页</span>' if page is not None else ""


def render_related(passage: RetrievedPassage, text: str, title: str) -> str:
    """A nearby passage shown under a refusal, clickable like a citation."""
    snippet = plain(text[passage.start : passage.end]).strip()
    if len(snippet) > SNIPPET_CHARS:
        snippet = snippet[:SNIPPET_CHARS] + "…"
    inner = (
        f'<span class="hga-card-head"><span class="hga-card-title">{escape(title)}</span></span>'
        f'<span class="hga-card-passage">{text_html(snippet)}</span>'
    )
    return _link(citation_key(passage.doc, passage.start, passage.end), inner, "hga-card hga-related", "在原文中查看")


# ----------------------------------------------------------------------------- page furniture


def render_header(documents: Iterable[Document]) -> str:
    """The title, and how many documents are in (the list itself is the side panel, see ui/panel.py)."""
    documents = tuple(documents)
    regions = {short_name(d.region) for d in documents if d.region}
    where = f"，{len(regions)} 个地区" if len(regions) > 1 else ""
    return (
        '<div class="hga-header">'
        '<div class="hga-brand"><h1>湖南省政府文件问答助手</h1>'
        "<p>回答只依据已收录文件的原文，每一处事实都标注出处；点击 [1] 等标记即可查看原文。</p></div>"
        f'<div class="hga-docs"><button type="button" class="hga-docs-open" title="按地区和类型查看、筛选和选择文件">'
        f"已收录 {len(documents)} 份文件{where} ›</button></div>"
        "</div>"
    )


def render_viewer_placeholder(documents: Iterable[Document]) -> str:
    count = len(tuple(documents))
    return (
        '<div class="hga-viewer hga-viewer-empty">'
        '<div class="hga-viewer-top"><button type="button" class="hga-back">‹ 返回回答</button></div>'
        '<div class="hga-viewer-hint">点击回答中的引用标记或出处卡片，这里会显示文件原文并定位到引用的句子；'
        f"也可以在“文件列表”中打开已收录的 {count} 份文件中的任意一份。</div>"
        "</div>"
    )


def render_viewer(document: Document, start: int, end: int) -> str:
    """The document, cleaned and with its headings, with the cited span in <mark id="hga-cited">."""
    size = len(document.text)
    start, end = max(0, min(start, size)), max(0, min(end, size))
    return render_document(document, min(start, end), max(start, end))


def render_viewer_error(message: str) -> str:
    return (
        '<div class="hga-viewer hga-viewer-empty"><div class="hga-viewer-top"><button type="button" class="hga-back">‹ 返回回答</button></div>'
        f'<div class="hga-viewer-hint">{escape(message)}</div></div>'
    )
