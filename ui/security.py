"""HTTP hardening around the Gradio app: security headers, no uploads, and a brake on password guessing.

One ASGI middleware (plain ASGI, so streaming responses pass through untouched):

* every response carries ``X-Frame-Options``, ``X-Content-Type-Options``, ``Referrer-Policy`` and a
  Content-Security-Policy fitting this app (Gradio's own scripts and styles, this origin only: no
  external images, frames or connections);
* the upload route is closed: no part of the chat takes files;
* after ``LOGIN_FAILURES`` failed logins from one address within ``LOGIN_WINDOW_S``, that address
  gets 429 on the login route until the window has passed.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from typing import Any, Awaitable, Callable

#: Gradio's page runs inline scripts and compiles component scripts (js_on_load) at run time.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-src 'none'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)
SECURITY_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
]
LOGIN_FAILURES = 10
LOGIN_WINDOW_S = 60.0
UPLOAD_CLOSED = "本服务不接受上传文件。"
TOO_MANY_LOGINS = "登录失败次数过多，请 {seconds} 秒后再试。"

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


class LoginThrottle:
    """Failed logins per client address within a sliding window."""

    def __init__(self, limit: int = LOGIN_FAILURES, window_s: float = LOGIN_WINDOW_S, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._failures[client]
        while times and now - times[0] > self.window_s:
            times.popleft()
        return times

    def retry_after(self, client: str) -> int:
        """Seconds until this client may try again; 0 when it may now."""
        with self._lock:
            now = self._clock()
            times = self._recent(client, now)
            if len(times) < self.limit:
                if not times:
                    self._failures.pop(client, None)
                return 0
            return max(1, int(self.window_s - (now - times[0]) + 0.999))

    def failed(self, client: str) -> None:
        with self._lock:
            now = self._clock()
            self._recent(client, now).append(now)


class SecurityMiddleware:
    def __init__(self, app: Callable, throttle: LoginThrottle | None = None) -> None:
        self.app = app
        self.throttle = throttle or LoginThrottle()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        method = scope.get("method", "GET")
        if method == "POST" and path.rstrip("/").endswith("/upload"):
            await _drain(receive)  # so that the client reads the answer instead of a broken pipe
            await _json_response(send, 403, {"error": UPLOAD_CLOSED})
            return
        login = method == "POST" and path.rstrip("/").endswith("/login")
        client = (scope.get("client") or ("?", 0))[0]
        if login:
            wait = self.throttle.retry_after(client)
            if wait:
                await _json_response(send, 429, {"detail": TOO_MANY_LOGINS.format(seconds=wait)}, [(b"retry-after", str(wait).encode())])
                return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                if login and message.get("status", 200) >= 400:
                    self.throttle.failed(client)
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in {h for h, _ in SECURITY_HEADERS}]
                message = {**message, "headers": headers + SECURITY_HEADERS}
            await send(message)

        await self.app(scope, receive, send_with_headers)


DRAIN_LIMIT_BYTES = 32 * 1024 * 1024


async def _drain(receive: Receive) -> None:
    """Read and drop a request body (up to DRAIN_LIMIT_BYTES)."""
    size = 0
    while size <= DRAIN_LIMIT_BYTES:
        message = await receive()
        if message["type"] != "http.request":
            return
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def _json_response(send: Send, status: int, body: dict, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra or []) + SECURITY_HEADERS})
    await send({"type": "http.response.body", "body": data})
