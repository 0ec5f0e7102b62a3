"""Fixtures for the evaluation harness tests: the real corpus and spans found in it.

The one real Assistant of the session is `real_assistant` from tests/conftest.py.
"""

from __future__ import annotations

from typing import Callable

import pytest

from assistant.answer import Answer, Citation
from assistant.settings import Settings
from eval_support import make_answer, make_expectation
from evals.harness import read_originals
from evals.scoring import Expectation
from evals.spans import Span


@pytest.fixture(scope="session")
def settings(assistant_settings: Settings) -> Settings:
    """The session's default settings (tests/conftest.py: a temporary index folder, the real corpus)."""
    return assistant_settings


@pytest.fixture(scope="session")
def originals(settings: Settings) -> dict[str, str]:
    return read_originals(settings.corpus_dir)


@pytest.fixture(scope="session")
def span_of(originals: dict[str, str]) -> Callable[[str, str], Span]:
    """The span of a text that occurs exactly once in a corpus file."""

    def find(doc: str, text: str) -> Span:
        original = originals[doc]
        assert original.count(text) == 1, f"{text!r} must occur once in {doc}"
        start = original.find(text)
        return Span(doc, start, start + len(text))

    return find


@pytest.fixture(scope="session")
def cite(originals: dict[str, str]) -> Callable[..., Citation]:
    """A citation of a span, quoting the original text unless a quote is given."""

    def make(span: Span, id: int = 1, quote: str | None = None) -> Citation:
        text = originals[span.doc][span.start : span.end] if quote is None else quote
        return Citation(id=id, doc=span.doc, title="", section="", start=span.start, end=span.end, quote=text)

    return make


@pytest.fixture(scope="session")
def answer() -> Callable[..., Answer]:
    return make_answer


@pytest.fixture(scope="session")
def expect() -> Callable[..., Expectation]:
    return make_expectation
