"""The follower: one background worker per studio process that follows every running job to its end.

It needs no browser: it asks each backend about every active job when the job's schedule says so
(``schedule.PollPolicy``), records each answer in the history, and keeps the finished video (the
service's completion hook). Several followers may share one history, in one process or many: each
job is claimed through a lease in the store, so one of them polls it at a time, and a dead follower's
jobs are taken over when its leases run out. On start it simply finds the active jobs in the history.
A job whose submit lost its answer (still "submitting") is looked up in the API's usage logs by its
request id and followed from there, or said to be not accepted; it is never sent again (recovery.py).

The studio starts one inside each server process. It also runs on its own, for teams that keep the
web processes and the follower apart::

    python -m videostudio.follow

It reads the studio's settings from the same environment (``DATABASE_URL``, ``VIDEO_STUDIO_HOME``, ...).
It follows AI/ML API jobs with the key in ``AIMLAPI_API_KEY`` (or ``.streamlit/secrets.toml`` in the
working directory), and offline demo jobs at ``VIDEO_STUDIO_OFFLINE_URL`` (an offline backend started
inside a web process cannot be reached from here: run one with ``python -m videostudio.offline``).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import threading
import tomllib
import uuid
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from videostudio.backends import Backends
from videostudio.client import VideoClient
from videostudio.config import API_KEY_NAME, Settings, api_key_from
from videostudio.jobs import Client, JobService
from videostudio.store import Job, utcnow

log = logging.getLogger(__name__)

# Longest sleep between two looks at the history: jobs submitted by another process, and leases that ran
# out, are noticed within this. One small indexed query (JobStore.claim_due) per look.
IDLE_WAIT = 1.0


def follower_name() -> str:
    """A name for this follower's leases that says where it runs: host, process, and a random part."""
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class Follower:
    """Polls every due job of every backend it has a client for, in one daemon thread."""

    def __init__(
        self,
        service: JobService,
        backends: Backends,
        *,
        keys: Mapping[str, str] | None = None,
        idle_wait: float = IDLE_WAIT,
    ) -> None:
        self.service = service
        self.backends = backends
        self.idle_wait = idle_wait
        # Keys by backend name, held in memory only: the configured one, or one a session offered.
        self._keys: dict[str, str] = dict(keys or {})
        # One client per backend, used by this follower's thread only (a requests.Session is not thread-safe).
        self._clients: dict[str, tuple[str, VideoClient]] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # --- keys -------------------------------------------------------------------------------------------------------

    def use_key(self, backend: str, key: str | None) -> None:
        """Follow ``backend``'s jobs with ``key`` from now on (a key typed in a session: in memory only)."""
        with self._lock:
            if key and self._keys.get(backend) != key:
                self._keys[backend] = key
                self._wake.set()

    def can_follow(self, backend: str) -> bool:
        """Whether this follower can ask about ``backend``'s jobs (the API needs a key)."""
        found = self.backends.get(backend)
        if found is None:
            return False
        with self._lock:
            return not found.needs_key or bool(self._keys.get(backend))

    def clients(self) -> dict[str, Client]:
        """A client for every backend that has running jobs and can be asked; made anew when its key changes.

        Only backends with running jobs: the offline demo is not started for a studio that only uses the API.
        """
        clients: dict[str, Client] = {}
        running = self.service.store.active_backends()
        for backend in self.backends:
            if backend.name not in running:
                continue
            with self._lock:
                key = self._keys.get(backend.name)
                held = self._clients.get(backend.name)
            fingerprint = str(hash((key, backend.fixed_key)))  # the key itself is kept out of bookkeeping
            if held and held[0] == fingerprint:
                clients[backend.name] = held[1]
                continue
            try:
                client = backend.client(key)
            except Exception:  # e.g. the offline backend could not start: its jobs wait, the others go on
                log.exception("no client for %s", backend.label)
                continue
            if client is None:
                continue
            if held:
                held[1].close()
            with self._lock:
                self._clients[backend.name] = (fingerprint, client)
            clients[backend.name] = client
        return clients

    # --- running ----------------------------------------------------------------------------------------------------

    def run_once(self, now: datetime | None = None) -> list[Job]:
        """Poll every job that is due now; returns the jobs that changed."""
        clients = self.clients()
        return self.service.poll_due(clients, self.backends.policies(), now=now) if clients else []

    def start(self) -> Follower:
        if self._thread is None or not self._thread.is_alive():
            self._stopping.clear()
            self._thread = threading.Thread(target=self._run, name="video-studio-follower", daemon=True)
            self._thread.start()
        return self

    def wake(self) -> None:
        """Look at the history now rather than after the current wait."""
        self._wake.set()

    def stop(self, timeout: float | None = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for _fingerprint, client in clients:
            client.close()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        log.info("follower %s started", self.service.owner)
        while not self._stopping.is_set():
            try:
                self.run_once()
                wait = self._wait_seconds()
            except Exception:
                # A background thread has no one to raise to: say so, and try again a little later.
                log.exception("following jobs failed; trying again")
                wait = self.idle_wait * 5
            self._wake.wait(wait)
            self._wake.clear()
        log.info("follower %s stopped", self.service.owner)

    def _wait_seconds(self) -> float:
        # Sleep until the next poll is due: polls go out on time rather than on the next fixed tick. Only jobs
        # this follower could claim count: not those of a backend it cannot ask (no key, or held back by a
        # 429), nor those another follower is polling right now.
        with self._lock:
            held = list(self._clients)
        due = self.service.store.next_poll_due(self.service.ready_backends(held))
        if due is None:
            return self.idle_wait
        return min(self.idle_wait, max(0.02, (due - utcnow()).total_seconds()))


# --- running on its own ---------------------------------------------------------------------------------------


def _secrets(folder: Path) -> dict[str, Any]:
    try:
        return tomllib.loads((folder / ".streamlit" / "secrets.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def standalone(settings: Settings, env: Mapping[str, str] = os.environ) -> Follower:
    """A follower for this process alone, as ``python -m videostudio.follow`` runs it (not started)."""
    from videostudio.backends import studio_backends
    from videostudio.catalogue import load_catalogue
    from videostudio.store import JobStore
    from videostudio.studio import studio_job_service

    def no_offline_backend() -> str:
        raise RuntimeError("no offline backend to follow: set VIDEO_STUDIO_OFFLINE_URL")

    catalogue = load_catalogue()
    offline_url = (lambda: settings.offline_url) if settings.offline_url else no_offline_backend
    backends = studio_backends(settings, catalogue, offline_url)
    service = studio_job_service(settings, JobStore(settings.database_url), backends, owner=follower_name())
    key = api_key_from(env, _secrets(Path.cwd()))
    return Follower(service, backends, keys={b.name: key for b in backends if b.needs_key} if key else None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m videostudio.follow",
        description="Follow every running Video Studio job to its end and keep its video, without a browser.",
    )
    parser.add_argument("--once", action="store_true", help="poll the jobs due now, then exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    follower = standalone(settings)
    log.info("history: %s", settings.database_url.split("@")[-1])  # never the password of a database URL
    for waiting in (b for b in follower.backends if not follower.can_follow(b.name)):
        log.warning("%s is not set: %s jobs wait until it is", API_KEY_NAME, waiting.label)
    if not settings.offline_url:
        log.warning("VIDEO_STUDIO_OFFLINE_URL is not set: offline demo jobs are left to the studio that runs one")
        follower.backends = Backends([b for b in follower.backends if not b.served_by_the_studio])
    if args.once:
        changed = follower.run_once()
        log.info("%d jobs changed", len(changed))
        return 0
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    follower.start()
    stop.wait()
    follower.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
