"""`python -m ui [--host HOST] [--port PORT] [--share]`: serve the staff chat."""

from __future__ import annotations

import argparse
import errno
import socket
import sys
import time

from assistant.settings import Settings, SettingsError


def parse_args(argv: list[str] | None, settings: Settings) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m ui", description="湖南省政府文件问答助手：网页聊天界面与 /ask 接口", add_help=False
    )
    parser._optionals.title = "选项"
    parser.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    parser.add_argument("--host", default=settings.ui_host, help=f"监听地址（默认 {settings.ui_host}，仅本机可访问）")
    parser.add_argument("--port", type=int, default=settings.ui_port, help=f"端口（默认 {settings.ui_port}）")
    parser.add_argument(
        "--share",
        action="store_true",
        default=settings.ui_share,
        help="同时开启 gradio.live 公网链接（默认关闭，仅在需要时使用）",
    )
    return parser.parse_args(argv)


def port_problem(host: str, port: int) -> str | None:
    """Why the chat cannot listen on host:port (in Chinese, with what to do), or None when it can."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT is no obstacle
            probe.bind((host, port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            return (
                f"端口 {port} 已被占用（可能聊天界面已经在运行）。请换一个端口，例如：\n"
                f"    ASSISTANT_UI_PORT={port + 1} make run      或    make run PORT={port + 1}\n"
                f"    python -m ui --port {port + 1}"
            )
        if error.errno == errno.EACCES:
            return f"没有权限使用端口 {port}，请换一个大于 1024 的端口，例如 make run PORT=7861。"
        return f"无法在 {host}:{port} 上启动（{error.strerror or error}）。请检查 ASSISTANT_UI_HOST / --host。"
    return None


def quiet_model_loading() -> None:
    """No "Loading weights" bar from transformers: loading is reported once, as one line."""
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()


def main(argv: list[str] | None = None) -> int:
    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        settings = Settings.from_env()
    except SettingsError as error:
        log(f"配置错误：{error}")
        return 2
    args = parse_args(argv, settings)
    problem = port_problem(args.host, args.port)
    if problem:  # said before the model is loaded, not after
        log(problem)
        return 2

    from assistant import Assistant
    from ui.app import build_app, launch

    started = time.perf_counter()
    log("正在加载文件、索引和模型……")
    quiet_model_loading()
    # from_settings warms every stage up: the first staff question pays for nothing lazily loaded.
    assistant = Assistant.from_settings(settings, progress=sys.stderr.isatty(), log=log)
    demo = build_app(assistant, settings)
    log(f"加载完成（{time.perf_counter() - started:.1f} 秒）。")
    try:
        launch(demo, settings, host=args.host, port=args.port, share=args.share, prevent_thread_lock=True)
    except OSError as error:  # the port was taken while the model was loading
        log(port_problem(args.host, args.port) or f"无法启动聊天界面：{error}")
        return 2
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host
    log(f"问答助手已启动：请在浏览器中打开 http://{shown}:{args.port}/ ，按 Ctrl+C 停止。")
    if getattr(demo, "share_url", None):
        log(f"公网链接：{demo.share_url}")
    try:
        demo.block_thread()
    except KeyboardInterrupt:
        pass
    log("问答助手已停止。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
