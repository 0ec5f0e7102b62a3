"""ui/render.py: escaping, markers, cards and the viewer, on real spans of the corpus files."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from assistant.answer import Answer, RetrievedPassage, Timings

from ui import render

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


ALLOWED_TAGS = {"div", "span", "a", "mark", "br", "h1", "p", "ul", "li"}


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
    assert parsed.marks == [citation.quote]
    text = "".join(parsed.text)
    passage = work_report.text[citation.passage_start : citation.passage_end].replace("\n", "")
    assert passage in text.replace("…", "") or passage.strip() in text
    assert citation.title in text and citation.section in text
    href = parsed.tags[0][1]["href"]
    assert render.parse_citation_key(href) == (citation.doc, citation.start, citation.end)


def test_card_without_passage_offsets_uses_a_window(work_report, cite):
    citation = cite(work_report, "粮食总产达615.6亿斤", 1)
    bare = citation.__class__(**{**citation.__dict__, "passage_start": -1, "passage_end": -1})
    parsed = parse(render.render_citation_card(bare, work_report.text))
    assert parsed.marks == [citation.quote]
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
    html = render.render_answer(answer, {work_report.doc: work_report.text})
    assert_only_our_markup(html)
    parsed = parse(html)
    assert parsed.marks == [c1.quote, c2.quote]
    assert len([a for t, a in parsed.tags if t == "a" and a.get("class") == "hga-marker"]) == 2
    assert len([a for t, a in parsed.tags if t == "a" and a.get("class") == "hga-card"]) == 2
    text = "".join(parsed.text)
    assert "检索 12 ms · 生成 1.2 ms · 共 14 ms" in text
    assert "引用出处" in text
    assert "按“2024年全省经济怎么样？”理解" in text
    assert "\n" not in html  # one line: the Chatbot's Markdown step must see one raw HTML block


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
    assert parse(html).marks == [citation.quote]
    viewer = render.render_viewer(evil, citation.start, citation.end)
    assert_only_our_markup(viewer)
    assert parse(viewer).marks == [citation.quote]


def test_viewer_shows_whole_document_with_the_span_marked(documents):
    for document in documents:
        start = len(document.text) // 2
        end = start + 25
        html = render.render_viewer(document, start, end)
        parsed = parse(html)
        assert parsed.marks == [document.text[start:end]]
        body = html.split('id="hga-viewer-body">', 1)[1]
        body_text = "".join(parse(body).text)
        assert body_text == document.text  # nothing added, nothing lost, offsets preserved
        assert re.search(r'<mark class="hga-cited" id="hga-cited" data-span="[^"]+@%d-%d">' % (start, end), html)


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


def test_header_lists_documents_with_dates(documents):
    html = render.render_header(documents)
    assert_only_our_markup(html)
    text = "".join(parse(html).text)
    for document in documents:
        assert document.title in text and document.date in text
