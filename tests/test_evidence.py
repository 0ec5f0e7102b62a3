"""Evidence units (sentences, parts, clauses) of the real passages, their scope, and their scores."""

from __future__ import annotations

from assistant.evidence import meets_expectation, split_units, unit_scope
from assistant.question import parse_question


def chunk_with(corpus_chunks, text: str):
    return next(c for c in corpus_chunks if text in c.text)


def test_units_cover_sentences_parts_and_clauses_of_the_cleaned_text(corpus_chunks):
    for chunk in corpus_chunks:
        for unit in split_units(chunk):
            assert unit.text == chunk.text[unit.start : unit.end]
            assert unit.sentence_start <= unit.start < unit.end <= unit.sentence_end
            start, end = unit.original_span
            assert start == chunk.offsets[unit.start] and end == chunk.offsets[unit.end - 1] + 1


def test_a_clause_about_the_same_figure_stays_with_it(corpus_chunks):
    chunk = chunk_with(corpus_chunks, "城镇新增就业54.15万人")
    units = [u.text for u in split_units(chunk) if "54.15" in u.text]
    smallest = min(units, key=len)
    assert smallest.startswith("城镇新增就业54.15万人，同比增长3.6%，完成年度任务的77.4%"), units


def test_a_bracketed_aside_is_not_cut(corpus_chunks):
    chunk = chunk_with(corpus_chunks, "三个高于")
    clauses = [u.text for u in split_units(chunk) if u.level == "clause"]
    assert any("（高于一季度，高于去年同期，高于全国平均水平）" in t for t in clauses)


def test_scope_comes_from_the_words_the_paragraph_and_the_headings(corpus_chunks):
    actual = next(u for u in split_units(chunk_with(corpus_chunks, "全省规模工业增加值同比增长8.0%")) if "8.0%" in u.text)
    assert "1-7月" in unit_scope(actual).periods and not unit_scope(actual).plan
    target = next(u for u in split_units(chunk_with(corpus_chunks, "规模工业增加值增长6.5%以上")) if "6.5%" in u.text)
    assert unit_scope(target).plan and 2025 in unit_scope(target).years
    review = next(u for u in split_units(chunk_with(corpus_chunks, "粮食总产达615.6亿斤")) if "615.6" in u.text)
    assert unit_scope(review).years == frozenset({2024}) and not unit_scope(review).plan


def test_a_comparison_yardstick_is_not_the_scope(corpus_chunks):
    unit = next(u for u in split_units(chunk_with(corpus_chunks, "与上半年持平")) if "6.2%" in u.text)
    assert "上半年" not in unit_scope(unit).periods


def test_the_kind_of_answer_asked_for():
    amount = parse_question("2024年湖南旅游业总收入是多少亿元？", 2025)
    assert meets_expectation(amount, "突破8500亿元") and not meets_expectation(amount, "迈上万亿新台阶")
    growth = parse_question("1-7月社零增长多少？", 2025)
    assert meets_expectation(growth, "同比增长6.2%") and not meets_expectation(growth, "消费资源分布不均")
    assert meets_expectation(parse_question("永州果蔬出口多少亿元？", 2025), "永州果蔬出口突破百亿元")
