"""The polling schedule's shape (fake times, no waiting), the expected run time behind it, and rate limits
that hold back every poll to a backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.test_jobs import FakeClient, generating, running_job
from videostudio.errors import RateLimitError
from videostudio.jobs import JobService
from videostudio.schedule import PollPolicy, RunTimes
from videostudio.store import Job, JobStore, utcnow

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
KLING = "kling-video/v1/standard/image-to-video"


def poll_times(policy: PollPolicy, expected: float, until: float) -> list[float]:
    """The seconds after submit at which the schedule polls a job that has not finished by ``until``."""
    job = Job(model_id=KLING, backend="aimlapi", status="generating", created_at=T0)
    times, t = [], 0.0
    while True:
        t += policy.next_delay(job, expected=expected, now=T0 + timedelta(seconds=t))
        if t > until:
            return times
        times.append(round(t, 3))


def gaps(times: list[float]) -> list[float]:
    return [round(b - a, 3) for a, b in zip(times, times[1:], strict=False)]


def test_before_the_expected_end_polls_are_sparse() -> None:
    times = poll_times(PollPolicy(), expected=120, until=119)
    assert times == [60.0, 119.0]  # halfway, then just before the expected end


def test_long_runs_are_still_asked_about_every_sparse_interval() -> None:
    times = poll_times(PollPolicy(sparse_interval=60), expected=300, until=250)
    assert times[:4] == [60.0, 120.0, 180.0, 240.0]


def test_around_the_expected_end_polls_come_every_two_seconds() -> None:
    times = poll_times(PollPolicy(), expected=120, until=128)
    assert [t for t in times if t >= 119] == [119.0, 121.0, 123.0, 125.0, 127.0]


def test_past_the_expected_end_polls_back_off_gradually_up_to_a_cap() -> None:
    policy = PollPolicy(max_interval=60)
    spaced = gaps(poll_times(policy, expected=120, until=1100))
    late = spaced[spaced.index(2.0) :]
    assert late == sorted(late), late  # never shrinking past the end
    assert late[0] == 2.0 and late[len(late) // 2] > 10 and max(late) == 60.0
    # Gradual: no wait more than about a quarter longer than the one before.
    assert all(b <= a * 1.3 + 0.01 for a, b in zip(late, late[1:], strict=False)), late


def test_a_run_that_ends_early_is_seen_before_the_expected_end() -> None:
    # Dense polls straddle the expected end, so a history median can move down as well as up.
    times = poll_times(PollPolicy(), expected=30, until=40)
    assert any(28 <= t < 30 for t in times)


def test_a_short_expected_time_still_polls_at_the_dense_interval_at_most() -> None:
    times = poll_times(PollPolicy(), expected=1, until=10)
    assert min(gaps(times)) >= 2.0


def test_no_expected_time_means_the_plain_interval() -> None:
    job = Job(model_id=KLING, backend="aimlapi", status="queued", created_at=T0)
    assert PollPolicy(interval=3).next_delay(job, now=T0 + timedelta(seconds=500)) == 3


def test_overdue_jobs_are_polled_at_the_overdue_interval() -> None:
    policy = PollPolicy(deadline=600, overdue_interval=60)
    job = Job(model_id=KLING, backend="aimlapi", status="generating", created_at=T0)
    assert policy.next_delay(job, expected=120, now=T0 + timedelta(seconds=601)) == 60


@pytest.mark.parametrize(("failures", "delay"), [(1, 2), (2, 4), (3, 8), (7, 120)])
def test_failed_polls_back_off_exponentially(failures: int, delay: float) -> None:
    job = Job(model_id=KLING, backend="aimlapi", status="generating", created_at=T0)
    assert PollPolicy().next_delay(job, expected=120, failures=failures) == delay


def test_retry_after_is_honoured() -> None:
    job = Job(model_id=KLING, backend="aimlapi", status="generating", created_at=T0)
    assert PollPolicy().next_delay(job, failures=1, retry_after=30) == 30


# --- the expected run time -------------------------------------------------------------------------------------------


def finished(store: JobStore, seconds: float, backend: str = "aimlapi", **params: object) -> None:
    created = T0 - timedelta(hours=1, seconds=len(store.list()))
    store.add(
        Job(
            model_id=KLING,
            backend=backend,
            status="completed",
            params=dict(params),
            created_at=created,
            finished_at=created + timedelta(seconds=seconds),
        )
    )


def test_expected_time_is_the_typical_time_without_history(store: JobStore) -> None:
    runs = RunTimes(store, typical=lambda job: 250.0)
    assert runs.expected_seconds(Job(model_id=KLING, backend="aimlapi")) == 250.0


def test_expected_time_is_the_median_of_the_same_settings_where_the_history_has_them(store: JobStore) -> None:
    for seconds in (100, 110, 120):
        finished(store, seconds, duration="5")
    for seconds in (200, 210, 220):
        finished(store, seconds, duration="10")
    finished(store, 5, backend="offline", duration="10")  # the demo's seconds never predict the API's minutes
    runs = RunTimes(store, typical=lambda job: 250.0)
    assert runs.expected_seconds(Job(model_id=KLING, backend="aimlapi", params={"duration": "10"})) == 210
    assert runs.expected_seconds(Job(model_id=KLING, backend="aimlapi", params={"duration": "5"})) == 110
    # A setting the history has too few runs of: every run of the model counts.
    assert runs.expected_seconds(Job(model_id=KLING, backend="aimlapi", params={"duration": "7"})) == 160


def test_medians_are_remembered_for_a_while(store: JobStore) -> None:
    now = [0.0]
    runs = RunTimes(store, typical=lambda job: None, ttl=60, clock=lambda: now[0])
    job = Job(model_id=KLING, backend="aimlapi")
    assert runs.expected_seconds(job) is None
    finished(store, 90)
    assert runs.expected_seconds(job) is None  # not asked again yet
    now[0] = 61
    assert runs.expected_seconds(job) == 90


# --- rate limits -----------------------------------------------------------------------------------------------------


def test_a_429_holds_back_every_poll_to_that_backend(store: JobStore) -> None:
    service = JobService(store)
    running_job(store, generation_id="a", created_at=T0)
    second = running_job(store, generation_id="b", created_at=T0 + timedelta(seconds=1))
    other = running_job(store, backend="aimlapi", generation_id="c")
    offline = FakeClient(poll_answers=[RateLimitError(retry_after=30)])
    api = FakeClient(poll_answers=[generating("c")])

    service.poll_due({"offline": offline, "aimlapi": api}, {"offline": PollPolicy()})

    assert [gid for gid, _ in offline.polls] == ["a"]  # "b" was due too, but waits with "a"
    assert [gid for gid, _ in api.polls] == ["c"]  # another backend goes on
    paused = service.paused_until("offline")
    assert paused is not None and 28 <= (paused - utcnow()).total_seconds() <= 30
    stored = store.get(second.id)
    assert stored is not None and stored.lease_owner is None and stored.poll_failures == 0
    # Due again, but the backend is still held back: nothing is asked.
    service.poll_due({"offline": offline}, now=None)
    assert [gid for gid, _ in offline.polls] == ["a"]
    assert store.get(other.id) is not None


def test_the_longest_wait_on_the_real_api_is_a_setting(tmp_path: Path) -> None:
    from videostudio.backends import AIMLAPI, studio_backends
    from videostudio.catalogue import load_catalogue
    from videostudio.config import Settings

    default = Settings.from_env({"VIDEO_STUDIO_HOME": str(tmp_path)})
    short = Settings.from_env({"VIDEO_STUDIO_HOME": str(tmp_path), "VIDEO_STUDIO_POLL_MAX_SECONDS": "3"})
    catalogue = load_catalogue()
    for settings, longest in ((default, 60.0), (short, 3.0)):
        policy = studio_backends(settings, catalogue, lambda: "http://127.0.0.1:9").get(AIMLAPI).policy
        assert max(gaps(poll_times(policy, expected=120, until=600))) == longest
        assert poll_times(policy, expected=120, until=600)[0] <= longest
