"""Select: a policy question is answered with the measures of the paragraph its best evidence stands in.

Run on a real index over the seeds and plain-text reports of ../shared/newdocs, whose paragraphs open
with their point ("强化农业科技和装备支撑。") and go on with the measures, one sentence each.
"""

from __future__ import annotations


def test_a_policy_question_gets_the_measures_of_its_paragraph_in_document_order(regional_assistant):
    # The paragraph ("持续优化环境扩消费。") names more than logistics: its heading does not name the question.
    answer = regional_assistant.ask("黑龙江今年在物流方面怎么做？")
    assert not answer.refused, answer.answer
    assert len(answer.citations) >= 2, answer.answer
    assert len({c.section for c in answer.citations}) == 1
    assert "冷链物流中心" in answer.answer and "公转铁" in answer.answer, answer.answer
    assert [c.start for c in answer.citations] == sorted(c.start for c in answer.citations)
    document = regional_assistant.document(answer.citations[0].doc)
    assert all(document.text[c.end : c.end + 1] in "。；" or c.quote.endswith("。") for c in answer.citations)
