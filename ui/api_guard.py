"""Calls of the /ask endpoint whose JSON Gradio itself cannot take (no question, an unknown field, not
an object) get a 422 that says in Chinese what is wrong, instead of a bare 500.

Types inside a well-formed call (a number as the question, a string as the history) are checked by
the endpoint itself (``ui.chat.Chat.api_ask``), whose message the error event carries.
"""

from __future__ import annotations

import json
import re
from typing import Any, Awaitable, Callable

PARAMETERS = ("question", "history", "documents")
#: Gradio's routes for calling a named endpoint: ``call/v2`` takes named parameters, the rest ``{"data": [...]}``.
_V2 = re.compile(r"/gradio_api/call/v2/ask/?$")
_V1 = re.compile(r"/gradio_api/(?:call|run)/ask/?$")
MAX_BODY_BYTES = 4 * 1024 * 1024
USAGE = '正确的调用：{"question": "2024年全省粮食总产是多少？", "history": null}'

Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


def problem_v2(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return f"请求体应为 JSON 对象。{USAGE}"
    unknown = sorted(set(payload) - set(PARAMETERS))
    if unknown:
        return f"不认识的参数：{'、'.join(unknown)}；/ask 只接受 question、history 和 documents。{USAGE}"
    if "question" not in payload:
        return f"缺少参数 question：请传入要问的问题（字符串）。{USAGE}"
    return None


def problem_v1(payload: Any) -> str | None:
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        return '请求体应为 {"data": [问题, 此前的问题或 null, 限定的文件或 null]}。'
    if not 1 <= len(payload["data"]) <= 3:
        return f'"data" 应有 1 到 3 项（问题、此前的问题、限定的文件），收到 {len(payload["data"])} 项。'
    return None


class ApiRequestMiddleware:
    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        check = problem_v2 if _V2.search(path) else problem_v1 if _V1.search(path) else None
        if check is None or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > MAX_BODY_BYTES:
                await _reject(send, 413, "请求体过大。")
                return
        body = b"".join(chunks)
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            await _reject(send, 422, f"请求体不是有效的 JSON（{error}）。{USAGE}")
            return
        problem = check(payload)
        if problem:
            await _reject(send, 422, problem)
            return
        delivered = False

        async def replay() -> dict:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _reject(send: Send, status: int, message: str) -> None:
    data = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(data)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": data})
