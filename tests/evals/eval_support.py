"""Helpers shared by the evaluation harness tests (a plain module, so test files can import it)."""

from __future__ import annotations

from assistant.answer import Answer, Citation, RetrievedPassage, Timings
from evals.scoring import Expectation
from evals.spans import Span

WORK_REPORT = "2025-hunan-government-work-report.md"
MONTHLY = "2025-08-qida-gongjian-monthly-report.txt"
#: Sentences that occur exactly once in their file.
GROWTH = "全年增长4.8%、总量达5.3万亿元"
THIRD_QUARTER = "实现三季度增长4.6%、追平全国"
MEETING = "7月30日，省委常委、常务副省长张迎春主持召开"


def make_answer(
    text: str = "",
    refused: bool = False,
    citations: tuple[Citation, ...] = (),
    retrieved: tuple[Span, ...] = (),
    total_ms: float = 10.0,
    id: str = "q1",
) -> Answer:
    passages = tuple(RetrievedPassage(s.doc, s.start, s.end, 1.0 / (i + 1)) for i, s in enumerate(retrieved))
    return Answer(
        id=id,
        question="?",
        answer=text,
        refused=refused,
        citations=citations,
        retrieved=passages,
        timings_ms=Timings(total=total_ms),
    )


def make_expectation(
    gold: tuple[Span, ...] = (),
    keys: tuple[str, ...] = ("4.8%",),
    answerable: bool = True,
    accept_refusal: bool = False,
    type: str = "figure",
    id: str = "q1",
) -> Expectation:
    return Expectation(
        id=id,
        question="2024年湖南经济增长多少？",
        type=type,
        answerable=answerable,
        answer="增长4.8%",
        answer_keys=keys if answerable else (),
        accept_refusal=accept_refusal,
        gold=gold,
    )
