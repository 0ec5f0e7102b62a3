"""Property-based fuzzing of Assistant.ask (issue 9, "Done means"): 1,000 examples across question and
history in the default run, over the real Assistant (real model, real index, real corpus).

For every example: no exception; the JSON contract holds (keys, types, JSON- and UTF-8-encodable);
every quote equals the original at its offsets; every marker has its citation; and the answering
work of the example stays under a budget of 1 s. Work is the CPU time of the thread that runs `ask`
(the Python stages and its share of the encoder; the encoder's spinning worker threads aside), so that
other jobs on a shared machine do not count against it: a budget per example, not a benchmark claim.
"""

from __future__ import annotations

import json
import time

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BUDGET_MS = 1000.0
CONTRACT = {"id", "question", "answer", "refused", "citations", "retrieved", "timings_ms"}
CITATION = {"id", "doc", "title", "section", "start", "end", "quote"}

#: Words staff use, the corpus's own terms, time words, numbers, question words, separators and
#: characters that stress normalisation (NFKC expansions, full-width forms, line separators, surrogates).
WORDS = [
    "2024年", "2025年", "今年", "去年", "前年", "明年", "1-7月", "前七个月", "上半年", "三季度", "8月", "全年",
    "全省", "湖南", "长沙", "常德", "广东", "全国", "粮食", "总产", "社零", "社会消费品零售总额", "GDP", "规工",
    "固投", "进出口", "增长", "目标", "实际", "完成", "多少", "几", "哪些", "什么时候", "谁", "怎么样", "如何", "分别",
    "比", "和", "、", "，", "？", "。", "百分之五点五", "615.6", "亿斤", "万亿元", "%", "第五项", "那", "这个", "呢",
    "七大攻坚", "①", "PM2.5", "5G", "㎒", "ｄ", "１２", "\u2028", "\u0085", "\t", " ", "\n", "\x00", "\ud800", "\U0001F600",
    "几" * 40, "、" * 40, "多少，" * 10, "一二三四五六七八九十" * 3, "1." * 20,
]

questions = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=0, max_size=12).map("".join),
    st.text(max_size=60),
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=80),
    st.sampled_from(WORDS),
)
items = st.one_of(
    questions,
    st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant", "system", "x"]), "content": questions}),
    st.tuples(questions, st.text(max_size=10)),
    st.integers(), st.none(), st.booleans(), st.floats(allow_nan=True),
)
histories = st.one_of(
    st.none(),
    st.lists(items, max_size=6),
    st.lists(questions, max_size=12),
    questions,
    st.integers(), st.floats(), st.booleans(), st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
)

@pytest.fixture(scope="module")
def assistant(real_assistant):
    """The session's Assistant, warmed up: the model loads lazily on its first question."""
    real_assistant.ask("2024年全省粮食总产是多少？", ["今年社零增长目标是多少？"])
    return real_assistant


FUZZ = settings(
    deadline=None,
    derandomize=True,  # the same examples on every run and in CI
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)


def _check(assistant, question, history) -> None:
    started, cpu_started = time.perf_counter(), time.thread_time()
    answer = assistant.ask(question, history)
    work = (time.thread_time() - cpu_started) * 1000
    wall_ms = (time.perf_counter() - started) * 1000
    record = answer.to_dict()
    assert set(record) == CONTRACT
    text = json.dumps(record, ensure_ascii=False)
    text.encode("utf-8")  # encodable: no lone surrogate escapes into the output
    assert json.loads(text) == record
    assert isinstance(record["answer"], str) and record["answer"]
    assert isinstance(record["refused"], bool) and isinstance(record["question"], str)
    for citation in record["citations"]:
        assert set(citation) == CITATION
        original = assistant.document(citation["doc"]).text
        assert 0 <= citation["start"] < citation["end"] <= len(original)
        assert original[citation["start"] : citation["end"]] == citation["quote"]
        assert f"[{citation['id']}]" in record["answer"]
    for passage in record["retrieved"]:
        assert 0 <= passage["start"] < passage["end"] <= len(assistant.document(passage["doc"]).text)
    assert work < BUDGET_MS, f"{work:.0f} ms of answering work (wall {wall_ms:.0f} ms) for {question!r} / {history!r}"


@settings(FUZZ, max_examples=600)
@given(question=questions)
def test_any_question(assistant, question):
    _check(assistant, question, None)


@settings(FUZZ, max_examples=400)
@given(question=questions, history=histories)
def test_any_question_with_any_history(assistant, question, history):
    _check(assistant, question, history)
