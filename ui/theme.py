"""Look and feel: a Gradio theme with a Chinese font stack (no web fonts), CSS, and the viewer script."""

from __future__ import annotations

import gradio as gr

FONT_STACK = [
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "system-ui",
    "sans-serif",
]
MONO_STACK = ["Noto Sans Mono CJK SC", "ui-monospace", "Menlo", "Consolas", "monospace"]


def theme() -> gr.themes.Base:
    # Plain font names only: the default theme would fetch Google Fonts, which staff networks block.
    return gr.themes.Soft(primary_hue="red", secondary_hue="amber", neutral_hue="slate", font=FONT_STACK, font_mono=MONO_STACK)


CSS = """
.gradio-container { max-width: 1480px !important; margin: 0 auto !important; }
.hga-hidden, .hga-payload { display: none !important; }
.hga-header { display: flex; flex-wrap: wrap; gap: 12px 32px; align-items: flex-end; justify-content: space-between;
  padding: 6px 4px 10px; border-bottom: 2px solid #b91c1c; }
.hga-brand h1 { font-size: 1.55rem; font-weight: 700; margin: 0; color: #7f1d1d; letter-spacing: .04em; }
.hga-brand p { margin: 4px 0 0; color: #475569; font-size: .9rem; }
.hga-docs { font-size: .85rem; color: #334155; }
.hga-placeholder { text-align: center; color: #64748b; }

#hga-chat .message-row .message { font-size: 15px; line-height: 1.75; }
/* One clear button (清空对话 under the chat), not the chat's own icon as well. */
#hga-chat .icon-button-wrapper.top-panel, #hga-chat button[aria-label="Clear"], #hga-chat button[aria-label="清除"] { display: none !important; }
.hga-question { white-space: normal; word-break: break-word; }
.hga-answer .hga-text { word-break: break-word; }
.hga-refused .hga-text { color: #7c2d12; }
.hga-notice .hga-text { color: #92400e; }
.hga-pending { color: #64748b; }
.hga-dots::after { content: "…"; animation: hga-blink 1s steps(2) infinite; }
.hga-caret::after { content: "▍"; color: #b91c1c; animation: hga-blink .8s steps(2) infinite; }
@keyframes hga-blink { 50% { opacity: 0; } }

.hga-understood { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; margin: 0 0 8px; padding: 6px 10px;
  border-radius: 6px; background: #fef3c7; color: #78350f; font-size: .9rem; }
button.hga-reask, button.hga-suggestion, button.hga-act, .hga-reason button {
  border: 1px solid #e2e8f0; background: #fff; color: #334155; border-radius: 999px; padding: 1px 10px; font-size: .82rem;
  line-height: 1.8; cursor: pointer; }
button.hga-reask { border-color: #d97706; color: #92400e; }
button.hga-reask:hover, button.hga-suggestion:hover, button.hga-act:hover { border-color: #b91c1c; color: #991b1b; }
.hga-suggestions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
button.hga-suggestion { font-size: .9rem; padding: 3px 12px; border-color: #fca5a5; color: #991b1b; text-align: left; }

a.hga-marker { display: inline-block; padding: 0 3px; margin: 0 1px; border-radius: 4px; font-size: .8em;
  line-height: 1.4; vertical-align: super; background: #fee2e2; color: #991b1b !important; text-decoration: none !important;
  font-weight: 600; cursor: pointer; }
a.hga-marker:hover, a.hga-marker.hga-active { background: #b91c1c; color: #fff !important; }

.hga-section-label { margin: 12px 0 6px; font-size: .8rem; color: #64748b; letter-spacing: .08em; }
.hga-cards { display: flex; flex-direction: column; gap: 8px; }
a.hga-card { display: block; padding: 8px 12px; border: 1px solid #e2e8f0; border-left: 3px solid #b91c1c; border-radius: 6px;
  background: #fff; color: inherit !important; text-decoration: none !important; cursor: pointer; }
a.hga-card:hover, a.hga-card.hga-active { border-color: #b91c1c; box-shadow: 0 1px 4px rgba(185, 28, 28, .15); }
a.hga-card.hga-related { border-left-color: #94a3b8; }
details.hga-more > summary { cursor: pointer; color: #991b1b; font-size: .82rem; margin: 2px 0 6px; }
details.hga-more > .hga-cards { margin-top: 6px; }
.hga-card-head { display: block; font-weight: 600; font-size: .9rem; }
.hga-card-no { color: #b91c1c; margin-right: 6px; }
.hga-card-section { display: block; color: #64748b; font-size: .78rem; margin: 2px 0 4px; }
.hga-card-page { margin-left: .5em; white-space: nowrap; }
.hga-page-mark { color: #94a3b8; font-size: .75rem; text-align: center; border-top: 1px dashed #cbd5e1; margin: 10px 0 6px; padding-top: 2px; }
.hga-card-passage { display: block; font-size: .88rem; color: #334155; line-height: 1.7; }
.hga-card-passage mark, .hga-viewer mark { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }

.hga-actions { margin-top: 10px; display: flex; flex-wrap: wrap; align-items: center; gap: 6px 8px; font-size: .8rem; color: #64748b; }
.hga-vote { display: inline-flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.hga-thanks { color: #15803d; }
.hga-reason { display: inline-flex; gap: 6px; align-items: center; }
.hga-reason input { border: 1px solid #e2e8f0; border-radius: 6px; padding: 2px 8px; font-size: .82rem; width: 14em; max-width: 60vw; }
details.hga-meta { color: #94a3b8; font-size: .75rem; margin-left: auto; }
details.hga-meta > summary { cursor: pointer; list-style: none; }
details.hga-meta > summary::-webkit-details-marker { display: none; }
details.hga-meta[open] > summary { display: inline; margin-right: 6px; }

#hga-viewer { height: 100%; }
.hga-viewer { border: 1px solid #e2e8f0; border-radius: 8px; background: #fffdf8; }
.hga-viewer-head { padding: 10px 14px; border-bottom: 1px solid #e2e8f0; background: #fff; border-radius: 8px 8px 0 0; }
.hga-viewer-top { display: flex; align-items: center; gap: 10px; }
button.hga-back { display: none; border: 1px solid #b91c1c; color: #991b1b; background: #fff; border-radius: 6px; padding: 2px 10px;
  font-size: .85rem; cursor: pointer; white-space: nowrap; }
.hga-viewer-title { font-weight: 700; color: #7f1d1d; }
.hga-viewer-meta { font-size: .78rem; color: #64748b; margin-top: 2px; }
.hga-viewer-tools { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 12px; margin-top: 8px; font-size: .82rem; }
details.hga-outline { position: relative; }
details.hga-outline > summary { cursor: pointer; color: #991b1b; }
details.hga-outline ol { position: absolute; z-index: 20; left: 0; top: 1.8em; width: min(360px, 80vw); max-height: 50vh; overflow-y: auto;
  margin: 0; padding: 6px 0; list-style: none; background: #fff; border: 1px solid #e2e8f0; border-radius: 6px;
  box-shadow: 0 4px 14px rgba(15, 23, 42, .12); }
details.hga-outline li a { display: block; padding: 3px 12px; color: #334155; text-decoration: none; }
details.hga-outline li a:hover { background: #fef2f2; color: #991b1b; }
details.hga-outline li.hga-outline-l2 a { padding-left: 26px; font-size: .78rem; color: #475569; }
.hga-search { display: inline-flex; align-items: center; gap: 4px; }
.hga-search input { border: 1px solid #e2e8f0; border-radius: 6px; padding: 2px 8px; width: 11em; font-size: .82rem; }
.hga-search-count { color: #64748b; min-width: 3em; font-size: .78rem; }
button.hga-tool { border: 1px solid #e2e8f0; background: #fff; border-radius: 5px; padding: 0 7px; cursor: pointer; color: #334155; }
button.hga-tool:hover { border-color: #b91c1c; color: #991b1b; }
button.hga-tool:disabled { opacity: .4; cursor: default; }
.hga-cite-nav { display: inline-flex; align-items: center; gap: 4px; color: #64748b; }
.hga-viewer-body { position: relative; height: calc(100vh - 370px); min-height: 320px; overflow-y: auto; padding: 12px 16px;
  word-break: break-word; font-size: 14px; line-height: 1.85; color: #1e293b; }
.hga-viewer-body p { margin: 0 0 .8em; text-indent: 2em; }
.hga-viewer-body p.hga-raw { white-space: pre-wrap; text-indent: 0; }
.hga-viewer-body .hga-doc-h { margin: 1em 0 .5em; color: #7f1d1d; line-height: 1.5; }
.hga-viewer-body .hga-doc-h1 { font-size: 1.08rem; }
.hga-viewer-body .hga-doc-h2 { font-size: .98rem; }
.hga-viewer-body .hga-doc-h3, .hga-viewer-body .hga-doc-h4 { font-size: .92rem; }
.hga-viewer mark.hga-cited { background: #fcd34d; box-shadow: 0 0 0 2px #f59e0b; }
.hga-viewer mark.hga-hit { background: #bfdbfe; box-shadow: none; }
.hga-viewer mark.hga-hit.hga-hit-current { background: #3b82f6; color: #fff; }
.hga-viewer mark.hga-flash { animation: hga-flash 1.2s ease-out 1; }
@keyframes hga-flash { 0% { box-shadow: 0 0 0 6px #f59e0b; } 100% { box-shadow: 0 0 0 2px #f59e0b; } }
.hga-viewer-empty { padding: 18px; min-height: 360px; }
.hga-viewer-hint { color: #64748b; margin-bottom: 12px; }

#hga-examples { flex-wrap: wrap !important; gap: 6px !important; }
#hga-examples > * { flex: 0 0 auto !important; min-width: 0 !important; width: auto !important; }
#hga-examples button { font-size: .82rem; white-space: nowrap; }
.hga-footnote { font-size: .75rem; color: #94a3b8; }
/* The footer keeps only its link to the API page, without a separator left over. */
footer .divider, footer .built-with, footer a.built-with, footer .settings, footer button.settings { display: none !important; }

/* Phone-sized windows: the document opens as a full-screen drawer over the chat, with 返回回答. */
@media (max-width: 820px) {
  .gradio-container { padding: 6px 8px !important; }
  .hga-header { gap: 4px; padding-bottom: 6px; }
  .hga-brand h1 { font-size: 1.2rem; }
  .hga-brand p { font-size: .8rem; }
  #hga-chat .message-row .message { font-size: 14px; }
  #hga-main, #hga-chat-col, #hga-examples, #hga-input-row, #hga-foot { min-width: 0 !important; max-width: 100% !important; }
  #hga-chat-col { flex: 1 1 100% !important; }
  #hga-examples { flex-wrap: nowrap !important; overflow-x: auto; padding-bottom: 2px; width: 100%;
    contain: inline-size; }
  .hga-footnote { display: none; }
  #hga-viewer-col { position: fixed !important; inset: 0; z-index: 10000; margin: 0 !important; padding: 8px !important;
    background: #fff; overflow-y: auto; transform: translateX(105%); transition: transform .2s ease-out; visibility: hidden;
    flex-wrap: nowrap !important; gap: 0 !important; }
  #hga-viewer-col > * { flex: 0 0 auto !important; width: 100% !important; }
  #hga-viewer-col.hga-open { transform: none; visibility: visible; }
  button.hga-back { display: inline-block; }
  .hga-viewer-body { height: calc(100vh - 190px); min-height: 200px; }
}
"""

#: Runs once when the viewer mounts. One set of document-level handlers serves every answer:
#: citation links (markers, cards, related passages) open the document in the viewer (a drawer on
#: narrow screens) through ``server.open_citation``; 复制 copies the answer's plain text; 赞/踩 go to
#: ``server.vote`` with the answer's id; suggestion and 不是这个意思 buttons ask their question as it
#: stands (through the hidden #hga-literal box); the viewer's outline, search and previous/next
#: citation work in the page. A new question is scrolled to the top of the chat, so that the question
#: and the start of its answer stay in view however long the answer.
VIEWER_JS = r"""
const PREFIX = '#cite=';
const narrow = () => window.matchMedia('(max-width: 820px)').matches;
const wanted = (key) => { try { return decodeURIComponent(key.slice(PREFIX.length)); } catch (e) { return ''; } };
const state = { keys: [], index: -1, hits: [], hit: -1 };
const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

const body = () => element.querySelector('.hga-viewer-body');
// The side column shows the document list (ui/panel.py) or the viewer.
const side = (which) => {
  const column = document.querySelector('#hga-viewer-col');
  if (column) { column.classList.toggle('hga-show-docs', which === 'docs'); }
};
// On narrow screens the viewer's column is a drawer over the chat (see the CSS): open or close it.
const drawer = (open) => {
  const column = document.querySelector('#hga-viewer-col');
  if (column) { column.classList.toggle('hga-open', open); }
  // The chat's own "scroll down" button would float over the drawer.
  document.querySelectorAll('#hga-chat .scroll-down-button-container').forEach((b) => { b.style.visibility = open ? 'hidden' : ''; });
};
const scrollWithin = (container, target, fraction) => {
  const top = target.getBoundingClientRect().top - container.getBoundingClientRect().top + container.scrollTop;
  container.scrollTop = Math.max(0, top - container.clientHeight * fraction);
};
const fillNav = () => {
  const nav = element.querySelector('.hga-cite-nav');
  if (!nav) { return; }
  if (state.keys.length < 2 || state.index < 0) { nav.innerHTML = ''; return; }
  nav.innerHTML = '<button type="button" class="hga-tool" data-cite-step="-1" title="上一处引用" aria-label="上一处引用"'
    + (state.index === 0 ? ' disabled' : '') + '>‹</button><span>引用 ' + (state.index + 1) + '/' + state.keys.length
    + '</span><button type="button" class="hga-tool" data-cite-step="1" title="下一处引用" aria-label="下一处引用"'
    + (state.index === state.keys.length - 1 ? ' disabled' : '') + '>›</button>';
};
const scrollToMark = (span, tries) => {
  const mark = element.querySelector('mark.hga-cited');
  if (!mark || (mark.dataset.span !== span && tries > 0)) {
    if (tries > 0) { requestAnimationFrame(() => scrollToMark(span, tries - 1)); }
    return;
  }
  const b = body();
  if (b) { scrollWithin(b, mark, 1 / 3); }
  mark.classList.remove('hga-flash'); void mark.offsetWidth; mark.classList.add('hga-flash');
  fillNav();
  if (!narrow()) {
    const box = element.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight) { element.scrollIntoView({ block: 'start' }); }
  }
};
const openKey = async (key) => {
  document.querySelectorAll('a.hga-active').forEach((a) => a.classList.remove('hga-active'));
  document.querySelectorAll('a[href="' + CSS.escape(key) + '"]').forEach((a) => a.classList.add('hga-active'));
  side('viewer');
  if (narrow()) { drawer(true); }
  try {
    props.value = await server.open_citation(key);
  } catch (error) {
    props.value = '<div class="hga-viewer hga-viewer-empty"><div class="hga-viewer-top"><button type="button" class="hga-back">‹ 返回回答</button></div><div class="hga-viewer-hint">无法打开原文，请稍后重试。</div></div>';
  }
  state.hits = []; state.hit = -1;
  scrollToMark(wanted(key), 120);
};

const copyText = async (text) => {
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); return true; } catch (e) { /* fall back below */ }
  }
  const area = document.createElement('textarea');
  area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed'; area.style.opacity = '0';
  document.body.appendChild(area); area.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
  area.remove();
  return ok;
};

const payload = (node) => {
  const holder = node.querySelector('.hga-payload');
  return holder ? Array.from(holder.querySelectorAll('.hga-line')).map((line) => line.textContent).join('\n') : '';
};
const answerId = (node) => {
  const name = Array.from(node.classList).find((c) => c.startsWith('hga-aid-'));
  return name ? name.slice('hga-aid-'.length) : '';
};
const askLiteral = (question) => {
  const box = document.querySelector('#hga-literal textarea, #hga-literal input');
  const go = document.querySelector('#hga-literal-go');
  if (!box || !go) { return; }
  box.value = question;
  box.dispatchEvent(new Event('input', { bubbles: true }));
  setTimeout(() => go.click(), 50);
};

const sendVote = async (holder, choice) => {
  const id = answerId(holder);
  holder.querySelectorAll('button').forEach((b) => { b.disabled = true; });
  let ok = false;
  try { ok = await server.vote(id, choice, ''); } catch (e) { ok = false; }
  if (!ok) {
    holder.innerHTML = '<span class="hga-thanks">反馈未能记录，请稍后重试。</span>';
    return;
  }
  holder.dataset.vote = choice;
  holder.innerHTML = '<span class="hga-thanks">已收到反馈</span><span class="hga-reason">'
    + '<input type="text" maxlength="500" placeholder="可选：说明原因" aria-label="可选：说明原因">'
    + '<button type="button" data-reason-send="1">提交</button></span>';
};
const sendReason = async (holder) => {
  const input = holder.querySelector('.hga-reason input');
  const reason = input ? input.value.trim() : '';
  if (!reason) { holder.innerHTML = '<span class="hga-thanks">已收到反馈</span>'; return; }
  let ok = false;
  try { ok = await server.vote(answerId(holder), holder.dataset.vote, reason); } catch (e) { ok = false; }
  holder.innerHTML = ok ? '<span class="hga-thanks">已收到反馈，谢谢您的说明。</span>' : '<span class="hga-thanks">说明未能记录，请稍后重试。</span>';
};

const clearHits = () => {
  const b = body();
  if (!b) { return; }
  b.querySelectorAll('mark.hga-hit').forEach((m) => m.replaceWith(document.createTextNode(m.textContent)));
  b.normalize();
  state.hits = []; state.hit = -1;
};
const search = (query) => {
  clearHits();
  const b = body();
  const count = element.querySelector('.hga-search-count');
  if (!b || !query) { if (count) { count.textContent = ''; } return; }
  const walker = document.createTreeWalker(b, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) { nodes.push(walker.currentNode); }
  const needle = query.toLowerCase();
  for (const node of nodes) {
    let text = node.nodeValue;
    let at = text.toLowerCase().indexOf(needle);
    let current = node;
    while (at >= 0 && state.hits.length < 2000) {
      const match = current.splitText(at);
      const rest = match.splitText(query.length);
      const mark = document.createElement('mark');
      mark.className = 'hga-hit';
      match.replaceWith(mark);
      mark.appendChild(match);
      state.hits.push(mark);
      current = rest;
      text = current.nodeValue;
      at = text.toLowerCase().indexOf(needle);
    }
  }
  if (count) { count.textContent = state.hits.length ? '' : '无结果'; }
  if (state.hits.length) { stepHit(1); }
};
const stepHit = (step) => {
  if (!state.hits.length) { return; }
  if (state.hit >= 0) { state.hits[state.hit].classList.remove('hga-hit-current'); }
  state.hit = (state.hit + step + state.hits.length) % state.hits.length;
  const mark = state.hits[state.hit];
  mark.classList.add('hga-hit-current');
  const b = body();
  if (b) { scrollWithin(b, mark, 1 / 3); }
  const count = element.querySelector('.hga-search-count');
  if (count) { count.textContent = (state.hit + 1) + '/' + state.hits.length; }
};
let searchTimer = null;

const onClick = async (event) => {
  const target = event.target && event.target.closest ? event.target : null;
  if (!target) { return; }
  const link = target.closest('a[href^="#cite="]');
  if (link) {
    event.preventDefault();
    event.stopPropagation();
    const key = link.getAttribute('href');
    const answer = link.closest('.hga-answer');
    if (answer) {
      const keys = [];
      answer.querySelectorAll('a.hga-card').forEach((a) => { const k = a.getAttribute('href'); if (!keys.includes(k)) { keys.push(k); } });
      state.keys = keys;
    } else if (!state.keys.includes(key)) {
      state.keys = [];
    }
    state.index = state.keys.indexOf(key);
    await openKey(key);
    return;
  }
  const opener = target.closest('a[href^="#doc="]');
  if (opener) {  // a whole document, from the panel: from its start, no citation to step through
    event.preventDefault();
    event.stopPropagation();
    state.keys = []; state.index = -1; state.hits = []; state.hit = -1;
    side('viewer');
    if (narrow()) { drawer(true); }
    try {
      props.value = await server.open_document(opener.getAttribute('href'));
    } catch (error) {
      props.value = '<div class="hga-viewer hga-viewer-empty"><div class="hga-viewer-top"><button type="button" class="hga-back">‹ 返回回答</button></div><div class="hga-viewer-hint">无法打开原文，请稍后重试。</div></div>';
    }
    requestAnimationFrame(() => { const b = body(); if (b) { b.scrollTop = 0; } fillNav(); });
    return;
  }
  const tab = target.closest('button.hga-side-tab[data-side]');
  if (tab) { side(tab.dataset.side); return; }
  if (target.closest('button.hga-docs-open')) { side('docs'); if (narrow()) { drawer(true); } return; }
  if (target.closest('button.hga-side-close')) { drawer(false); return; }
  const stepper = target.closest('[data-cite-step]');
  if (stepper) {
    const next = state.index + parseInt(stepper.dataset.citeStep, 10);
    if (next >= 0 && next < state.keys.length) { state.index = next; await openKey(state.keys[next]); }
    return;
  }
  if (target.closest('button.hga-back')) { drawer(false); return; }
  const copy = target.closest('button.hga-copy');
  if (copy) {
    const ok = await copyText(payload(copy));
    const label = copy.firstChild;
    label.nodeValue = ok ? '已复制' : '复制失败';
    setTimeout(() => { label.nodeValue = '复制'; }, 1600);
    return;
  }
  const voteButton = target.closest('.hga-vote button.hga-up, .hga-vote button.hga-down');
  if (voteButton) { await sendVote(voteButton.closest('.hga-vote'), voteButton.classList.contains('hga-up') ? 'up' : 'down'); return; }
  const reasonButton = target.closest('.hga-vote button[data-reason-send]');
  if (reasonButton) { await sendReason(reasonButton.closest('.hga-vote')); return; }
  const asker = target.closest('button.hga-ask');
  if (asker) { askLiteral(payload(asker)); return; }
  const section = target.closest('.hga-outline a[data-target]');
  if (section) {
    event.preventDefault();
    const heading = element.querySelector('#' + CSS.escape(section.dataset.target));
    const b = body();
    if (heading && b) { scrollWithin(b, heading, 0); }
    const details = section.closest('details');
    if (details) { details.open = false; }
    return;
  }
  const hitStep = target.closest('[data-search]');
  if (hitStep) {
    const input = element.querySelector('.hga-search-input');
    if (input && !state.hits.length && input.value) { search(input.value); return; }
    stepHit(hitStep.dataset.search === 'prev' ? -1 : 1);
  }
};
const onInput = (event) => {
  const input = event.target;
  if (!input || !input.classList || !input.classList.contains('hga-search-input')) { return; }
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => search(input.value.trim()), 200);
};
const onKey = (event) => {
  const input = event.target;
  if (!input || !input.classList) { return; }
  if (input.classList.contains('hga-search-input') && event.key === 'Enter') {
    event.preventDefault();
    clearTimeout(searchTimer);
    if (!state.hits.length) { search(input.value.trim()); } else { stepHit(event.shiftKey ? -1 : 1); }
  } else if (input.closest && input.closest('.hga-reason') && event.key === 'Enter') {
    event.preventDefault();
    sendReason(input.closest('.hga-vote'));
  } else if (event.key === 'Escape') {
    drawer(false);
  }
};

// A new question: bring it to the top of the chat, and keep it there while its answer grows (unless
// the reader scrolls the chat themselves).
let questions = 0;
let pinned = null;
const chatScroller = (node) => {
  const wrap = document.querySelector('#hga-chat .bubble-wrap');
  if (wrap) { return wrap; }
  for (let n = node.parentElement; n; n = n.parentElement) {
    if (/(auto|scroll)/.test(getComputedStyle(n).overflowY)) { return n; }
  }
  return null;
};
let release = null;
const keepQuestionInView = () => {
  const all = document.querySelectorAll('#hga-chat .hga-question');
  if (all.length > questions) { pinned = all.length; }
  questions = all.length;
  if (pinned === null) { return; }
  if (pinned !== all.length) { pinned = null; return; }
  const question = all[all.length - 1];
  const row = question.closest('.message-row') || question;
  const box = chatScroller(row);
  if (box) { scrollWithin(box, row, 0); box.scrollTop = Math.max(0, box.scrollTop - 8); }
  clearTimeout(release);
  if (!document.querySelector('#hga-chat .hga-pending, #hga-chat .hga-streaming')) {
    release = setTimeout(() => { pinned = null; }, 1500);  // the answer is complete: let go after its last paint
  }
};
const unpin = () => { pinned = null; };
// Gradio's screen-reader labels are English and hold the message's raw HTML: say it in Chinese.
const LABELS = [[/^user's message/, '问题'], [/^bot's message/, '回答'], [/^chatbot conversation/, '对话'], [/^Gradio footer/, '页脚']];
const fixLabels = () => {
  document.querySelectorAll('#hga-chat [aria-label], footer[aria-label], footer [aria-label]').forEach((node) => {
    const label = node.getAttribute('aria-label');
    for (const [english, chinese] of LABELS) {
      if (english.test(label)) { node.setAttribute('aria-label', chinese); }
    }
  });
};
setTimeout(fixLabels, 500);
const chatObserver = new MutationObserver(() => requestAnimationFrame(() => { keepQuestionInView(); fixLabels(); }));
const watchChat = (tries) => {  // the chat may mount after the viewer
  const chat = document.querySelector('#hga-chat');
  if (!chat) { if (tries > 0) { setTimeout(() => watchChat(tries - 1), 100); } return; }
  chatObserver.observe(chat, { childList: true, subtree: true });
  chat.addEventListener('wheel', unpin, { passive: true });
  chat.addEventListener('touchmove', unpin, { passive: true });
};
if (window.__hgaChatObserver) { window.__hgaChatObserver.disconnect(); }
window.__hgaChatObserver = chatObserver;
watchChat(300);

if (window.__hgaHandlers) {
  for (const [type, handler] of window.__hgaHandlers) { document.removeEventListener(type, handler, true); }
}
window.__hgaHandlers = [['click', onClick], ['input', onInput], ['keydown', onKey]];
for (const [type, handler] of window.__hgaHandlers) { document.addEventListener(type, handler, true); }
"""
