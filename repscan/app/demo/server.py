"""A local website on 127.0.0.1 that serves generated pages and, on request, misbehaves like real sites."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: str | bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (timeouts, slow sites)
    content_type: str = "text/html; charset=utf-8"

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


Route = Callable[[str, dict[str, list[str]]], "Reply | None"]
ROBOTS = "User-agent: *\nAllow: /\n"


class LocalSite:
    """`with LocalSite(route) as site:` serves route(path, query) at site.url; faults queue per path."""

    def __init__(self, route: Route, host: str = "127.0.0.1", port: int = 0):
        self.route = route
        self.hits: list[str] = []
        self.hit_times: list[float] = []  # time.monotonic() of each hit, for pacing checks
        self.agents: set[str] = set()
        self.posts: list[tuple[str, bytes]] = []  # (path, body) of every POST, e.g. webhooks
        self._faults: dict[str, deque[Reply]] = defaultdict(deque)
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed-ACK wait

            def do_GET(self):  # noqa: N802 (http.server's naming)
                site._serve(self)

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                with site._lock:
                    site.posts.append((self.path, self.rfile.read(length)))
                site._serve(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def fail(self, path: str, *replies: Reply) -> None:
        """The next requests for `path` (with its query, as requested) get these replies, in order."""
        with self._lock:
            self._faults[path].extend(replies)

    def count(self, prefix: str = "/") -> int:
        return sum(1 for hit in self.hits if hit.startswith(prefix))

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        with self._lock:
            self.hits.append(path)
            self.hit_times.append(time.monotonic())
            self.agents.add(handler.headers.get("User-Agent", ""))
            queued = self._faults.get(path)
            reply = queued.popleft() if queued else None
        if reply is None:
            parts = urlsplit(path)
            if parts.path == "/robots.txt":
                reply = Reply(body=ROBOTS, content_type="text/plain")
            else:
                reply = self.route(parts.path, parse_qs(parts.query)) or Reply(404, "<h1>Not found</h1>")
        if reply.delay:
            time.sleep(reply.delay)
        body = reply.payload()
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler gave up (timeout) before we answered

    def __enter__(self) -> "LocalSite":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
