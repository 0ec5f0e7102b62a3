"""ui/render.py: escaping, markers, cards and the viewer, on real spans of the corpus files."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from assistant.answer import Answer, RetrievedPassage, Timings

from assistant.cleaning import clean_span
from assistant.corpus import Document

from ui import render
from ui.panel import NO_REGION, group_documents, parse_chosen, parse_document_key, render_panel
from ui.document_view import document_blocks

XSS = '<img src=x onerror=alert(1)>'
XSS_VARIANTS = [XSS, '"><script>alert(1)</script>', "<a href='javascript:alert(1)'>x</a>", "&lt;b&gt; & <svg/onload=1>"]


class _Collector(HTMLParser):
    """Tags and text of an HTML fragment, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.marks: list[str] = []
        self._in_mark = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "mark":
            self._in_mark += 1
            self.marks.append("")

    def handle_endtag(self, tag):
        if tag == "mark":
            self._in_mark -= 1

    def handle_data(self, data):
        self.text.append(data)
        if self._in_mark:
            self.marks[-1] += data


def parse(fragment: str) -> _Collector:
    collector = _Collector()
    collector.feed(fragment)
    collector.close()
    return collector


ALLOWED_TAGS = {"div", "span", "a", "mark", "br", "h1", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "strong", "button", "details", "summary", "input"}
LINE_TERMINATORS = ("\r", "\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029")


def cleaned(text: str) -> str:
    return clean_span(text, 0, len(text)).text


def assert_only_our_markup(fragment: str) -> None:
    for tag, attrs in parse(fragment).tags:
        assert tag in ALLOWED_TAGS, f"unexpected <{tag}> in {fragment[:200]}"
        assert not any(name.startswith("on") for name in attrs), attrs
        assert not any("javascript:" in (value or "") for value in attrs.values()), attrs


def test_question_is_escaped_and_kept_verbatim():
    for text in XSS_VARIANTS:
        html = render.render_question(text)
        assert_only_our_markup(html)
        assert "".join(parse(html).text) == text
        assert "\n" not in html


def test_answer_text_escapes_and_links_only_known_markers(work_report, cite):
    citation = cite(work_report, "粮食总产达615.6亿斤、创近5年新高", 1)
    html = render.render_answer_text(f"粮食总产达615.6亿斤[1]{XSS}[2]", [citation])
    assert_only_our_markup(html)
    links = [attrs for tag, attrs in parse(html).tags if tag == "a"]
    assert len(links) == 1  # [2] names no citation: left as text
    assert links[0]["class"] == "hga-marker"
    assert render.parse_citation_key(links[0]["href"]) == (work_report.doc, citation.start, citation.end)
    assert "".join(parse(html).text) == f"粮食总产达615.6亿斤[1]{XSS}[2]"


def test_card_highlights_quote_inside_its_passage(work_report, cite):
    citation = cite(work_report, "全年增长4.8%、总量达5.3万亿元", 1)
    card = render.render_citation_card(citation, work_report.text)
    assert_only_our_markup(card)
    parsed = parse(card)
    assert parsed.marks == [cleaned(citation.quote)]
    text = "".join(parsed.text)
    passage = cleaned(work_report.text[citation.passage_start : citation.passage_end])
    assert passage in text.replace("…", "")
    assert "**" not in text and "\u3000" not in text
    # The section path is shown without the document title that the card already names.
    assert citation.title in text and "测试章节" in text and citation.section not in text
    href = parsed.tags[0][1]["href"]
    assert render.parse_citation_key(href) == (citation.doc, citation.start, citation.end)


def test_card_without_passage_offsets_uses_a_window(work_report, cite):
    citation = cite(work_report, "粮食总产达615.6亿斤", 1)
    bare = citation.__class__(**{**citation.__dict__, "passage_start": -1, "passage_end": -1})
    parsed = parse(render.render_citation_card(bare, work_report.text))
    assert parsed.marks == [cleaned(citation.quote)]
    assert len("".join(parsed.text)) > len(citation.quote) + 40


def test_full_answer_has_cards_and_timings(work_report, cite):
    c1 = cite(work_report, "全年增长4.8%、总量达5.3万亿元", 1)
    c2 = cite(work_report, "粮食总产达615.6亿斤、创近5年新高", 2)
    answer = Answer(
        question="2024年经济怎么样？",
        answer="2024年全省地区生产总值全年增长4.8%[1]，粮食总产达615.6亿斤[2]。",
        refused=False,
        citations=(c1, c2),
        timings_ms=Timings(retrieve=12.3, answer=1.2, total=13.5),
        resolved_question="2024年全省经济怎么样？",
    )
    html = render.render_answer(answer, {work_report.doc: work_report.text}, answer_id="abc123")
    assert_only_our_markup(html)
    parsed = parse(html)
    assert parsed.marks == [cleaned(c1.quote), cleaned(c2.quote)]
    assert len([a for t, a in parsed.tags if t == "a" and a.get("class") == "hga-marker"]) == 2
    assert len([a for t, a in parsed.tags if t == "a" and a.get("class") == "hga-card"]) == 2
    text = "".join(parsed.text)
    # Timings are behind a 详情 toggle, and nothing is "generated".
    assert "<details class=\"hga-meta\"><summary>详情</summary>" in html and "检索 12 ms · 作答 1.2 ms · 共 14 ms" in text
    assert "生成" not in text and "引用出处" in text
    # The follow-up note comes first, with 不是这个意思 carrying the question as typed.
    assert html.index("按“2024年全省经济怎么样？”理解") < html.index("hga-text")
    assert "不是这个意思" in text and '<span class="hga-line">2024年经济怎么样？</span>' in html
    # 赞 before 踩, tied to the answer id (as a class: the chat's sanitizer keeps no data-* attributes).
    assert html.index(">赞<") < html.index(">踩<") and "hga-aid-abc123" in html
    assert not any(t in html for t in LINE_TERMINATORS)  # one line: the Markdown step sees one raw HTML block


def test_plain_text_copy_has_markers_and_a_source_list(work_report, cite):
    c1 = cite(work_report, "全年增长4.8%、总量达5.3万亿元", 1)
    answer = Answer(question="2024年经济增长多少？", answer="2024年全年增长4.8%、总量达5.3万亿元[1]。", refused=False, citations=(c1,))
    text = render.plain_text(answer)
    assert text == f"2024年全年增长4.8%、总量达5.3万亿元[1]。\n\n出处：\n[1] {c1.title} › 测试章节：“全年增长4.8%、总量达5.3万亿元”"
    html = render.render_answer(answer, {work_report.doc: work_report.text}, answer_id="x")
    lines = re.search(r'hga-copy[^>]*>复制<span class="hga-payload">(.*?)</span></button>', html).group(1)
    assert [l for l in re.findall(r'<span class="hga-line">(.*?)</span>', lines)] == text.split("\n")


def test_cards_after_the_second_are_folded(work_report, cite):
    quotes = ["全年增长4.8%", "粮食总产达615.6亿斤", "社会消费品零售总额增长5.4%", "规模工业增加值增长7.3%"]
    citations = tuple(cite(work_report, q, i) for i, q in enumerate(quotes, start=1))
    answer = Answer(question="2024年经济怎么样？", answer="".join(f"{q}[{i}]；" for i, q in enumerate(quotes, 1)), refused=False, citations=citations)
    html = render.render_answer(answer, {work_report.doc: work_report.text}, answer_id="x")
    open_part, folded = html.split('<details class="hga-more">', 1)
    assert open_part.count('class="hga-card"') == 2 and folded.count('class="hga-card"') == 2
    assert "展开其余 2 处出处" in folded


def test_notices_and_suggestions_have_no_votes():
    from assistant.suggestions import Suggestions

    for html in (
        render.render_notice("请输入问题。"),
        render.render_suggestions("经济怎么样", Suggestions("vague", ("社会消费品零售总额增长多少？",))),
        render.render_suggestions("固头增长多少", Suggestions("typo", ("固投增长多少",), typed="固头", term="固投")),
    ):
        assert "hga-vote" not in html and "赞" not in html
    typo = render.render_suggestions("固头增长多少", Suggestions("typo", ("固投增长多少",), typed="固头", term="固投"))
    assert "您是不是想问" in typo and '<span class="hga-line">固投增长多少</span>' in typo


def test_lone_carriage_returns_never_reach_the_chat_as_line_breaks(work_report):
    """Issue 9.5: whatever the line endings (\r\r, NEL, U+2028…), no raw line break is left in a message,
    so the Chatbot's Markdown step can never end the raw HTML block and render the rest as Markdown."""
    injected = "前文\r\r![](http://127.0.0.1:9/x.png)\r\r# 标题\r**粗**\x85<b>b</b>\u2028后文\u2029。"
    for html in (render.render_question(injected), render.render_notice(injected)):
        assert not any(t in html for t in LINE_TERMINATORS), repr(html)
        assert "<img" not in html and "<b>" not in html
    evil = work_report.__class__(**{**work_report.__dict__, "text": injected * 3})
    start = evil.text.index("![]")
    answer = Answer(
        question=injected, answer=injected, refused=True,
        retrieved=(RetrievedPassage(evil.doc, 0, len(injected), 0.5),),
        resolved_question=injected + "？",
    )
    html = render.render_answer(answer, {evil.doc: evil.text}, {evil.doc: injected}, answer_id="x")
    assert not any(t in html for t in LINE_TERMINATORS), repr(html)
    assert "<img" not in html and "<b>" not in html
    assert start >= 0


def test_refusal_shows_related_passages(work_report):
    start = work_report.text.index("粮食总产达615.6亿斤")
    answer = Answer(
        question="2026年粮食产量是多少？",
        answer="文档中未找到2026年粮食产量的数据。",
        refused=True,
        retrieved=(RetrievedPassage(work_report.doc, start, start + 30, 0.5),),
    )
    html = render.render_answer(answer, {work_report.doc: work_report.text}, {work_report.doc: work_report.title})
    text = "".join(parse(html).text)
    assert "文档中未找到" in text and "相关段落" in text
    assert work_report.text[start : start + 30] in text
    assert "hga-refused" in html


def test_refusal_with_nearest_citation_and_related_passages(work_report, cite):
    nearest = cite(work_report, "粮食总产达615.6亿斤", 1)
    other = work_report.text.index("全年增长4.8%")
    answer = Answer(
        question="2026年粮食产量是多少？",
        answer="文档中没有2026年的这项数据。文档中最接近的内容是：粮食总产达615.6亿斤[1]。",
        refused=True,
        citations=(nearest,),
        retrieved=(
            RetrievedPassage(work_report.doc, nearest.passage_start, nearest.passage_end, 0.9),  # holds the citation
            RetrievedPassage(work_report.doc, other - 10, other + 40, 0.4),
        ),
    )
    html = render.render_answer(answer, {work_report.doc: work_report.text}, {work_report.doc: work_report.title})
    parsed = parse(html)
    text = "".join(parsed.text)
    assert "最接近的原文" in text and "相关段落" in text
    assert len([a for t, a in parsed.tags if t == "a" and a.get("class") == "hga-card hga-related"]) == 1
    assert parsed.marks == [nearest.quote]


def test_document_text_is_escaped_everywhere(work_report, cite):
    """A quote or passage containing markup stays text in cards, answers and the viewer."""
    evil = work_report.__class__(**{**work_report.__dict__, "text": f"前文{XSS}中间<b>粗</b>后文" * 3})
    citation = cite(evil, f"{XSS}中间<b>粗</b>", 1, context=5)
    html = render.render_citation_card(citation, evil.text)
    assert_only_our_markup(html)
    assert parse(html).marks == [cleaned(citation.quote)]
    viewer = render.render_viewer(evil, citation.start, citation.end)
    assert_only_our_markup(viewer)
    assert "".join(parse(viewer).marks) == cleaned(citation.quote)


def test_viewer_shows_the_cleaned_document_with_headings_and_the_span_marked(documents):
    for document in documents:
        blocks = document_blocks(document)
        start = len(document.text) // 2
        end = start + 25
        html = render.render_viewer(document, start, end)
        parsed = parse(html)
        body = html.split('id="hga-viewer-body">', 1)[1]
        body_text = "".join(parse(body).text)
        # Cleaned: no Markdown markers, indentation or page breaks; every cleaned paragraph is there.
        assert "**" not in body_text and "##" not in body_text and "\u3000" not in body_text
        assert all(block.text.text in body_text for block in blocks)
        assert len(body_text) > 0.8 * len(cleaned(document.text)) - 500
        # Exactly the cleaned characters of [start, end) are marked, the first mark carrying the span.
        inside = "".join(ch for ch, o in zip(cleaned(document.text), clean_span(document.text, 0, len(document.text)).offsets) if start <= o < end)
        assert "".join(parsed.marks) == inside
        assert re.search(r'<mark class="hga-cited" id="hga-cited" data-span="[^"]+@%d-%d">' % (start, end), html)
        # Headings become an outline.
        headings = [b for b in blocks if b.level]
        assert headings and html.count('data-target="hga-sec-') == len([b for b in headings if b.level <= 2])
        assert "在本文件中搜索" in html


def test_viewer_joins_a_sentence_split_by_a_page_break(documents):
    monthly = next(d for d in documents if d.kind == "monthly_report")
    broken = re.search(r"增长\s*\n\s*\n\s*\d", monthly.text)
    if broken is None:
        return
    html = render.render_viewer(monthly, 0, 1)
    body_text = "".join(parse(html.split('id="hga-viewer-body">', 1)[1]).text)
    assert re.sub(r"\s", "", broken.group(0)) in body_text


def test_citation_key_round_trip():
    key = render.citation_key("子目录/文件 名.md", 10, 42)
    assert key.startswith("#cite=") and " " not in key
    assert render.parse_citation_key(key) == ("子目录/文件 名.md", 10, 42)
    for bad in (None, "", "#cite=x", "#cite=a@1", "a@x-2", ["#cite=a@1-2"], "#cite=a@1-2<script>"):
        assert render.parse_citation_key(bad) is None


def test_stream_prefixes_never_split_markers():
    text = "全省粮食总产达615.6亿斤[1]，创近5年新高[12]。"
    prefixes = render.stream_prefixes(text, steps=40)
    assert prefixes[-1] == text
    assert all(text.startswith(p) for p in prefixes)
    assert all(b.startswith(a) for a, b in zip(prefixes, prefixes[1:]))
    for prefix in prefixes:
        assert not re.search(r"\[\d*$", prefix), prefix
    assert render.stream_prefixes("") == [""]


def test_header_counts_the_documents_and_the_panel_lists_them_with_dates(documents):
    html = render.render_header(documents)
    assert_only_our_markup(html)
    text = "".join(parse(html).text)
    assert f"已收录 {len(documents)} 份文件" in text
    assert not any(document.title in text for document in documents)  # the list is the panel's
    html = render_panel(documents)
    assert_only_our_markup(html)
    text = "".join(parse(html).text)
    for document in documents:
        assert document.title in text and document.date in text


# ---------------------------------------------------------------------- issue 8: a PDF's pages


def _paged(document):
    """The document as if it were a PDF of three pages (page starts at paragraph starts)."""
    from dataclasses import replace

    third = len(document.text) // 3
    starts = (0, document.text.index("\n\n", third) + 2, document.text.index("\n\n", 2 * third) + 2)
    return replace(document, doc="monthly.pdf", page_starts=starts)


def test_a_pdf_citation_shows_its_page_on_the_card_in_the_copy_and_in_the_viewer(documents, cite):
    monthly = _paged(next(d for d in documents if d.kind == "monthly_report"))
    quote = "全省社会消费品零售总额同比增长"
    citation = cite(monthly, quote)
    from dataclasses import replace

    citation = replace(citation, page=monthly.page_at(citation.start))
    assert citation.page in (1, 2, 3) and citation.to_dict()["page"] == citation.page
    card = render.render_citation_card(citation, monthly.text)
    assert f'<span class="hga-card-page">第{citation.page}页</span>' in card
    answer = Answer(question="社零增长多少？", answer="增长6.2%[1]。", refused=False, citations=(citation,))
    assert f"（第{citation.page}页）：“" in render.plain_text(answer, {monthly.doc: monthly.text})
    html = render.render_viewer(monthly, citation.start, citation.end)
    assert f"引文在第{citation.page}页（共3页）" in html
    body = html.split('id="hga-viewer-body">', 1)[1]
    assert body.index("第2页</div>") < body.index("第3页</div>")
    assert "".join(parse(html).marks).replace(" ", "") == quote  # the marked span is unchanged by the page marks


def test_other_formats_show_no_page(work_report, cite):
    citation = cite(work_report, work_report.text[200:230])
    assert citation.page is None and "page" not in citation.to_dict()
    assert "hga-card-page" not in render.render_citation_card(citation, work_report.text)
    html = render.render_viewer(work_report, citation.start, citation.end)
    assert "hga-viewer-page" not in html and "hga-page-mark" not in html


# ---------------------------------------------------------------------- the document panel


def _doc(doc: str, title: str, region: str, kind_label: str = "政府工作报告", date: str = "2025-01-15") -> Document:
    return Document(doc, title, "", date, "work_report", kind_label, None, "正文。", "0", region)


def test_panel_groups_by_region_then_kind_most_documents_first():
    documents = [
        _doc("a.txt", "2025年广东省政府工作报告", "广东省"),
        _doc("b.md", "2025年湖南省政府工作报告", "湖南省"),
        _doc("c.txt", "湖南月报", "湖南", "工作月报", "2025-08-27"),
        _doc("d.txt", "湖南月报（7月）", "湖南省", "工作月报", "2025-07-27"),
        _doc("e.txt", "某通知", ""),
    ]
    groups = group_documents(documents)
    assert [(g.region, g.count) for g in groups] == [("湖南省", 3), ("广东省", 1), (NO_REGION, 1)]
    assert [(label, [d.doc for d in docs]) for label, docs in groups[0].kinds] == [("工作月报", ["c.txt", "d.txt"]), ("政府工作报告", ["b.md"])]
    collected = parse(render_panel(documents))
    counts = [attrs["data-total"] for tag, attrs in collected.tags if tag == "span" and attrs.get("class") == "hga-count"]
    assert counts == ["3", "2", "1", "1", "1"]  # a region of one kind has no level of one group
    tags = [data for data in collected.text if data == "政府工作报告"]
    assert len(tags) == 3, collected.text  # 湖南省's kind group, and the tags of 广东省 and 未注明地区
    searchable = [attrs["data-search"] for tag, attrs in collected.tags if tag == "li"]
    assert any("湖南" in s and "工作月报" in s and "湖南月报" in s for s in searchable)


def test_panel_escapes_titles_and_paths():
    html = render_panel([_doc('x"><img src=x onerror=alert(1)>.txt', XSS, "广东省")])
    assert_only_our_markup(html)
    assert XSS in "".join(parse(html).text)
    keys = [attrs["href"] for tag, attrs in parse(html).tags if tag == "a"]
    assert parse_document_key(keys[0]) == 'x"><img src=x onerror=alert(1)>.txt'


def test_chosen_documents_are_only_the_corpus_s():
    known = ["a.txt", "b.md"]
    assert parse_chosen('["b.md", "nope.txt", "b.md", 3]', known) == ("b.md",)
    assert parse_chosen("", known) is None and parse_chosen("[]", known) is None
    assert parse_chosen("not json", known) is None and parse_chosen('{"a.txt": 1}', known) is None
    assert parse_document_key("#doc=a.txt") == "a.txt" and parse_document_key("#cite=a.txt@1-2") is None
