"""The offline backend: a local HTTP server that speaks the AI/ML API's video contract and serves real MP4s.

It lets the studio run with no API key and no network, and every test runs against it. It follows the
fact sheet (/work/shared/reference/api_contract.md): the universal and legacy submit/poll routes, the
status words, the id forms, the error body ``{message, path, requestId, statusCode, timestamp}``, and
signed, expiring video URLs. Jobs are kept in ``state_dir`` so they survive a restart.

What gets rendered is read from the payload generically, through the catalogue's hints (which fields
hold images or audio, the default length and size), never through branches on model ids.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import heapq
import hmac
import itertools
import json
import os
import re
import secrets
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from videostudio.catalogue import Catalogue, Model, load_catalogue
from videostudio.files import write_atomic
from videostudio.offline import catalogue_api
from videostudio.offline.faults import FAULTS_HEADER, FaultConfig
from videostudio.offline.vendor import (
    LEGACY_PATHS,
    LEGACY_STATUS,
    MESSAGES,
    UNIVERSAL_PATH,
    credits_for,
    generation_paths,
    modern_field_names,
    new_job_id,
    short_side_of,
    vendor_routes,
)

# The route names are re-exported: the tests and the studio import them from here.
__all__ = ["LEGACY_PATHS", "MESSAGES", "UNIVERSAL_PATH", "OfflineBackend", "RequestError", "main"]

MAX_BODY_BYTES = 64 * 1024 * 1024
QUEUED_SECONDS = 1.0  # × speed


class RequestError(Exception):
    """A request the API would refuse: an HTTP status and the message for the error body."""

    def __init__(self, status: int, message: str | None = None, headers: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(message or MESSAGES.get(status, "Error"))
        self.status = status
        self.message = message or MESSAGES.get(status, "Error")
        self.headers = list(headers)


@dataclass
class Job:
    """One generation: what was asked for, when, and how far it has got."""

    id: str
    model_id: str
    payload: dict[str, Any]
    created: float  # wall-clock, so the status clock keeps running across restarts
    faults: FaultConfig
    duration: float
    credits: int
    route: str
    key: str = ""  # file-safe form of the id, for the job file, the MP4 and its URL
    polls: int = 0
    rendered: bool = False
    render_error: str | None = None
    render_pending: bool = False

    def __post_init__(self) -> None:
        self.key = self.key or job_key(self.id)

    def record(self) -> dict[str, Any]:
        """What goes in the job file."""
        return {
            "id": self.id,
            "model": self.model_id,
            "payload": self.payload,
            "created": self.created,
            "faults": self.faults.to_text(),
            "duration": self.duration,
            "credits": self.credits,
            "route": self.route,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Job:
        return cls(
            id=record["id"],
            model_id=record["model"],
            payload=record["payload"],
            created=float(record["created"]),
            faults=FaultConfig.parse(record.get("faults", "")),
            duration=float(record["duration"]),
            credits=int(record["credits"]),
            route=record.get("route", UNIVERSAL_PATH),
        )


@dataclass
class _Stats:
    submits: int = 0
    polls: int = 0
    renders: int = 0
    files: int = 0
    connections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


class OfflineBackend:
    """The offline stand-in for the AI/ML API: start() it, point the client at ``url``, stop() it."""

    def __init__(
        self,
        state_dir: Path | str,
        *,
        catalogue: Catalogue | None = None,
        required_key: str | None = None,
        speed: float = 1.0,
        faults: FaultConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        url_ttl: float = 86400,
        workers: int = 2,
    ) -> None:
        self.state_dir = Path(state_dir)
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        self.required_key = required_key
        self.speed = max(0.0, float(speed))
        self.faults = faults or FaultConfig()
        self.host = host
        self.port = port
        self.url_ttl = float(url_ttl)
        self._workers = max(1, workers)
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._stats = _Stats()
        # Renders waiting to start, as a heap of (start time, tie-breaker, job): a job starts rendering
        # when it leaves the queue, like a real one, so a job polled only while queued costs nothing.
        self._renders: list[tuple[float, int, Job]] = []
        self._renders_ready = threading.Condition()
        self._sequence = itertools.count()
        self._server: _Server | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self.jobs_dir = self.state_dir / "jobs"
        self.videos_dir = self.state_dir / "videos"
        self.jobs_dir.mkdir(parents=True, exist_ok=True)
        self.videos_dir.mkdir(parents=True, exist_ok=True)
        self._secret = _load_secret(self.state_dir / "url-secret")
        self.generation_paths = generation_paths(self.catalogue)

    # ----------------------------------------------------------------------------------------- lifecycle

    def start(self) -> str:
        """Serve in a daemon thread; returns the base URL, e.g. ``http://127.0.0.1:8790``."""
        if self._server is not None:
            return self.url
        self._stopping.clear()
        self._server = _Server((self.host, self.port), _Handler, self)
        self.port = self._server.server_address[1]
        serve = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        serve.name = f"offline-http-{self.port}"
        serve.start()
        self._threads = [serve]
        for n in range(self._workers):
            worker = threading.Thread(target=self._render_loop, name=f"offline-render-{self.port}-{n}", daemon=True)
            worker.start()
            self._threads.append(worker)
        return self.url

    def stop(self) -> None:
        """Stop serving and drop open keep-alive connections; a render under way finishes on its own."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        with self._lock:
            connections = list(self._connections)
            self._connections.clear()
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        with self._renders_ready:
            dropped = [job for _, _, job in self._renders]
            self._renders.clear()
            self._renders_ready.notify_all()
        for job in dropped:  # so a later start() or poll schedules them again
            job.render_pending = False

    def __enter__(self) -> OfflineBackend:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL clients and video links use."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        return f"http://{host}:{self.port}"

    @property
    def stats(self) -> dict[str, int]:
        """Counters for tests and benchmarks: submit and poll requests, jobs, renders, file hits, TCP connections."""
        with self._stats.lock:
            counts = {
                "submits": self._stats.submits,
                "polls": self._stats.polls,
                "renders": self._stats.renders,
                "files": self._stats.files,
                "connections": self._stats.connections,
            }
        with self._lock:
            counts["jobs"] = len(self._jobs)
        return counts

    def _count(self, name: str) -> None:
        with self._stats.lock:
            setattr(self._stats, name, getattr(self._stats, name) + 1)

    # ----------------------------------------------------------------------------------------- submit

    def submit(self, route: str, headers: dict[str, str], body: bytes, faults: FaultConfig) -> dict[str, Any]:
        """Accept a generation request, or raise RequestError as the API would refuse it."""
        self._count("submits")
        self._check_key(headers)
        if faults.submit_error is not None:
            raise RequestError(faults.submit_error)
        payload = _json_object(body)
        model = self._model_for(route, payload)
        if route != UNIVERSAL_PATH:
            payload = modern_field_names(model, payload)
        problems = validate(model, payload)
        if problems:
            raise RequestError(400, _problems_message(problems))
        try:
            plan = plan_render(model, payload)
        except ValueError as exc:  # an undecodable data URI
            raise RequestError(400, f"Body validation error! {exc}") from None
        job = Job(
            id=new_job_id(model),
            model_id=model.id,
            payload=payload,
            created=time.time(),
            faults=faults,
            duration=plan.duration,
            credits=credits_for(model, payload, plan.duration),
            route=route,
        )
        write_atomic(self.jobs_dir / f"{job.key}.json", json.dumps(job.record()).encode())
        with self._lock:
            self._jobs[job.id] = job
        if not faults.fail:  # a job that will fail never needs its video
            self._enqueue(job, at=job.created + QUEUED_SECONDS * self.speed)
        if faults.legacy:
            return {"generation_id": job.id, "status": "queued"}
        return {"id": job.id, "status": "queued", "meta": {"usage": {"credits_used": job.credits}}}

    def _check_key(self, headers: dict[str, str]) -> None:
        scheme, _, key = headers.get("authorization", "").strip().partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise RequestError(401)
        if self.required_key is not None and not hmac.compare_digest(key.encode(), self.required_key.encode()):
            raise RequestError(401)

    def _model_for(self, route: str, payload: dict[str, Any]) -> Model:
        accepted = [m.id for m in self.catalogue if route == UNIVERSAL_PATH or route in vendor_routes(m)]
        model_id = payload.get("model")
        if model_id not in accepted:
            expected = " | ".join(f"'{m}'" for m in accepted)
            received = f"'{model_id}'" if isinstance(model_id, str) else json.dumps(model_id)
            message = f"Invalid enum value. Expected {expected}, received {received}"
            raise RequestError(400, f"Body validation error! model: {message}")
        return self.catalogue.get(model_id)

    # ----------------------------------------------------------------------------------------- poll

    def poll(self, headers: dict[str, str], generation_id: str | None, faults: FaultConfig) -> dict[str, Any]:
        """The job's state, by elapsed time and render progress, or raise RequestError."""
        self._count("polls")
        self._check_key(headers)
        if not generation_id:
            raise RequestError(400, "Query validation error! generation_id: Required")
        job = self._job(generation_id)
        if job is None:
            raise RequestError(404, f"Generation {generation_id!r} was not found.")
        faults = job.faults.merged(faults)
        with self._lock:
            job.polls += 1
            n = job.polls
        if n <= faults.rate_limit_polls:
            raise RequestError(429, headers=[("Retry-After", "1")])
        if n <= faults.rate_limit_polls + faults.server_error_polls:
            raise RequestError(503)
        status = self._status(job, faults)
        shown = LEGACY_STATUS.get(status, status) if faults.legacy else status
        answer: dict[str, Any] = {"id": job.id, "status": shown}
        if status == "completed":
            url = self.video_url(job, expired=faults.expired_urls)
            answer["video"] = [{"url": url}] if faults.video_list else {"url": url}
            answer["meta"] = {"usage": {"credits_used": job.credits}}
        elif status == "error":
            message = job.render_error or "The generation failed (offline fault 'fail')."
            answer["error"] = {"name": "GenerationError", "message": message}
        return answer

    def _status(self, job: Job, faults: FaultConfig) -> str:
        model = self.catalogue.get(job.model_id) if job.model_id in self.catalogue else None
        elapsed = time.time() - job.created
        if elapsed < QUEUED_SECONDS * self.speed:
            return "queued"
        if elapsed < demo_seconds(model) * self.speed:
            return "generating"
        if faults.fail or job.render_error:
            return "error"
        if not job.rendered:
            self._enqueue(job)  # after a restart, or when the job was submitted under "fail"
            return "generating"
        return "completed"

    def _job(self, job_id: str) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is not None:
            return job
        # Not in memory: a job from before a restart. Read its file once, then keep it.
        path = self.jobs_dir / f"{job_key(job_id)}.json"
        try:
            job = Job.from_record(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError):
            return None
        if job.id != job_id:
            return None
        job.rendered = self.video_path(job).exists()
        with self._lock:
            return self._jobs.setdefault(job_id, job)

    # ----------------------------------------------------------------------------------------- render

    def _enqueue(self, job: Job, at: float = 0.0) -> None:
        with self._lock:
            if job.rendered or job.render_pending:
                return
            job.render_pending = True
        with self._renders_ready:
            heapq.heappush(self._renders, (at, next(self._sequence), job))
            self._renders_ready.notify()

    def _next_render(self) -> Job | None:
        """The next job due to render, waiting for it; None once the backend stops."""
        with self._renders_ready:
            while not self._stopping.is_set():
                wait = self._renders[0][0] - time.time() if self._renders else None
                if wait is not None and wait <= 0:
                    return heapq.heappop(self._renders)[2]
                self._renders_ready.wait(wait)
        return None

    def _render_loop(self) -> None:
        while (job := self._next_render()) is not None:
            try:
                self._render(job)
            finally:
                with self._lock:
                    job.render_pending = False

    def _render(self, job: Job) -> None:
        from videostudio.offline.render import render_video  # imported late: PyAV is slow to load

        dest = self.video_path(job)
        if dest.exists():
            job.rendered = True
            return
        try:
            # render_video writes through a private temp file, so a backend stopped mid-render that is
            # still writing this same job cannot leave a torn file behind.
            render_video(plan_render(self.catalogue.get(job.model_id), job.payload), dest)
        except Exception as exc:  # the job must end, so any render failure becomes its error
            job.render_error = f"The offline renderer failed: {exc}"
            return
        self._count("renders")
        job.rendered = True

    def video_path(self, job: Job) -> Path:
        return self.videos_dir / f"{job.key}.mp4"

    # ----------------------------------------------------------------------------------------- files

    def video_url(self, job: Job, *, expired: bool = False) -> str:
        """A signed link to the job's MP4 that expires like the API's CDN links."""
        expires = int(time.time()) + (-60 if expired else int(self.url_ttl))
        return f"{self.url}/files/{job.key}.mp4?expires={expires}&signature={self._sign(job.key, expires)}"

    def _sign(self, key: str, expires: int) -> str:
        return hmac.new(self._secret, f"{key}:{expires}".encode(), hashlib.sha256).hexdigest()

    def check_signature(self, key: str, query: dict[str, list[str]]) -> str | None:
        """None when the link is valid now, else why it is refused."""
        try:
            expires = int(query["expires"][0])
            signature = query["signature"][0]
        except (KeyError, IndexError, ValueError):
            return "AccessDenied"
        if not hmac.compare_digest(signature, self._sign(key, expires)):
            return "SignatureDoesNotMatch"
        if expires < time.time():
            return "Request has expired"
        return None


# --------------------------------------------------------------------------------------------- HTTP


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], backend: OfflineBackend):
        self.backend = backend
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet about clients that hang up (browsers do, mid-video, when seeking); one line for anything else."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return
        print(f"offline backend: {type(error).__name__}: {error}", file=sys.stderr)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: every response carries Content-Length
    server_version = "VideoStudioOffline/1"
    disable_nagle_algorithm = True  # headers and body go out as two writes; Nagle would hold the second
    timeout = 120  # an idle keep-alive connection frees its thread after this long
    response_started = False
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.backend._lock:
            self.backend._connections.add(self.connection)
        self.backend._count("connections")

    def finish(self) -> None:
        with self.backend._lock:
            self.backend._connections.discard(self.connection)
        super().finish()

    @property
    def backend(self) -> OfflineBackend:
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
                self._send_json(200, answer, job_id=answer.get("id") or answer.get("generation_id"))
            elif reading and (path in catalogue_api.LIST_PATHS or path.startswith(catalogue_api.MODEL_PREFIX)):
                self._send_catalogue(path, query)
            elif reading and path == catalogue_api.DOCS_PATH:
                self._send_docs(query)
            elif path in self.backend.generation_paths and reading:
                generation_id = (query.get("generation_id") or [""])[0]
                answer = self.backend.poll(headers, generation_id, faults)
                self._send_json(200, answer, job_id=answer["id"])
            elif path.startswith("/files/") and self.command in ("GET", "HEAD"):
                self._send_file(path, query)
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

    def _send_json(self, status: int, answer: Any, *, job_id: str | None = None) -> None:
        headers = [("x-inference-id", job_id)] if job_id else []
        self._send(status, json.dumps(answer).encode(), "application/json; charset=utf-8", headers)

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
        match = re.fullmatch(r"/files/([A-Za-z0-9_-]+)\.mp4", path)
        if not match:
            raise RequestError(404, f"Cannot {self.command} {path}")
        key = match.group(1)
        refusal = self.backend.check_signature(key, query)
        if refusal:
            self._send_cdn_denial(refusal)
            return
        file = self.backend.videos_dir / f"{key}.mp4"
        try:
            handle = file.open("rb")
        except OSError:
            raise RequestError(404, "The video file is not there.") from None
        self.backend._count("files")
        with handle:
            size = os.fstat(handle.fileno()).st_size
            span = _byte_range(self.headers.get("Range"), size)
            if span == "unsatisfiable":
                self._send(416, b"", "text/plain", [("Content-Range", f"bytes */{size}")])
                return
            start, end = span or (0, size - 1)
            self.response_started = True
            self.send_response(206 if span else 200)
            self.send_header("Content-Type", "video/mp4")
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


# --------------------------------------------------------------------------------------------- payload → video


def validate(model: Model, payload: dict[str, Any]) -> list[str]:
    """The payload's problems as ``path: message`` lines, by the same rules the studio's form uses."""
    from videostudio.payload import validate_payload

    return [f"{p.path}: {p.message}" if p.path else p.message for p in validate_payload(model, payload)]


def _problems_message(problems: list[str]) -> str:
    """One line, as the API words it: "Body validation error! a: …; b: …."."""
    return "Body validation error! " + "; ".join(p.rstrip(". ") for p in problems) + "."


def plan_render(model: Model, payload: dict[str, Any]) -> Any:
    """The RenderRequest for a payload, read through the catalogue's hints; ValueError on a bad data URI."""
    from videostudio.media import decode_data_uri, is_data_uri
    from videostudio.offline.render import RenderRequest, audio_duration, frame_size, image_aspect

    def media_fields(kind: str) -> list[str]:
        # Top-level fields only, in schema order; masks are not frames.
        return [n for n in model.properties if model.media_kind(n) == kind and "mask" not in n]

    def decoded(name: str) -> bytes | None:
        value = payload.get(name)
        if isinstance(value, str) and is_data_uri(value):
            try:
                return decode_data_uri(value)[1]
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
        return None

    image_fields = media_fields("image")
    image = decoded(image_fields[0]) if image_fields else None
    end_image = decoded(image_fields[1]) if len(image_fields) > 1 else None
    title = ""
    if image_fields and image is None and isinstance(payload.get(image_fields[0]), str):
        # A web address is never fetched: a server that fetches URLs it is handed is an open door.
        title = f"Image from {_host_of(payload[image_fields[0]])} (not fetched offline)"

    audio_fields = media_fields("audio")
    audio = decoded(audio_fields[0]) if audio_fields else None
    audio_given = bool(audio_fields) and isinstance(payload.get(audio_fields[0]), str)

    duration = _number(payload.get("duration"))
    if duration is None and audio is not None:
        duration = audio_duration(audio)  # a talking video lasts as long as its voice
    if duration is None or duration <= 0:
        duration = model.output_seconds

    short_side = short_side_of(payload.get("resolution")) or model.output_short_side
    aspect = image_aspect(image) if image is not None else _aspect(payload.get("aspect_ratio")) or image_aspect(None)
    width, height = frame_size(short_side, aspect)

    speech = payload.get("lip_sync_tts_content")
    speech = speech.strip() if isinstance(speech, str) else ""
    prompt = payload.get("prompt")
    caption = prompt.strip() if isinstance(prompt, str) and prompt.strip() else speech
    return RenderRequest(
        width=width,
        height=height,
        duration=float(duration),
        caption=caption,
        image=image,
        end_image=end_image,
        placeholder_title=title,
        audio=audio,
        # A stand-in voice for spoken text, or for audio that sits behind a web address.
        tone=audio is None and (bool(speech) or audio_given),
        motion=_motion(payload.get("camera_control")),
    )


def _host_of(value: str) -> str:
    host = urlsplit(value).hostname
    return host or "an address"


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _aspect(value: Any) -> float | None:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*[:/x]\s*(\d+(?:\.\d+)?)\s*", value) if isinstance(value, str) else None
    if not match or not float(match.group(2)):
        return None
    return float(match.group(1)) / float(match.group(2))


def _motion(camera: Any) -> str:
    """A sideways camera move pans; anything else (or nothing) zooms."""
    if isinstance(camera, dict):
        config = camera.get("config") if isinstance(camera.get("config"), dict) else {}
        sideways = any(_number(config.get(k)) for k in ("horizontal", "pan"))
        if sideways and not _number(config.get("zoom")):
            return "pan"
    return "zoom"


def demo_seconds(model: Model | None) -> float:
    """How long a job takes at speed 1: a few seconds, longer for models that are slow for real."""
    typical = model.typical_seconds if model is not None else 120
    return min(8.0, max(2.0, typical / 40))


def job_key(job_id: str) -> str:
    """A file-safe, unique form of a job id (ids hold ':' and '/')."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", job_id)[:120]
    return safe if safe == job_id else f"{safe}-{hashlib.sha256(job_id.encode()).hexdigest()[:8]}"


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body or b"null")
    except ValueError:
        raise RequestError(400, "Body validation error! The body is not valid JSON.") from None
    if not isinstance(payload, dict):
        raise RequestError(400, "Body validation error! The body must be a JSON object.")
    return payload


def _load_secret(path: Path) -> bytes:
    """The URL-signing secret: made once per state directory, so links survive restarts."""
    with contextlib.suppress(OSError, ValueError):
        return bytes.fromhex(path.read_text().strip())
    part = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # private from its first byte
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    # A link, not a replace: if another backend made the secret meanwhile, theirs stands.
    with contextlib.suppress(FileExistsError):
        os.link(part, path)
    part.unlink()
    return bytes.fromhex(path.read_text().strip())


# --------------------------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    """Run the offline backend in the foreground until Ctrl-C."""
    from videostudio.config import Settings

    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m videostudio.offline", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8790, help="port to listen on; 0 picks a free one")
    parser.add_argument("--state-dir", type=Path, default=settings.offline_dir, help="where jobs and videos live")
    parser.add_argument("--speed", type=float, default=settings.offline_speed, help="time scale; 0 = instant")
    parser.add_argument("--faults", default=settings.offline_faults, help="e.g. 'rate-limit=2,legacy'")
    parser.add_argument("--required-key", default=None, help="accept only this API key (default: any)")
    parser.add_argument("--url-ttl", type=float, default=86400, help="seconds a video link stays valid")
    args = parser.parse_args(argv)
    try:
        faults = FaultConfig.parse(args.faults)
    except ValueError as exc:
        parser.error(str(exc))
    backend = OfflineBackend(
        args.state_dir,
        required_key=args.required_key,
        speed=args.speed,
        faults=faults,
        host=args.host,
        port=args.port,
        url_ttl=args.url_ttl,
    )
    url = backend.start()
    print(f"Offline backend on {url} (state in {args.state_dir}, speed {args.speed:g}, faults: {faults})", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        backend.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
