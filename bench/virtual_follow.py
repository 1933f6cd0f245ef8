"""Following jobs on a stand-in of the AI/ML API in virtual time: hours of jobs in a second, the same figures.

The studio's own JobService, store, RunTimes and the API's PollPolicy (as ``studio_backends`` makes it with
the default settings) follow jobs whose run times the bench sets; only the clock is virtual. The stand-in
answers "generating" until a job's run time has passed, then "completed". Each job is submitted when the
one before it has been noticed, one after another as a person would, so later jobs of a model have the
earlier ones in the history. The seeds' fixed loop (poll every 10 s from the submit) is counted alongside.

What is measured is the schedule and what it learns; the follower's thread, which wakes for each poll on
time, and the video's download are left out (bench/follow_schedule.py's first set has them, in real time).
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

from videostudio.api.generation import Generation, Status
from videostudio.catalogue import Catalogue
from videostudio.config import Settings
from videostudio.history import store
from videostudio.history.store import Job, JobStore
from videostudio.jobs import schedule
from videostudio.jobs import service as jobs
from videostudio.jobs.backends import AIMLAPI, studio_backends
from videostudio.jobs.schedule import PollPolicy, RunTimes
from videostudio.jobs.service import JobService

FIXED_LOOP_SECONDS = 10.0
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class PlannedRun:
    model_id: str
    seconds: float  # how long the stand-in runs it


@dataclass
class Outcome:
    """One job as both ways of following saw it."""

    model_id: str
    seconds: float
    typical: float
    studio_delay: float
    studio_calls: int
    loop_delay: float
    loop_calls: int


@dataclass
class StandIn:
    """The API's submit and poll for jobs of set lengths, on the virtual clock."""

    now: Callable[[], datetime]
    ends: dict[str, datetime] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    next_run: float = 0.0

    def submit(self, payload: dict[str, Any], **_: Any) -> Generation:
        generation_id = f"gen-{len(self.ends)}"
        self.ends[generation_id] = self.now() + timedelta(seconds=self.next_run)
        return Generation(id=generation_id, status=Status.QUEUED, raw_status="queued")

    def poll(self, generation_id: str, **_: Any) -> Generation:
        self.calls[generation_id] = self.calls.get(generation_id, 0) + 1
        if self.now() < self.ends[generation_id]:
            return Generation(id=generation_id, status=Status.GENERATING, raw_status="generating")
        url = f"https://cdn.example.com/{generation_id}.mp4"
        return Generation(id=generation_id, status=Status.COMPLETED, raw_status="completed", video_urls=(url,))


class VirtualClock:
    def __init__(self) -> None:
        self.value = START

    def now(self) -> datetime:
        return self.value

    def monotonic(self) -> float:
        return (self.value - START).total_seconds()


@contextmanager
def virtual_time(clock: VirtualClock) -> Iterator[None]:
    """The studio's modules read this clock instead of the real one."""
    with (
        mock.patch.object(jobs, "utcnow", clock.now),
        mock.patch.object(store, "utcnow", clock.now),
        mock.patch.object(schedule, "utcnow", clock.now),
    ):
        yield


def fixed_loop(seconds: float) -> tuple[float, int]:
    """The seeds' loop on a job of ``seconds``: its delay, and its calls."""
    calls = max(1, math.ceil(seconds / FIXED_LOOP_SECONDS - 1e-9))
    return calls * FIXED_LOOP_SECONDS - seconds, calls


def follow_one_after_another(
    runs: Sequence[PlannedRun],
    catalogue: Catalogue,
    *,
    backend: str = AIMLAPI,
    offline_speed: float = 12.0,
    policy: PollPolicy | None = None,
) -> list[Outcome]:
    """Submit each run once the one before it has been noticed; how each was followed.

    ``backend`` gives the schedule and the typical times as the studio has them: the API's (catalogue times),
    or the offline demo's (its planned times at ``offline_speed``, with the API's 2 s interval). ``policy``
    replaces that schedule (to try another).
    """
    clock = VirtualClock()
    with tempfile.TemporaryDirectory() as folder, virtual_time(clock):
        home = Path(folder)
        settings = Settings(
            data_dir=home,
            database_url=f"sqlite:///{home / 'history.sqlite3'}",
            media_dir=home / "media",
            offline_dir=home / "offline",
            offline_speed=offline_speed,
            offline_poll_seconds=2.0,
        )
        backends = studio_backends(settings, catalogue, lambda: "http://127.0.0.1:9")
        history = JobStore(settings.database_url)
        noticed: dict[str, datetime] = {}

        def notice(job: Job) -> None:
            noticed[job.generation_id or ""] = clock.now()  # no video is kept: nothing for the service to record

        run_times = RunTimes(history, backends.typical_seconds, clock=clock.monotonic)
        service = JobService(
            history,
            on_complete=notice,
            policies={**backends.policies(), **({backend: policy} if policy else {})},
            run_time=run_times.expected,
        )
        stand_in = StandIn(clock.now)
        outcomes = []
        for run in runs:
            stand_in.next_run = run.seconds
            now = clock.now()
            job = history.add(Job(model_id=run.model_id, backend=backend, created_at=now, updated_at=now))
            job = service.send_recorded(stand_in, job, {"model": run.model_id})  # type: ignore[arg-type]
            gid = job.generation_id or ""
            while gid not in noticed:
                due = history.next_poll_due([backend])
                assert due is not None, "a running job with no next poll"
                clock.value = max(clock.value, due)
                service.poll_due({backend: stand_in}, now=clock.value)  # type: ignore[dict-item]
            loop_delay, loop_calls = fixed_loop(run.seconds)
            outcomes.append(
                Outcome(
                    model_id=run.model_id,
                    seconds=run.seconds,
                    typical=backends.typical_seconds(job) or 0.0,
                    studio_delay=(noticed[gid] - stand_in.ends[gid]).total_seconds(),
                    studio_calls=stand_in.calls.get(gid, 0),
                    loop_delay=loop_delay,
                    loop_calls=loop_calls,
                )
            )
        history.close()
    return outcomes
