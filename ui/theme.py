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
.hga-header { display: flex; flex-wrap: wrap; gap: 12px 32px; align-items: flex-end; justify-content: space-between;
  padding: 6px 4px 10px; border-bottom: 2px solid #b91c1c; }
.hga-brand h1 { font-size: 1.55rem; font-weight: 700; margin: 0; color: #7f1d1d; letter-spacing: .04em; }
.hga-brand p { margin: 4px 0 0; color: #475569; font-size: .9rem; }
.hga-docs { font-size: .85rem; color: #334155; }
.hga-docs-label { color: #64748b; margin-right: 6px; }
.hga-docs ul, .hga-viewer-docs { list-style: none; margin: 0; padding: 0; }
.hga-docs li, .hga-viewer-docs li { margin: 2px 0; }
.hga-doc-title { font-weight: 600; }
.hga-doc-meta { color: #64748b; margin-left: 8px; }

#hga-chat .message-row .message { font-size: 15px; line-height: 1.75; }
.hga-question { white-space: normal; word-break: break-word; }
.hga-answer .hga-text { word-break: break-word; }
.hga-refused .hga-text { color: #7c2d12; }
.hga-notice .hga-text { color: #92400e; }
.hga-pending { color: #64748b; }
.hga-dots::after { content: "…"; animation: hga-blink 1s steps(2) infinite; }
.hga-caret::after { content: "▍"; color: #b91c1c; animation: hga-blink .8s steps(2) infinite; }
@keyframes hga-blink { 50% { opacity: 0; } }
.hga-md { opacity: .35; }

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
.hga-card-head { display: block; font-weight: 600; font-size: .9rem; }
.hga-card-no { color: #b91c1c; margin-right: 6px; }
.hga-card-section { display: block; color: #64748b; font-size: .78rem; margin: 2px 0 4px; }
.hga-card-passage { display: block; font-size: .88rem; color: #334155; line-height: 1.7; }
.hga-card-passage mark, .hga-viewer mark { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
.hga-meta { margin-top: 10px; display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: .75rem; color: #94a3b8; }

#hga-viewer { height: 100%; }
.hga-viewer { border: 1px solid #e2e8f0; border-radius: 8px; background: #fffdf8; }
.hga-viewer-head { padding: 10px 14px; border-bottom: 1px solid #e2e8f0; background: #fff; border-radius: 8px 8px 0 0; }
.hga-viewer-title { font-weight: 700; color: #7f1d1d; }
.hga-viewer-meta { font-size: .78rem; color: #64748b; margin-top: 2px; }
.hga-viewer-body { position: relative; height: calc(100vh - 330px); min-height: 360px; overflow-y: auto; padding: 12px 16px;
  white-space: pre-wrap; word-break: break-word; font-size: 14px; line-height: 1.85; color: #1e293b; }
.hga-viewer mark.hga-cited { background: #fcd34d; box-shadow: 0 0 0 2px #f59e0b; }
.hga-viewer mark.hga-flash { animation: hga-flash 1.2s ease-out 1; }
@keyframes hga-flash { 0% { box-shadow: 0 0 0 6px #f59e0b; } 100% { box-shadow: 0 0 0 2px #f59e0b; } }
.hga-viewer-empty { padding: 18px; min-height: 360px; }
.hga-viewer-hint { color: #64748b; margin-bottom: 12px; }
.hga-viewer-label { font-size: .8rem; color: #64748b; margin: 0 0 4px 2px; letter-spacing: .08em; }

#hga-examples button { font-size: .82rem; }
.hga-footnote { font-size: .75rem; color: #94a3b8; }
"""

#: Runs once when the viewer mounts: one document-level click handler for every citation link
#: (markers in answers, cards, related passages). It asks the server for the viewer HTML
#: (``server.open_citation``), shows it, and scrolls the highlighted span into view.
VIEWER_JS = r"""
const PREFIX = '#cite=';
const wanted = (key) => { try { return decodeURIComponent(key.slice(PREFIX.length)); } catch (e) { return ''; } };
const scrollToMark = (span, tries) => {
  const mark = element.querySelector('mark.hga-cited');
  if (!mark || (mark.dataset.span !== span && tries > 0)) {
    if (tries > 0) { requestAnimationFrame(() => scrollToMark(span, tries - 1)); }
    return;
  }
  const body = element.querySelector('.hga-viewer-body');
  if (body) { body.scrollTop = Math.max(0, mark.offsetTop - body.clientHeight / 3); }
  mark.classList.remove('hga-flash'); void mark.offsetWidth; mark.classList.add('hga-flash');
  const box = element.getBoundingClientRect();
  if (box.top < 0 || box.top > window.innerHeight) { element.scrollIntoView({ block: 'start' }); }
};
const onClick = async (event) => {
  const link = event.target && event.target.closest ? event.target.closest('a[href^="#cite="]') : null;
  if (!link) { return; }
  event.preventDefault();
  event.stopPropagation();
  const key = link.getAttribute('href');
  document.querySelectorAll('a.hga-active').forEach((a) => a.classList.remove('hga-active'));
  link.classList.add('hga-active');
  try {
    props.value = await server.open_citation(key);
  } catch (error) {
    props.value = '<div class="hga-viewer hga-viewer-empty"><div class="hga-viewer-hint">无法打开原文，请稍后重试。</div></div>';
  }
  scrollToMark(wanted(key), 120);
};
if (window.__hgaCiteClick) { document.removeEventListener('click', window.__hgaCiteClick, true); }
window.__hgaCiteClick = onClick;
document.addEventListener('click', onClick, true);
"""
