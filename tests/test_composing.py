"""Answers composed from the source's own words, each claim marked, scope said when the words don't."""

from __future__ import annotations

from assistant.composing import Refusal, compose, refusal_draft, scope_label
from assistant.evidence import split_units


def unit_with(corpus_chunks, text: str):
    chunk = next(c for c in corpus_chunks if text in c.text)
    return min((u for u in split_units(chunk) if text in u.text), key=lambda u: len(u.text))


def test_each_claim_is_the_source_text_with_its_marker(corpus_chunks):
    target = unit_with(corpus_chunks, "社会消费品零售总额增长5.5%以上")
    actual = unit_with(corpus_chunks, "全省社会消费品零售总额同比增长 6.2%".replace(" ", ""))
    draft = compose([target, actual], ())
    assert "社会消费品零售总额增长5.5%以上[1]" in draft.text and "6.2%" in draft.text and "[2]" in draft.text
    assert draft.cited == (target, actual) and not draft.refused


def test_the_scope_the_words_leave_unsaid_is_said(corpus_chunks):
    assert scope_label(unit_with(corpus_chunks, "粮食总产达615.6亿斤")) == "2024年"
    assert scope_label(unit_with(corpus_chunks, "规模工业增加值增长6.5%以上")) == "2025年目标"
    assert scope_label(unit_with(corpus_chunks, "全省规模工业增加值同比增长8.0%")) == "1-7月"


def test_a_refusal_may_show_the_nearest_passage(corpus_chunks):
    nearest = unit_with(corpus_chunks, "全省规模工业增加值同比增长8.0%")
    shown = refusal_draft(Refusal("文档中没有1-8月的这项数据。", True), nearest, ())
    assert shown.refused and shown.text.startswith("文档中没有1-8月") and "8.0%" in shown.text
    assert shown.text.endswith("[1]。")
    assert shown.cited == (nearest,)
    bare = refusal_draft(Refusal("文档只涉及湖南省的情况。", False), nearest, ())
    assert bare.refused and bare.cited == () and "[1]" not in bare.text
