"""Headings: a question about how a document is laid out is answered with its section headings, cited
where they stand in the original text (the passages hold the sections' content, not the heading lines)."""

from __future__ import annotations

from assistant.answering.headings import asks_layout, children, find_headings, named_parent


def test_a_document_s_headings_are_found_in_order_where_they_are_written(monthly_report_doc, corpus_chunks):
    chunks = [c for c in corpus_chunks if c.doc == monthly_report_doc.doc]
    headings = find_headings(monthly_report_doc.text, chunks)
    top = children(headings, headings[0].section[:1])
    assert [h.section[-1] for h in top] == ["工作部署", "重点产业倍增计划", "重要指标", "重点任务", "突出问题", "特色亮点"]
    for heading in headings:
        start, end = heading.unit.original_span
        assert start < end and [c for c in monthly_report_doc.text[start:end] if not c.isspace() and c != "*"] == list(heading.unit.text)
    assert [h.unit.original_span[0] for h in headings] == sorted(h.unit.original_span[0] for h in headings)


def test_a_section_named_in_a_question_is_the_parent_of_the_headings_asked_for(monthly_report_doc, corpus_chunks):
    headings = find_headings(monthly_report_doc.text, [c for c in corpus_chunks if c.doc == monthly_report_doc.doc])
    assert named_parent(headings, "特色亮点栏目这期介绍了哪些地方？")[-1] == "特色亮点"
    assert named_parent(headings, "今年GDP增长多少？") is None
    assert asks_layout("这期月报分了哪几个栏目？") and not asks_layout("今年GDP增长多少？")


def test_the_columns_of_a_report_are_its_top_level_headings(real_assistant, monthly_report_doc):
    answer = real_assistant.ask("这期月报分了哪几个栏目？")
    assert not answer.refused, answer.answer
    assert [c.quote.strip("【】 ") for c in answer.citations] == ["工作部署", "重点产业倍增计划", "重要指标", "重点任务", "突出问题", "特色亮点"]
    for citation in answer.citations:
        assert monthly_report_doc.text[citation.start : citation.end] == citation.quote


def test_what_a_named_column_features_are_the_headings_under_it(real_assistant):
    answer = real_assistant.ask("月报“特色亮点”栏目介绍了哪些地方的经验？")
    assert len(answer.citations) == 7, answer.answer
    for place in ("湘西自治州", "湘潭市", "常德市", "衡阳市", "攸县"):
        assert place in answer.answer, answer.answer


def test_the_parts_of_a_plain_text_report_are_its_numbered_headings(regional_assistant):
    answer = regional_assistant.ask("甘肃政府工作报告分了哪几个部分？")
    assert not answer.refused, answer.answer
    assert answer.citations[0].quote.startswith("一、") and "2024年工作回顾" in answer.citations[0].quote, answer.answer
    assert all("gansu" in c.doc for c in answer.citations)
