"""Programmable multi-host web sites on 127.0.0.1 for the crawler and Common Crawl tests.

Why it exists: the crawler must be tested against servers that misbehave the way the web does
(slow, oversize, bombs, loops, wrong charsets, rate limits). Each :class:`Host` is a real HTTP
server on its own port of 127.0.0.1 (one port = one host for politeness) answering from a table
of routes, and logging every request with its arrival time so tests can check spacing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """A canned answer: status, headers, body and an optional delay before the body."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0
    send_length: bool = True  # False: no Content-Length, the body ends when the connection closes


Route = Reply | Callable[["Host", BaseHTTPRequestHandler], Reply]


def html(body: str, *, charset: str = "utf-8", encoding: str | None = None, title: str = "page") -> Reply:
    """An HTML page (body text inside <body>) served as text/html with ``charset``."""
    page = f"<!doctype html><html><head><title>{title}</title></head><body>{body}</body></html>"
    return Reply(page.encode(encoding or charset), headers={"Content-Type": f"text/html; charset={charset}"})


class Host:
    """One HTTP server on 127.0.0.1:<free port> serving ``routes`` (path -> Reply or callable)."""

    def __init__(self, routes: dict[str, Route] | None = None):
        self.routes: dict[str, Route] = dict(routes or {})
        self.log: list[tuple[float, str, str]] = []  # (arrival monotonic time, path, user agent)
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0  # most requests this host was serving at once
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                self._answer()

            def do_HEAD(self) -> None:  # noqa: N802 - http.server API
                self._answer()

            def _answer(self) -> None:
                with host.lock:
                    host.log.append((time.monotonic(), self.path, self.headers.get("User-Agent", "")))
                    host.in_flight += 1
                    host.max_in_flight = max(host.max_in_flight, host.in_flight)
                try:
                    self._reply()
                finally:
                    with host.lock:
                        host.in_flight -= 1

            def _reply(self) -> None:
                send_body = self.command != "HEAD"
                route = host.routes.get(self.path)
                reply = route(host, self) if callable(route) else route
                if reply is None:
                    reply = Reply(b"not found", 404, {"Content-Type": "text/plain"})
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if reply.send_length:
                        self.send_header("Content-Length", str(len(reply.body)))
                    else:
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    self.end_headers()
                    if send_body:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args) -> None:  # noqa: A002 - base-class signature
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def serve_file(self, path: str, data: bytes, content_type: str = "application/octet-stream", fail_first: int = 0) -> None:
        """Serve ``data`` at ``path`` with HEAD and byte-range support, answering ``503 Slow Down``
        (with Retry-After) to the first ``fail_first`` requests."""
        calls = {"n": 0}

        def route(_host: "Host", handler: BaseHTTPRequestHandler) -> Reply:
            calls["n"] += 1
            if calls["n"] <= fail_first:
                return Reply(b"<Error><Code>SlowDown</Code></Error>", 503, {"Content-Type": "application/xml", "Retry-After": "0"})
            headers = {"Content-Type": content_type, "Accept-Ranges": "bytes"}
            wanted = handler.headers.get("Range")
            if not wanted:
                return Reply(data, 200, headers)
            first, _, last = wanted.removeprefix("bytes=").partition("-")
            start, end = int(first), min(int(last) if last else len(data) - 1, len(data) - 1)
            if start >= len(data):
                return Reply(b"", 416, {"Content-Range": f"bytes */{len(data)}"})
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
            return Reply(data[start : end + 1], 206, headers)

        self.routes[path] = route

    def hits(self, path: str) -> int:
        return sum(1 for _, p, _ in self.log if p == path)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
