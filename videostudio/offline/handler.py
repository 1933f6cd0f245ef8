"""The offline backend's HTTP face: routes each request to the backend and answers in the API's shapes.

Error answers carry the API's body ``{message, path, requestId, statusCode, timestamp}``; video files are served
with byte ranges (browsers seek) and refused like an object store's signed links when the link is bad or old.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import sys
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from videostudio.api.contract import BILLING_PATH
from videostudio.catalogue import Catalogue
from videostudio.offline import catalogue_api
from videostudio.offline.assist import MEDIA_TYPES
from videostudio.offline.assist.serve import AssistDesk
from videostudio.offline.faults import FAULTS_HEADER, FaultConfig
from videostudio.offline.vendor import RequestError

MAX_BODY_BYTES = 64 * 1024 * 1024
LOGS_PATH = "/v2/logs"


class ServedJobs(Protocol):
    """Where the backend keeps its rendered videos."""

    videos_dir: Path


class ServedBackend(Protocol):
    """What the request handler asks of the backend it serves (videostudio.offline.server.ServedBackend).

    A protocol, so the handler depends on what it uses and the server module on the handler, not both ways.
    """

    assist: AssistDesk
    catalogue: Catalogue
    faults: FaultConfig
    generation_paths: frozenset[str]
    jobs: ServedJobs

    @property
    def url(self) -> str: ...

    @property
    def stats(self) -> dict[str, int]: ...

    def count(self, name: str) -> None: ...

    def track_connection(self, conn: socket.socket, *, opened: bool) -> None: ...

    def submit(self, route: str, headers: dict[str, str], body: bytes, faults: FaultConfig) -> dict[str, Any]: ...

    def cost_headers(self, job_id: str | None, status: str | None = None) -> list[tuple[str, str]]: ...

    def usage_logs(self, headers: dict[str, str], query: dict[str, list[str]]) -> dict[str, Any]: ...

    def poll(self, headers: dict[str, str], generation_id: str | None, faults: FaultConfig) -> dict[str, Any]: ...

    def balance(self, headers: dict[str, str]) -> dict[str, Any]: ...

    def check_signature(self, key: str, query: dict[str, list[str]]) -> str | None: ...


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], backend: ServedBackend):
        self.backend = backend
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet about clients that hang up (browsers do, mid-video, when seeking); one line for anything else."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return
        print(f"offline backend: {type(error).__name__}: {error}", file=sys.stderr)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: every response carries Content-Length
    server_version = "VideoStudioOffline/1"
    disable_nagle_algorithm = True  # headers and body go out as two writes; Nagle would hold the second
    timeout = 120  # an idle keep-alive connection frees its thread after this long
    response_started = False
    server: Server

    def setup(self) -> None:
        super().setup()
        self.backend.track_connection(self.connection, opened=True)

    def finish(self) -> None:
        self.backend.track_connection(self.connection, opened=False)
        super().finish()

    @property
    def backend(self) -> ServedBackend:
        return self.server.backend

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silent: request lines would carry ids, and the bodies and keys must never reach a log."""

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        self.response_started = False
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        query = parse_qs(parts.query)
        try:
            body = self._read_body()
            faults = self.backend.faults.merged(FaultConfig.parse(self.headers.get(FAULTS_HEADER, "")))
        except RequestError as exc:
            self._send_error(exc, path)
            return
        except ValueError as exc:
            self._send_error(RequestError(400, f"Invalid {FAULTS_HEADER} header: {exc}"), path)
            return
        if faults.slow_ms:
            time.sleep(faults.slow_ms / 1000)
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            reading = self.command in ("GET", "HEAD")
            if path in self.backend.generation_paths and self.command == "POST":
                answer = self.backend.submit(path, headers, body, faults)
                job_id = answer.get("id") or answer.get("generation_id")
                if faults.drop_answer:  # the job exists and is billed; its answer never arrives
                    self._hang_up()
                    return
                if faults.delay_answer_ms:  # long enough to kill the studio before it hears back
                    time.sleep(faults.delay_answer_ms / 1000)
                self._send_json(200, answer, job_id=job_id, extra=self.backend.cost_headers(job_id))
            elif path == LOGS_PATH and reading:
                self._send_json(200, self.backend.usage_logs(headers, query))
            elif reading and (path in catalogue_api.LIST_PATHS or path.startswith(catalogue_api.MODEL_PREFIX)):
                self._send_catalogue(path, query)
            elif reading and path == catalogue_api.DOCS_PATH:
                self._send_docs(query)
            elif path in self.backend.generation_paths and reading:
                generation_id = (query.get("generation_id") or [""])[0]
                answer = self.backend.poll(headers, generation_id, faults)
                cost = self.backend.cost_headers(answer["id"], answer["status"])
                self._send_json(200, answer, job_id=answer["id"], extra=cost)
            elif path == BILLING_PATH and reading:
                self._send_json(200, self.backend.balance(headers))
            elif path.startswith("/files/") and self.command in ("GET", "HEAD"):
                self._send_file(path, query)
            elif self.backend.assist.answers(self.command, path):
                self._send_assist(path, headers, query, body, faults)
            elif path == "/healthz" and self.command in ("GET", "HEAD"):
                self._send_json(200, {"status": "ok"})
            elif path == "/_offline/stats" and self.command in ("GET", "HEAD"):
                self._send_json(200, self.backend.stats)
            else:
                raise RequestError(404, f"Cannot {self.command} {path}")
        except RequestError as exc:
            self._send_error(exc, path)
        except (ConnectionError, TimeoutError):
            raise  # the client hung up: nobody to answer
        except Exception:  # a bug here must still answer like the API, not drop the connection
            self.close_connection = True
            if self.response_started:
                raise  # half a response is out; closing the connection is the only honest ending
            self._send_error(RequestError(500, "Internal server error"), path)

    def _send_assist(
        self, path: str, headers: dict[str, str], query: dict[str, list[str]], body: bytes, faults: FaultConfig
    ) -> None:
        answer, cost = self.backend.assist.answer(self.command, path, headers, query, body, faults)
        if self.command == "POST":
            if faults.drop_answer:  # made and billed; its answer never arrives
                self._hang_up()
                return
            if faults.delay_answer_ms:
                time.sleep(faults.delay_answer_ms / 1000)
        self._send_json(200, answer.body, job_id=answer.inference_id, extra=cost)

    def _send_catalogue(self, path: str, query: dict[str, list[str]]) -> None:
        catalogue, base = self.backend.catalogue, self.backend.url
        if_none_match = self.headers.get("If-None-Match")
        if path in catalogue_api.LIST_PATHS:
            answer = catalogue_api.list_models(catalogue, base, query, if_none_match)
        else:
            model_id = unquote(path.removeprefix(catalogue_api.MODEL_PREFIX))
            try:
                answer = catalogue_api.one_model(catalogue, base, model_id, query, if_none_match)
            except catalogue_api.NotFound:
                raise RequestError(404, f"Model {model_id!r} was not found.") from None
        # No key needed, as on the real API; a client revalidates with If-None-Match.
        headers = [("ETag", answer.etag), ("Cache-Control", "no-cache")]
        self._send(answer.status, answer.encoded(), "application/json; charset=utf-8", headers)

    def _send_docs(self, query: dict[str, list[str]]) -> None:
        model_id = (query.get("model") or [""])[0]
        if not model_id:
            raise RequestError(400, "Query validation error! model: Required")
        try:
            document = catalogue_api.docs_json(self.backend.catalogue, model_id)
        except catalogue_api.NotFound:
            raise RequestError(404, f"Model {model_id!r} was not found.") from None
        self._send_json(200, document)

    def _read_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            raise RequestError(400, "Invalid Content-Length header.") from None
        if length > MAX_BODY_BYTES:
            self.close_connection = True  # the unread body would corrupt the next request
            raise RequestError(413)
        return self.rfile.read(length) if length > 0 else b""

    def _send_json(
        self, status: int, answer: Any, *, job_id: str | None = None, extra: Iterable[tuple[str, str]] = ()
    ) -> None:
        headers = [("x-inference-id", job_id)] if job_id else []
        self._send(status, json.dumps(answer).encode(), "application/json; charset=utf-8", [*headers, *extra])

    def _hang_up(self) -> None:
        """Close the connection without a byte of answer, as a cut connection or a crashed proxy would."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send_error(self, exc: RequestError, path: str) -> None:
        body = {
            "message": exc.message,
            "path": path,
            "requestId": str(uuid.uuid4()),
            "statusCode": exc.status,
            "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        self._send(exc.status, json.dumps(body).encode(), "application/json; charset=utf-8", exc.headers)

    def _send(self, status: int, body: bytes, content_type: str, headers: Iterable[tuple[str, str]] = ()) -> None:
        self.response_started = True
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        client_request_id = self.headers.get("X-Client-Request-Id")
        if client_request_id and re.fullmatch(r"[A-Za-z0-9._:-]{1,128}", client_request_id):
            self.send_header("x-client-request-id", client_request_id)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_file(self, path: str, query: dict[str, list[str]]) -> None:
        match = re.fullmatch(r"/files/([A-Za-z0-9_-]+)\.([a-z0-9]+)", path)
        if not match or match.group(2) not in MEDIA_TYPES:
            raise RequestError(404, f"Cannot {self.command} {path}")
        key, ending = match.groups()
        refusal = self.backend.check_signature(key, query)
        if refusal:
            self._send_cdn_denial(refusal)
            return
        file = self.backend.jobs.videos_dir / f"{key}.{ending}"
        try:
            handle = file.open("rb")
        except OSError:
            raise RequestError(404, "The video file is not there.") from None
        self.backend.count("files")
        with handle:
            size = os.fstat(handle.fileno()).st_size
            span = _byte_range(self.headers.get("Range"), size)
            if span == "unsatisfiable":
                self._send(416, b"", "text/plain", [("Content-Range", f"bytes */{size}")])
                return
            start, end = span or (0, size - 1)
            self.response_started = True
            self.send_response(206 if span else 200)
            self.send_header("Content-Type", MEDIA_TYPES[ending])
            self.send_header("Content-Length", str(end - start + 1))
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Cache-Control", "private, max-age=3600")
            if span:
                self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
            self.end_headers()
            if self.command == "HEAD":
                return
            handle.seek(start)
            remaining = end - start + 1
            while remaining > 0:
                chunk = handle.read(min(256 * 1024, remaining))
                if not chunk:
                    break
                self.wfile.write(chunk)
                remaining -= len(chunk)

    def _send_cdn_denial(self, reason: str) -> None:
        # Shaped like an object store's refusal, as the API's signed CDN links answer.
        code = "AccessDenied" if reason == "Request has expired" else reason
        message = reason if reason == "Request has expired" else "Access denied: the link is not valid."
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>\n'
        ).encode()
        self._send(403, body, "application/xml")


def _byte_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """The one byte span a Range header asks for; None for the whole file; "unsatisfiable" when outside it."""
    if not header:
        return None
    match = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
    if not match or not any(match.groups()):
        return None  # several ranges or a unit we do not know: the whole file is a valid answer
    first, last = match.groups()
    if not first:  # "bytes=-500": the last 500 bytes
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, end
