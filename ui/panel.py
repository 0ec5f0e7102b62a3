"""The document panel: the corpus's documents grouped by region and then kind, searchable, each group
collapsible with its count, each document opening in the viewer and choosable with a checkbox to
restrict the conversation to the chosen ones.

The panel is static HTML (rendered once per app); what it does happens in the page (``PANEL_JS``):
the search box filters as one types, the checkboxes fill the hidden ``#hga-chosen`` box (a JSON list of
``doc`` paths) that every chat turn sends along, and the line above the input says how many are chosen,
with 取消限定. Opening a document (``#doc=`` links) is the viewer's script (``ui/theme.py``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from typing import Any, Iterable
from urllib.parse import quote, unquote

from assistant.corpus import Document
from assistant.regions import NATIONAL, short_name

DOC_PREFIX = "#doc="
#: The group of documents whose region neither the manifest nor their text names.
NO_REGION = "未注明地区"
#: Documents listed per chat turn at most (a restriction is a list of the corpus's documents).
MAX_CHOSEN = 500


@dataclass(frozen=True)
class Group:
    """One region's documents, by kind: ((kind label, documents newest first), ...)."""

    region: str
    kinds: tuple[tuple[str, tuple[Document, ...]], ...]

    @property
    def count(self) -> int:
        return sum(len(documents) for _, documents in self.kinds)


def group_documents(documents: Iterable[Document]) -> list[Group]:
    """Regions with most documents first (全国 first among a tie, then by name), 未注明地区 last; kinds
    likewise; newest first."""
    by_region: dict[str, list[Document]] = defaultdict(list)
    names: dict[str, str] = {}
    for document in documents:
        key = short_name(document.region) if document.region else ""
        by_region[key].append(document)
        if document.region and len(document.region) > len(names.get(key, "")):
            names[key] = document.region  # 湖南省 rather than 湖南 when both are written
    groups: list[Group] = []
    for key, members in by_region.items():
        by_kind: dict[str, list[Document]] = defaultdict(list)
        for document in members:
            by_kind[document.kind_label or document.kind or "其他"].append(document)
        kinds = tuple(
            (label, tuple(sorted(docs, key=lambda d: (d.date, d.title), reverse=True)))
            for label, docs in sorted(by_kind.items(), key=lambda item: (-len(item[1]), item[0]))
        )
        groups.append(Group(names.get(key, NO_REGION) if key else NO_REGION, kinds))
    return sorted(groups, key=lambda g: (g.region == NO_REGION, -g.count, g.region != NATIONAL, g.region))


def document_key(doc: str) -> str:
    return f"{DOC_PREFIX}{quote(doc, safe='')}"


def parse_document_key(key: object) -> str | None:
    """The ``doc`` of a key made by ``document_key``; None for anything else."""
    if isinstance(key, (list, tuple)) and key:
        key = key[0]
    if not isinstance(key, str) or not key.startswith(DOC_PREFIX) or len(key) > 2000:
        return None
    return unquote(key[len(DOC_PREFIX) :]) or None


def parse_chosen(value: Any, known: Iterable[str]) -> tuple[str, ...] | None:
    """The documents chosen in the panel (the hidden box's JSON list), only the corpus's; None for none."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else None
        except json.JSONDecodeError:
            return None
    if not isinstance(value, list):
        return None
    corpus = set(known)
    chosen = tuple(dict.fromkeys(d for d in value[:MAX_CHOSEN] if isinstance(d, str) and d in corpus))
    return chosen or None


def _search_text(document: Document, region: str) -> str:
    parts = (document.title, region, short_name(region) if region != NO_REGION else "", document.kind_label, document.date, document.doc)
    return " ".join(p for p in parts if p).lower()


def _document_item(document: Document, region: str) -> str:
    meta = " · ".join(escape(x) for x in (document.date, document.issuer) if x)
    doc = escape(document.doc, quote=True)
    title = escape(document.title)
    return (
        f'<li class="hga-panel-doc" data-doc="{doc}" data-search="{escape(_search_text(document, region), quote=True)}">'
        f'<input type="checkbox" class="hga-pick" value="{doc}" aria-label="选择：{escape(document.title, quote=True)}" title="限定在所选文件中回答">'
        f'<a class="hga-doc-open" href="{escape(document_key(document.doc), quote=True)}" title="打开原文">'
        f'<span class="hga-panel-title">{title}</span><span class="hga-panel-meta">{meta}</span></a></li>'
    )


def render_panel(documents: Iterable[Document]) -> str:
    documents = tuple(documents)
    groups = group_documents(documents)
    parts: list[str] = []
    for group in groups:
        # A region of one kind only (most of them) names its kind in its own heading: no level of one group.
        single = len(group.kinds) == 1
        if single:
            label, members = group.kinds[0]
            kinds = f'<ul>{"".join(_document_item(d, group.region) for d in members)}</ul>'
            tag = f'<span class="hga-kind-tag">{escape(label)}</span>'
        else:
            kinds = "".join(
                f'<details class="hga-kind" open><summary><span class="hga-group-name">{escape(label)}</span>'
                f'<span class="hga-count" data-total="{len(members)}">{len(members)}</span></summary>'
                f'<ul>{"".join(_document_item(d, group.region) for d in members)}</ul></details>'
                for label, members in group.kinds
            )
            tag = ""
        parts.append(
            f'<details class="hga-region" open data-region="{escape(group.region, quote=True)}">'
            f'<summary><span class="hga-group-name">{escape(group.region)}</span>'
            f'<span class="hga-count" data-total="{group.count}">{group.count}</span>{tag}'
            f'<button type="button" class="hga-pick-group" title="选择本组全部文件">全选</button></summary>'
            f"{kinds}</details>"
        )
    return (
        f'<div class="hga-panel" data-total="{len(documents)}">'
        '<div class="hga-panel-head">'
        f'<div class="hga-panel-summary">共 {len(documents)} 份文件，{len(groups)} 个地区；勾选文件可限定只在其中回答。</div>'
        '<input type="search" class="hga-panel-search" placeholder="按标题、地区或类型筛选" aria-label="筛选文件" autocomplete="off">'
        '<span class="hga-panel-found" aria-live="polite"></span>'
        "</div>"
        f'<div class="hga-panel-groups">{"".join(parts)}</div>'
        '<div class="hga-panel-none" hidden>没有符合条件的文件。</div>'
        "</div>"
    )


def render_scope_line() -> str:
    """The line above the input (filled by PANEL_JS while documents are chosen)."""
    return '<div class="hga-scope" hidden></div>'


def render_side_tabs(count: int) -> str:
    """Switch the side column between the document list and the viewer (and, narrow, back to the chat)."""
    return (
        '<div class="hga-side-tabs" role="tablist">'
        f'<button type="button" class="hga-side-tab" role="tab" data-side="docs">文件列表（{count}）</button>'
        '<button type="button" class="hga-side-tab" role="tab" data-side="viewer">原文查看</button>'
        '<button type="button" class="hga-side-close">‹ 返回对话</button>'
        "</div>"
    )


PANEL_CSS = """
button.hga-docs-open { border: 1px solid #fca5a5; background: #fff; color: #991b1b; border-radius: 999px; padding: 3px 14px;
  font-size: .85rem; cursor: pointer; white-space: nowrap; }
button.hga-docs-open:hover { border-color: #b91c1c; background: #fef2f2; }
.hga-side-tabs { display: flex; align-items: center; gap: 4px; border-bottom: 1px solid #e2e8f0; margin-bottom: 6px; }
button.hga-side-tab { border: none; background: none; padding: 4px 10px; font-size: .85rem; color: #64748b; cursor: pointer;
  border-bottom: 2px solid transparent; margin-bottom: -1px; }
button.hga-side-tab:hover { color: #991b1b; }
#hga-viewer-col.hga-show-docs button.hga-side-tab[data-side="docs"],
#hga-viewer-col:not(.hga-show-docs) button.hga-side-tab[data-side="viewer"] { color: #7f1d1d; font-weight: 600; border-bottom-color: #b91c1c; }
button.hga-side-close { display: none; margin-left: auto; border: 1px solid #b91c1c; color: #991b1b; background: #fff;
  border-radius: 6px; padding: 2px 10px; font-size: .85rem; cursor: pointer; }
#hga-viewer-col.hga-show-docs #hga-viewer { display: none !important; }
#hga-viewer-col:not(.hga-show-docs) #hga-panel { display: none !important; }
.hga-panel { border: 1px solid #e2e8f0; border-radius: 8px; background: #fff; }
.hga-panel-head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; padding: 8px 12px; border-bottom: 1px solid #e2e8f0; }
.hga-panel-summary { flex: 1 1 100%; font-size: .8rem; color: #64748b; }
.hga-panel-search { flex: 1 1 12em; min-width: 0; border: 1px solid #e2e8f0; border-radius: 6px; padding: 3px 8px; font-size: .85rem; }
.hga-panel-found { font-size: .78rem; color: #64748b; }
.hga-panel-groups { height: calc(100vh - 300px); min-height: 300px; overflow-y: auto; padding: 4px 8px 8px; font-size: .85rem; }
.hga-panel-none { padding: 12px; color: #64748b; font-size: .85rem; }
.hga-panel details > summary { cursor: pointer; display: flex; align-items: center; gap: 6px; padding: 3px 2px; list-style: none; }
.hga-panel details > summary::-webkit-details-marker { display: none; }
.hga-panel details > summary::before { content: "▸"; color: #94a3b8; font-size: .75rem; width: .8em; }
.hga-panel details[open] > summary::before { content: "▾"; }
details.hga-region > summary { font-weight: 700; color: #7f1d1d; border-top: 1px solid #f1f5f9; }
details.hga-kind { margin-left: 14px; }
details.hga-kind > summary { color: #475569; font-weight: 600; font-size: .82rem; }
.hga-count { display: inline-block; min-width: 1.6em; padding: 0 6px; border-radius: 999px; background: #f1f5f9; color: #475569;
  font-size: .75rem; font-weight: 400; text-align: center; }
button.hga-pick-group { margin-left: auto; border: 1px solid #e2e8f0; background: #fff; color: #64748b; border-radius: 999px;
  padding: 0 8px; font-size: .72rem; font-weight: 400; cursor: pointer; }
button.hga-pick-group:hover { border-color: #b91c1c; color: #991b1b; }
.hga-panel ul { list-style: none; margin: 0 0 4px 14px; padding: 0; }
.hga-kind-tag { color: #64748b; font-size: .75rem; font-weight: 400; }
li.hga-panel-doc { display: flex; align-items: flex-start; gap: 6px; padding: 3px 4px; border-radius: 5px; }
li.hga-panel-doc:hover { background: #fef2f2; }
li.hga-panel-doc.hga-picked { background: #fff7ed; }
li.hga-panel-doc input.hga-pick { appearance: auto; -webkit-appearance: checkbox; width: 15px; height: 15px; margin: .3em 0 0;
  flex: 0 0 auto; accent-color: #b91c1c; cursor: pointer; }
a.hga-doc-open { flex: 1 1 auto; text-align: left; color: #1e293b !important; text-decoration: none !important; min-width: 0; }
a.hga-doc-open:hover .hga-panel-title { color: #991b1b; text-decoration: underline; }
.hga-panel-title { display: block; word-break: break-word; }
.hga-panel-meta { display: block; color: #94a3b8; font-size: .75rem; }
.hga-scope:not([hidden]) { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; padding: 4px 10px; border-radius: 6px;
  background: #fff7ed; border: 1px solid #fed7aa; color: #9a3412; font-size: .85rem; }
.hga-scope-names { color: #7c2d12; font-size: .78rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 100%; }
button.hga-unscope { border: 1px solid #ea580c; background: #fff; color: #9a3412; border-radius: 999px; padding: 0 10px;
  font-size: .8rem; cursor: pointer; }
#hga-scope-row { min-height: 0 !important; }
@media (max-width: 820px) {
  #hga-viewer-col.hga-show-docs button.hga-side-close { display: inline-block; }
  .hga-panel-groups { height: calc(100vh - 190px); min-height: 200px; }
}
"""

#: Runs once when the panel mounts: filtering as one types, choosing documents (the hidden #hga-chosen
#: box and the line above the input), 取消限定, and 清空对话 dropping the choice.
PANEL_JS = r"""
const picks = () => Array.from(element.querySelectorAll('input.hga-pick'));
const chosenBox = () => document.querySelector('#hga-chosen textarea, #hga-chosen input');
const titleOf = (doc) => { const li = element.querySelector('li.hga-panel-doc[data-doc="' + CSS.escape(doc) + '"] .hga-panel-title'); return li ? li.textContent : doc; };
const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const showScope = (chosen) => {
  const line = document.querySelector('.hga-scope');
  if (!line) { return; }
  if (!chosen.length) { line.hidden = true; line.innerHTML = ''; return; }
  const names = chosen.map(titleOf).join('、');
  line.innerHTML = '<span class="hga-scope-text">仅在所选 ' + chosen.length + ' 份文件中回答</span>'
    + '<button type="button" class="hga-unscope">取消限定</button>'
    + '<span class="hga-scope-names" title="' + escapeHtml(names) + '">' + escapeHtml(names) + '</span>';
  line.hidden = false;
};
const sync = () => {
  const chosen = picks().filter((p) => p.checked).map((p) => p.value);
  picks().forEach((p) => p.closest('li').classList.toggle('hga-picked', p.checked));
  const box = chosenBox();
  if (box) {
    box.value = chosen.length ? JSON.stringify(chosen) : '';
    box.dispatchEvent(new Event('input', { bubbles: true }));
  }
  showScope(chosen);
};
const unscope = () => { picks().forEach((p) => { p.checked = false; }); sync(); };

const filter = (query) => {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  let found = 0;
  element.querySelectorAll('li.hga-panel-doc').forEach((li) => {
    const hay = li.dataset.search || '';
    const show = terms.every((t) => hay.includes(t));
    li.hidden = !show;
    if (show) { found += 1; }
  });
  element.querySelectorAll('details.hga-kind, details.hga-region').forEach((group) => {
    const shown = group.querySelectorAll('li.hga-panel-doc:not([hidden])').length;
    group.hidden = shown === 0;
    const count = group.querySelector(':scope > summary .hga-count');
    if (count) { count.textContent = terms.length ? shown + '/' + count.dataset.total : count.dataset.total; }
    if (terms.length) {
      if (group.dataset.wasOpen === undefined) { group.dataset.wasOpen = group.open ? '1' : '0'; }
      group.open = shown > 0;
    } else if (group.dataset.wasOpen !== undefined) {
      group.open = group.dataset.wasOpen === '1';
      delete group.dataset.wasOpen;
    }
  });
  const none = element.querySelector('.hga-panel-none');
  if (none) { none.hidden = found > 0; }
  const label = element.querySelector('.hga-panel-found');
  if (label) { label.textContent = terms.length ? '找到 ' + found + ' 份' : ''; }
};

const onPanelInput = (event) => {
  const t = event.target;
  if (t && t.classList && t.classList.contains('hga-panel-search')) { filter(t.value.trim()); }
};
const onPanelChange = (event) => {
  const t = event.target;
  if (t && t.classList && t.classList.contains('hga-pick')) { sync(); }
};
const onPanelClick = (event) => {
  const t = event.target && event.target.closest ? event.target : null;
  if (!t) { return; }
  const group = t.closest('button.hga-pick-group');
  if (group) {
    event.preventDefault(); event.stopPropagation();  // not a toggle of the group
    const boxes = Array.from(group.closest('details').querySelectorAll('li.hga-panel-doc:not([hidden]) input.hga-pick'));
    const all = boxes.length && boxes.every((b) => b.checked);
    boxes.forEach((b) => { b.checked = !all; });
    sync();
    return;
  }
  if (t.closest('button.hga-unscope')) { unscope(); return; }
  if (t.closest('#hga-clear')) { unscope(); }
};
if (window.__hgaPanelHandlers) {
  for (const [type, handler] of window.__hgaPanelHandlers) { document.removeEventListener(type, handler, true); }
}
window.__hgaPanelHandlers = [['input', onPanelInput], ['change', onPanelChange], ['click', onPanelClick]];
for (const [type, handler] of window.__hgaPanelHandlers) { document.addEventListener(type, handler, true); }
"""
