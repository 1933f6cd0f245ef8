"""When to ask about a running job: the one polling schedule, and the run time it is shaped around.

A job is asked about sparsely while it cannot be done yet, densely (about every 2 s) around the time
it is expected to end, and less and less often past it. The expected time is what this studio's own
history says (the median of the model's past runs, with the same duration and resolution where the
history has them), else what the backend says is typical for the model.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from videostudio.store import Job, JobStore, utcnow

# Request fields that change how long a generation takes, where a model has them.
RUN_TIME_PARAMS = ("duration", "resolution")


@dataclass(frozen=True)
class PollPolicy:
    """How often to ask about a running job, and when to stop expecting it soon."""

    interval: float = 2.0  # around the expected end, and for a job with no expected time at all
    sparse_interval: float = 60.0  # the longest wait before the expected end
    backoff_ratio: float = 0.25  # past the expected end, wait this share of the time it has overrun
    max_interval: float = 60.0  # ... but never longer than this
    deadline: float = 20 * 60  # past this, a job is "still running at the provider, check later"
    overdue_interval: float = 60.0  # overdue jobs are still followed, only less often
    max_backoff: float = 120.0  # the longest wait after failed polls

    def next_delay(
        self,
        job: Job,
        *,
        expected: float | None = None,
        now: datetime | None = None,
        failures: int = 0,
        retry_after: float | None = None,
    ) -> float:
        """Seconds from ``now`` (when the poll was sent) to the next poll of ``job``.

        ``expected`` is the job's expected run time in seconds; ``failures`` counts failed polls in a row.
        """
        if failures:
            backoff = min(self.max_backoff, max(self.interval, 1.0) * 2 ** (failures - 1))
            return max(backoff, retry_after or 0.0)
        now = now or utcnow()
        if self.is_overdue(job, now):
            return self.overdue_interval
        if expected is None:
            return self.interval
        elapsed = (now - job.created_at).total_seconds()
        # Dense polls straddle the expected end (one just before, one just after), so a run that ends a
        # little early is seen early too, and the history's median, which is measured by these polls, can
        # move down as well as up.
        dense_from = expected - self.interval / 2
        if elapsed < dense_from:
            # Nothing to see yet but a failure: one look every sparse interval at most, then the dense polls.
            return min(self.sparse_interval, dense_from - elapsed)
        overrun = elapsed - expected
        return min(self.max_interval, max(self.interval, self.backoff_ratio * overrun))

    def is_overdue(self, job: Job, now: datetime | None = None) -> bool:
        if not job.is_active:
            return False
        return ((now or utcnow()) - job.created_at).total_seconds() > self.deadline


class RunTimes:
    """A job's expected run time: the history's median for its model and settings, else the typical time.

    ``typical(job)`` gives the backend's typical seconds for the job's model (None when unknown). Medians
    are remembered for ``ttl`` seconds: the follower asks about every poll, the history changes slowly.
    """

    def __init__(
        self,
        store: JobStore,
        typical: Callable[[Job], float | None],
        *,
        ttl: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store, self.typical, self.ttl, self.clock = store, typical, ttl, clock
        self._medians: dict[tuple[str, str, tuple[tuple[str, str], ...]], tuple[float, float | None]] = {}
        self._lock = threading.Lock()

    def expected_seconds(self, job: Job) -> float | None:
        median = self._median(job)
        return median if median is not None else self.typical(job)

    def _median(self, job: Job) -> float | None:
        params = {name: job.params.get(name) for name in RUN_TIME_PARAMS if job.params.get(name) is not None}
        key = (job.model_id, job.backend, tuple(sorted((k, str(v)) for k, v in params.items())))
        now = self.clock()
        with self._lock:
            held = self._medians.get(key)
        if held is not None and now - held[0] < self.ttl:
            return held[1]
        median = self.store.median_seconds(job.model_id, backend=job.backend, params=params)
        with self._lock:
            self._medians[key] = (now, median)
        return median
