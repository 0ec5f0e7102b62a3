"""What the chat does: ask the shared Assistant, stream the answer, open citations, record votes.

The functions here take and return plain values so that ``ui/app.py`` only wires them to components.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Iterator

from assistant.suggestions import Suggester
from assistant.validation import validate_question

from ui import render
from ui.panel import parse_document_key
from ui.feedback import MAX_REASON_CHARS, FeedbackLog, feedback_record, vote_name

if TYPE_CHECKING:
    from assistant import Assistant
    from assistant.answer import Answer
    from assistant.settings import Settings

#: The library returns whole answers; the chat reveals each in about STREAM_STEPS x STREAM_DELAY_S.
STREAM_STEPS = 16
STREAM_DELAY_S = 0.02
UNAVAILABLE = "系统暂时无法回答这个问题，请稍后重试；如果问题持续出现，请联系管理员。"
#: Answers remembered for votes (by answer id), oldest forgotten first.
REMEMBERED_ANSWERS = 5000


_EMPTY_MARK = re.compile(r'<mark class="hga-cited" id="hga-cited" data-span="[^"]*"></mark>')


class RequestError(ValueError):
    """An API call whose arguments are not what the endpoint takes; the message says what is wrong."""

log = logging.getLogger(__name__)


@dataclass
class Session:
    """One browser tab's conversation (kept in a gr.State)."""

    messages: list[dict[str, str]] = field(default_factory=list)
    #: The questions asked so far, oldest first: the history for resolving follow-ups.
    questions: list[str] = field(default_factory=list)
    #: A turn is being answered: a second question (Enter, 发送 and an example at once) waits its turn.
    busy: bool = False
    #: The documents the conversation is restricted to (chosen in the panel), or None for all.
    documents: tuple[str, ...] | None = None


class Chat:
    def __init__(self, assistant: "Assistant", settings: "Settings") -> None:
        self.assistant = assistant
        self.settings = settings
        self.feedback = FeedbackLog(settings.feedback_log)
        self.documents = {d.doc: d for d in assistant.documents}
        self.texts = {doc: d.text for doc, d in self.documents.items()}
        self.titles = {doc: d.title for doc, d in self.documents.items()}
        self.suggester = Suggester(assistant.documents, assistant.ask)
        #: answer id -> the answer shown (contract dict plus "history"), for votes sent by the page.
        self._answers: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._answers_lock = threading.Lock()
        # One Assistant serves every session: Assistant.ask is safe to call from several threads
        # (it serialises the query encoder itself), so no lock is taken around it here.
        self._turns = threading.Lock()  # guards Session.busy only

    # ------------------------------------------------------------------ asking

    def ask(self, question: str, history: list[str] | None = None, documents: list[str] | None = None) -> "Answer":
        # The engine validates the history (types, lengths, item count) and the documents, and says what is wrong.
        if documents is None:
            return self.assistant.ask(question, history=history)
        return self.assistant.ask(question, history=history, documents=documents)

    def api_ask(self, question: Any, history: Any = None, documents: Any = None) -> dict[str, Any]:
        """The JSON contract for one question; ``history`` is the conversation's earlier questions,
        ``documents`` the ``doc`` paths the answer may come from (None: all; a list naming no document of
        the corpus gets a refused answer saying so).

        Raises RequestError, saying what is wrong, for arguments of the wrong type.
        """
        if question is None:
            raise RequestError("缺少参数 question：请传入要问的问题（字符串）。")
        if not isinstance(question, str):
            raise RequestError(f"参数 question 应为字符串（中文问题），收到的是 {_type_name(question)}。")
        if history is not None:
            if not isinstance(history, (list, tuple)):
                raise RequestError(
                    f"参数 history 应为此前问题的列表（字符串数组，按时间先后）或 null，收到的是 {_type_name(history)}。"
                )
            for number, item in enumerate(history, start=1):
                if isinstance(item, str):
                    continue
                if isinstance(item, dict) and isinstance(item.get("content"), str) and "role" in item:
                    continue
                raise RequestError(
                    f"参数 history 的第 {number} 项应为字符串或 {{\"role\", \"content\"}} 对象，收到的是 {_type_name(item)}。"
                )
        if documents is not None:
            if not isinstance(documents, (list, tuple)):
                raise RequestError(
                    f"参数 documents 应为文件路径的列表（字符串数组，如 [\"2025-hunan-government-work-report.md\"]）或 null，收到的是 {_type_name(documents)}。"
                )
            for number, item in enumerate(documents, start=1):
                if not isinstance(item, str):
                    raise RequestError(f"参数 documents 的第 {number} 项应为文件路径（字符串），收到的是 {_type_name(item)}。")
            documents = list(documents)
        return self.ask(question, list(history) if history is not None else None, documents).to_dict()

    def begin_turn(self, session: Session) -> bool:
        """Claim the session for one question; False while another question of it is being answered."""
        with self._turns:
            if session.busy:
                return False
            session.busy = True
            return True

    def end_turn(self, session: Session) -> None:
        with self._turns:
            session.busy = False

    def respond(
        self, message: str, session: Session, *, literal: bool = False, documents: tuple[str, ...] | None = None
    ) -> Iterator[tuple[str, list[dict[str, str]], Session]]:
        """Chat turn: yields (textbox value, chat messages, session) as the answer streams in.

        ``literal``: ask the question exactly as it stands, without the conversation's earlier
        questions ("不是这个意思", or a suggested question picked). ``documents``: the documents chosen
        in the panel (None: all); the conversation keeps the restriction until it is lifted or cleared.
        """
        session.documents = documents
        question = (message or "").strip()
        problem = validate_question(message or "", self.settings.max_question_chars)
        messages = session.messages + [{"role": "user", "content": render.render_question(message or "")}]
        if problem:
            session.messages = messages + [{"role": "assistant", "content": render.render_notice(problem)}]
            yield message or "", session.messages, session
            return
        yield "", messages + [{"role": "assistant", "content": render.render_pending()}], session

        history = [] if literal else list(session.questions)[-self.settings.max_history_items :]
        try:
            answer = self.ask(question, history, list(documents) if documents else None)
            suggestions = self.suggester.suggest(question, answer.resolved_question)
        except Exception:  # an engine failure is shown as a message, never as a broken page
            log.exception("answering %r failed", question)
            session.messages = messages + [{"role": "assistant", "content": render.render_notice(UNAVAILABLE)}]
            yield "", session.messages, session
            return
        session.questions = history + [question] if not literal else session.questions + [question]
        if suggestions.any:  # a mistyped term or a vague question: suggest instead of answering
            session.messages = messages + [{"role": "assistant", "content": render.render_suggestions(question, suggestions)}]
            yield "", session.messages, session
            return
        answer_id = uuid.uuid4().hex
        answer = replace(answer, id=answer_id)
        for prefix in render.stream_prefixes(answer.answer, STREAM_STEPS)[:-1]:
            yield "", messages + [{"role": "assistant", "content": render.render_streaming(prefix, answer.citations)}], session
            time.sleep(STREAM_DELAY_S)

        html = render.render_answer(answer, self.texts, self.titles, answer_id=answer_id, literal=literal)
        session.messages = messages + [{"role": "assistant", "content": html}]
        self._remember(answer_id, {**answer.to_dict(), "history": history, **({"documents": list(documents)} if documents else {})})
        yield "", session.messages, session

    def _remember(self, answer_id: str, record: dict[str, Any]) -> None:
        with self._answers_lock:
            self._answers[answer_id] = record
            while len(self._answers) > REMEMBERED_ANSWERS:
                self._answers.popitem(last=False)

    # ------------------------------------------------------------------ viewer and votes

    def open_citation(self, key: Any) -> str:
        """Viewer HTML for a citation key sent by the page script (see ui/theme.py)."""
        if isinstance(key, (list, tuple)) and key:
            key = key[0]
        parsed = render.parse_citation_key(key)
        document = self.documents.get(parsed[0]) if parsed else None
        if parsed is None or document is None:
            return render.render_viewer_error("找不到这处引用对应的文件。")
        _, start, end = parsed
        if not 0 <= start <= end <= len(document.text):
            return render.render_viewer_error("引用位置超出了文件范围。")
        return render.render_viewer(document, start, end)

    def open_document(self, key: Any) -> str:
        """Viewer HTML for a whole document opened from the panel (a ``#doc=`` key), from its start."""
        doc = parse_document_key(key)
        document = self.documents.get(doc) if doc else None
        if document is None:
            return render.render_viewer_error("找不到这份文件。")
        # Nothing is cited: no empty citation mark at the top.
        return _EMPTY_MARK.sub("", render.render_viewer(document, 0, 0), count=1)

    def vote(self, answer_id: Any, vote: Any, reason: Any = "") -> dict[str, Any] | None:
        """Append a vote ("up"/"down", optionally with a reason) on the answer ``answer_id`` to the log.

        Unknown answers and votes other than up/down are ignored (None): the page only sends its own.
        """
        if isinstance(answer_id, (list, tuple)):  # the page script may send its arguments as one list
            answer_id, vote, reason = (list(answer_id) + ["", "", ""])[:3]
        if not isinstance(answer_id, str) or vote not in ("up", "down"):
            return None
        with self._answers_lock:
            answer = self._answers.get(answer_id)
        if answer is None:
            return None
        reason = reason.strip()[:MAX_REASON_CHARS] if isinstance(reason, str) else ""
        record = feedback_record(vote_name(vote == "up"), answer, reason=reason)
        self.feedback.append(record)
        return record


def _type_name(value: Any) -> str:
    names = {bool: "布尔值", int: "整数", float: "小数", dict: "对象", list: "数组", str: "字符串"}
    return names.get(type(value), type(value).__name__)
