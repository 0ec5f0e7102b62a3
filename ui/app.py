"""The Gradio Blocks: header, chat, example questions, document viewer, and the /ask API endpoint."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import gradio as gr

from ui import render
from ui.chat import Chat, Session
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
#: Every call into the Assistant (chat and API) shares one queue slot pool of settings.ui_concurrency.
CONCURRENCY_ID = "assistant"


def build_app(assistant: "Assistant", settings: "Settings") -> gr.Blocks:
    chat = Chat(assistant, settings)
    documents = tuple(assistant.documents)

    def open_citation(key: Any) -> str:
        return chat.open_citation(key)

    def respond(message: str, session: Session):
        if not chat.begin_turn(session):  # already answering this tab's previous question: leave all as is
            yield gr.skip(), gr.skip(), gr.skip()
            return
        try:
            yield from chat.respond(message, session)
        finally:
            chat.end_turn(session)

    def ask(question: str, history: list[str] | None = None) -> dict:
        """Answer one question from the documents. history: the conversation's earlier questions, oldest first.

        Returns the JSON contract: id, question, answer, refused, citations, retrieved, timings_ms.
        """
        return chat.api_ask(question, history)

    def vote(session: Session, data: gr.LikeData) -> None:
        chat.vote(session, data.index, data.liked)

    def clear() -> tuple[list, Session, str]:
        return [], Session(), render.render_viewer_placeholder(documents)

    with gr.Blocks(title="湖南省政府文件问答助手", analytics_enabled=False) as demo:
        session = gr.State(Session())
        gr.HTML(render.render_header(documents), elem_id="hga-header", js_on_load=None)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                chatbot = gr.Chatbot(
                    elem_id="hga-chat",
                    show_label=False,
                    height="calc(100vh - 330px)",
                    min_height=360,
                    layout="bubble",
                    latex_delimiters=[],
                    buttons=["copy"],
                    feedback_options=("Like", "Dislike"),
                    placeholder="<div style='text-align:center;color:#64748b'>请输入问题，例如下方的示例问题。<br>回答只依据已收录的文件，并标注原文出处。</div>",
                )
                with gr.Row():
                    textbox = gr.Textbox(
                        elem_id="hga-input",
                        show_label=False,
                        placeholder="输入问题，按 Enter 发送（Shift+Enter 换行）",
                        lines=1,
                        max_lines=4,
                        scale=8,
                        autofocus=True,
                    )
                    send = gr.Button("发送", variant="primary", scale=1, min_width=80, elem_id="hga-send")
                with gr.Row(elem_id="hga-examples"):
                    example_buttons = [gr.Button(q, size="sm", variant="secondary", min_width=60) for q in EXAMPLES]
                with gr.Row():
                    gr.HTML(
                        '<div class="hga-footnote">回答由系统从文件原文中摘取，请以原文为准；可点击回答下方的赞或踩反馈回答质量。</div>',
                        js_on_load=None,
                    )
                    clear_button = gr.Button("清空对话", size="sm", variant="secondary", scale=0, min_width=90)
            with gr.Column(scale=2, min_width=360):
                gr.HTML('<div class="hga-viewer-label">原文查看</div>', js_on_load=None)
                viewer = gr.HTML(
                    render.render_viewer_placeholder(documents),
                    elem_id="hga-viewer",
                    js_on_load=VIEWER_JS,
                    server_functions=[open_citation],
                )

        chat_events = dict(
            fn=respond,
            inputs=[textbox, session],
            outputs=[textbox, chatbot, session],
            concurrency_id=CONCURRENCY_ID,
            api_visibility="private",
        )
        textbox.submit(**chat_events)
        send.click(**chat_events)
        for button, question in zip(example_buttons, EXAMPLES):
            button.click(lambda q=question: q, None, textbox, queue=False, api_visibility="private").then(**chat_events)
        chatbot.like(vote, [session], None, queue=False, api_visibility="private")
        clear_button.click(clear, None, [chatbot, session, viewer], queue=False, api_visibility="private")
        chatbot.clear(clear, None, [chatbot, session, viewer], queue=False, api_visibility="private")
        gr.api(ask, api_name="ask", concurrency_id=CONCURRENCY_ID)
    return demo


def launch(
    demo: gr.Blocks,
    settings: "Settings",
    *,
    host: str | None = None,
    port: int | None = None,
    share: bool | None = None,
    prevent_thread_lock: bool = False,
) -> Any:
    """Queue with the configured concurrency and serve; binds settings.ui_host (127.0.0.1) by default."""
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
        footer_links=["api"],
        ssr_mode=False,
        mcp_server=False,
        theme=theme(),
        css=CSS,
    )
