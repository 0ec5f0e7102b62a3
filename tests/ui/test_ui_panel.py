"""The document panel and conversations restricted to chosen documents, in a real browser and through
the /ask API, against the real app serving a temporary corpus: the two seeds plus three plain-text
reports of ../shared/newdocs (skipped when that folder is absent). The index is built by the server
into a temporary folder (embeddings come from the real cache)."""

from __future__ import annotations

import shutil

import pytest
from gradio_client import Client

from assistant.settings import PROJECT_ROOT
from test_ui_browser import NARROW, ask, browser, last_answer, open_page  # noqa: F401  (browser is a fixture)
from ui_server import running_server

NEWDOCS = PROJECT_ROOT.parent / "shared" / "newdocs"
GUANGDONG = "2025-guangdong-government-work-report.txt"
GANSU = "2025-gansu-government-work-report.txt"
FUJIAN = "2025-fujian-government-work-report.txt"  # plain text, no Markdown headings
REPORTS = (GUANGDONG, GANSU, FUJIAN)
HUNAN = "2025-hunan-government-work-report.md"
MONTHLY = "2025-08-qida-gongjian-monthly-report.txt"
GDP = "今年GDP增长目标是多少？"
SCOPE = "#hga-scope-row .hga-scope"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not all((NEWDOCS / name).is_file() for name in REPORTS):
        pytest.skip("../shared/newdocs is not beside this checkout")
    corpus = tmp_path_factory.mktemp("panel-corpus")
    for path in (PROJECT_ROOT / "corpus").iterdir():
        if path.is_file():
            shutil.copy(path, corpus / path.name)
    for name in REPORTS:
        shutil.copy(NEWDOCS / name, corpus / name)
    work = tmp_path_factory.mktemp("panel-server")
    with running_server(work, ASSISTANT_CORPUS_DIR=str(corpus), ASSISTANT_INDEX_DIR=str(work / "index")) as running:
        yield running


@pytest.fixture
def page(browser, server):  # noqa: F811
    context, page = open_page(browser, server, {"width": 1400, "height": 900})
    yield page
    context.close()


@pytest.fixture(scope="module")
def api(server) -> Client:
    return Client(server["url"], verbose=False)


def cited_docs(page) -> set[str]:
    hrefs = [a.get_attribute("href") for a in last_answer(page).locator("a.hga-card").all()]
    assert hrefs, last_answer(page).inner_text()
    return {href.split("=", 1)[1].split("@", 1)[0] for href in hrefs}


def pick(page, doc: str) -> None:
    page.locator(f'#hga-panel input.hga-pick[value="{doc}"]').check()


def visible_docs(page) -> list[str]:
    return [li.get_attribute("data-doc") for li in page.locator("#hga-panel li.hga-panel-doc").all() if li.is_visible()]


def test_panel_groups_documents_by_region_then_kind_with_counts(page):
    header = page.locator("#hga-header").inner_text()
    assert "已收录 5 份文件" in header and "2025年广东省政府工作报告" not in header  # no list in the header
    regions = page.locator("#hga-panel details.hga-region")
    names = [r.locator(":scope > summary .hga-group-name").inner_text() for r in regions.all()]
    counts = [r.locator(":scope > summary .hga-count").inner_text() for r in regions.all()]
    assert names[0] == "湖南省" and counts[0] == "2" and sorted(names[1:]) == ["广东省", "甘肃省", "福建省"], names
    hunan = regions.first
    kinds = [k.inner_text() for k in hunan.locator("details.hga-kind > summary .hga-group-name").all()]
    assert sorted(kinds) == ["工作月报", "政府工作报告"], kinds
    assert hunan.locator("details.hga-kind > summary .hga-count").all_inner_texts() == ["1", "1"]
    # A region of one kind names it in its heading, without a group of one under it.
    guangdong = page.locator('#hga-panel details.hga-region[data-region="广东省"]')
    assert guangdong.locator(".hga-kind-tag").inner_text() == "政府工作报告" and guangdong.locator("details.hga-kind").count() == 0
    assert len(visible_docs(page)) == 5
    # A group collapses (and opens again) from its heading.
    hunan.locator(":scope > summary .hga-group-name").click()
    assert set(visible_docs(page)) == set(REPORTS)
    hunan.locator(":scope > summary .hga-group-name").click()
    assert len(visible_docs(page)) == 5


def test_search_filters_by_title_region_and_kind_as_you_type(page):
    search = page.locator("#hga-panel input.hga-panel-search")
    search.press_sequentially("广东")
    assert visible_docs(page) == [GUANGDONG]
    assert page.locator("#hga-panel .hga-panel-found").inner_text() == "找到 1 份"
    search.fill("工作月报")
    assert visible_docs(page) == [MONTHLY]
    search.fill("七大攻坚")  # by title
    assert visible_docs(page) == [MONTHLY]
    search.fill("没有这种文件")
    assert visible_docs(page) == [] and page.locator("#hga-panel .hga-panel-none").is_visible()
    search.fill("")
    assert len(visible_docs(page)) == 5 and not page.locator("#hga-panel .hga-panel-none").is_visible()


def test_a_plain_text_report_opens_from_the_panel_in_the_viewer(page):
    page.locator(f'#hga-panel li[data-doc="{FUJIAN}"] a.hga-doc-open').click()
    viewer = page.locator(f'#hga-viewer .hga-viewer[data-doc="{FUJIAN}"]')
    viewer.wait_for(timeout=10_000)
    assert page.locator("#hga-panel").is_hidden()  # the side column shows the viewer now
    assert viewer.locator(".hga-viewer-title").inner_text() == "2025年福建省政府工作报告"
    body = viewer.locator(".hga-viewer-body")
    assert body.locator("p").count() > 20 and body.locator(".hga-doc-h").count() >= 2
    assert "政府工作报告" in body.inner_text() and viewer.locator("mark.hga-cited").count() == 0
    assert body.evaluate("b => b.scrollTop") == 0
    # Back to the list from the tab.
    page.locator("#hga-side-tabs button[data-side=docs]").click()
    assert page.locator("#hga-panel").is_visible()


def test_chosen_documents_restrict_the_conversation_until_lifted_or_cleared(page):
    ask(page, GDP)
    assert cited_docs(page) == {HUNAN}  # the home region, unrestricted
    assert page.locator(SCOPE).is_hidden()
    pick(page, GUANGDONG)
    scope = page.locator(SCOPE)
    assert scope.is_visible() and "仅在所选 1 份文件中回答" in scope.inner_text()
    assert scope.bounding_box()["y"] < page.locator("#hga-input textarea").bounding_box()["y"]
    ask(page, GDP)
    assert cited_docs(page) == {GUANGDONG} and "5%左右" in last_answer(page).inner_text()
    ask(page, "今年提振消费有哪些举措？")  # the restriction holds for the conversation
    assert cited_docs(page) == {GUANGDONG}
    pick(page, FUJIAN)
    assert "仅在所选 2 份文件中回答" in scope.inner_text()
    scope.locator("button.hga-unscope").click()
    assert scope.is_hidden() and page.locator("#hga-panel input.hga-pick:checked").count() == 0
    ask(page, GDP)
    assert cited_docs(page) == {HUNAN}
    pick(page, FUJIAN)
    ask(page, GDP)
    assert cited_docs(page) == {FUJIAN}
    page.locator("#hga-clear").click()
    page.wait_for_timeout(500)
    assert scope.is_hidden() and page.locator("#hga-panel input.hga-pick:checked").count() == 0
    ask(page, GDP)
    assert cited_docs(page) == {HUNAN}


def test_a_whole_region_group_is_chosen_at_once(page):
    page.locator('#hga-panel details.hga-region[data-region="湖南省"] button.hga-pick-group').click()
    assert "仅在所选 2 份文件中回答" in page.locator(SCOPE).inner_text()
    assert page.locator('#hga-panel details.hga-region[data-region="湖南省"]').evaluate("d => d.open")  # not toggled


def test_panel_in_a_phone_sized_window(browser, server):  # noqa: F811
    context, page = open_page(browser, server, NARROW)
    try:
        column = page.locator("#hga-viewer-col")
        assert column.bounding_box()["x"] >= 400  # the drawer is closed
        page.locator("#hga-header button.hga-docs-open").click()
        page.wait_for_timeout(400)
        assert column.bounding_box()["x"] <= 1
        search = page.locator("#hga-panel input.hga-panel-search")
        box = search.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= NARROW["width"] and 0 <= box["y"] < NARROW["height"]
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        pick(page, GUANGDONG)
        page.locator("#hga-side-tabs button.hga-side-close").click()
        page.wait_for_timeout(400)
        assert column.bounding_box()["x"] >= 400
        assert "仅在所选 1 份文件中回答" in page.locator(SCOPE).inner_text()
        ask(page, GDP)
        assert cited_docs(page) == {GUANGDONG}
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        page.locator("#hga-header button.hga-docs-open").click()
        page.locator(f'#hga-panel li[data-doc="{GANSU}"] a.hga-doc-open').click()
        page.locator(f'#hga-viewer .hga-viewer[data-doc="{GANSU}"]').wait_for(timeout=10_000)
        title = page.locator("#hga-viewer .hga-viewer-title").bounding_box()
        assert 0 <= title["x"] < NARROW["width"] and 0 <= title["y"] < NARROW["height"]
        page.locator("#hga-viewer button.hga-back").click()
        page.wait_for_timeout(400)
        assert column.bounding_box()["x"] >= 400 and page.locator("#hga-input textarea").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [{"width": 1400, "height": 900}, {"width": 1280, "height": 720}], ids=["1400x900", "1280x720"])
def test_panel_and_input_are_both_on_screen(browser, server, viewport):  # noqa: F811
    context, page = open_page(browser, server, viewport)
    try:
        pick(page, GUANGDONG)
        # The input, the restriction line, and the whole panel (its list scrolls inside) without scrolling the page.
        for selector in ("#hga-input textarea", "#hga-send", SCOPE, "#hga-panel input.hga-panel-search", "#hga-panel .hga-panel-groups"):
            box = page.locator(selector).bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (selector, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        groups = page.locator("#hga-panel .hga-panel-groups")
        assert groups.evaluate("g => g.scrollHeight <= g.clientHeight || getComputedStyle(g).overflowY === 'auto'")
    finally:
        context.close()


# ------------------------------------------------------------------------- the /ask API's documents


def test_api_documents_restrict_the_answer_and_old_calls_still_work(api):
    everywhere = api.predict(GDP, api_name="/ask")
    assert {c["doc"] for c in everywhere["citations"]} == {HUNAN}
    also = api.predict(GDP, None, api_name="/ask")
    assert {c["doc"] for c in also["citations"]} == {HUNAN}
    restricted = api.predict(GDP, None, [GUANGDONG], api_name="/ask")
    assert not restricted["refused"] and {c["doc"] for c in restricted["citations"]} == {GUANGDONG}
    assert set(restricted) == set(everywhere)  # the same JSON contract
    named = api.predict(question=GDP, documents=[FUJIAN], api_name="/ask")
    assert {c["doc"] for c in named["citations"]} == {FUJIAN}
    follow = api.predict("去年呢？", ["今年社零增长目标是多少？"], [HUNAN, MONTHLY], api_name="/ask")
    assert {c["doc"] for c in follow["citations"]} <= {HUNAN, MONTHLY}


def test_api_documents_that_cannot_be_used_are_said(api):
    unknown = api.predict(GDP, None, ["no-such-file.txt"], api_name="/ask")
    assert unknown["refused"] and "文档库中没有这些文件" in unknown["answer"] and not unknown["citations"]
    empty = api.predict(GDP, None, [], api_name="/ask")
    assert empty["refused"] and "没有选择文件" in empty["answer"]
    with pytest.raises(Exception, match="参数 documents"):
        api.predict(GDP, None, GUANGDONG, api_name="/ask")
    with pytest.raises(Exception, match="documents 的第 1 项"):
        api.predict(GDP, None, [3], api_name="/ask")


def test_api_info_documents_the_documents_parameter(server):
    import json
    import urllib.request

    with urllib.request.urlopen(server["url"] + "gradio_api/info", timeout=30) as response:
        info = json.load(response)["named_endpoints"]["/ask"]
    names = [p["parameter_name"] for p in info["parameters"]]
    assert names == ["question", "history", "documents"]
    documents = info["parameters"][2]
    assert documents["label"] == "限定的文件" and documents["parameter_has_default"] and documents["parameter_default"] is None
    assert documents["python_type"]["type"].startswith("list[str]") and "corpus/" in documents["python_type"]["description"]
    assert "documents" in info["description"]



def test_readme_panel_screenshot(browser, server):  # noqa: F811
    """README screenshot of the panel with a document chosen and an answer from it (refreshed when
    UI_UPDATE_README_SCREENSHOT=1 or missing)."""
    import os

    from test_ui_browser import SCREENSHOTS

    update = os.environ.get("UI_UPDATE_README_SCREENSHOT") == "1"
    path = SCREENSHOTS / "readme-panel.png"
    context, page = open_page(browser, server, {"width": 1400, "height": 900})
    try:
        page.locator("#hga-panel input.hga-panel-search").press_sequentially("政府工作报告")
        pick(page, GUANGDONG)
        ask(page, GDP)
        page.wait_for_timeout(800)
        page.screenshot(path=str(path if (update or not path.exists()) else SCREENSHOTS / f"latest-{path.name}"))
    finally:
        context.close()


@pytest.mark.skipif(not (NEWDOCS / "README.md").is_file(), reason="../shared/newdocs is not beside this checkout")
def test_every_document_of_the_many_opens_in_the_viewer(tmp_path):
    """All 33 documents (the seeds and every newdocs report, plain text without Markdown headings): the
    panel lists each once, and each opens whole in the viewer with its paragraphs and headings."""
    from html.parser import HTMLParser

    from assistant.corpus import load_corpus
    from ui.panel import render_panel
    from ui.render import render_viewer

    for path in (PROJECT_ROOT / "corpus").iterdir():
        if path.is_file():
            shutil.copy(path, tmp_path / path.name)
    for path in NEWDOCS.glob("*.txt"):
        shutil.copy(path, tmp_path / path.name)
    documents = load_corpus(tmp_path)
    assert len(documents) == 2 + len(list(NEWDOCS.glob("*.txt")))
    panel = render_panel(documents)
    assert all(panel.count(f'data-doc="{d.doc}"') == 1 for d in documents)

    class Count(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags: dict[str, int] = {}

        def handle_starttag(self, tag, attrs):
            self.tags[tag] = self.tags.get(tag, 0) + 1

    for document in documents:
        counted = Count()
        counted.feed(render_viewer(document, 0, 0))
        headings = sum(counted.tags.get(f"h{n}", 0) for n in range(3, 7))
        assert counted.tags.get("p", 0) >= 10 and headings >= 1, (document.doc, counted.tags)
