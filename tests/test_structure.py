"""structure: content segments of the real documents, their section paths, and what is left out."""

from __future__ import annotations

import pytest

from assistant.structure import FOOTER, SECTION_SEPARATOR, Segment, parse_segments, section_label


@pytest.fixture(scope="module")
def work_segments(work_report_doc) -> list[Segment]:
    return parse_segments(work_report_doc.text, work_report_doc.title)


@pytest.fixture(scope="module")
def monthly_segments(monthly_report_doc) -> list[Segment]:
    return parse_segments(monthly_report_doc.text, monthly_report_doc.title)


def _segment_at(segments: list[Segment], text: str, passage: str) -> Segment:
    assert text.count(passage) == 1, f"{passage!r} must occur once"
    position = text.index(passage)
    holding = [s for s in segments if s.start <= position and position + len(passage) <= s.end]
    assert len(holding) == 1, f"{passage!r} should lie inside exactly one segment, not {holding}"
    return holding[0]


@pytest.mark.parametrize(
    "passage, section",
    [
        ("推进提振消费专项行动", ("二、关于2025年工作", "（一）全力推动经济持续回升向好", "大力提振消费")),
        ("粮食总产达615.6亿斤", ("一、2024年工作回顾", "——经济发展贡献新担当")),
        ("城镇新增就业79.8万人", ("一、2024年工作回顾", "七是尽力惠民生，持续提升幸福指数", "就业形势保持稳定")),
        ("深入实施粮食产能提升行动", ("二、关于2025年工作", "（六）加快推进农业农村现代化", "扛牢粮食安全重任")),
        ("现在，我代表省人民政府", ("导语",)),
    ],
)
def test_work_report_section_paths(work_report_doc, work_segments, passage, section):
    segment = _segment_at(work_segments, work_report_doc.text, passage)
    assert segment.section == (work_report_doc.title, *section)


@pytest.mark.parametrize(
    "passage, section",
    [
        ("建立省重点民间投资项目库", ("重点任务", "内需扩量提效攻坚", "推进投资增效")),
        (
            "出台湘西州村级公路管理养护条例",
            ("特色亮点", "湘西自治州：路通业旺聚民心，打造“四好农村路”高质量发展“湘西样本”"),
        ),
        ("1-7月，全省投资同比增长2.9%", ("重要指标",)),
        ("主持召开实施“七大攻坚”暨经济运行和项目建设调度会议", ("工作部署",)),
        ("专题调研全省烟花爆竹行业安全生产", ("重点任务", "安全强基固本攻坚")),
    ],
)
def test_monthly_report_section_paths(monthly_report_doc, monthly_segments, passage, section):
    segment = _segment_at(monthly_segments, monthly_report_doc.text, passage)
    assert segment.section == (monthly_report_doc.title, *section)


def test_a_triangle_title_names_the_section_and_its_leads_are_sub_sections(monthly_report_doc, monthly_segments):
    text = monthly_report_doc.text
    lead = _segment_at(monthly_segments, text, "铺就“产业带”，建设“产业路”1200公里")
    assert lead.section[1:] == (
        "特色亮点",
        "湘西自治州：路通业旺聚民心，打造“四好农村路”高质量发展“湘西样本”",
        "深化路产融合，释放“路通百业旺”乘数效应",
    )
    assert section_label(lead.section).startswith(monthly_report_doc.title + SECTION_SEPARATOR + "特色亮点")


@pytest.mark.parametrize(
    "lead, body",
    [
        ("推进新材料产品认定工作", "印发《湖南省首批次重点新"),
        ("铺路架桥推动出海拓市", "建设农业国际贸易高质量发展"),
    ],
)
def test_a_lead_split_by_a_page_break_is_recognised(monthly_report_doc, monthly_segments, lead, body):
    segment = _segment_at(monthly_segments, monthly_report_doc.text, body)
    assert segment.section[-1] == lead
    assert monthly_report_doc.text[segment.start : segment.end].startswith("**")


def test_a_page_break_inside_a_sentence_does_not_end_the_paragraph(monthly_report_doc, monthly_segments):
    segment = _segment_at(monthly_segments, monthly_report_doc.text, "装备制造业增加值增长\n\n12.0%")
    assert segment.section[1:] == ("重要指标",)


def _footer_is_excluded(text: str, segments: list[Segment], footer_start: int, last_content: str) -> None:
    assert all(s.end <= footer_start for s in segments), "a segment reaches into the footer"
    # ... while the content just before the footer is kept (so the footer is not cut with the body).
    _segment_at(segments, text, last_content)


def test_work_report_author_footer_is_not_content(work_report_doc, work_segments):
    text = work_report_doc.text
    footer_start = text.rindex("\n---")
    assert "作者" in text[footer_start:] and "URL" in text[footer_start:]
    _footer_is_excluded(text, work_segments, footer_start, "为圆满收官“十四五”、奋力谱写中国式现代化湖南篇章努力奋斗！")


def test_monthly_report_distribution_footer_is_its_own_section(monthly_report_doc, monthly_segments):
    # Who receives the report and whom to contact are questions staff ask: the closing block is content,
    # in a section of its own, never mixed with the body.
    text = monthly_report_doc.text
    footer_start = text.rindex("报：省委书记")
    body = [s for s in monthly_segments if s.section[1] != FOOTER]
    footer = [s for s in monthly_segments if s.section[1] == FOOTER]
    _footer_is_excluded(text, body, footer_start, "全省公众安全感满意度测评连续4年进位。")
    assert footer and all(s.start >= footer_start for s in footer)
    closing = "".join(text[s.start : s.end] for s in footer)
    assert "联系人：刘达" in closing and "发：" in closing and "报：" in closing


@pytest.mark.parametrize("heading", ["## 一、2024年工作回顾", "**（一）全力推动经济持续回升向好**"])
def test_headings_are_structure_not_content(work_report_doc, work_segments, heading):
    position = work_report_doc.text.index(heading)
    assert not any(s.start < position + len(heading) and position < s.end for s in work_segments)


def test_segments_are_ordered_disjoint_and_non_empty(work_report_doc, monthly_report_doc, work_segments, monthly_segments):
    for document, segments in ((work_report_doc, work_segments), (monthly_report_doc, monthly_segments)):
        assert len(segments) > 20
        for segment in segments:
            assert 0 <= segment.start < segment.end <= len(document.text)
            assert segment.section[0] == document.title and len(segment.section) >= 2
            assert document.text[segment.start : segment.end].strip(" \t\u3000\n*")
        for previous, following in zip(segments, segments[1:]):
            assert previous.end <= following.start


def test_parse_segments_on_a_small_text():
    text = "# 标题\n\n导语一句。\n\n## 一、第一部分\n\n　　**重点一。**正文一。**重点二。**正文二。\n\n---\n\n> 作者: 某人\n"
    segments = parse_segments(text, "标题")
    assert [(s.section, text[s.start : s.end]) for s in segments] == [
        (("标题", "导语"), "导语一句。"),
        (("标题", "一、第一部分", "重点一"), "**重点一。**正文一。"),
        (("标题", "一、第一部分", "重点一", "重点二"), "**重点二。**正文二。"),
    ]
