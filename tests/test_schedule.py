"""The polling schedule's shape (fake times, no waiting), the expected run time behind it, and rate limits
that hold back every poll to a backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.test_jobs import FakeClient, generating, running_job
from videostudio.errors import RateLimitError
from videostudio.jobs import JobService
from videostudio.schedule import PollPolicy, RunTime, RunTimes, learned_run_time
from videostudio.store import Job, JobStore, utcnow

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
KLING = "kling-video/v1/standard/image-to-video"


def poll_times(policy: PollPolicy, expected: RunTime | float, until: float) -> list[float]:
    """The seconds after submit at which the schedule polls a job that has not finished by ``until``.

    A bare number is a typical time with no history behind it.
    """
    run = expected if isinstance(expected, RunTime) else RunTime(typical=expected)
    job = Job(model_id=KLING, backend="aimlapi", status="generating", created_at=T0)
    times, t = [], 0.0
    while True:
        t += policy.next_delay(job, expected=run, now=T0 + timedelta(seconds=t))
        if t > until:
            return times
        times.append(round(t, 3))


def gaps(times: list[float]) -> list[float]:
    return [round(b - a, 3) for a, b in zip(times, times[1:], strict=False)]


def noticed_after(policy: PollPolicy, expected: RunTime | float, ends_at: float) -> float:
    """Seconds from a job's end to the first poll that sees it."""
    return next(t for t in poll_times(policy, expected, ends_at + 600) if t >= ends_at) - ends_at


def test_a_job_with_no_history_is_first_asked_about_within_seconds_in_growing_steps() -> None:
    # Issue 15: the first look came a minute after the submit, whatever the typical time said.
    policy = PollPolicy()
    times = poll_times(policy, expected=250, until=policy.earliest_end(RunTime(typical=250)) - 1)
    assert times[0] <= 5
    assert len(times) >= 3 and gaps([0.0, *times]) == sorted(gaps([0.0, *times])), times  # growing steps
    assert max(gaps(times)) <= policy.sparse_interval


def test_a_job_faster_than_its_typical_time_is_seen_within_seconds() -> None:
    # Issue 15's held-out jobs: models with no history, ending well before their typical time (60 to 250 s).
    for typical, ends_at in ((60, 23), (60, 29), (110, 37), (180, 44), (250, 52)):
        assert noticed_after(PollPolicy(), typical, ends_at) <= 3.0, (typical, ends_at)


def test_before_the_earliest_end_steps_never_exceed_the_sparse_interval() -> None:
    times = poll_times(PollPolicy(sparse_interval=60), RunTime(typical=1000, early=900), until=880)
    assert times[0] <= 5 and max(gaps(times)) == 60.0
    assert 880 - times[-1] <= 60


def test_around_the_expected_end_polls_come_every_two_seconds() -> None:
    times = poll_times(PollPolicy(), RunTime(typical=120, early=110), until=122)
    near = [t for t in times if 117.5 <= t <= 122]
    assert gaps(near) == [2.0] * (len(near) - 1) and len(near) >= 2, near
    assert any(119 <= t < 120 for t in near) and any(120 < t <= 121.5 for t in near), near  # one each side
    assert all(g <= 3 for g in gaps([t for t in times if t >= 109])), times  # every few seconds from the early end


def test_past_the_expected_end_polls_back_off_gradually_up_to_a_cap() -> None:
    policy = PollPolicy(max_interval=10)
    spaced = gaps(poll_times(policy, RunTime(typical=120, early=110), until=1100))
    late = spaced[spaced.index(2.0) :]
    assert late == sorted(late), late  # never shrinking past the end
    assert late[0] == 2.0 and max(late) == 10.0
    # Gradual: no wait more than about a third longer than the one before.
    assert all(b <= a * 1.4 + 0.01 for a, b in zip(late, late[1:], strict=False)), late


def test_a_run_that_ends_early_is_seen_before_the_expected_end() -> None:
    # Dense polls straddle the expected end, so a history median can move down as well as up.
    times = poll_times(PollPolicy(), RunTime(typical=30, early=30), until=40)
    assert any(28 <= t < 30 for t in times)


@pytest.mark.parametrize(
    "expected",
    [RunTime(typical=1), RunTime(typical=0), RunTime(typical=3, early=2.5), RunTime(typical=60), RunTime(typical=250)],
)
def test_never_more_often_than_every_two_seconds(expected: RunTime) -> None:
    times = poll_times(PollPolicy(), expected, until=1300)
    assert times[0] >= 2.0 and min(gaps(times)) >= 2.0


def test_no_expected_time_means_the_plain_interval() -> None:
    job = Job(model_id=KLING, backend="aimlapi", status="queued", created_at=T0)
    assert PollPolicy(interval=3).next_delay(job, now=T0 + timedelta(seconds=500)) == 3


def test_overdue_jobs_are_polled_at_the_overdue_interval() -> None:
    policy = PollPolicy(deadline=600, overdue_interval=60)
    job = Job(model_id=KLING, backend="aimlapi", status="generating", created_at=T0)
    assert policy.next_delay(job, expected=RunTime(typical=120), now=T0 + timedelta(seconds=601)) == 60


@pytest.mark.parametrize(("failures", "delay"), [(1, 2), (2, 4), (3, 8), (7, 120)])
def test_failed_polls_back_off_exponentially(failures: int, delay: float) -> None:
    job = Job(model_id=KLING, backend="aimlapi", status="generating", created_at=T0)
    assert PollPolicy().next_delay(job, expected=RunTime(typical=120), failures=failures) == delay


def test_retry_after_is_honoured() -> None:
    job = Job(model_id=KLING, backend="aimlapi", status="generating", created_at=T0)
    assert PollPolicy().next_delay(job, expected=RunTime(typical=5), failures=1, retry_after=30) == 30


def test_the_offline_demo_trusts_its_own_plan() -> None:
    # A demo job never ends before its planned time: only the first looks come before it, then two around it.
    offline = PollPolicy(guess_share=1.0)
    assert len(poll_times(offline, expected=60, until=58)) <= 2
    assert [t for t in poll_times(offline, expected=60, until=61) if t > 40] == [59.0, 61.0]


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
    assert runs.expected(Job(model_id=KLING, backend="aimlapi")) == RunTime(typical=250.0)


def test_expected_time_is_the_median_of_the_same_settings_where_the_history_has_them(store: JobStore) -> None:
    for seconds in (100, 110, 120):
        finished(store, seconds, duration="5")
    for seconds in (200, 210, 220):
        finished(store, seconds, duration="10")
    finished(store, 5, backend="offline", duration="10")  # the demo's seconds never predict the API's minutes
    runs = RunTimes(store, typical=lambda job: 250.0)

    def typical(**params: str) -> float | None:
        expected = runs.expected(Job(model_id=KLING, backend="aimlapi", params=params))
        return expected.typical if expected else None

    assert typical(duration="10") == 210
    assert typical(duration="5") == 110
    # A setting the history has too few runs of: every run of the model counts.
    assert typical(duration="7") == 160


def test_the_earliest_end_is_a_low_quantile_of_the_history_not_its_median(store: JobStore) -> None:
    for seconds in (40, 95, 100, 100, 105, 110, 110, 115, 120, 300):
        finished(store, seconds)
    expected = RunTimes(store, typical=lambda job: 250.0).expected(Job(model_id=KLING, backend="aimlapi"))
    assert expected is not None and expected.typical == 107.5
    assert expected.early is not None and 40 <= expected.early < 95  # below all runs but the one odd fast one
    # So the schedule starts looking well before the median, and sees a run faster than most within seconds.
    assert noticed_after(PollPolicy(), expected, 70) <= 3.0


def test_one_run_says_little_about_the_next_many_say_more() -> None:
    one, many = learned_run_time([100.0]), learned_run_time([100.0] * 30)
    assert one.typical == many.typical == 100
    assert one.early is not None and many.early is not None
    assert one.early < 75 < many.early < 100


def test_learned_times_are_remembered_for_a_while(store: JobStore) -> None:
    now = [0.0]
    runs = RunTimes(store, typical=lambda job: None, ttl=60, clock=lambda: now[0])
    job = Job(model_id=KLING, backend="aimlapi")
    assert runs.expected(job) is None
    finished(store, 90)
    assert runs.expected(job) is None  # not asked again yet
    now[0] = 61
    expected = runs.expected(job)
    assert expected is not None and expected.typical == 90


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
    slow = RunTime(typical=1100, early=1000)  # a long wait before the earliest end, and a long overrun after it
    for settings, longest in ((default, 60.0), (short, 3.0)):
        policy = studio_backends(settings, catalogue, lambda: "http://127.0.0.1:9").get(AIMLAPI).policy
        assert max(gaps(poll_times(policy, slow, until=1199))) == longest
        assert max(gaps(poll_times(policy, RunTime(typical=10), until=1199))) <= longest  # the overrun's cap
        assert poll_times(policy, slow, until=600)[0] <= longest
