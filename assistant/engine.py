"""The assistant: loads the corpus and index once, then answers questions with cited spans."""

from __future__ import annotations

import threading
import time
from functools import lru_cache
from typing import Callable, Sequence

import numpy as np

from .answer import Answer, Citation, RetrievedPassage, Timings
from .answering import Answerer, Draft
from .corpus import Document, load_corpus
from .embedding.model import EmbeddingModel
from .terms import TermWeights
from .followup import resolve_followup
from .index_store import LoadedIndex, build, expected_identity, load, staleness
from .question import parse_question, validate_question
from .retrieval.lexical import LexicalIndex
from .retrieval.retriever import Retriever
from .retrieval.tokenize import tokenizer_for
from .settings import Settings


class Assistant:
    def __init__(self, settings: Settings, documents: tuple[Document, ...], index: LoadedIndex, model: EmbeddingModel) -> None:
        self.settings = settings
        self.documents = documents
        self.index = index
        self._by_doc = {d.doc: d for d in documents}
        self._model = model
        self._reference_year = max((d.year for d in documents if d.date), default=time.localtime().tm_year)
        lexical = None
        if settings.retrieval_mode in ("hybrid", "lexical"):
            texts = [c.indexed_text(settings.index_section_paths) for c in index.chunks]
            lexical = LexicalIndex(texts, tokenizer_for(settings.lexical_tokenizer))
        retriever = Retriever(
            index.chunks,
            settings.retrieval_mode,
            lexical,
            index.dense,
            self._encode_query if settings.retrieval_mode != "lexical" else None,
            settings.rrf_k,
        )
        self._weights = TermWeights(index.chunks)
        self._answerer = Answerer(retriever, self._weights, settings.top_k)
        # One question at a time: the torch model and the caches are shared; on two cores nothing is lost.
        self._lock = threading.Lock()

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, *, progress: bool = False, log: Callable[[str], None] | None = None
    ) -> "Assistant":
        settings = settings or Settings.from_env()
        log = log or (lambda message: None)
        documents = load_corpus(settings.corpus_dir)
        model = EmbeddingModel(
            settings.model,
            settings.model_cache_dir,
            query_prompt=settings.query_prompt,
            passage_prompt=settings.passage_prompt,
            batch_size=settings.embed_batch_size,
        )
        index = ensure_index(settings, documents, model, progress=progress, log=log)
        return cls(settings, documents, index, model)

    @lru_cache(maxsize=256)
    def _encode_query(self, text: str) -> np.ndarray:
        # One question is searched several times (each side of a comparison): encode it once.
        return self._model.encode_queries([text])[0]

    def warm_up(self) -> None:
        """Load now what the first question would otherwise load (the query encoder, the word lists):
        one throwaway question through every stage."""
        self.ask("预热")

    def document(self, doc: str) -> Document:
        try:
            return self._by_doc[doc]
        except KeyError:
            raise KeyError(f"no document {doc!r} in the corpus") from None

    def ask(self, question: str, history: Sequence[str] | None = None) -> Answer:
        started = time.perf_counter()
        problem = validate_question(question, self.settings.max_question_chars)
        if problem is not None:
            text = question if isinstance(question, str) else ""
            return Answer(question=text, answer=problem, refused=True, timings_ms=Timings(total=_ms(started)))
        resolved = resolve_followup(question, _questions(history), self._has_topic)
        parsed = parse_question(resolved, self._reference_year)
        with self._lock:
            ranked = self._answerer.retrieve(parsed)
            retrieved_at = time.perf_counter()
            draft = self._answerer.answer(parsed, ranked)
            finished = time.perf_counter()
        return self._to_answer(
            question,
            resolved,
            draft,
            Timings(
                retrieve=(retrieved_at - started) * 1000,
                answer=(finished - retrieved_at) * 1000,
                total=(finished - started) * 1000,
            ),
        )

    def _has_topic(self, text: str) -> bool:
        parsed = parse_question(text, self._reference_year)
        return self._weights.has_topic(parsed.variants)

    def _to_answer(self, question: str, resolved: str, draft: Draft, timings: Timings) -> Answer:
        citations = []
        for number, unit in enumerate(draft.cited, start=1):
            document = self._by_doc[unit.chunk.doc]
            start, end = unit.original_span
            citations.append(
                Citation(
                    id=number,
                    doc=document.doc,
                    title=document.title,
                    section=unit.chunk.section_label,
                    start=start,
                    end=end,
                    quote=document.text[start:end],
                    passage_start=unit.chunk.start,
                    passage_end=unit.chunk.end,
                )
            )
        retrieved = tuple(RetrievedPassage(h.chunk.doc, h.chunk.start, h.chunk.end, h.score) for h in draft.retrieved)
        return Answer(
            question=question,
            answer=draft.text,
            refused=draft.refused,
            citations=tuple(citations),
            retrieved=retrieved,
            timings_ms=timings,
            resolved_question=resolved,
        )


def ensure_index(
    settings: Settings,
    documents: tuple[Document, ...],
    model: EmbeddingModel,
    *,
    progress: bool = False,
    log: Callable[[str], None] = lambda message: None,
) -> LoadedIndex:
    """The index for these settings: loaded when current, otherwise (re)built, saying why."""
    identity = expected_identity(settings, documents, model.model_id)
    reason = staleness(settings.index_dir, identity)
    if reason is None:
        try:
            return load(settings.index_dir)
        except (OSError, ValueError, RuntimeError, KeyError, TypeError) as error:
            reason = f"the index could not be read ({error})"
    log(f"building the index: {reason}")
    return build(
        settings,
        documents,
        model.model_id,
        lambda texts: model.encode_passages(texts, show_progress=progress),
        reason,
        log,
    )


def _questions(history: Sequence[object] | None) -> list[str]:
    """Previous user questions from plain strings or chat messages ({"role": "user", "content": …})."""
    questions = []
    for item in history or ():
        if isinstance(item, str):
            questions.append(item)
        elif isinstance(item, dict) and item.get("role") == "user" and isinstance(item.get("content"), str):
            questions.append(item["content"])
        elif isinstance(item, (list, tuple)) and item and isinstance(item[0], str):
            questions.append(item[0])
    return questions


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
