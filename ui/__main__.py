"""`python -m ui [--host HOST] [--port PORT] [--share]`: serve the staff chat."""

from __future__ import annotations

import argparse
import sys

from assistant.settings import Settings

WARM_UP_QUESTION = "2024年全省粮食总产是多少？"


def parse_args(argv: list[str] | None, settings: Settings) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ui", description="湖南省政府文件问答助手：网页聊天界面与 /ask 接口")
    parser.add_argument("--host", default=settings.ui_host, help=f"address to bind (default {settings.ui_host})")
    parser.add_argument("--port", type=int, default=settings.ui_port, help=f"port (default {settings.ui_port})")
    parser.add_argument(
        "--share",
        action="store_true",
        default=settings.ui_share,
        help="also open a public gradio.live link (off unless asked for)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    settings = Settings.from_env()
    args = parse_args(argv, settings)

    from assistant import Assistant
    from ui.app import build_app, launch

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    log("loading the documents, the index and the model…")
    assistant = Assistant.from_settings(settings, progress=True, log=log)
    # The model loads lazily on the first question: pay that here, not on the first staff question.
    assistant.ask(WARM_UP_QUESTION)
    demo = build_app(assistant, settings)
    launch(demo, settings, host=args.host, port=args.port, share=args.share)
    return 0


if __name__ == "__main__":
    sys.exit(main())
