"""The offline backend: a local HTTP server that speaks the AI/ML API's video contract and serves real MP4s.

It lets the studio run with no API key and no network, and every test runs against it. It follows the
fact sheets (/work/shared/reference/api_contract.md, catalogue_and_billing.md): the universal and vendor
submit/poll routes, the status words, the id forms, the error body, signed and expiring video URLs, and the
live catalogue (/v1/models, /model/{id}, /docs-json). Jobs are kept in ``state_dir`` so they survive a restart.

The parts: handler.py (HTTP), submits.py (a submit read into a job), jobs.py (jobs on disk and the render
queue), plan.py (request to render plan), vendor.py (routes, id styles, messages, prices), catalogue_api.py (the
catalogue endpoints), links.py (signed, expiring video links), render/ (MP4s).
"""

from __future__ import annotations

import argparse
import contextlib
import hmac
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from videostudio.catalogue import Catalogue, load_catalogue
from videostudio.offline.assist.serve import AssistDesk
from videostudio.offline.faults import FaultConfig
from videostudio.offline.handler import Handler, Server
from videostudio.offline.jobs import Job, JobBook, RenderQueue
from videostudio.offline.links import SignedLinks
from videostudio.offline.logs import UsageLogs, cost_headers, model_named
from videostudio.offline.plan import demo_seconds, plan_render
from videostudio.offline.submits import job_from_submit
from videostudio.offline.vendor import (
    CREDITS_PER_USD,
    CURRENCY,
    LEGACY_PATHS,
    LEGACY_STATUS,
    MESSAGES,
    UNIVERSAL_PATH,
    RequestError,
    generation_paths,
)

# The route names are re-exported: the tests and the studio import them from here.
__all__ = ["LEGACY_PATHS", "MESSAGES", "UNIVERSAL_PATH", "OfflineBackend", "RequestError", "main"]

QUEUED_SECONDS = 1.0  # × speed
STARTING_BALANCE_USD = 100.0  # the demo account's balance before any job


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
        self._workers = max(1, workers)
        self._stats = _Stats()
        self.jobs = JobBook(self.state_dir)
        self.logs = UsageLogs(self.state_dir)  # GET /v2/logs; its rate limit can be lowered for a test
        self._renders = RenderQueue(self._render, self.jobs.lock)
        self._server: Server | None = None
        self._threads: list[threading.Thread] = []
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self.links = SignedLinks(self.state_dir / "url-secret", ttl=url_ttl)
        self.generation_paths = generation_paths(self.catalogue)
        self.assist = AssistDesk(  # speech, chat, music and pictures: videostudio/offline/assist
            files_dir=self.videos_dir,
            state_dir=self.state_dir,
            logs=self.logs,
            check_key=self._check_key,
            link=lambda key, ending: self.links.link(self.url, key, ending=ending),
            speed=self.speed,
        )

    @property
    def jobs_dir(self) -> Path:
        return self.jobs.jobs_dir

    @property
    def videos_dir(self) -> Path:
        return self.jobs.videos_dir

    # ----------------------------------------------------------------------------------------- lifecycle

    def start(self) -> str:
        """Serve in a daemon thread; returns the base URL, e.g. ``http://127.0.0.1:8790``."""
        if self._server is not None:
            return self.url
        self._server = Server((self.host, self.port), Handler, self)
        self.port = self._server.server_address[1]
        serve = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        serve.name = f"offline-http-{self.port}"
        serve.start()
        self._threads = [serve, *self._renders.start(self._workers, f"offline-render-{self.port}")]
        return self.url

    def stop(self) -> None:
        """Stop serving and drop open keep-alive connections; a render under way finishes on its own."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with self._connections_lock:
            connections = list(self._connections)
            self._connections.clear()
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._renders.stop()

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
        counts["jobs"] = len(self.jobs)
        return counts

    def count(self, name: str) -> None:
        with self._stats.lock:
            setattr(self._stats, name, getattr(self._stats, name) + 1)

    def track_connection(self, conn: socket.socket, *, opened: bool) -> None:
        """Keep the open connections, so stop() can close idle keep-alive ones."""
        with self._connections_lock:
            if opened:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)
        if opened:
            self.count("connections")

    # ----------------------------------------------------------------------------------------- submit

    def submit(self, route: str, headers: dict[str, str], body: bytes, faults: FaultConfig) -> dict[str, Any]:
        """Accept a generation request, or raise RequestError as the API would refuse it.

        Either way the usage logs get a row, before any answer leaves (a lost answer can be found there).
        """
        self.count("submits")
        self._check_key(headers)
        client_request_id = headers.get("x-client-request-id")
        try:
            job = self._accept(route, body, faults)
        except RequestError:
            model = model_named(body)
            self.logs.record(
                model=model, status="failed", credits=0, inference_id=None, client_request_id=client_request_id
            )
            raise
        self.logs.record(
            model=job.model_id,
            status="succeeded",
            credits=job.credits,
            inference_id=job.id,
            client_request_id=client_request_id,
        )
        if faults.legacy:
            return {"generation_id": job.id, "status": "queued"}
        return {"id": job.id, "status": "queued", "meta": {"usage": {"credits_used": job.credits}}}

    def _accept(self, route: str, body: bytes, faults: FaultConfig) -> Job:
        job = job_from_submit(self.catalogue, route, body, faults)
        self.jobs.add(job)
        if not faults.fail:  # a job that will fail never needs its video
            self._renders.add(job, at=job.created + QUEUED_SECONDS * self.speed)
        return job

    def cost_headers(self, job_id: str | None, status: str | None = None) -> list[tuple[str, str]]:
        """The API's cost headers for an answer about ``job_id``; a failed generation costs nothing."""
        job = self.jobs.get(job_id) if job_id else None
        if job is None:
            return []
        return cost_headers(0 if status in ("error", "failed") else job.credits)

    def usage_logs(self, headers: dict[str, str], query: dict[str, list[str]]) -> dict[str, Any]:
        """``GET /v2/logs``: a key is needed, as on the API."""
        self._check_key(headers)
        return self.logs.query(query)

    def _check_key(self, headers: dict[str, str]) -> None:
        scheme, _, key = headers.get("authorization", "").strip().partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise RequestError(401)
        if self.required_key is not None and not hmac.compare_digest(key.encode(), self.required_key.encode()):
            raise RequestError(401)

    # ----------------------------------------------------------------------------------------- poll

    def poll(self, headers: dict[str, str], generation_id: str | None, faults: FaultConfig) -> dict[str, Any]:
        """The job's state, by elapsed time and render progress, or raise RequestError."""
        self.count("polls")
        self._check_key(headers)
        if not generation_id:
            raise RequestError(400, "Query validation error! generation_id: Required")
        job = self.jobs.get(generation_id)
        if job is None:
            raise RequestError(404, f"Generation {generation_id!r} was not found.")
        faults = job.faults.merged(faults)
        n = self.jobs.count_poll(job)
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

    # ----------------------------------------------------------------------------------------- billing

    def balance(self, headers: dict[str, str]) -> dict[str, Any]:
        """``GET /v2/billing``: a simulated balance that goes down by the cost of each completed job."""
        self._check_key(headers)
        spent = sum(job.credits for job in self.jobs.all() if self._is_completed(job)) / CREDITS_PER_USD
        return {"current_balance": round(STARTING_BALANCE_USD - spent, 6), "currency": CURRENCY}

    def _is_completed(self, job: Job) -> bool:
        # As _status would answer, without starting a render: a failed job is billed nothing.
        if job.faults.fail or job.render_error or not job.rendered:
            return False
        model = self.catalogue.get(job.model_id) if job.model_id in self.catalogue else None
        return time.time() - job.created >= demo_seconds(model) * self.speed

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
            self._renders.add(job)  # after a restart, or when the job was submitted under "fail"
            return "generating"
        return "completed"

    def _render(self, job: Job) -> None:
        from videostudio.offline.render.video import render_video  # imported late: PyAV is slow to load

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
        self.count("renders")
        job.rendered = True

    def video_path(self, job: Job) -> Path:
        return self.jobs.video_path(job)

    # ----------------------------------------------------------------------------------------- files

    def video_url(self, job: Job, *, expired: bool = False) -> str:
        """A signed link to the job's MP4 that expires like the API's CDN links."""
        return self.links.link(self.url, job.key, expired=expired)

    def check_signature(self, key: str, query: dict[str, list[str]]) -> str | None:
        """None when the link is valid now, else why it is refused."""
        return self.links.refusal(key, query)


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
