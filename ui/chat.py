"""What the chat does: ask the shared Assistant, stream the answer, open citations, record votes.

The functions here take and return plain values so that ``ui/app.py`` only wires them to components.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator

from assistant.validation import validate_question

from ui import render
from ui.feedback import FeedbackLog, feedback_record, vote_name

if TYPE_CHECKING:
    from assistant import Assistant
    from assistant.answer import Answer
    from assistant.settings import Settings

#: The library returns whole answers; the chat reveals each in about STREAM_STEPS x STREAM_DELAY_S.
STREAM_STEPS = 16
STREAM_DELAY_S = 0.02
UNAVAILABLE = "系统暂时无法回答这个问题，请稍后重试；如果问题持续出现，请联系管理员。"

log = logging.getLogger(__name__)


@dataclass
class Session:
    """One browser tab's conversation (kept in a gr.State)."""

    messages: list[dict[str, str]] = field(default_factory=list)
    #: The questions asked so far, oldest first: the history for resolving follow-ups.
    questions: list[str] = field(default_factory=list)
    #: Chatbot message index -> the answer shown there (contract dict plus "history"), for votes.
    answers: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: A turn is being answered: a second question (Enter, 发送 and an example at once) waits its turn.
    busy: bool = False


class Chat:
    def __init__(self, assistant: "Assistant", settings: "Settings") -> None:
        self.assistant = assistant
        self.settings = settings
        self.feedback = FeedbackLog(settings.feedback_log)
        self.documents = {d.doc: d for d in assistant.documents}
        self.texts = {doc: d.text for doc, d in self.documents.items()}
        self.titles = {doc: d.title for doc, d in self.documents.items()}
        # One Assistant serves every session: Assistant.ask is safe to call from several threads
        # (it serialises the query encoder itself), so no lock is taken around it here.
        self._turns = threading.Lock()  # guards Session.busy only

    # ------------------------------------------------------------------ asking

    def ask(self, question: str, history: list[str] | None = None) -> "Answer":
        # The engine validates the history (types, lengths, item count) and says what is wrong.
        return self.assistant.ask(question, history=history)

    def api_ask(self, question: str, history: list[str] | None = None) -> dict[str, Any]:
        """The JSON contract for one question; ``history`` is the conversation's earlier questions."""
        return self.ask(question or "", history).to_dict()

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

    def respond(self, message: str, session: Session) -> Iterator[tuple[str, list[dict[str, str]], Session]]:
        """Chat turn: yields (textbox value, chat messages, session) as the answer streams in."""
        question = (message or "").strip()
        problem = validate_question(message or "", self.settings.max_question_chars)
        messages = session.messages + [{"role": "user", "content": render.render_question(message or "")}]
        if problem:
            session.messages = messages + [{"role": "assistant", "content": render.render_notice(problem)}]
            yield message or "", session.messages, session
            return
        yield "", messages + [{"role": "assistant", "content": render.render_pending()}], session

        history = list(session.questions)[-self.settings.max_history_items :]
        try:
            answer = self.ask(question, history)
        except Exception:  # an engine failure is shown as a message, never as a broken page
            log.exception("answering %r failed", question)
            session.messages = messages + [{"role": "assistant", "content": render.render_notice(UNAVAILABLE)}]
            yield "", session.messages, session
            return
        for prefix in render.stream_prefixes(answer.answer, STREAM_STEPS)[:-1]:
            yield "", messages + [{"role": "assistant", "content": render.render_streaming(prefix, answer.citations)}], session
            time.sleep(STREAM_DELAY_S)

        final = {"role": "assistant", "content": render.render_answer(answer, self.texts, self.titles)}
        session.messages = messages + [final]
        session.questions = history + [question]
        session.answers[len(session.messages) - 1] = {**answer.to_dict(), "history": history}
        yield "", session.messages, session

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

    def vote(self, session: Session, index: Any, liked: Any) -> dict[str, Any] | None:
        """Append a vote on the answer at chat message ``index`` to the feedback log."""
        if isinstance(index, (list, tuple)):
            index = index[0] if index else None
        answer = session.answers.get(index) if isinstance(index, int) else None
        if answer is None:
            return None
        record = feedback_record(vote_name(liked), answer)
        self.feedback.append(record)
        return record
