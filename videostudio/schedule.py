"""When to ask about a running job: the one polling schedule, and the run time it is shaped around.

A job's run time is known as two figures (``RunTime``): the earliest it plausibly ends, and its typical
length. Before the earliest end the job is asked about in growing steps from a few seconds on (a refused
input shows at once, and few calls are spent where nothing can be seen). From then on it is asked about
every few seconds: every 2 s straddling the typical end, a little more sparsely where the history is
spread out, and less and less often as the job overruns its typical time.

Both figures come from this studio's history where it has runs of the model (with the same duration and
resolution where it has enough): a low quantile of the run times and their median. A run time is measured
to when the provider finished, not to when the studio noticed: the status answer carries no time, so the
finish is taken midway between the last answer that said "running" and the first that said it was done
(``finish_estimate``). Late notices therefore do not teach the schedule to be late again. Without history
the typical time is what the backend says (for the API, the catalogue's rough guess) and the earliest end
a share of it set by the backend's policy.
"""

from __future__ import annotations

import math
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from videostudio.store import Job, JobStore, utcnow

# Request fields that change how long a generation takes, where a model has them.
RUN_TIME_PARAMS = ("duration", "resolution")
# The history's earliest plausible end: this quantile of the latest runs, less a margin that shrinks as runs
# accumulate (see ``learned_run_time``), so that a run faster than those before it is still seen at once.
LOW_QUANTILE = 0.1


@dataclass(frozen=True)
class RunTime:
    """How long a job is expected to run, in seconds from its submit.

    ``early`` is the earliest it plausibly ends, as the history says; None without history. Either way the
    policy never expects an end before its backend's share of ``typical`` (``PollPolicy.earliest_end``).
    """

    typical: float
    early: float | None = None


@dataclass(frozen=True)
class PollPolicy:
    """How often to ask about a running job, and when to stop expecting it soon."""

    interval: float = 2.0  # the shortest wait between two polls of a job (around its typical end)
    first_wait: float = 5.0  # the first look after the submit: a refused input is seen within seconds
    step_ratio: float = 3.0  # before the earliest end, each wait is this many times the time so far ...
    sparse_interval: float = 60.0  # ... but never longer than this
    guess_share: float = 0.2  # without history, the earliest end as a share of the backend's typical time
    spread_share: float = 0.15  # a wider spread of past runs (typical / early) widens the gaps a little
    growth: float = 0.05  # from the earliest end on, the gap grows by this x the root of the seconds since
    dense_after: float = 4.0  # polls every interval go on for this many intervals past the typical end ...
    late_growth: float = 0.25  # ... then the gap grows by this x the root of the seconds overrun
    max_interval: float = 60.0  # ... but never longer than this
    deadline: float = 20 * 60  # past this, a job is "still running at the provider, check later"
    overdue_interval: float = 60.0  # overdue jobs are still followed, only less often
    max_backoff: float = 120.0  # the longest wait after failed polls

    def next_delay(
        self,
        job: Job,
        *,
        expected: RunTime | None = None,
        now: datetime | None = None,
        failures: int = 0,
        retry_after: float | None = None,
    ) -> float:
        """Seconds from ``now`` (when the poll was sent) to the next poll of ``job``.

        ``expected`` is the job's run time (None: unknown, so the plain interval); ``failures`` counts failed
        polls in a row, and a ``retry_after`` the backend asked for is always honoured.
        """
        if failures:
            backoff = min(self.max_backoff, max(self.interval, 1.0) * 2 ** (failures - 1))
            return max(backoff, retry_after or 0.0)
        now = now or utcnow()
        if self.is_overdue(job, now):
            return self.overdue_interval
        if expected is None:
            return self.interval
        return max(self.interval, self._wait(max(0.0, (now - job.created_at).total_seconds()), expected))

    def earliest_end(self, expected: RunTime) -> float:
        """The earliest a job with this run time plausibly ends, in seconds from its submit: what the history
        says, but never before the backend's share of the typical time (all there is without history)."""
        return max(0.0, min(max(expected.early or 0.0, self.guess_share * expected.typical), expected.typical))

    def _wait(self, elapsed: float, expected: RunTime) -> float:
        early, typical = self.earliest_end(expected), expected.typical
        # The first look at the earliest end is half an interval before it, as the dense polls straddle an end.
        watch_from = early - self.interval / 2
        if elapsed < watch_from:
            step = min(self.sparse_interval, max(self.first_wait, self.step_ratio * elapsed))
            left = watch_from - elapsed
            return left if step > left - self.interval else step  # land on it, never a sliver before it
        spread = math.log(typical / early) if early > 0 else 0.0
        gap = self.interval * (1 + self.spread_share * spread)
        gap += self.growth * math.sqrt(elapsed - watch_from)
        # Every interval straddling the typical end and a little past it: where the history says most runs end.
        dense_from, dense_to = typical - self.interval / 2, typical + self.interval * self.dense_after
        gap = min(self.max_interval, gap + self.late_growth * math.sqrt(max(0.0, elapsed - dense_to)))
        if elapsed < dense_from < elapsed + gap:
            return dense_from - elapsed
        if dense_from <= elapsed < dense_to:
            return self.interval
        return gap

    def is_overdue(self, job: Job, now: datetime | None = None) -> bool:
        if not job.is_active:
            return False
        return ((now or utcnow()) - job.created_at).total_seconds() > self.deadline


def finish_estimate(last_running: datetime, seen_done: datetime) -> datetime:
    """When the provider most likely finished a job: midway between the last answer that said it was running
    and the poll that saw it done (the status answer says nothing about when it changed)."""
    last_running = min(last_running, seen_done)
    return last_running + (seen_done - last_running) / 2


def low_quantile(runs: Sequence[float], q: float = LOW_QUANTILE) -> float:
    """The ``q`` quantile of ``runs`` (not empty), interpolated between the two nearest runs."""
    ordered = sorted(runs)
    position = (len(ordered) - 1) * q
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def learned_run_time(runs: Sequence[float]) -> RunTime:
    """What past run times (not empty) say of the next: their median, and a low quantile less a margin that is
    wide for a few runs (one run says little about how fast the next may be) and narrows as they accumulate."""
    margin = 1 - 1 / math.sqrt(len(runs) + 1)
    typical = statistics.median(runs)
    return RunTime(typical=typical, early=min(typical, margin * low_quantile(runs)))


class RunTimes:
    """A job's expected run time: from the history of its model and settings, else the backend's typical time.

    ``typical(job)`` gives the backend's typical seconds for the job's model (None when unknown). What the
    history says is remembered for ``ttl`` seconds: the follower asks at every poll, the history changes slowly.
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
        self._learned: dict[tuple[str, str, tuple[tuple[str, str], ...]], tuple[float, RunTime | None]] = {}
        self._lock = threading.Lock()

    def expected(self, job: Job) -> RunTime | None:
        learned = self._learned_run_time(job)
        if learned is not None:
            return learned
        typical = self.typical(job)
        return RunTime(typical=typical) if typical is not None else None

    def _learned_run_time(self, job: Job) -> RunTime | None:
        params = {name: job.params.get(name) for name in RUN_TIME_PARAMS if job.params.get(name) is not None}
        key = (job.model_id, job.backend, tuple(sorted((k, str(v)) for k, v in params.items())))
        now = self.clock()
        with self._lock:
            held = self._learned.get(key)
        if held is not None and now - held[0] < self.ttl:
            return held[1]
        runs = self.store.run_seconds(job.model_id, backend=job.backend, params=params)
        learned = learned_run_time(runs) if runs else None
        with self._lock:
            self._learned[key] = (now, learned)
        return learned
