"""structure: content segments of the real documents, their section paths, and what is left out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.structure import FOOTER, PREAMBLE, SECTION_SEPARATOR, Segment, parse_segments, section_label


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


NEWDOCS = Path(__file__).resolve().parents[2] / "shared" / "newdocs"

_PLAIN_REPORT = (
    "2025年某省政府工作报告\n"
    "——2025年1月15日在某省第十四届人民代表大会第三次会议上\n"
    "各位代表：\n"
    "\u3000\u3000一、2024年工作回顾\n"
    "\u3000\u3000一是聚力打好稳增长阵地战，经济运行持续向好。全省地区生产总值增长5.8%。\n"
    "\u3000\u3000二、2025年工作安排\n"
    "\u3000\u3000（一）全方位扩大内需\n"
    "\u3000\u3000持续扩大有效需求。社会消费品零售总额增长5%左右，固定资产投资增长4%。\n"
    "\u2003\u2003（二）加快建设现代化产业体系。推进新型工业化，规模以上工业增加值增长6%。\n"
    "\u3000\u3000一、为老年人提供健康管理服务。新增养老床位1万张，覆盖全部县市区。\n"
)


def _section_of(text: str, segments: list[Segment], passage: str) -> tuple[str, ...]:
    at = text.index(passage)
    return next(s.section for s in segments if s.start <= at < s.end)


def test_a_plain_text_report_has_sections_from_its_numbered_headings_and_lead_sentences():
    segments = parse_segments(_PLAIN_REPORT, "T")
    assert _section_of(_PLAIN_REPORT, segments, "各位代表") == ("T", PREAMBLE)
    assert _section_of(_PLAIN_REPORT, segments, "全省地区生产总值增长5.8%") == (
        "T", "一、2024年工作回顾", "一是聚力打好稳增长阵地战，经济运行持续向好")
    assert _section_of(_PLAIN_REPORT, segments, "社会消费品零售总额") == (
        "T", "二、2025年工作安排", "（一）全方位扩大内需", "持续扩大有效需求")
    # A heading that opens its paragraph (em-space indented) names its section and stays content.
    assert _section_of(_PLAIN_REPORT, segments, "规模以上工业增加值增长6%") == (
        "T", "二、2025年工作安排", "（二）加快建设现代化产业体系")
    # A numbered list item with sentences is content, not a heading.
    assert _section_of(_PLAIN_REPORT, segments, "新增养老床位1万张")[1] == "二、2025年工作安排"
    for segment in segments:
        body = _PLAIN_REPORT[segment.start : segment.end]
        assert body == body.strip(" \u3000\u2003\n") and "\n" not in body
    assert not any("一、2024年工作回顾" == _PLAIN_REPORT[s.start : s.end] for s in segments)


@pytest.mark.skipif(not NEWDOCS.is_dir(), reason="../shared/newdocs is not beside the project")
def test_every_report_of_newdocs_has_its_parts_as_sections():
    reports = sorted(NEWDOCS.glob("*.txt"))
    assert len(reports) >= 31
    reviews = 0
    for path in reports:
        text = path.read_text(encoding="utf-8")
        firsts = list(dict.fromkeys(s.section[1] for s in parse_segments(text, "T")))
        assert firsts[0] == PREAMBLE and len(firsts) >= 3, (path.name, firsts)
        reviews += any(re.search(r"20\d{2}年.*回顾", name) for name in firsts)
    assert reviews >= len(reports) - 2  # two reports title their review without a year (过去一年, a motto)
