"""Suggestions for questions the assistant should not answer as asked: too vague, or a mistyped term.

* A question too vague to answer ("经济怎么样", "最近有什么新情况") names no topic once the generic
  words of a question are set aside. It gets questions about the documents' headline indicators:
  the written forms of glossary terms that the documents report as a growth rate (``…增长5.5%``),
  those reported by the most documents, most often, first; each is checked by asking it (only
  questions the assistant answers from the documents are suggested).
* A mistyped term (``社灵`` for ``社零``, ``固头`` for ``固投``) is a stretch of the question that the
  documents never write, one character away from a glossary term they do use; for short terms the
  changed character must sound the same (the usual slip of a pinyin input method). It gets the
  question with the term corrected ("您是不是想问…？").

Everything is derived from the corpus and ``data/glossary.json``; nothing here names a document.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from .glossary import Glossary, load_glossary

if TYPE_CHECKING:
    from .answer import Answer
    from .corpus import Document

#: Words every question uses and none narrows: once they are gone a vague question has nothing left.
GENERIC_WORDS = tuple(
    sorted(
        {
            "请问", "请", "问", "一下", "介绍", "说说", "讲讲", "谈谈", "看看", "了解", "告诉我", "我想知道", "想知道",
            "怎么样", "怎样", "怎么", "如何", "咋样", "好不好", "什么样", "什么", "啥", "哪些", "有没有", "是否",
            "情况", "状况", "形势", "态势", "进展", "动态", "消息", "新闻", "变化", "表现", "总体", "整体", "整个",
            "经济", "发展", "工作", "方面", "东西", "事情", "内容", "数据", "指标", "文件", "报告",
            "最近", "近来", "近期", "目前", "现在", "当前", "今年", "去年", "明年", "前年", "本月", "上月", "这个月",
            "全省", "我省", "咱们", "我们", *load_glossary().home, *load_glossary().provinces,
            "最新", "新的", "新", "有", "没有", "是", "的", "了", "吗", "呢", "吧", "啊", "呀", "和", "与", "及", "还",
            "都", "又", "在", "个", "些", "多少", "几", "一些", "这", "那", "哪", "里", "么", "样",
        },
        key=len,
        reverse=True,
    )
)
_NOT_TOPIC = re.compile(r"[\d０-９.%％年月日号季度上下半前后第一二三四五六七八九十百千万亿\s\W_a-zA-Z]")
#: A question with fewer topic characters than this is vague.
MIN_TOPIC_CHARS = 2
MAX_SUGGESTIONS = 4
#: How an indicator is asked about; the assistant answers each before it is offered.
INDICATOR_QUESTION = "{term}增长多少？"
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
#: How the documents report an indicator's growth, after spaces and Markdown markers are removed.
_GROWTH = r"(?:同比)?增长[\d.]+%"


@dataclass(frozen=True)
class Suggestions:
    """What to offer instead of an answer: nothing, a corrected question, or questions to choose from."""

    kind: str  # "none" | "typo" | "vague"
    questions: tuple[str, ...] = ()
    #: For a typo: the stretch of the question as typed, and the term it is taken for.
    typed: str = ""
    term: str = ""

    @property
    def any(self) -> bool:
        return self.kind != "none" and bool(self.questions)


NONE = Suggestions("none")


def topic_characters(question: str) -> str:
    """The question's characters left once generic question words, numbers and punctuation are gone."""
    text = question
    for word in GENERIC_WORDS:
        text = text.replace(word, " ")
    return _NOT_TOPIC.sub("", text)


def is_vague(question: str) -> bool:
    return len(topic_characters(question)) < MIN_TOPIC_CHARS


@lru_cache(maxsize=4096)
def _pinyin(char: str) -> frozenset[str]:
    from pypinyin import Style, pinyin

    return frozenset(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


def sounds_alike(a: str, b: str) -> bool:
    return bool(_pinyin(a) & _pinyin(b))


class Suggester:
    """Suggestions for one corpus; ``ask`` answers a question (the indicator questions are checked with it)."""

    def __init__(
        self,
        documents: Sequence["Document"],
        ask: Callable[[str], "Answer"],
        glossary: Glossary | None = None,
    ) -> None:
        self._texts = [re.sub(r"[\s*]", "", d.text) for d in documents]
        self._corpus = "\n".join(self._texts)
        self._ask = ask
        glossary = glossary or load_glossary()
        self._forms = _written_forms(glossary, self._corpus)
        self._vocabulary = _vocabulary(glossary, self._corpus)
        self._indicators: tuple[str, ...] | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ public

    def suggest(self, question: str, resolved: str | None = None) -> Suggestions:
        """A corrected question for a mistyped term, else indicator questions for a vague one, else none.

        ``resolved``: the question as the assistant understood it (a follow-up read with the earlier
        questions); a follow-up is vague only when that is.
        """
        if not isinstance(question, str) or not question.strip():
            return NONE
        typo = self.did_you_mean(question)
        if typo is not None:
            return typo
        if is_vague(resolved if isinstance(resolved, str) and resolved.strip() else question):
            questions = self.indicator_questions()
            return Suggestions("vague", questions) if questions else NONE
        return NONE

    def did_you_mean(self, question: str) -> Suggestions | None:
        best: tuple[int, str, str] | None = None
        for term in self._vocabulary:
            if term in question:
                continue
            for typed in _near_misses(question, term):
                if typed in self._corpus or any(known in typed for known in self._vocabulary):
                    continue  # written in the documents, or a known term next to another word (粮食总产是)
                rank = (len(term), term, typed)
                if best is None or rank[0] > best[0]:
                    best = rank
        if best is None:
            return None
        _, term, typed = best
        return Suggestions("typo", (question.replace(typed, term, 1),), typed=typed, term=term)

    def indicator_questions(self) -> tuple[str, ...]:
        """Questions about the headline indicators, most widely reported first; computed once."""
        with self._lock:
            if self._indicators is None:
                self._indicators = self._compute_indicators()
            return self._indicators

    # ------------------------------------------------------------------ internals

    def _compute_indicators(self) -> tuple[str, ...]:
        reports = {form: [len(re.findall(re.escape(form) + _GROWTH, text)) for text in self._texts] for form in self._forms}
        reported = [form for form in self._forms if sum(reports[form])]
        ranked = sorted(reported, key=lambda form: (-sum(map(bool, reports[form])), -sum(reports[form]), form))
        chosen: list[str] = []
        questions: list[str] = []
        for form in ranked:
            if len(questions) >= MAX_SUGGESTIONS:
                break
            if any(form in other or other in form for other in chosen):
                continue
            question = INDICATOR_QUESTION.format(term=form)
            answer = self._ask(question)
            if answer.refused or not any(form in "".join(c.quote.split()) for c in answer.citations):
                continue
            chosen.append(form)
            questions.append(question)
        return tuple(questions)


def _written_forms(glossary: Glossary, corpus: str) -> tuple[str, ...]:
    """The written forms of the glossary's abbreviations that the documents use, as indicator names."""
    forms: set[str] = set()
    for key, values in glossary.expand.items():
        if key in values:  # an entry that only lists a word's own spelling is no abbreviation
            continue
        for value in values:
            if len(value) >= 4 and _CJK.match(value) and value in corpus:
                forms.add(value)
    return tuple(sorted(forms))


def _vocabulary(glossary: Glossary, corpus: str) -> tuple[str, ...]:
    """Glossary terms a question may use: each key and written form the documents use (or expand to)."""
    terms: set[str] = set()
    for key, values in glossary.expand.items():
        used = [v for v in values if v in corpus]
        if _CJK.match(key) and (key in corpus or used):
            terms.add(key)
        terms.update(v for v in used if _CJK.match(v))
    return tuple(sorted(terms, key=lambda t: (-len(t), t)))


def _near_misses(question: str, term: str) -> Iterable[str]:
    """Stretches of the question one character away from ``term``.

    Terms of two or three characters: one character replaced by one that sounds the same. Longer
    terms: any one character replaced, added or left out.
    """
    size = len(term)
    if size < 2:
        return
    lengths = (size,) if size < 4 else (size, size - 1, size + 1)
    for length in lengths:
        for start in range(0, len(question) - length + 1):
            typed = question[start : start + length]
            if not _CJK.match(typed):
                continue
            if length == size:
                diff = [i for i in range(size) if typed[i] != term[i]]
                if len(diff) != 1:
                    continue
                if size < 4 and not sounds_alike(typed[diff[0]], term[diff[0]]):
                    continue
                if size < 4 and diff[0] == 0:  # a short term's first character is how it is recognised
                    continue
                yield typed
            elif _one_insert_or_delete(typed, term):
                yield typed


def _one_insert_or_delete(a: str, b: str) -> bool:
    if len(a) < len(b):
        a, b = b, a
    if len(a) != len(b) + 1:
        return False
    for i in range(len(a)):
        if a[:i] + a[i + 1 :] == b:
            return True
    return False
