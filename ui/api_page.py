"""Gradio's API page (?view=api, "通过 API 使用") in Chinese.

What the page says about the /ask endpoint (its description, parameters and typed result) comes from
``ui/api_docs.py``. The page's own furniture (headings, "Accepts 3 parameters", "Required", "The input
value that is provided in the … component") is English text fixed in Gradio's frontend with no
translation of its own (gradio 6.x ``ApiDocs`` has no i18n keys); ``API_PAGE_HEAD`` is a script, given
to ``launch(head=...)``, that puts it in Chinese as the page draws it. Code (snippets, types, names) is
never touched.
"""

from __future__ import annotations

import json

#: Whole text nodes (whitespace-normalized) of the API page and what they say in Chinese.
PHRASES: dict[str, str] = {
    "documentation": "文档",
    "API Recorder": "API 调用记录",
    "API endpoint": "个 API 接口",
    "Choose one of the following ways to interact with the API.": "可用以下任一方式调用 API。",
    "Copy Page": "复制本页",
    "1. Install the": "1. 如尚未安装，请先安装",
    "client (": "客户端（",
    "docs": "文档",
    ") if you don't already have it installed.": "）。",
    "1. Confirm that you have cURL installed on your system.": "1. 请确认系统中已安装 cURL。",
    "1. Install the CLI if you don't already have it installed.": "1. 如尚未安装命令行工具，请先安装。",
    "1. Make sure you are using the latest version of Gradio:": "1. 请确认使用的是最新版本的 Gradio：",
    "2. Install the usage of this Space as a Skill for your coding agent by running this in your terminal:":
        "2. 在终端运行以下命令，把本应用的用法作为技能（Skill）安装给编程助手：",
    "Instead of": "除",
    ", you can use": "外，也可以用",
    ", or": "或",
    ". Combine flags to install for multiple agents. Use": "。可同时给出多个参数，为多个编程助手安装；用",
    "to install user-level instead of per-project.": "安装到用户级，而不是当前项目。",
    "3. This will add a skill to your coding agent that describes how to use this Space via Python, JavaScript, and cURL API. The skill will look like this:":
        "3. 编程助手会得到一个技能，说明如何通过 Python、JavaScript 和 cURL 调用本应用的 API，内容如下：",
    "This Gradio app can also serve as an MCP server, with an MCP tool corresponding to each API endpoint. To enable this, launch this Gradio app with":
        "本应用也可作为 MCP 服务器运行，每个 API 接口对应一个 MCP 工具。如需启用，请以",
    "or set the": "启动，或把环境变量",
    "env variable to": "设为",
    "2. Find the API endpoint below corresponding to your desired function in the app. Copy the code snippet, replacing the placeholder values with your own input data.":
        "2. 在下方找到要调用的接口，复制示例代码，把其中的占位值换成自己的输入。",
    "Or use the": "也可以用",
    "to automatically generate your API requests.": "自动生成 API 请求。",
    "API name:": "接口名称：",
    "Required": "必填",
    "Default:": "默认值：",
    "Returns": "返回：",
    "Description:": "说明：",
}
#: Text nodes with a number or a label in them: (regular expression, replacement), JavaScript syntax.
PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^Accepts (\d+) parameter$", "接受 $1 个参数"),
    (r"^Accepts a JSON object with (\d+) key$", "接受一个有 $1 个键的 JSON 对象"),
    (r"^(\d+) element$", "$1 个值"),
    (r"^(?:tuple|list) of (\d+) elements$", "$1 个值"),
    (r'^The input value that is provided in the "([^"]*)" \S+ component\.\s*(.*)$', "$1：$2"),
    (r'^The output value that appears in the "([^"]*)" \S+ component\.$', "$1：JSON 对象，各字段的类型和含义见上。"),
    (r"^Copied .* Docs!$", "已复制"),
    # The endpoint's call statistics, once it has been called.
    (r"^(\d+) requests \((\d+)% successful, p50: (\d+) ms\)$", "已调用 $1 次（成功 $2%，p50：$3 毫秒）"),
    (r"^(\d+) requests \((\d+)% successful, p50: ([\d.]+) s\)$", "已调用 $1 次（成功 $2%，p50：$3 秒）"),
    (r"^(\d+) ms$", "$1 毫秒"),
    (r"^([\d.]+) s$", "$1 秒"),
)
ATTRIBUTES: dict[str, str] = {"Open copy menu": "打开复制菜单", "Close copy menu": "关闭复制菜单"}

_SCRIPT = r"""
(() => {
  const PHRASES = %(phrases)s;
  const PATTERNS = %(patterns)s.map(([p, r]) => [new RegExp(p, 's'), r]);
  const ATTRIBUTES = %(attributes)s;
  const norm = (s) => s.replace(/\s+/g, ' ').trim();
  const translate = (text) => {
    const key = norm(text);
    if (!key || !/[A-Za-z]/.test(key)) { return null; }
    if (Object.prototype.hasOwnProperty.call(PHRASES, key)) { return PHRASES[key]; }
    for (const [pattern, replacement] of PATTERNS) { if (pattern.test(key)) { return key.replace(pattern, replacement); } }
    return null;
  };
  const run = () => {
    const root = document.querySelector('.api-docs');
    if (!root) { return; }
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) { nodes.push(walker.currentNode); }
    for (const node of nodes) {
      const parent = node.parentElement;
      if (!parent || parent.closest('pre, code, .code, .inline-code, .token, .url')) { continue; }
      const chinese = translate(node.nodeValue);
      if (chinese === null) { continue; }
      const before = /^\s/.test(node.nodeValue) ? ' ' : '';
      const after = /\s$/.test(node.nodeValue) ? ' ' : '';
      node.nodeValue = before + chinese + after;
      // Gradio writes a plural "s" and a colon as text nodes of their own after a counted word.
      for (let next = node.nextSibling; next && (next.nodeType === Node.TEXT_NODE || next.nodeType === Node.COMMENT_NODE); next = next.nextSibling) {
        if (next.nodeType === Node.COMMENT_NODE) { continue; }
        const rest = next.nodeValue.trim();
        if (rest === 's') { next.nodeValue = ''; } else if (rest === ':' || rest === 's:') { next.nodeValue = '：'; } else if (rest) { break; }
      }
    }
    root.querySelectorAll('[aria-label], [title]').forEach((element) => {
      for (const name of ['aria-label', 'title']) {
        const value = element.getAttribute(name);
        if (value && ATTRIBUTES[value]) { element.setAttribute(name, ATTRIBUTES[value]); }
      }
    });
  };
  let queued = false;
  const schedule = () => { if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; run(); }); } };
  const start = () => new MutationObserver(() => { if (document.querySelector('.api-docs')) { schedule(); } })
    .observe(document.body, { childList: true, subtree: true, characterData: true });
  if (document.body) { start(); } else { document.addEventListener('DOMContentLoaded', start); }
})();
"""


def api_page_script() -> str:
    return _SCRIPT % {
        "phrases": json.dumps(PHRASES, ensure_ascii=False),
        "patterns": json.dumps(PATTERNS, ensure_ascii=False),
        "attributes": json.dumps(ATTRIBUTES, ensure_ascii=False),
    }


#: For ``launch(head=...)``.
API_PAGE_HEAD = f"<script>{api_page_script()}</script>"
