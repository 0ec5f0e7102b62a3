"""Select: a policy question is answered with the measures of the paragraph its best evidence stands in.

Run on a real index over the seeds and plain-text reports of ../shared/newdocs, whose paragraphs open
with their point ("强化农业科技和装备支撑。") and go on with the measures, one sentence each.
"""

from __future__ import annotations

import pytest


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


def test_a_list_whose_best_evidence_is_a_lead_phrase_gets_the_paragraph_it_leads(regional_assistant):
    # "动作" is no word of the lead ("开展“广西旅游年”活动。"), which is nonetheless the best unit.
    answer = regional_assistant.ask("广西今年“广西旅游年”具体会搞哪些动作？")
    assert len(answer.citations) >= 4, answer.answer
    assert {c.section.split(" › ")[-1] for c in answer.citations} == {"开展“广西旅游年”活动"}
    assert "融百业超万亿" in answer.answer and "三月三" in answer.answer, answer.answer


def test_a_point_named_in_a_short_sentence_is_followed_by_what_it_is(regional_assistant):
    answer = regional_assistant.ask("贵州的“5+3”项目化抓落实机制具体是什么？")
    assert not answer.refused, answer.answer
    assert "5+3" in answer.citations[0].quote and "80个项目" in answer.answer, answer.answer


def test_a_short_measure_is_not_followed_by_an_unrelated_one(real_assistant):
    answer = real_assistant.ask("延迟退休今年湖南怎么提的？")
    assert [c.quote for c in answer.citations] == ["稳妥有序实施渐进式延迟法定退休年龄改革。"], answer.answer


def test_a_rank_asked_for_is_cited_from_the_unit_that_gives_it(real_assistant):
    answer = real_assistant.ask("1-7月全省固定资产投资增速在经济大省里排第几？")
    assert "第5位" in answer.answer, answer.answer
    answer = real_assistant.ask("中央引导地方科技发展资金今年争取了多少？在全国排第几位？")
    assert "2.49亿元" in answer.answer and "第9位" in answer.answer, answer.answer


def test_a_named_list_s_items_are_the_run_of_sentences_after_its_mention(regional_assistant):
    answer = regional_assistant.ask("安徽说的“三地一区”是哪四个？")
    assert len(answer.citations) == 4, answer.answer
    for item in ("科技创新策源地", "新兴产业聚集地", "改革开放新高地", "全面绿色转型区"):
        assert item in answer.answer, answer.answer


def test_a_mention_inside_a_run_of_like_sentences_is_not_taken_for_a_list_s_name(regional_assistant):
    # "深化集体林权制度“三多”改革试点…" is one of the 深化… sentences, not the name of the three after it.
    answer = regional_assistant.ask("福建集体林权“三多”改革指的是哪三多？")
    assert "深化要素市场化配置改革" not in answer.answer, answer.answer


def test_a_coined_name_counts_its_items():
    from assistant.answering.select import named_count

    assert [named_count(n) for n in ("三地一区", "五向图强", "十大产业集群", "两个确保", "科技金融15条", "产业")] == [4, 5, 10, 2, 15, 0]


def test_a_rate_of_growth_asked_for_is_not_answered_with_a_share(regional_assistant):
    # "战略性新兴产业增加值占规上工业增加值的比重达到34.6%" scores highest; the growth is "规上工业增加值增长7.3%".
    answer = regional_assistant.ask("重庆去年规上工业增加值涨了多少？")
    assert "7.3%" in answer.answer and "34.6%" not in answer.answer, answer.answer


def test_a_counted_name_s_items_named_one_by_one_in_its_part_are_gathered(real_assistant):
    # "大力实施“八大行动”" in the review's opening; each action opens or ends a clause of a later paragraph.
    answer = real_assistant.ask("去年大力实施的“八大行动”是哪些？")
    assert len(answer.citations) == 8, answer.answer
    for item in ("激发需求行动", "主体强身行动", "改革攻坚行动", "安全守底行动"):
        assert item in answer.answer, answer.answer


def test_a_counted_name_s_items_in_its_own_paragraph_come_before_other_runs(regional_assistant):
    # "实施安全治理三大工程，…深入实施城市生命线安全工程，…" (the name unquoted in the question).
    answer = regional_assistant.ask("安徽今年要搞的安全治理三大工程是哪三个？")
    assert len(answer.citations) == 3, answer.answer
    for item in ("城市生命线安全工程", "全域水患治理工程", "城乡安居工程"):
        assert item in answer.answer, answer.answer


def test_an_announced_count_of_parts_is_answered_with_the_parts_that_follow(regional_assistant):
    # "…以打好高质量发展“六场战役”为牵引，着重抓了以下工作。" then "一是聚力打好稳增长阵地战，…" … "六是…".
    answer = regional_assistant.ask("甘肃去年打的高质量发展“六场战役”分别是哪六场？")
    assert len(answer.citations) == 6, answer.answer
    assert answer.citations[0].quote.startswith("一是") and answer.citations[-1].quote.startswith("六是"), answer.answer
    assert "防风险保卫战" in answer.answer, answer.answer


def test_a_counted_list_longer_than_usual_gives_all_its_items(regional_assistant):
    answer = regional_assistant.ask("贵州今年的“十件民生实事”都有哪些？")
    assert len(answer.citations) == 10, answer.answer
    assert "（10）丰富群众文化体育生活" in answer.answer, answer.answer


def test_a_telling_word_the_chosen_measures_leave_out_is_completed_from_a_close_candidate(real_assistant):
    answer = real_assistant.ask("持续优化发展环境，对拖欠企业账款和涉企执法有什么部署？")
    assert "拖欠企业账款" in answer.answer and "涉企执法" in answer.answer, answer.answer
    assert len(answer.citations) == 2, answer.answer


def test_a_running_total_asked_for_is_not_answered_with_a_window_within_it(real_assistant):
    # "其中7月23日至8月25日发生生产安全事故70起，死亡74人" scores as high as the year's total.
    answer = real_assistant.ask("今年以来全省生产安全事故发生了多少起？死亡多少人？")
    assert "664起" in answer.answer and "713人" in answer.answer, answer.answer
    assert "70起" not in answer.answer, answer.answer


@pytest.mark.parametrize("question", ["今年全省一共发生多少起生产安全事故？", "今年到8月25日全省出了多少起生产安全事故？"])
def test_a_total_asked_in_other_words_is_a_running_total(real_assistant, question):
    answer = real_assistant.ask(question)
    assert "664起" in answer.answer and "70起" not in answer.answer, answer.answer


def test_a_window_that_ends_on_a_day_is_no_running_total():
    from assistant.answering.select import _ASKS_CUMULATIVE

    assert _ASKS_CUMULATIVE.search("今年到8月25日出了多少起事故")
    assert not _ASKS_CUMULATIVE.search("7月23日到8月25日这段事故多少起")


def test_a_sentence_that_ends_its_passage_is_followed_by_the_next_passage_s_first(real_assistant):
    from assistant.answering.select import next_sentence

    gatherer = real_assistant._answerer.gatherer
    chunks = sorted((c for c in gatherer.chunks if c.doc.endswith(".md")), key=lambda c: c.start)
    sentence_units = lambda chunk: sorted((u for u in gatherer.units(chunk) if u.level == "sentence"), key=lambda u: u.start)
    checked = 0
    for chunk, after in zip(chunks, chunks[1:]):
        last = sentence_units(chunk)[-1]
        following = next_sentence(last, gatherer.units, gatherer.section_chunks)
        assert next_sentence(last, gatherer.units) is None
        if following is not None:
            assert following.chunk.id == after.id and following.original_span[0] >= last.original_span[1]
            checked += 1
    assert checked > 10


def test_a_plain_how_much_asks_for_an_amount_not_a_rate():
    from assistant.answering.select import _asks_amount, _gives_amount
    from assistant.question import parse_question

    assert _gives_amount("全省技术合同成交额1900亿元") and not _gives_amount("吸纳京津技术合同成交额增长34.8%。")
    assert not _gives_amount("2024年1-7月，增长3.5个百分点")
    assert _asks_amount(parse_question("河北技术合同成交额去年多少？", 2025))
    for rate in ("甘肃常住人口城镇化率去年到了多少？", "办理时间压缩了多少？", "社零增长了多少？"):
        assert not _asks_amount(parse_question(rate, 2025)), rate


def test_a_near_tie_that_names_more_of_the_question_is_cited(real_assistant):
    # "力争新增…单项冠军企业40家以上" scores as high as "国家级制造业单项冠军企业总数达72个".
    answer = real_assistant.ask("国家级制造业单项冠军企业湖南一共有多少个？")
    assert "72个" in answer.answer, answer.answer
    # ... but not one that lacks the kind of figure asked for (a share).
    answer = real_assistant.ask("攸县新增的执法人员里年轻、高学历的占多少？")
    assert "90%" in answer.answer, answer.answer


def test_a_counted_name_the_report_never_lists_is_refused_saying_so(real_assistant):
    answer = real_assistant.ask("“十个统筹”具体是哪十个？")
    assert answer.refused and "没有列出" in answer.answer and "十个统筹" in answer.answer, answer.answer
    assert answer.citations and "十个统筹" in answer.citations[0].quote


def test_a_counted_name_listed_beside_its_mention_is_answered(real_assistant):
    # "推动我省上半年经济形势实现“三个高于”（高于一季度，高于去年同期，高于全国平均水平）"
    answer = real_assistant.ask("上半年经济实现的“三个高于”是哪三个？")
    assert not answer.refused and "高于去年同期" in answer.answer, answer.answer
    answer = real_assistant.ask("常德的“五统一”是哪五个统一？")
    assert not answer.refused and "统一绿色防控" in answer.answer, answer.answer


def test_a_name_defined_in_the_report_s_notes_is_answered_with_its_definition(regional_assistant):
    # "3.轨道交通“四网融合”：干线铁路、城际铁路、市域（郊）铁路和城市轨道交通的融合。"
    answer = regional_assistant.ask("广东报告里说的轨道交通“四网融合”是哪四张网？")
    assert len(answer.citations) == 1 and "四网融合”：" in answer.citations[0].quote, answer.answer
    assert "城际铁路" in answer.answer and "城市轨道交通" in answer.answer, answer.answer
