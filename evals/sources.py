"""Where answers come from: the in-process Assistant, a running UI's Gradio API, or a contract JSONL file."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.answer import Answer

from evals.contract import ContractError, answer_from_json

if TYPE_CHECKING:
    from assistant import Assistant


class SourceError(RuntimeError):
    """A source could not give an answer for a question."""


@dataclass(frozen=True)
class Sourced:
    answer: Answer
    wall_ms: float | None  # measured around the call; None when the answer was not produced here


class AnswerSource(Protocol):
    #: How the report names this source, e.g. "in-process", "endpoint http://…", "answers run.jsonl".
    name: str

    def answer(self, question_id: str, question: str) -> Sourced: ...


class InProcessSource:
    def __init__(self, assistant: "Assistant") -> None:
        self.assistant = assistant
        self.name = "in-process"

    def answer(self, question_id: str, question: str) -> Sourced:
        started = time.perf_counter()
        answer = self.assistant.ask(question)
        return Sourced(answer, (time.perf_counter() - started) * 1000)


class EndpointSource:
    """The UI's `ask` endpoint through gradio_client; it returns the contract as a dict or JSON text."""

    def __init__(self, url: str, auth: tuple[str, str] | None = None, api_name: str = "/ask") -> None:
        from gradio_client import Client  # only this source needs it

        self.client = Client(url, auth=auth, verbose=False)
        self.api_name = api_name
        self.name = f"endpoint {url}"

    def answer(self, question_id: str, question: str) -> Sourced:
        started = time.perf_counter()
        result: Any = self.client.predict(question, api_name=self.api_name)
        wall_ms = (time.perf_counter() - started) * 1000
        try:
            return Sourced(answer_from_json(result), wall_ms)
        except ContractError as error:
            raise SourceError(f"{self.name} answered {question_id!r} outside the contract: {error}") from error


class AnswersFileSource:
    """Answers already produced, one contract JSON object per line, matched to questions by id."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.name = f"answers {self.path}"
        self.answers = read_answers(self.path)

    def answer(self, question_id: str, question: str) -> Sourced:
        try:
            return Sourced(self.answers[str(question_id)], None)
        except KeyError:
            raise SourceError(f"{self.path} has no answer with id {question_id!r}") from None


def read_answers(path: Path) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    with Path(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                answer = answer_from_json(line)
            except ContractError as error:
                raise SourceError(f"{path}:{number}: {error}") from error
            if answer.id is None:
                raise SourceError(f"{path}:{number}: an answer without an id cannot be matched to a question")
            answers[str(answer.id)] = answer
    return answers
