"""Regions: documents grouped by the region they speak for, the home region, and questions placed in one.

The end-to-end tests use a real index over the seeds and eight reports of ../shared/newdocs (conftest).
"""

from __future__ import annotations

import pytest

from assistant.corpus import Document
from assistant.regions import NATIONAL, RegionError, Regions, short_name
from assistant.scope import detect_scope
from regional_corpus import REGIONAL_REPORTS as REPORTS


def _document(doc: str, region: str) -> Document:
    return Document(doc, doc, "", "", "work_report", "政府工作报告", None, "正文。", "0", region)


def test_the_home_region_is_the_one_most_documents_speak_for_unless_set():
    documents = [_document("a", "湖南省"), _document("b", "湖南"), _document("c", "广东"), _document("d", "")]
    regions = Regions.of(documents)
    assert regions.home == "湖南" and regions.covered == ("广东", "湖南")
    assert regions.docs("广东") == frozenset({"c", "d"})  # a document of no known region is searched for every one
    assert Regions.of(documents, "广东省").home == "广东"
    with pytest.raises(RegionError, match="江西"):
        Regions.of(documents, "江西")
    assert short_name("内蒙古自治区") == "内蒙古" and short_name(NATIONAL) == NATIONAL


def test_a_question_is_placed_in_the_regions_it_names_in_order():
    regions = Regions.of([_document("a", "湖南"), _document("b", "广东"), _document("n", NATIONAL)])
    assert regions.named("广东和湖南今年GDP目标分别是多少") == ("广东", "湖南")
    assert regions.named("今年GDP目标是多少") == ()
    assert regions.named("全国今年GDP目标是多少") == (NATIONAL,)
    assert regions.named("比全国高多少") == ()  # the country as a yardstick is not the region asked about
    assert regions.docs(NATIONAL) == frozenset({"n", "a"})  # "全国…现场会" may be an event the home documents report
    assert regions.without_others("广东和湖南今年GDP目标分别是多少", "湖南", ("广东", "湖南")) == "湖南今年GDP目标分别是多少"
    # Inside its own documents the named region is "the province itself"; an uncovered one stays foreign.
    scope = regions.localize(detect_scope("广东和江西今年GDP目标"), "广东")
    assert scope.home and scope.provinces == frozenset({"江西"})


def test_a_region_called_by_another_of_its_names_is_the_region():
    regions = Regions.of([_document("a", "湖南"), _document("h", "黑龙江"), _document("f", "福建")])
    assert regions.named("龙江今年战新产业营收要增长多少") == ("黑龙江",)
    assert regions.named("八闽和三湘去年粮食产量") == ("福建", "湖南")
    # Inside the province's full name the other name is not a second mention.
    assert regions.named("黑龙江的龙江工匠") == ("黑龙江",)
    assert detect_scope("龙江去年GDP").provinces == frozenset({"黑龙江"})


def test_one_region_covers_everything_so_nothing_is_restricted():
    regions = Regions.of([_document("a", "湖南"), _document("b", "湖南省")])
    assert regions.docs("湖南") is None


def _cited_docs(answer) -> set[str]:
    return {c.doc for c in answer.citations}


def test_a_question_naming_a_region_is_answered_from_that_regions_report(regional_assistant):
    answer = regional_assistant.ask("广东去年外贸进出口总额是多少？增长多少？")
    assert not answer.refused and "9.8%" in answer.answer, answer.answer
    assert _cited_docs(answer) == {REPORTS[0]}


def test_a_question_naming_no_region_is_answered_for_the_home_region(regional_assistant):
    answer = regional_assistant.ask("2024年粮食总产是多少？")
    assert "615.6亿斤" in answer.answer, answer.answer
    assert _cited_docs(answer) == {"2025-hunan-government-work-report.md"}


def test_two_regions_are_each_answered_from_their_own_report_with_the_difference(regional_assistant):
    answer = regional_assistant.ask("甘肃和湖南2024年粮食产量分别是多少？相差多少？")
    assert "259.2亿斤" in answer.answer and "615.6亿斤" in answer.answer and "356.4亿斤" in answer.answer, answer.answer
    assert _cited_docs(answer) == {REPORTS[1], "2025-hunan-government-work-report.md"}


def test_a_region_without_a_document_is_refused_naming_what_the_corpus_covers(regional_assistant):
    answer = regional_assistant.ask("江西2024年粮食产量是多少？")
    assert answer.refused and "江西" in answer.answer and "广东" in answer.answer and "湖南" in answer.answer, answer.answer


def test_who_delivered_a_plain_text_report_is_its_speaker_line(regional_assistant):
    answer = regional_assistant.ask("甘肃省2025年政府工作报告是谁作的？")
    assert not answer.refused and "任振鹤" in answer.answer, answer.answer
    assert _cited_docs(answer) == {REPORTS[1]}


def test_the_aspects_of_a_part_are_the_lead_sentences_of_its_sub_sections(regional_assistant):
    answer = regional_assistant.ask("龙江今年大力提振消费，主要从哪几个方面发力？")
    for lead in ("强化政策赋能促消费", "有效激发潜能增消费", "持续优化环境扩消费"):
        assert lead in answer.answer, answer.answer
    assert _cited_docs(answer) == {REPORTS[3]} and len(answer.citations) == 3


def test_a_plain_text_reports_review_answers_for_the_year_before_its_own(regional_assistant):
    answer = regional_assistant.ask("甘肃2024年外贸进出口额是多少？")
    assert not answer.refused and "615.4亿元" in answer.answer, answer.answer


def test_a_comparison_of_two_regions_states_the_difference_of_their_own_figures(regional_assistant):
    answer = regional_assistant.ask("广东和湖南今年GDP增长目标分别定的多少？哪个高？")
    assert "5%左右" in answer.answer and "5.5%左右" in answer.answer, answer.answer
    assert "广东比湖南低0.5个百分点（据[1][2]计算）" in answer.answer, answer.answer


def test_a_work_reports_first_part_reviews_the_year_before_and_its_later_parts_plan(regional_assistant):
    # 福建: "一、牢记殷殷嘱托，…取得新成效" reviews 2024, "二、牢记历史使命，…" sets out 2025's tasks.
    answer = regional_assistant.ask("福建去年新创成的国家5A级旅游景区是哪两个？")
    assert not answer.refused and "冠豸山" in answer.answer, answer.answer
    answer = regional_assistant.ask("福建设区市空气优良天数比例去年是多少？今年目标要求多少以上？")
    assert "98.3%" in answer.answer and "98%以上" in answer.answer, answer.answer


def test_a_conversation_restricted_to_chosen_documents_is_answered_from_them_only(regional_assistant):
    chosen = [REPORTS[0]]
    answer = regional_assistant.ask("今年GDP增长目标是多少？", documents=chosen)
    assert "5%左右" in answer.answer and _cited_docs(answer) == {REPORTS[0]}, answer.answer
    # A region no chosen document speaks for is not answered from another region's documents.
    answer = regional_assistant.ask("甘肃2024年外贸进出口额是多少？", documents=chosen)
    assert answer.refused and not answer.citations, answer.answer
    for bad, says in ((["nope.txt"], "没有这些文件"), ([], "至少选择"), ("x.txt", "文件列表")):
        refused = regional_assistant.ask("今年GDP增长目标是多少？", documents=bad)
        assert refused.refused and says in refused.answer, refused.answer


def test_the_national_report_is_searched_alone_when_a_question_names_it():
    regions = Regions.of([_document("a", "湖南"), _document("b", "广东"), _document("n", NATIONAL)])
    assert regions.named("国务院政府工作报告提出的就业目标是多少") == (NATIONAL,)
    assert regions.docs(NATIONAL, "国务院政府工作报告提出的就业目标是多少") == frozenset({"n"})
    assert frozenset({"n"}) in regions.searched_sets() and frozenset({"n", "a"}) in regions.searched_sets()


def test_inside_its_own_documents_a_region_is_not_searched_for_by_name():
    regions = Regions.of([_document("a", "湖南"), _document("b", "广东")])
    assert regions.unnamed("广东省的外贸进出口总额是多少", "广东") == "外贸进出口总额是多少"
    assert regions.unnamed("广东", "广东") == "广东"  # nothing else to search for: the name stays


def test_a_city_names_its_province_and_is_the_place_asked_about():
    from assistant.question import parse_question

    regions = Regions.of([_document("a", "湖南"), _document("s", "四川")])
    assert regions.named("成都去年GDP是多少") == ("四川",)
    assert regions.named("四川成都和德阳去年GDP") == ("四川",)
    scope = parse_question("成都去年GDP是多少？", 2025).scope
    assert scope.places == frozenset({"成都"}) and scope.provinces == frozenset({"四川"})
    # The home region's own places stay places of the home region.
    assert parse_question("长沙去年GDP是多少？", 2025).scope.provinces == frozenset()


def test_a_city_of_a_province_no_document_covers_is_refused_naming_the_province(real_assistant):
    answer = real_assistant.ask("武汉去年GDP是多少？")
    assert answer.refused and "湖北" in answer.answer and "湖南" in answer.answer, answer.answer


def test_a_city_s_figure_the_province_s_report_does_not_give_is_refused(regional_assistant):
    answer = regional_assistant.ask("深圳今年GDP目标是多少？")
    assert answer.refused and "深圳" in answer.answer, answer.answer


def test_a_figure_asked_of_the_country_is_the_national_documents_to_give():
    regions = Regions.of([_document("a", "湖南"), _document("b", "广东"), _document("n", NATIONAL)])
    assert regions.docs(NATIONAL, "全国2025年GDP增长目标是多少") == frozenset({"n"})
    # an event the home documents may report stays answerable from them
    assert regions.docs(NATIONAL, "全国农村公路现场会在哪里开的") == frozenset({"n", "a"})
