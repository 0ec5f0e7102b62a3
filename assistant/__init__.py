"""Question answering with exact citations over Chinese government documents."""

from .answer import Answer, Citation, RetrievedPassage, Timings
from .corpus import Document
from .settings import Settings

__all__ = ["Answer", "Assistant", "Citation", "Document", "RetrievedPassage", "Settings", "Timings"]


def __getattr__(name: str):
    # The engine pulls in torch and FAISS; load it only when the Assistant itself is wanted.
    if name == "Assistant":
        from .engine import Assistant

        return Assistant
    raise AttributeError(name)
