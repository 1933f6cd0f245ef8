"""The follower: one background worker per studio process that follows every running job to its end.

It needs no browser: it asks each backend about every active job when the job's schedule says so
(``schedule.PollPolicy``), records each answer in the history, and keeps the finished video (the
service's completion hook). Several followers may share one history, in one process or many: each
job is claimed through a lease in the store, so one of them polls it at a time, and a dead follower's
jobs are taken over when its leases run out. On start it simply finds the active jobs in the history.
A job whose submit lost its answer (still "submitting") is looked up in the API's usage logs by its
request id and followed from there, or said to be not accepted; it is never sent again (recovery.py).

The studio starts one inside each server process (components/shell/services.py). It also runs on its own,
for teams that keep the web processes and the follower apart: ``python -m videostudio.follow``.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime

from videostudio.api.assist_client import AssistClient
from videostudio.history.store import Job, utcnow
from videostudio.jobs.backends import Backends
from videostudio.jobs.service import Client, JobService

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
        # Work moved on after each round of polls, with no browser open (a film being made: videostudio/studio.py).
        self.chores: list[Callable[[Follower], None]] = []
        self.idle_wait = idle_wait
        # Keys by backend name, held in memory only: the configured one, or one a session offered.
        self._keys: dict[str, str] = dict(keys or {})
        # One client per backend, used by this follower's thread only (a requests.Session is not thread-safe).
        self._clients: dict[str, tuple[str, AssistClient]] = {}
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
        running = self.service.store.active_backends()
        clients: dict[str, Client] = {}
        for backend in self.backends:
            if backend.name in running:
                client = self.client(backend.name)
                if client is not None:
                    clients[backend.name] = client
        return clients

    def client(self, name: str) -> AssistClient | None:
        """This follower's client for backend ``name`` (video and helper endpoints), or None when it can't ask it.

        For this follower's thread only (a requests.Session is not thread-safe): its polls and its chores.
        """
        backend = self.backends.get(name)
        if backend is None:
            return None
        with self._lock:
            key = self._keys.get(backend.name)
            held = self._clients.get(backend.name)
        fingerprint = str(hash((key, backend.fixed_key)))  # the key itself is kept out of bookkeeping
        if held and held[0] == fingerprint:
            return held[1]
        try:
            client = backend.client(key)
        except Exception:  # e.g. the offline backend could not start: its jobs wait, the others go on
            log.exception("no client for %s", backend.label)
            return None
        if client is None:
            return None
        if held:
            held[1].close()
        with self._lock:
            self._clients[backend.name] = (fingerprint, client)
        return client

    # --- running ----------------------------------------------------------------------------------------------------

    def run_once(self, now: datetime | None = None) -> list[Job]:
        """Poll every job that is due now, then do the chores; returns the jobs that changed."""
        clients = self.clients()
        changed = self.service.poll_due(clients, self.backends.policies(), now=now) if clients else []
        for chore in self.chores:
            try:
                chore(self)
            except Exception:  # one chore failing must not stop the polls, nor the other chores
                log.exception("a follower's chore failed; trying again on the next round")
        return changed

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
