"""The Gradio Blocks: header, chat, example questions, document viewer, and the /ask API endpoint."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import gradio as gr

from ui import render
from ui.api_docs import ASK_DESCRIPTION, document_ask_endpoint
from ui.api_page import API_PAGE_HEAD
from ui.chat import UNAVAILABLE, Chat, RequestError, Session
from ui.panel import PANEL_CSS, PANEL_JS, parse_chosen, render_panel, render_scope_line, render_side_tabs
from ui.theme import CSS, VIEWER_JS, theme

if TYPE_CHECKING:
    from assistant import Assistant
    from assistant.settings import Settings

#: A figure, a policy, a comparison across the two documents, and one the documents cannot answer.
EXAMPLES = (
    "2024年全省粮食总产是多少？",
    "今年提振消费有哪些举措？",
    "今年社零增长目标是多少？1-7月实际增长多少？",
    "2025年1-8月全省规工增加值增长多少？",
)
log = logging.getLogger(__name__)
#: Every call into the Assistant (chat and API) shares one queue slot pool of settings.ui_concurrency.
CONCURRENCY_ID = "assistant"


#: How long a thread may hold the interpreter before another gets it (Python's default is 5 ms).
SWITCH_INTERVAL_S = 0.0005


def build_app(assistant: "Assistant", settings: "Settings") -> gr.Blocks:
    chat = Chat(assistant, settings)
    chat.suggester.indicator_questions()  # checked once here, not on the first vague question
    documents = tuple(assistant.documents)

    def open_citation(key: Any) -> str:
        return chat.open_citation(key)

    def open_document(key: Any) -> str:
        return chat.open_document(key)

    def vote(answer_id: Any, choice: Any = "", reason: Any = "") -> bool:
        return chat.vote(answer_id, choice, reason) is not None

    known = [d.doc for d in documents]

    def turn(message: str, session: Session, chosen: str, literal: bool):
        if not chat.begin_turn(session):  # already answering this tab's previous question: leave all as is
            yield gr.skip(), gr.skip(), gr.skip()
            return
        try:
            yield from chat.respond(message, session, literal=literal, documents=parse_chosen(chosen, known))
        finally:
            chat.end_turn(session)

    def respond(message: str, session: Session, chosen: str = ""):
        yield from turn(message, session, chosen, False)

    def respond_literal(message: str, session: Session, chosen: str = ""):
        yield from turn(message, session, chosen, True)

    def ask(question: str, history: list[str] | None = None, documents: list[str] | None = None) -> dict:
        try:
            return chat.api_ask(question, history, documents)
        except RequestError as error:  # the caller's mistake, said in the error event
            raise gr.Error(str(error), print_exception=False) from None
        except Exception:  # never an error event with "error": null
            log.exception("the /ask endpoint failed for %r", question)
            raise gr.Error(UNAVAILABLE, print_exception=False) from None

    def clear() -> tuple[list, Session, str, str]:
        return [], Session(), render.render_viewer_placeholder(documents), ""

    with gr.Blocks(title="湖南省政府文件问答助手", analytics_enabled=False) as demo:
        session = gr.State(Session())
        gr.HTML(render.render_header(documents), elem_id="hga-header", js_on_load=None)
        with gr.Row(equal_height=False, elem_id="hga-main"):
            with gr.Column(scale=3, min_width=320, elem_id="hga-chat-col"):
                chatbot = gr.Chatbot(
                    elem_id="hga-chat",
                    label="对话",
                    show_label=False,
                    height="calc(100vh - 330px)",
                    min_height=360,
                    layout="bubble",
                    latex_delimiters=[],
                    buttons=[],
                    feedback_options=None,
                    autoscroll=False,  # the page script keeps the question and the answer's start in view
                    placeholder="<div class='hga-placeholder'>请输入问题，或点下方的示例。<br>回答只依据已收录的文件，并标注原文出处。</div>",
                )
                gr.HTML(render_scope_line(), elem_id="hga-scope-row", js_on_load=None)
                with gr.Row(elem_id="hga-input-row"):
                    textbox = gr.Textbox(
                        elem_id="hga-input",
                        label="问题",
                        show_label=False,
                        placeholder="输入问题，按 Enter 发送",
                        lines=1,
                        max_lines=4,
                        scale=8,
                        autofocus=True,
                    )
                    send = gr.Button("发送", variant="primary", scale=1, min_width=64, elem_id="hga-send")
                with gr.Row(elem_id="hga-examples"):
                    example_buttons = [gr.Button(q, size="sm", variant="secondary", min_width=60) for q in EXAMPLES]
                with gr.Row(elem_id="hga-foot"):
                    gr.HTML(
                        '<div class="hga-footnote">回答由系统从文件原文中摘取，请以原文为准；可点击回答下方的赞或踩反馈回答质量。</div>',
                        js_on_load=None,
                    )
                    clear_button = gr.Button("清空对话", size="sm", variant="secondary", scale=0, min_width=90, elem_id="hga-clear")
                # The page script asks a question exactly as it stands (不是这个意思, a suggestion) through these.
                literal_box = gr.Textbox(
                    elem_id="hga-literal", elem_classes="hga-hidden", label="按原问题提问", show_label=False, container=False
                )
                literal_go = gr.Button("按原问题提问", elem_id="hga-literal-go", elem_classes="hga-hidden")
                # The documents chosen in the panel (a JSON list of doc paths, "" for none), set by the page script.
                chosen = gr.Textbox(
                    elem_id="hga-chosen", elem_classes="hga-hidden", label="所选文件", show_label=False, container=False
                )
            with gr.Column(scale=2, min_width=320, elem_id="hga-viewer-col", elem_classes="hga-show-docs"):
                gr.HTML(render_side_tabs(len(documents)), js_on_load=None, elem_id="hga-side-tabs")
                gr.HTML(render_panel(documents), elem_id="hga-panel", js_on_load=PANEL_JS)
                viewer = gr.HTML(
                    render.render_viewer_placeholder(documents),
                    elem_id="hga-viewer",
                    js_on_load=VIEWER_JS,
                    server_functions=[open_citation, open_document, vote],
                )

        chat_events = dict(
            fn=respond,
            inputs=[textbox, session, chosen],
            outputs=[textbox, chatbot, session],
            concurrency_id=CONCURRENCY_ID,
            api_visibility="private",
        )
        textbox.submit(**chat_events)
        send.click(**chat_events)
        for button, question in zip(example_buttons, EXAMPLES):
            button.click(lambda q=question: q, None, textbox, queue=False, api_visibility="private").then(**chat_events)
        literal_go.click(
            respond_literal,
            [literal_box, session, chosen],
            [literal_box, chatbot, session],
            concurrency_id=CONCURRENCY_ID,
            api_visibility="private",
        )
        clear_button.click(clear, None, [chatbot, session, viewer, chosen], queue=False, api_visibility="private")
        chatbot.clear(clear, None, [chatbot, session, viewer, chosen], queue=False, api_visibility="private")
        endpoint = gr.api(ask, api_name="ask", api_description=ASK_DESCRIPTION, concurrency_id=CONCURRENCY_ID)
        document_ask_endpoint(demo, endpoint)
    return demo


#: The largest request body Gradio accepts as a file; nothing in the chat takes files.
MAX_FILE_SIZE = "1mb"


def launch(
    demo: gr.Blocks,
    settings: "Settings",
    *,
    host: str | None = None,
    port: int | None = None,
    share: bool | None = None,
    prevent_thread_lock: bool = False,
    quiet: bool = True,
) -> Any:
    """Queue with the configured concurrency and serve; binds settings.ui_host (127.0.0.1) by default.

    Quiet: Gradio's own start-up lines (and its advice about share links) are not printed; the
    caller says in Chinese where the chat is (see ui/__main__.py).
    """
    import sys

    # Answering is CPU-bound Python in a worker thread; the event loop that serves every other route
    # (the page, /gradio_api/info, the queue's streams) must get the interpreter back often, so that one
    # long question never makes the server look frozen (issue 9, item 1).
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    from starlette.middleware import Middleware

    from ui.api_guard import ApiRequestMiddleware
    from ui.security import SecurityMiddleware

    auth = None
    if settings.ui_username is not None and settings.ui_password is not None:
        auth = (settings.ui_username, settings.ui_password)
    demo.queue(default_concurrency_limit=settings.ui_concurrency, max_size=None)
    return demo.launch(
        server_name=host or settings.ui_host,
        server_port=port or settings.ui_port,
        share=settings.ui_share if share is None else share,
        auth=auth,
        auth_message="请输入账号和密码" if auth else None,
        prevent_thread_lock=prevent_thread_lock,
        show_error=False,
        quiet=quiet,
        footer_links=["api"],
        ssr_mode=False,
        mcp_server=False,
        max_file_size=MAX_FILE_SIZE,
        app_kwargs={"middleware": [Middleware(SecurityMiddleware), Middleware(ApiRequestMiddleware)]},
        theme=theme(),
        css=CSS + PANEL_CSS,
        head=API_PAGE_HEAD,
    )
