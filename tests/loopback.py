"""A scripted HTTP server on 127.0.0.1 for tests that must talk real HTTP without the network.

Usage::

    from tests.loopback import ScriptedServer

    with ScriptedServer() as server:
        server.add("POST", "/v2/video/generations", 200, {"id": "abc", "status": "queued"})
        server.add("GET", "/v2/video/generations", 429, {"message": "Too Many Requests"}, {"Retry-After": "2"})
        ...  # point the code under test at server.url
        assert server.requests[0].json == {...}

Replies are queued per (method, path) and used in order; ``times=`` repeats one reply. A request with no reply left
gets a 404 JSON body naming the route (404 is not retried by the client, so a missing script fails fast) and is
listed in ``server.unscripted``. ``delay=`` makes the server wait before answering (for client timeouts) and
``drop=True`` closes the connection without any answer (for "connection reset").
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["RecordedRequest", "Reply", "ScriptedServer", "unused_port"]


@dataclass(frozen=True)
class Reply:
    """One scripted answer: status, body (JSON-able object, str or bytes), extra headers, and behaviour knobs."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str
    query: dict[str, str]  # first value of each parameter, already URL-decoded
    raw_query: str
    headers: dict[str, str]  # keys lower-cased, so lookups do not depend on the client's spelling
    body: bytes
    json: Any  # the parsed body, or None when it is empty or not JSON

    def header(self, name: str) -> str | None:
        """A header's value, looked up case-insensitively."""
        return self.headers.get(name.lower())


def unused_port() -> int:
    """A local port nothing listens on right now: connecting to it is refused (used for 'connection refused')."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    # HTTP/1.0: one request per connection, so every attempt the client makes is a separate, countable request.
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            parsed: Any = json.loads(body) if body else None
        except ValueError:
            parsed = None
        split = urlsplit(self.path)
        request = RecordedRequest(
            method=self.command,
            path=split.path,
            query={k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()},
            raw_query=split.query,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            json=parsed,
        )
        reply = self.server.owner._record(request)

        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            self.close_connection = True
            return
        if isinstance(reply.body, bytes):
            payload, content_type = reply.body, "application/octet-stream"
        elif isinstance(reply.body, str):
            payload, content_type = reply.body.encode(), "text/plain; charset=utf-8"
        elif reply.body is None:
            payload, content_type = b"", None
        else:
            payload, content_type = json.dumps(reply.body).encode(), "application/json"
        try:
            self.send_response(reply.status)
            headers = {k.lower(): (k, v) for k, v in reply.headers.items()}
            if content_type and "content-type" not in headers:
                self.send_header("Content-Type", content_type)
            for name, value in headers.values():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its timeout fired during ``delay``): expected in timeout tests

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a handler still sleeping in ``delay`` must not hold up shutdown
    block_on_close = False

    def __init__(self, address: tuple[str, int], owner: ScriptedServer) -> None:
        self.owner = owner
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # dropped or timed-out connections are part of the script, not test failures


class ScriptedServer:
    """A ThreadingHTTPServer on 127.0.0.1 that answers from a script and records every request."""

    def __init__(self, port: int = 0) -> None:
        self._lock = threading.Lock()
        self._replies: dict[tuple[str, str], deque[Reply]] = defaultdict(deque)
        self.requests: list[RecordedRequest] = []
        self.unscripted: list[RecordedRequest] = []
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------------------------------------

    def start(self) -> ScriptedServer:
        """Start listening (``with ScriptedServer() as server`` does this for you)."""
        if self._server is None:
            self._server = _Server(("127.0.0.1", self._port), self)
            # A short poll interval keeps stop() fast: shutdown() waits for the serve loop's next tick (default 0.5 s).
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, name="ScriptedServer", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = None
            self._thread = None

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321`` (no trailing slash)."""
        if self._server is None:
            raise RuntimeError("ScriptedServer is not running; use it as a context manager or call start()")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- scripting ---------------------------------------------------------------------------------------------------

    def add(
        self,
        method: str,
        path: str,
        status: int = 200,
        body: Any = None,
        headers: dict[str, str] | None = None,
        *,
        delay: float = 0.0,
        drop: bool = False,
        times: int = 1,
    ) -> ScriptedServer:
        """Queue a reply for ``method path`` (path without query string); returns self so calls can chain."""
        reply = Reply(status=status, body=body, headers=dict(headers or {}), delay=delay, drop=drop)
        with self._lock:
            self._replies[(method.upper(), path)].extend([reply] * times)
        return self

    def pending(self, method: str | None = None, path: str | None = None) -> int:
        """How many scripted replies are still unused (optionally for one route)."""
        with self._lock:
            return sum(
                len(queue)
                for (m, p), queue in self._replies.items()
                if (method is None or m == method.upper()) and (path is None or p == path)
            )

    def requests_to(self, method: str, path: str | None = None) -> list[RecordedRequest]:
        """The recorded requests with this method (and path, if given)."""
        with self._lock:
            return [r for r in self.requests if r.method == method.upper() and (path is None or r.path == path)]

    def _record(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
            queue = self._replies.get((request.method, request.path))
            if queue:
                return queue.popleft()
            self.unscripted.append(request)
        message = f"ScriptedServer: no scripted reply for {request.method} {request.path}"
        return Reply(status=404, body={"message": message, "statusCode": 404})
