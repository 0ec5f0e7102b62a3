"""How the /ask endpoint describes itself on the API page (?view=api) and in /gradio_api/info: in
Chinese, with each parameter explained and the returned JSON typed field by field."""

from __future__ import annotations

from typing import Any

import gradio as gr

ASK_DESCRIPTION = (
    "依据已收录的文件回答一个问题，返回带出处的 JSON。"
    "question：问题（中文，不超过 2000 字）；history：同一对话中此前的问题（按时间先后的字符串数组），没有则为 null，"
    "用于理解“那去年呢？”这类追问；documents：只依据这些文件回答（文件路径的字符串数组，即 citations 中的 doc），"
    "没有则为 null，依据全部文件。返回：id、question、answer（带 [1] 等引用标记的回答）、refused（文件无法回答时为 true）、"
    "citations（每处引用：文件、标题、章节、起止位置、原文）、retrieved（检索到的段落）、timings_ms（耗时，毫秒）。"
)

_STRING = {"type": "string"}
_INT = {"type": "integer"}
_NUMBER = {"type": "number"}

QUESTION_SCHEMA: dict[str, Any] = {
    "type": "string",
    "description": "问题",
    "additional_description": "要问的问题，中文，不超过 2000 字",
}
# Gradio itself adds "| None" to a parameter whose default is None: the schemas say only the list.
HISTORY_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": _STRING,
    "description": "此前的问题",
    "additional_description": "同一对话中此前的问题，按时间先后；没有则为 null",
}
DOCUMENTS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": _STRING,
    "description": "限定的文件",
    "additional_description": "只依据这些文件回答：文件路径（相对于 corpus/，即 citations 中的 doc）的数组；没有则为 null，依据全部文件",
}
CITATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {**_INT, "description": "引用编号，对应回答中的 [n]"},
        "doc": {**_STRING, "description": "文件路径，相对于 corpus/"},
        "title": {**_STRING, "description": "文件标题"},
        "section": {**_STRING, "description": "章节路径"},
        "start": {**_INT, "description": "原文起始位置（字符）"},
        "end": {**_INT, "description": "原文结束位置（字符，不含）"},
        "quote": {**_STRING, "description": "引用的原文，等于 原文[start:end]"},
        "page": {**_INT, "description": "PDF 文件中引文所在的页码（从 1 起）；其他格式没有此字段"},
    },
}
RETRIEVED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "doc": {**_STRING, "description": "文件路径"},
        "start": {**_INT, "description": "段落起始位置"},
        "end": {**_INT, "description": "段落结束位置"},
        "score": {**_NUMBER, "description": "相关度"},
    },
}
ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "带出处的回答",
    "properties": {
        "id": {"oneOf": [{"type": "null"}, _STRING], "description": "回答编号"},
        "question": {**_STRING, "description": "所问的问题"},
        "answer": {**_STRING, "description": "回答，带 [1] 等引用标记；拒答时说明缺少什么"},
        "refused": {"type": "boolean", "description": "文件无法回答时为 true"},
        "citations": {"type": "array", "items": CITATION_SCHEMA, "description": "引用"},
        "retrieved": {"type": "array", "items": RETRIEVED_SCHEMA, "description": "检索到的段落，最相关的在前"},
        "timings_ms": {
            "type": "object",
            "properties": {
                "retrieve": {**_NUMBER, "description": "检索"},
                "answer": {**_NUMBER, "description": "作答"},
                "total": {**_NUMBER, "description": "合计"},
            },
            "description": "耗时（毫秒）",
        },
    },
}


def document_ask_endpoint(demo: gr.Blocks, endpoint: Any) -> None:
    """Give the /ask endpoint's parameters and result their names and typed, described schemas."""
    function = next(f for f in demo.fns.values() if f.api_name == "ask")
    labels = ("问题", "此前的问题", "限定的文件")
    for component, label, schema in zip(function.inputs, labels, (QUESTION_SCHEMA, HISTORY_SCHEMA, DOCUMENTS_SCHEMA)):
        component.label = label
        component._api_info = schema
    for component in function.outputs:
        component.label = "回答"
        component._api_info = ANSWER_SCHEMA
