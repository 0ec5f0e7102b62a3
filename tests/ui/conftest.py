"""Fixtures for the UI tests: the real corpus, and (session-wide) a real `python -m ui` server."""

from __future__ import annotations

import pytest

from assistant.answer import Citation
from assistant.corpus import Document, load_corpus
from assistant.settings import Settings
from ui_server import running_server


@pytest.fixture(scope="session")
def documents() -> tuple[Document, ...]:
    return load_corpus(Settings.from_env().corpus_dir)


@pytest.fixture(scope="session")
def work_report(documents) -> Document:
    return next(d for d in documents if d.kind == "work_report")


def citation_for(document: Document, quote: str, cid: int = 1, *, context: int = 40) -> Citation:
    """A real Citation of `quote` where it occurs in the document, with a surrounding passage."""
    start = document.text.index(quote)
    end = start + len(quote)
    return Citation(
        id=cid,
        doc=document.doc,
        title=document.title,
        section=f"{document.title} › 测试章节",
        start=start,
        end=end,
        quote=document.text[start:end],
        passage_start=max(0, start - context),
        passage_end=min(len(document.text), end + context),
    )


@pytest.fixture(scope="session")
def cite():
    return citation_for


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> dict:
    """The real app, started once for the whole UI test session."""
    with running_server(tmp_path_factory.mktemp("ui-server")) as running:
        yield running
