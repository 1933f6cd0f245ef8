"""The offline backend's jobs: what each asked for, kept on disk so it survives a restart, and the render queue.

A job starts rendering when it leaves the queue, like a real one, so a job polled only while queued costs
nothing; renders run on a few worker threads.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from videostudio.files import write_atomic
from videostudio.offline.faults import FaultConfig
from videostudio.offline.vendor import UNIVERSAL_PATH


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


def job_key(job_id: str) -> str:
    """A file-safe, unique form of a job id (ids hold ':' and '/')."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", job_id)[:120]
    return safe if safe == job_id else f"{safe}-{hashlib.sha256(job_id.encode()).hexdigest()[:8]}"


class JobBook:
    """Every job by id: in memory, and one JSON file per job under ``jobs/``; their videos under ``videos/``."""

    def __init__(self, state_dir: Path) -> None:
        self.jobs_dir = state_dir / "jobs"
        self.videos_dir = state_dir / "videos"
        self.jobs_dir.mkdir(parents=True, exist_ok=True)
        self.videos_dir.mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()
        self._jobs: dict[str, Job] = {}

    def __len__(self) -> int:
        with self.lock:
            return len(self._jobs)

    def add(self, job: Job) -> None:
        """Keep the job, on disk first so a crash right after the answer loses nothing."""
        write_atomic(self.jobs_dir / f"{job.key}.json", json.dumps(job.record()).encode())
        with self.lock:
            self._jobs[job.id] = job

    def all(self) -> list[Job]:
        """The jobs this backend has seen since it started (and those of before that were asked about)."""
        with self.lock:
            return list(self._jobs.values())

    def get(self, job_id: str) -> Job | None:
        """The job, also one from before a restart (read from its file once, then kept); None if unknown."""
        with self.lock:
            job = self._jobs.get(job_id)
        if job is not None:
            return job
        path = self.jobs_dir / f"{job_key(job_id)}.json"
        try:
            job = Job.from_record(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError):
            return None
        if job.id != job_id:
            return None
        job.rendered = self.video_path(job).exists()
        with self.lock:
            return self._jobs.setdefault(job_id, job)

    def count_poll(self, job: Job) -> int:
        """Count one more poll of the job; returns how many there have been."""
        with self.lock:
            job.polls += 1
            return job.polls

    def video_path(self, job: Job) -> Path:
        return self.videos_dir / f"{job.key}.mp4"


class RenderQueue:
    """Renders waiting to start, by start time, and the worker threads that run them."""

    def __init__(self, render: Callable[[Job], None], lock: threading.Lock) -> None:
        self._render = render
        self._lock = lock  # the job book's: guards each job's render_pending and rendered flags
        # A heap of (start time, tie-breaker, job).
        self._waiting: list[tuple[float, int, Job]] = []
        self._ready = threading.Condition()
        self._sequence = itertools.count()
        self._stopping = threading.Event()

    def start(self, workers: int, name: str) -> list[threading.Thread]:
        self._stopping.clear()
        threads = []
        for n in range(max(1, workers)):
            worker = threading.Thread(target=self._loop, name=f"{name}-{n}", daemon=True)
            worker.start()
            threads.append(worker)
        return threads

    def stop(self) -> None:
        """Stop the workers; a render under way finishes on its own, waiting ones are dropped."""
        self._stopping.set()
        with self._ready:
            dropped = [job for _, _, job in self._waiting]
            self._waiting.clear()
            self._ready.notify_all()
        for job in dropped:  # so a later start() or poll schedules them again
            job.render_pending = False

    def add(self, job: Job, at: float = 0.0) -> None:
        """Render the job from time ``at`` (now if past), unless it is rendered or already waiting."""
        with self._lock:
            if job.rendered or job.render_pending:
                return
            job.render_pending = True
        with self._ready:
            heapq.heappush(self._waiting, (at, next(self._sequence), job))
            self._ready.notify()

    def _next(self) -> Job | None:
        """The next job due to render, waiting for it; None once the queue stops."""
        with self._ready:
            while not self._stopping.is_set():
                wait = self._waiting[0][0] - time.time() if self._waiting else None
                if wait is not None and wait <= 0:
                    return heapq.heappop(self._waiting)[2]
                self._ready.wait(wait)
        return None

    def _loop(self) -> None:
        while (job := self._next()) is not None:
            try:
                self._render(job)
            finally:
                with self._lock:
                    job.render_pending = False
