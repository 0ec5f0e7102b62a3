"""The assistant: loads the corpus and index once, then answers questions with cited spans."""

from __future__ import annotations

import gc
import logging
import re
import threading
import time
from dataclasses import replace
from functools import lru_cache
from typing import Callable, Sequence

from .answer import Answer, Citation, RetrievedPassage, Timings
from .answering import Answerer, Draft
from .answering.scoring import AnswerModel
from .corpus import Document, load_corpus
from .embedding.model import EmbeddingModel
from .terms import TermWeights
from .followup import resolve_followup
from .index_store import LoadedIndex, build, clean_up, expected_identity, load, staleness
from .question import normalize_question, parse_question
from .regions import Regions
from .retrieval.lexical import LexicalIndex
from .retrieval.query_cache import CachedQueryEncoder
from .retrieval.retriever import Retriever
from .retrieval.tokenize import tokenizer_for
from .settings import Settings
from .verification import prepare as prepare_verification, unsupported_claim
from .validation import normalized_length, printable, validate_history, validate_question


log = logging.getLogger(__name__)

#: Said instead of an answer that fails the final check against the source (a damaged index or a bug).
WITHHELD = "答案未能通过与原文的核对（答案中的数字未出现在所引用的原文中），为避免误导已停止作答；请联系管理员检查索引。"


class Assistant:
    def __init__(
        self,
        settings: Settings,
        documents: tuple[Document, ...],
        index: LoadedIndex,
        model: EmbeddingModel,
        answer_model: AnswerModel | None = None,
    ) -> None:
        self.settings = settings
        self.documents = documents
        self.index = index
        self._by_doc = {d.doc: d for d in documents}
        self._model = model
        dated = [d.year for d in documents if d.date]
        self._reference_year = max(dated, default=time.localtime().tm_year)
        #: With no document dated, "今年" can only be read as the clock's year: answers say so.
        self.reference_year_note = "" if dated else (
            f"（文档均未注明日期，“今年”等按当前年份{self._reference_year}年理解。）"
        )
        lexical = None
        if settings.retrieval_mode in ("hybrid", "lexical"):
            texts = [c.indexed_text(settings.index_section_paths) for c in index.chunks]
            lexical = LexicalIndex(texts, tokenizer_for(settings.lexical_tokenizer))
        # One question is searched several times (its parts, each side of a comparison): each text is
        # encoded once, and a question's parts together.
        self._query_encoder = CachedQueryEncoder(self._model.encode_queries)
        retriever = Retriever(
            index.chunks,
            settings.retrieval_mode,
            lexical,
            index.dense,
            self._query_encoder if settings.retrieval_mode != "lexical" else None,
            settings.rrf_k,
            self._query_encoder.ahead if settings.retrieval_mode != "lexical" else None,
        )
        self._weights = TermWeights(index.chunks)
        self._answerer = Answerer(
            retriever, self._weights, settings.top_k, self._reference_year, _known_years(documents, index.chunks), answer_model,
            Regions.of(documents, settings.home_region),
            _years_by_doc(documents, index.chunks),
            {d.doc: d.text for d in documents},
        )
        # One question at a time: the torch model and the caches are shared; on two cores nothing is lost.
        self._lock = threading.Lock()

    @classmethod
    def from_settings(
        cls,
        settings: Settings | None = None,
        *,
        progress: bool = False,
        log: Callable[[str], None] | None = None,
        answer_model: AnswerModel | None = None,
        model: EmbeddingModel | None = None,
    ) -> "Assistant":
        """Load (or build) everything a question needs, and warm it up, so that the first question is as fast
        as any other. ``model`` is the settings' embedding model when not given (pass one already preloading)."""
        settings = settings or Settings.from_env()
        log = log or (lambda message: None)
        if model is None:
            model = settings.embedding_model()
            if settings.retrieval_mode != "lexical":
                model.preload()
        documents = load_corpus(settings.corpus_dir, log)
        if not any(d.date for d in documents):
            log(f"no document of the corpus has a date: relative years (今年, 去年) are read from the clock "
                f"({time.localtime().tm_year}), and answers that use them say so")
        index = ensure_index(settings, documents, model, progress=progress, log=log)
        if settings.retrieval_mode != "lexical" and model.backend_in_use != "onnx":
            log(f"queries are embedded with {model.describe_backend()}")
        assistant = cls(settings, documents, index, model, answer_model)
        assistant.warm()
        return assistant

    def warm(self) -> None:
        """Do now what the first question would otherwise pay for (the query encoder's and the answering
        stages' lazy set-up, every passage's units and their question-independent facts): answer one
        question made of the first document's title."""
        if self.settings.retrieval_mode != "lexical":
            self._model.warm()
        self._answerer.gatherer.prepare()
        self._answerer.prepare()
        prepare_verification(self.documents)
        self.ask(self.documents[0].title)
        # What is loaded now lives as long as the assistant: keep it out of the collector's full
        # passes, which otherwise pause a question now and then for the whole heap.
        gc.freeze()

    def forget_queries(self) -> None:
        """Forget the cached query embeddings (a benchmark asks a question again as if for the first time)."""
        self._query_encoder.clear()

    def document(self, doc: str) -> Document:
        try:
            return self._by_doc[doc]
        except KeyError:
            raise KeyError(f"no document {doc!r} in the corpus") from None

    def ask(self, question: str, history: Sequence[object] | None = None, documents: Sequence[str] | None = None) -> Answer:
        """The answer to `question`; `history` is the conversation's earlier questions, oldest first
        (strings, chat messages or (question, answer) pairs); `documents`, when given, the corpus documents
        (`doc` paths) the answer may come from. Never raises on bad input: a question or
        history that cannot be used gets a refused answer saying what is wrong."""
        started = time.perf_counter()
        settings = self.settings
        problem = validate_question(question, settings.max_question_chars)
        if problem is None:
            checked = validate_history(history, settings.max_history_items, settings.max_question_chars)
            problem = checked.problem
        if problem is None and documents is not None:
            problem = self._documents_problem(documents)
        if problem is not None:
            return Answer(question=printable(question), answer=problem, refused=True, timings_ms=Timings(total=_ms(started)))
        resolved = self._resolve(question, checked.questions)
        parsed = parse_question(resolved, self._reference_year)
        within = frozenset(documents) if documents is not None else None
        with self._lock:
            parsed_at = time.perf_counter()
            draft, trace = self._answerer.answer(parsed, within)
            finished = time.perf_counter()
        retrieved_at = parsed_at + trace.gather_ms / 1000
        answer = self._to_answer(
            question,
            resolved,
            draft,
            Timings(
                retrieve=(retrieved_at - started) * 1000,
                answer=(finished - retrieved_at) * 1000,
                total=(finished - started) * 1000,
            ),
        )
        # Time words the answer may use: the question's, and the periods it was read as ("截至7月" -> 1-7月).
        read_as = (question, resolved, parsed.normalized, " ".join(sorted(parsed.scope.periods)))
        problem = unsupported_claim(answer.answer, answer.citations, self._by_doc, read_as)
        if problem is not None:
            # Never serve a figure the source does not give: say so instead, with what was retrieved.
            log.error("answer to %r withheld: %s", printable(question), printable(problem))
            return replace(answer, answer=WITHHELD, refused=True, citations=())
        if self.reference_year_note and self._reads_relative_year(resolved):
            answer = replace(answer, answer=self.reference_year_note + answer.answer)
        return answer

    def _documents_problem(self, documents: object) -> str | None:
        """Why a restriction to some documents cannot be used (not a list of the corpus's documents)."""
        if isinstance(documents, (str, bytes)) or not isinstance(documents, (list, tuple, set, frozenset)):
            return "限定的文件须是文件列表（corpus/ 中的相对路径）。"
        if not documents:
            return "没有选择文件：请至少选择一份文件，或取消限定。"
        unknown = [d for d in documents if not isinstance(d, str) or d not in self._by_doc]
        if unknown:
            shown = "、".join(printable(str(d))[:60] for d in unknown[:3])
            return f"文档库中没有这些文件：{shown}。"
        return None

    def _reads_relative_year(self, question: str) -> bool:
        """Whether the question's reading depends on which year is "this year" (今年, 去年…)."""
        year = self._reference_year
        return normalize_question(question, year) != normalize_question(question, year + 1)

    def _resolve(self, question: str, history: tuple[str, ...]) -> str:
        """The question made self-contained from the recent history, never longer than a question may be:
        when the follow-ups glued together grow too long, the oldest questions are left out."""
        window = list(history[-self.settings.followup_window :]) if self.settings.followup_window else []
        while True:
            resolved = resolve_followup(question, window, self._has_topic)
            if not window or normalized_length(resolved) <= self.settings.max_question_chars:
                return resolved
            window.pop(0)

    @lru_cache(maxsize=256)
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
                    page=document.page_at(start),
                )
            )
        retrieved = tuple(RetrievedPassage(h.chunk.doc, h.chunk.start, h.chunk.end, h.score) for h in draft.retrieved)
        return Answer(
            question=printable(question),
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
    for folder in (settings.index_dir, settings.embedding_cache_dir):
        clean_up(folder, log)
    identity = expected_identity(settings, documents, model.model_id)
    reason = staleness(settings.index_dir, identity)
    if reason is None:
        try:
            return load(settings.index_dir, documents)
        except (OSError, ValueError, RuntimeError, KeyError, TypeError, AttributeError) as error:
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


def _known_years(documents: tuple[Document, ...], chunks) -> frozenset[int]:
    """The years the documents speak of: their years of issue and the years their headings name."""
    years = {d.year for d in documents if d.date}
    for chunk in chunks:
        years.update(int(y) for y in re.findall(r"(20\d{2})年", " ".join(chunk.section)))
    return frozenset(years)


def _years_by_doc(documents: tuple[Document, ...], chunks) -> dict[str, frozenset[int]]:
    """Each document's years: its year of issue, the years it covers and the years its headings name."""
    years: dict[str, set[int]] = {d.doc: ({d.year} if d.date else set()) | set(d.covers_years) for d in documents}
    for chunk in chunks:
        years.setdefault(chunk.doc, set()).update(int(y) for y in re.findall(r"(20\d{2})年", " ".join(chunk.section)))
    return {doc: frozenset(found) for doc, found in years.items()}


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
