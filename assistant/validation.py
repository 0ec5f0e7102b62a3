"""What a caller may send: the question and the conversation history, checked before any work is done.

Every check is cheap and bounds the work of answering: a question (and every earlier question of the
history) is at most `max_chars` characters after NFKC normalisation (the form the answering stages
read, where one "㎒" becomes three characters), the history has at most `max_items` entries, and
anything that is not text (wrong types, lone surrogates, control characters) gets a clear message in
Chinese instead of an exception further down.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
#: Roles of chat messages that are not questions; their content is not read.
_OTHER_ROLES = ("assistant", "system", "tool")


def has_surrogates(text: str) -> bool:
    """Whether the string holds a lone surrogate (e.g. "\\ud800", or undecodable bytes of argv)."""
    return bool(_SURROGATE.search(text))


def printable(text: object) -> str:
    """A string that can be echoed and encoded as UTF-8: lone surrogates become U+FFFD."""
    if not isinstance(text, str):
        return ""
    return _SURROGATE.sub("\ufffd", text)


def normalized_length(text: str) -> int:
    return len(unicodedata.normalize("NFKC", text))


def validate_question(text: object, max_chars: int = 2000) -> str | None:
    """A Chinese message saying what is wrong with the question, or None when it can be asked."""
    if not isinstance(text, str):
        return "问题必须是文本。"
    if has_surrogates(text):
        return "问题中含有无效的字符（不成对的代理码位），请检查输入的编码后重试。"
    stripped = text.strip()
    if not stripped:
        return "请输入问题。"
    length = max(len(stripped), normalized_length(stripped))
    if length > max_chars:
        return f"问题过长（{length}字），请控制在{max_chars}字以内。"
    normalized = unicodedata.normalize("NFKC", stripped)
    if _CONTROL.search(stripped) or _CONTROL.search(normalized):
        return "问题中含有无法识别的控制字符，请删除后重试。"
    if not any(ch.isalnum() for ch in stripped):
        return "问题只包含标点或符号，请用中文描述您想了解的内容。"
    if not _CJK.search(stripped):
        return "目前只支持中文提问，请用中文描述您的问题（例如：2024年全省粮食总产是多少？）。"
    return None


@dataclass(frozen=True)
class History:
    """The earlier questions of a conversation (oldest first), or why the history cannot be used."""

    questions: tuple[str, ...] = ()
    problem: str | None = None


def validate_history(history: object, max_items: int, max_chars: int) -> History:
    """Earlier user questions from a list of strings, of chat messages ({"role": "user", "content": …})
    or of (question, answer) pairs; anything else is refused with a message saying what is wrong."""
    if history is None:
        return History()
    if isinstance(history, (str, bytes, bytearray)) or not isinstance(history, (list, tuple)):
        kind = "一段文本" if isinstance(history, (str, bytes, bytearray)) else _kind(history)
        return History(problem=f"对话历史必须是此前问题的列表（最早的在前），不能是{kind}。")
    if len(history) > max_items:
        return History(problem=f"对话历史过长（{len(history)}条），最多{max_items}条；请开启新的对话。")
    questions = []
    for number, item in enumerate(history, start=1):
        text, problem = _question_of(item, number)
        if problem is not None:
            return History(problem=problem)
        if text is None or not text.strip():
            continue
        if has_surrogates(text):
            return History(problem=f"对话历史第{number}条含有无效的字符（不成对的代理码位）。")
        length = max(len(text.strip()), normalized_length(text.strip()))
        if length > max_chars:
            return History(problem=f"对话历史第{number}条过长（{length}字），每条最多{max_chars}字。")
        if _CONTROL.search(text) or _CONTROL.search(unicodedata.normalize("NFKC", text)):
            return History(problem=f"对话历史第{number}条含有无法识别的控制字符。")
        questions.append(text.strip())
    return History(tuple(questions))


def _question_of(item: object, number: int) -> tuple[str | None, str | None]:
    """(the user's question in one history entry or None, or a problem)."""
    if isinstance(item, str):
        return item, None
    if isinstance(item, dict):
        role = item.get("role")
        if role in _OTHER_ROLES:
            return None, None
        if role != "user":
            return None, f"对话历史第{number}条的消息缺少有效的 role（应为 user 或 assistant）。"
        content = item.get("content")
        if not isinstance(content, str):
            return None, f"对话历史第{number}条的 content 必须是文本。"
        return content, None
    if isinstance(item, (list, tuple)) and len(item) == 2:  # (question, answer) pairs of older chat formats
        if item[0] is None or isinstance(item[0], str):
            return item[0], None
        return None, f"对话历史第{number}条的问题必须是文本。"
    return None, f"对话历史第{number}条必须是文本，不能是{_kind(item)}。"


def _kind(value: object) -> str:
    names = {bool: "布尔值", int: "数字", float: "数字", dict: "对象", list: "列表", tuple: "列表"}
    return names.get(type(value), type(value).__name__)
