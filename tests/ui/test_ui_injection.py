"""Issue 9.5 in a real browser: a document whose lone carriage returns (``\\r\\r``) would end the chat's
raw-HTML block cannot make the chat render Markdown: no image is fetched, no markup appears.

A corpus of one document written with ``\\r`` line endings only, carrying a Markdown image that points
at a probe server, headings, bold text and raw HTML; the real app indexes it and answers from it.
"""

from __future__ import annotations

import http.server
import shutil
import socket
import threading
from pathlib import Path

import pytest

from ui_server import running_server

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def probe():
    """An HTTP server that records every request made to it (an injected image would be one)."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", _free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}", "requests": requests}
    server.shutdown()


@pytest.fixture(scope="module")
def injected_server(tmp_path_factory, probe):
    work = tmp_path_factory.mktemp("ui-injection")
    corpus = work / "corpus"
    corpus.mkdir()
    url = probe["url"]
    text = (
        "# 测试通报\n\n## 一、粮食生产\n\n"
        f"全省粮食总产达到615.6亿斤，创近5年新高。\r\r![]({url}/leak.png)\r\r**粮食总产**稳中有增。\r\r# 不是标题\r\r"
        f"<img src=\"{url}/raw.png\">粮食总产的说明。\n\n"
        f"## 二、其他\n\n粮食生产的其他情况：\r\r[链接]({url}/link)\r\r<b>粗体</b>说明。\n"
    )
    (corpus / "injected.md").write_bytes(text.encode("utf-8"))
    with running_server(work, ASSISTANT_CORPUS_DIR=str(corpus), ASSISTANT_INDEX_DIR=str(work / "index")) as running:
        yield running


def test_lone_carriage_returns_cannot_inject_markdown(injected_server, probe):
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Chromium not installed")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            for viewport in ({"width": 1400, "height": 900}, {"width": 420, "height": 800}):
                page = browser.new_page(viewport=viewport, locale="zh-CN")
                page.goto(injected_server["url"])
                page.wait_for_selector("#hga-input textarea")
                for question in ("粮食总产是多少？", "2019年粮食总产是多少？"):  # an answer, and a refusal with related passages
                    before = page.locator("#hga-chat .hga-actions, #hga-chat .hga-notice, #hga-chat .hga-suggest").count()
                    page.fill("#hga-input textarea", question)
                    page.keyboard.press("Enter")
                    page.wait_for_function(
                        "n => document.querySelectorAll('#hga-chat .hga-actions, #hga-chat .hga-notice, #hga-chat .hga-suggest').length > n",
                        arg=before,
                        timeout=30_000,
                    )
                answers = page.locator("#hga-chat .hga-answer")
                assert answers.count() == 2 and "615.6" in answers.first.inner_text()
                assert answers.first.locator("a.hga-card").count() >= 1
                # Open the document too: the viewer shows it as text.
                answers.first.locator("a.hga-card").first.click()
                page.locator("#hga-viewer mark.hga-cited").wait_for(timeout=10_000)
                page.wait_for_timeout(500)
                for where in ("#hga-chat", "#hga-viewer"):
                    assert page.locator(f"{where} img").count() == 0, page.locator(where).inner_html()[:2000]
                    assert page.locator(f"{where} h1, {where} h2, {where} .md strong, {where} a[href^='http://127.0.0.1:{probe['url'].rsplit(':', 1)[1]}']").count() == 0
                chat = page.locator("#hga-chat").inner_text()
                assert "粮食总产" in chat
                page.close()
            assert probe["requests"] == [], probe["requests"]
        finally:
            browser.close()
