"""The chat in a real browser (Debian's Chromium through Playwright) against the running app."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from gradio_client import Client

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


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(WATCH_STREAMING)
    page.goto(server["url"])
    page.wait_for_selector("#hga-input textarea")
    yield page
    context.close()


@pytest.fixture(scope="module")
def api(server) -> Client:
    return Client(server["url"], verbose=False)


def ask(page, question: str) -> None:
    before = page.locator("#hga-chat .hga-meta, #hga-chat .hga-notice").count()
    page.fill("#hga-input textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#hga-chat .hga-meta, #hga-chat .hga-notice').length > n",
        arg=before,
        timeout=ANSWER_TIMEOUT_MS,
    )


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
        assert card.locator("mark").inner_text().replace("\n", "") == citation["quote"].replace("\n", "")
        assert citation["title"] in card.inner_text() and citation["section"] in card.inner_text()
    meta = answer.locator(".hga-meta").inner_text()
    assert "检索" in meta and "ms" in meta

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
    if not README_SHOT.exists() or os.environ.get("UI_UPDATE_README_SCREENSHOT") == "1":
        page.screenshot(path=str(README_SHOT))


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
    assert mark.text_content() == citation["quote"]
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


def test_thumbs_are_logged(page, server):
    question = "今年提振消费有哪些举措？"
    ask(page, question)
    # Gradio labels the thumbs in the page's language: 踩/赞 for zh-CN, Dislike/Like otherwise.
    page.locator('#hga-chat button[aria-label="踩"], #hga-chat button[aria-label="Dislike"]').last.click()
    log = Path(server["feedback_log"])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
        if any(r["question"] == question and r["vote"] == "down" for r in records):
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"no 'down' vote for {question!r} in {log}")
    record = next(r for r in records if r["question"] == question)
    assert set(record) >= {"time", "vote", "question", "answer", "citations"}
    assert record["answer"] and isinstance(record["citations"], list)


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
