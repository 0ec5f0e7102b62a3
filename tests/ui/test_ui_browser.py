"""The chat in a real browser (Debian's Chromium through Playwright) against the running app."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from gradio_client import Client

from assistant.cleaning import clean_span
from assistant.settings import PROJECT_ROOT

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("UI_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = PROJECT_ROOT / "ui" / "screenshots"
README_SHOT = SCREENSHOTS / "readme.png"
README_NARROW_SHOT = SCREENSHOTS / "readme-narrow.png"
WIDE, NARROW = {"width": 1400, "height": 900}, {"width": 420, "height": 800}
VIEWPORTS = [pytest.param(WIDE, id="1400x900"), pytest.param(NARROW, id="420x800")]
DONE = "#hga-chat .hga-actions, #hga-chat .hga-notice, #hga-chat .hga-suggest"
XSS = "<img src=x onerror=alert(1)>"
ANSWER_TIMEOUT_MS = 30_000

#: Records, from the first paint, whether an answer was ever shown half-written (streamed).
WATCH_STREAMING = """
window.__hga = { streamed: 0, dialogs: 0 };
new MutationObserver(() => {
  if (document.querySelector('#hga-chat .hga-streaming')) { window.__hga.streamed += 1; }
}).observe(document, { childList: true, subtree: true });
"""


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Chromium not installed: apt-get install -y chromium fonts-noto-cjk")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, server, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server["url"].rstrip("/"))
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(WATCH_STREAMING)
    page.goto(server["url"])
    page.wait_for_selector("#hga-input textarea")
    return context, page


@pytest.fixture
def page(browser, server):
    context, page = open_page(browser, server, WIDE)
    yield page
    context.close()


@pytest.fixture(params=VIEWPORTS)
def any_page(request, browser, server):
    """The chat at 1400×900 and at 420×800 (a phone-sized window)."""
    context, page = open_page(browser, server, request.param)
    page.narrow = request.param["width"] < 800
    yield page
    context.close()


@pytest.fixture(scope="module")
def api(server) -> Client:
    return Client(server["url"], verbose=False)


def ask(page, question: str) -> None:
    before = page.locator(DONE).count()
    page.fill("#hga-input textarea", question)
    page.keyboard.press("Enter")
    wait_for_reply(page, before)


def wait_for_reply(page, before: int) -> None:
    page.wait_for_function(
        "([n, sel]) => document.querySelectorAll(sel).length > n && !document.querySelector('#hga-chat .hga-pending, #hga-chat .hga-streaming')",
        arg=[before, DONE],
        timeout=ANSWER_TIMEOUT_MS,
    )


def cleaned(text: str) -> str:
    return clean_span(text, 0, len(text)).text


def section_without_title(citation: dict) -> str:
    return citation["section"].split(" › ", 1)[1] if citation["section"].startswith(citation["title"] + " › ") else citation["section"]


def last_answer(page):
    return page.locator("#hga-chat .hga-answer").last


def test_answer_streams_with_markers_cards_and_viewer(page, api):
    # A comparison across the two documents: a target from the work report, a result from the monthly report.
    question = "今年社零增长目标是多少？1-7月实际增长多少？"
    expected = api.predict(question, api_name="/ask")
    assert not expected["refused"] and len({c["doc"] for c in expected["citations"]}) == 2, expected

    ask(page, question)
    assert page.evaluate("window.__hga.streamed") > 0, "the answer was never shown while streaming"
    answer = last_answer(page)
    assert answer.locator(".hga-text").inner_text().replace("\n", "") == expected["answer"].replace("\n", "")

    markers = answer.locator("a.hga-marker")
    cards = answer.locator("a.hga-card")
    assert cards.count() == len(expected["citations"])
    marker_ids = [int(t.strip("[]")) for t in markers.all_inner_texts()]
    assert sorted(set(marker_ids)) == [c["id"] for c in expected["citations"]]
    for card, citation in zip(cards.all(), expected["citations"]):
        assert card.locator("mark").inner_text().replace("\n", "") == cleaned(citation["quote"])
        assert citation["title"] in card.inner_text() and section_without_title(citation) in card.inner_text()
    # Timings are developer information: folded behind 详情.
    meta = answer.locator("details.hga-meta")
    assert meta.inner_text().strip() == "详情" and "检索" in meta.text_content() and "生成" not in meta.text_content()

    # Click marker [1]: the viewer shows the whole document with exactly the quote highlighted.
    markers.first.click()
    check_viewer(page, expected["citations"][marker_ids[0] - 1])

    # Clicking a card opens its citation too, in the other document.
    cards.last.click()
    check_viewer(page, expected["citations"][-1])
    assert "#" not in page.url, "citation links must not navigate"
    assert not page.dialogs
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.querySelector('#hga-chat [role=log]')?.scrollTo(0, 0)")  # show the question too
    page.wait_for_timeout(1300)  # let the highlight's flash settle
    page.screenshot(path=str(SCREENSHOTS / "answer-viewer.png"))


def test_viewer_rejects_forged_citation_links(page, documents):
    """The server re-checks every key the page sends: unknown files and out-of-range spans are refused."""
    doc = documents[0].doc
    for key, message in (
        ("#cite=..%2F..%2Fetc%2Fpasswd@0-10", "找不到这处引用对应的文件"),
        (f"#cite={doc}@0-99999999", "引用位置超出了文件范围"),
    ):
        page.evaluate(
            """key => { const a = document.createElement('a'); a.href = key; a.id = 'forged';
                        a.textContent = 'x'; document.getElementById('forged')?.remove(); document.body.prepend(a); }""",
            key,
        )
        page.click("#forged")
        page.wait_for_function(
            "m => (document.querySelector('#hga-viewer') || {}).innerText?.includes(m)", arg=message, timeout=5_000
        )
        assert page.locator("#hga-viewer mark").count() == 0


def check_viewer(page, citation: dict) -> None:
    span = f"{citation['doc']}@{citation['start']}-{citation['end']}"
    mark = page.locator(f'#hga-viewer mark.hga-cited[data-span="{span}"]')
    mark.wait_for(timeout=10_000)
    marked = "".join(page.locator("#hga-viewer mark.hga-cited").all_text_contents())
    assert marked == cleaned(citation["quote"])
    assert citation["title"] in page.locator("#hga-viewer .hga-viewer-title").inner_text()
    body = page.locator("#hga-viewer .hga-viewer-body")
    # The viewer holds the entire original document, and has scrolled the highlight into view.
    page.wait_for_function(
        """() => {
          const body = document.querySelector('#hga-viewer .hga-viewer-body');
          const mark = document.querySelector('#hga-viewer mark.hga-cited');
          if (!body || !mark) return false;
          const b = body.getBoundingClientRect(), m = mark.getBoundingClientRect();
          return m.top >= b.top - 1 && m.top <= b.bottom;
        }""",
        timeout=5_000,
    )
    assert len(body.text_content()) > 5000


def test_refusal_looks_like_an_answer_with_related_passages(page, api):
    question = "2025年1-8月全省规工增加值增长多少？"
    expected = api.predict(question, api_name="/ask")
    ask(page, question)
    answer = last_answer(page)
    assert answer.locator(".hga-text").inner_text().replace("\n", "") == expected["answer"].replace("\n", "")
    if expected["refused"]:
        assert "hga-refused" in answer.get_attribute("class")
        if expected["retrieved"]:
            assert "相关段落" in answer.inner_text()
            answer.locator("a.hga-related").first.click()
            page.locator("#hga-viewer mark.hga-cited").wait_for(timeout=10_000)
    assert page.locator(".toast-wrap .toast-body, .error").count() == 0


def test_xss_question_renders_as_text(page):
    for question in (XSS, f"{XSS}2024年全省粮食总产是多少？"):
        ask(page, question)
        user = page.locator("#hga-chat .hga-question").last
        assert user.inner_text() == question
    assert page.locator('#hga-chat img[src="x"]').count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []


def test_example_buttons_and_follow_up(page, api):
    page.get_by_role("button", name="今年社零增长目标是多少？1-7月实际增长多少？").click()
    page.wait_for_selector("#hga-chat .hga-meta", timeout=ANSWER_TIMEOUT_MS)
    assert page.locator("#hga-chat .hga-question").first.inner_text() == "今年社零增长目标是多少？1-7月实际增长多少？"
    ask(page, "去年呢？")
    expected = api.predict("去年呢？", ["今年社零增长目标是多少？1-7月实际增长多少？"], api_name="/ask")
    answer = last_answer(page)
    assert answer.locator(".hga-text").inner_text().replace("\n", "") == expected["answer"].replace("\n", "")


def test_bad_questions_get_a_clear_message(page):
    ask(page, "粮" * 2001)
    assert "问题过长" in page.locator("#hga-chat .hga-notice").last.inner_text()
    page.fill("#hga-input textarea", "")
    page.locator("#hga-send").click()
    page.wait_for_function("document.querySelectorAll('#hga-chat .hga-notice').length >= 2", timeout=10_000)
    assert "请输入问题" in page.locator("#hga-chat .hga-notice").last.inner_text()


def read_log(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def wait_for_record(path: Path, predicate, timeout_s: float = 10) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = [r for r in read_log(path) if predicate(r)]
        if found:
            return found[-1]
        time.sleep(0.2)
    pytest.fail(f"no matching record in {path}: {read_log(path)[-3:]}")


def test_vote_says_received_takes_a_reason_and_logs_the_answer_id(any_page, server):
    """Issue 10.6: 赞 then 踩; after a vote 已收到反馈 and an optional reason; the log has the answer id."""
    page = any_page
    question = "今年提振消费有哪些举措？" if page.narrow else "2024年全省粮食总产是多少？"
    ask(page, question)
    answer = last_answer(page)
    buttons = answer.locator(".hga-vote button")
    assert buttons.all_inner_texts() == ["赞", "踩"]
    answer_id = re.search(r"hga-aid-([0-9a-f]+)", answer.get_attribute("class")).group(1)
    answer.locator(".hga-vote button.hga-down").click()
    page.wait_for_function("() => document.querySelector('#hga-chat .hga-answer:last-of-type .hga-vote, #hga-chat .hga-vote')")
    vote = answer.locator(".hga-vote")
    vote.locator(".hga-thanks").wait_for(timeout=10_000)
    assert "已收到反馈" in vote.inner_text()
    record = wait_for_record(Path(server["feedback_log"]), lambda r: r["answer_id"] == answer_id and r["vote"] == "down")
    assert record["question"] == question and record["answer"] and isinstance(record["citations"], list)
    vote.locator(".hga-reason input").fill("数字需要核对")
    vote.locator(".hga-reason button").click()
    vote.get_by_text("谢谢您的说明").wait_for(timeout=ANSWER_TIMEOUT_MS)  # a server round trip, on a busy machine too
    record = wait_for_record(Path(server["feedback_log"]), lambda r: r["answer_id"] == answer_id and r["reason"])
    assert record["reason"] == "数字需要核对" and record["vote"] == "down"
    # Input notices get no vote buttons (a vote there would have nothing to record).
    ask(page, "？？？")
    assert page.locator("#hga-chat .hga-notice").last.locator(".hga-vote, button").count() == 0


def test_second_question_while_answering_keeps_the_chat_in_order(page):
    """Enter and an example clicked at once: one turn at a time, every question followed by its answer."""
    page.fill("#hga-input textarea", "2024年全省粮食总产是多少？")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="今年提振消费有哪些举措？").click()
    page.wait_for_selector("#hga-chat .hga-meta", timeout=ANSWER_TIMEOUT_MS)
    page.wait_for_timeout(1500)  # let a second turn, if one was accepted, finish
    page.wait_for_function("!document.querySelector('#hga-chat .hga-pending, #hga-chat .hga-streaming')")
    roles = page.eval_on_selector_all(
        "#hga-chat .message-row", "rows => rows.map(r => r.classList.contains('user-row') ? 'user' : 'bot')"
    )
    assert roles and roles == ["user", "bot"] * (len(roles) // 2), roles
    questions = page.locator("#hga-chat .hga-question").all_inner_texts()
    assert questions[0] == "2024年全省粮食总产是多少？"
    assert len(questions) == page.locator("#hga-chat .hga-answer").count()


# ----------------------------------------------------------------------------- issue 10, item by item


def test_copy_gives_plain_text_with_markers_and_sources(any_page, api):
    """Item 1: 复制 puts the answer, its markers and a source list on the clipboard, no HTML."""
    page = any_page
    question = "今年社零增长目标是多少？1-7月实际增长多少？"
    expected = api.predict(question, api_name="/ask")
    ask(page, question)
    page.locator("#hga-chat .hga-question").last.hover()
    assert page.locator("#hga-chat .user-row button").count() == 0, "the question bubble needs no copy button"
    copy = last_answer(page).locator("button.hga-copy")
    # The label says 已复制 for 1.6 s: watch the clicked button itself for it, not poll for it (a busy machine
    # may not poll within that window), and not the first copy button of a chat with several answers.
    page.evaluate(
        """(button) => {
            window.__hgaCopied = false;
            new MutationObserver(() => { if (button.textContent.startsWith('已复制')) window.__hgaCopied = true; })
                .observe(button, {childList: true, characterData: true, subtree: true});
        }""",
        copy.element_handle(),
    )
    copy.click()
    page.wait_for_function("() => window.__hgaCopied === true")
    text = page.evaluate("navigator.clipboard.readText()")
    sources = [f"[{c['id']}] {c['title']} › {section_without_title(c)}：“{cleaned(c['quote'])}”" for c in expected["citations"]]
    assert text == "\n".join([expected["answer"], "", "出处：", *sources]), text
    assert "<" not in text and "hga-" not in text


def test_question_and_start_of_a_long_answer_stay_in_view(any_page):
    """Item 2: after a long reply the chat has not jumped to its bottom: the question is in view."""
    page = any_page
    ask(page, "2024年全省粮食总产是多少？")
    ask(page, "今年提振消费有哪些举措？")
    ask(page, "今年社零增长目标是多少？1-7月实际增长多少？")
    page.wait_for_timeout(600)
    box = page.locator("#hga-chat .bubble-wrap").bounding_box()
    question = page.locator("#hga-chat .hga-question").last.bounding_box()
    first_line = last_answer(page).locator(".hga-text").bounding_box()
    viewport = page.viewport_size
    assert box["y"] - 1 <= question["y"] and question["y"] + question["height"] <= box["y"] + box["height"], (box, question)
    assert 0 <= question["y"] <= viewport["height"] and first_line["y"] + 20 <= min(viewport["height"], box["y"] + box["height"])
    scroll = page.evaluate("(() => { const w = document.querySelector('#hga-chat .bubble-wrap'); return [w.scrollTop, w.scrollHeight - w.clientHeight]; })()")
    assert scroll[0] < scroll[1] - 5, "the chat jumped to its bottom"
    # The marker tooltip names the document once.
    for marker in last_answer(page).locator("a.hga-marker").all():
        title = marker.get_attribute("title")
        assert title.count("工作报告") + title.count("工作月报") == 1, title


def test_viewer_shows_clean_text_with_outline_search_and_citation_steps(any_page, api, documents):
    """Item 3 (and 4 on the narrow screen: a drawer with 返回回答)."""
    page = any_page
    question = "今年社零增长目标是多少？1-7月实际增长多少？"
    expected = api.predict(question, api_name="/ask")
    ask(page, question)
    if page.narrow:
        assert not page.locator("#hga-viewer").is_visible() or page.locator("#hga-viewer-col").bounding_box()["x"] >= 400
    cards = last_answer(page).locator("a.hga-card")
    cards.last.click()
    check_viewer(page, expected["citations"][-1])
    body = page.locator("#hga-viewer .hga-viewer-body")
    text = body.inner_text()
    assert "**" not in text and "##" not in text and "\u3000" not in text
    monthly = next(d for d in documents if d.doc == expected["citations"][-1]["doc"])
    broken = re.search(r"([\u4e00-\u9fff]{2,})\s*\n\s*\n\s*(\d+(?:\.\d+)?%)", monthly.text)
    if broken:  # a page break inside a sentence is joined again
        assert broken.group(1) + broken.group(2) in text.replace("\n", "")
    # Outline: headings listed; a click scrolls the body to that heading.
    page.locator("#hga-viewer .hga-outline summary").click()
    entries = page.locator("#hga-viewer .hga-outline li a")
    assert entries.count() >= 3
    target = entries.nth(entries.count() - 1)
    name = target.inner_text()
    target.click()
    page.wait_for_timeout(300)
    heading = page.locator("#hga-viewer .hga-doc-h", has_text=name).first
    hb, bb = heading.bounding_box(), body.bounding_box()
    assert bb["y"] - 2 <= hb["y"] <= bb["y"] + bb["height"], (hb, bb)
    # Search within the document: every hit highlighted, the current one scrolled to, n/N shown.
    needle = "消费"
    page.locator("#hga-viewer .hga-search-input").fill(needle)
    page.wait_for_function("() => /^1\\/\\d+$/.test(document.querySelector('#hga-viewer .hga-search-count').textContent)")
    hits = page.locator("#hga-viewer mark.hga-hit")
    total = int(page.locator("#hga-viewer .hga-search-count").inner_text().split("/")[1])
    assert hits.count() == total == body.inner_text().count(needle) and total > 1
    page.locator('#hga-viewer [data-search="next"]').click()
    assert page.locator("#hga-viewer .hga-search-count").inner_text() == f"2/{total}"
    # Previous citation: the other document, its quote highlighted.
    assert "引用 2/2" in page.locator("#hga-viewer .hga-cite-nav").inner_text()
    page.locator('#hga-viewer [data-cite-step="-1"]').click()
    check_viewer(page, expected["citations"][0])
    assert "引用 1/2" in page.locator("#hga-viewer .hga-cite-nav").inner_text()
    if page.narrow:  # a drawer over the chat, and a way back
        col = page.locator("#hga-viewer-col").bounding_box()
        assert col["x"] <= 1 and col["width"] >= 400
        for part in (".hga-viewer-title", "mark.hga-cited", "button.hga-back"):  # the drawer's content is on screen
            where = page.locator(f"#hga-viewer {part}").first.bounding_box()
            assert 0 <= where["x"] < NARROW["width"] and 0 <= where["y"] < NARROW["height"], (part, where)
        page.locator("#hga-viewer button.hga-back").click()
        page.wait_for_timeout(400)
        assert page.locator("#hga-viewer-col").bounding_box()["x"] >= 400
        assert page.locator("#hga-input textarea").is_visible()


ALLOWED_LATIN = {"API", "Enter", "GDP", "CPI", "PM"}


def visible_latin_words(page) -> list[str]:
    text = page.evaluate("document.body.innerText")
    labels = page.evaluate(
        """() => Array.from(document.querySelectorAll('button, input, textarea, [aria-label], [title]'))
              .filter((e) => e.offsetParent !== null)
              .flatMap((e) => [e.getAttribute('aria-label'), e.getAttribute('title'), e.getAttribute('placeholder')])
              .filter(Boolean).join(' ')"""
    )
    return [w for w in re.findall(r"[A-Za-z]{2,}", text + " " + labels) if w not in ALLOWED_LATIN]


def test_no_english_label_in_the_chat(any_page):
    """Item 5: Chinese labels throughout; the footer has no stray separator; one clear button."""
    page = any_page
    ask(page, "2024年全省粮食总产是多少？")
    last_answer(page).hover()
    assert visible_latin_words(page) == []
    footer = page.locator("footer").inner_text()
    assert "·" not in footer
    if not page.narrow:
        assert "通过 API 使用" in footer
    clear = [b for b in page.locator("button").all() if b.is_visible() and ("清空" in (b.inner_text() or "") or (b.get_attribute("aria-label") or "") in ("Clear", "清除"))]
    assert len(clear) == 1, [b.inner_text() for b in clear]


def test_api_page_is_in_chinese_with_typed_result(browser, server, api):
    api.predict("2024年全省粮食总产是多少？", api_name="/ask")  # the page then shows the endpoint's call statistics too
    context, page = open_page(browser, server, WIDE)
    try:
        page.get_by_text("通过 API 使用").click()
        page.get_by_text("依据已收录的文件回答一个问题").first.wait_for(timeout=20_000)
        text = page.evaluate("document.body.innerText")
        # The endpoint, its parameters and every field of the returned JSON are described in Chinese, typed.
        assert "要问的问题，中文" in text and "同一对话中此前的问题" in text
        assert "dict(id: None | str (回答编号), question: str (所问的问题)" in text and "quote: str (引用的原文" in text
        assert not re.search(r"\bAny\b", text)
        # Gradio's own furniture of the page is in Chinese too, and the documents parameter is there, typed.
        page.get_by_text("接受 3 个参数").first.wait_for(timeout=10_000)
        text = page.evaluate("document.querySelector('.api-docs').innerText")
        assert "只依据这些文件回答" in text and "必填" in text and "默认值" in text and "接口名称" in text
        for english in ("Accepts", "Required", "Default", "Returns", "The input value", "The output value", "API name",
                        "Choose one", "Install the", "Find the API endpoint", "documentation", "Recorder", "Copy Page"):
            assert english not in text, english
        prose = page.evaluate(
            """() => { const out = []; const w = document.createTreeWalker(document.querySelector('.api-docs'), NodeFilter.SHOW_TEXT);
                       while (w.nextNode()) { const n = w.currentNode, e = n.parentElement;
                         if (e.closest('pre, code, .code, .inline-code, .token, .url, .snippet') || !e.offsetParent) continue;
                         out.push(n.nodeValue); } return out.join(' '); }"""
        )
        words = [w for w in re.findall(r"[A-Za-z_]{2,}", prose) if w not in {"API", "JSON", "null", "Python", "cURL", "CLI", "MCP", "JavaScript", "question", "history", "documents", "id", "answer", "refused", "citations", "retrieved", "timings_ms", "doc", "corpus", "python", "ask", "true"}]
        assert words == [], words
    finally:
        context.close()


def test_follow_up_note_above_the_answer_and_the_literal_re_ask(any_page):
    """Item 8: "按…理解" above the answer; 不是这个意思 asks the question as typed."""
    page = any_page
    ask(page, "今年社零增长目标是多少？")
    ask(page, "去年呢？")
    answer = last_answer(page)
    note = answer.locator(".hga-understood")
    assert "按“" in note.inner_text() and "理解" in note.inner_text()
    assert note.bounding_box()["y"] < answer.locator(".hga-text").bounding_box()["y"]
    before = page.locator(DONE).count()
    note.locator("button", has_text="不是这个意思").click()
    wait_for_reply(page, before)
    assert page.locator("#hga-chat .hga-question").last.inner_text() == "去年呢？"
    assert last_answer(page).locator(".hga-understood").count() == 0


def test_vague_question_gets_suggestions_and_a_typo_did_you_mean(any_page):
    page = any_page
    ask(page, "经济怎么样")
    reply = last_answer(page)
    suggestions = reply.locator("button.hga-suggestion")
    assert "宽泛" in reply.inner_text() and suggestions.count() >= 2
    picked = suggestions.first.inner_text()
    before = page.locator(DONE).count()
    suggestions.first.click()
    wait_for_reply(page, before)
    assert page.locator("#hga-chat .hga-question").last.inner_text() == picked
    assert "hga-refused" not in last_answer(page).get_attribute("class") and last_answer(page).locator("a.hga-card").count()
    ask(page, "固头增长多少")
    reply = last_answer(page)
    assert "您是不是想问" in reply.inner_text() and reply.locator("button.hga-suggestion").inner_text() == "固投增长多少"
    assert reply.locator("a.hga-card").count() == 0  # no answer about something else


def test_narrow_layout_fits_a_phone(browser, server):
    """Item 4: nothing wider than the window, one-line example chips and placeholder, no "在右侧"."""
    context, page = open_page(browser, server, NARROW)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        heights = [b.bounding_box()["height"] for b in page.locator("#hga-examples button").all()]
        assert heights and max(heights) < 40, heights
        assert "右侧" not in page.evaluate("document.body.innerText")
        textarea = page.locator("#hga-input textarea")
        assert page.evaluate("t => t.scrollHeight <= t.clientHeight + 2", textarea.element_handle())
        ask(page, "今年社零增长目标是多少？1-7月实际增长多少？")
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    finally:
        context.close()


def test_readme_screenshots(browser, server):
    """README screenshots (wide and narrow), refreshed when UI_UPDATE_README_SCREENSHOT=1 or missing."""
    update = os.environ.get("UI_UPDATE_README_SCREENSHOT") == "1"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for viewport, path in ((WIDE, README_SHOT), (NARROW, README_NARROW_SHOT)):
        context, page = open_page(browser, server, viewport)
        try:
            ask(page, "今年社零增长目标是多少？1-7月实际增长多少？")
            if viewport is WIDE:
                last_answer(page).locator("a.hga-marker").first.click()
                page.locator("#hga-viewer mark.hga-cited").wait_for(timeout=10_000)
                page.wait_for_timeout(1300)
            out = path if (update or not path.exists()) else SCREENSHOTS / f"latest-{path.name}"
            page.screenshot(path=str(out))
            if viewport is NARROW:
                last_answer(page).locator("a.hga-card").first.click()
                page.locator("#hga-viewer mark.hga-cited").wait_for(timeout=10_000)
                page.wait_for_timeout(1300)
                drawer = SCREENSHOTS / "readme-narrow-viewer.png"
                page.screenshot(path=str(drawer if (update or not drawer.exists()) else SCREENSHOTS / "latest-readme-narrow-viewer.png"))
        finally:
            context.close()
