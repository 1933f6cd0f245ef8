"""The follower: jobs are followed to the end and their videos kept with no browser open, and followers
sharing one history (threads of one process, or processes on PostgreSQL) each poll a job one at a time."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.follow_worker import LoggingClient
from tests.test_store import fresh_postgres_url, sqlite_url
from videostudio.api.client import VideoClient
from videostudio.catalogue import load_catalogue
from videostudio.config import Settings
from videostudio.follow import standalone
from videostudio.history.store import Job, JobStatus, JobStore, utcnow
from videostudio.jobs.follower import Follower
from videostudio.jobs.schedule import PollPolicy, RunTimes
from videostudio.jobs.service import JobService
from videostudio.offline.server import OfflineBackend

REPO = Path(__file__).resolve().parent.parent
VIDEO01 = "video-01"


@pytest.fixture
def offline(tmp_path: Path) -> Iterator[OfflineBackend]:
    backend = OfflineBackend(tmp_path / "offline", speed=0)
    backend.start()
    yield backend
    backend.stop()


def settings_for(tmp_path: Path, offline_url: str, database_url: str | None = None) -> Settings:
    home = tmp_path / "home"
    return Settings(
        data_dir=home,
        database_url=database_url or sqlite_url(home / "history.sqlite3"),
        media_dir=home / "media",
        offline_dir=home / "offline",
        offline_url=offline_url,
        offline_speed=0,
        offline_poll_seconds=0,
    )


def submit(service: JobService, offline_url: str, prompt: str) -> Job:
    client = VideoClient(offline_url, "offline-demo")
    try:
        model = load_catalogue().get(VIDEO01)
        return service.submit(client, model, {"model": VIDEO01, "prompt": prompt}, backend="offline")
    finally:
        client.close()


def wait_until(done: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, f"not done after {seconds} s"
        time.sleep(0.05)


# --- no browser ------------------------------------------------------------------------------------------------------


def test_a_job_completes_and_its_video_is_kept_with_no_browser_open(tmp_path: Path, offline: OfflineBackend) -> None:
    settings = settings_for(tmp_path, offline.url)
    follower = standalone(settings, env={}).start()
    store = follower.service.store
    try:
        job = submit(follower.service, offline.url, "A lighthouse in fog")
        wait_until(lambda: (store.get(job.id) or job).status == JobStatus.COMPLETED)
    finally:
        follower.stop()
    done = store.get(job.id)
    assert done is not None and done.status == JobStatus.COMPLETED
    assert done.local_path and (settings.media_dir / done.local_path).stat().st_size > 1000
    assert done.poster_path and (settings.media_dir / done.poster_path).is_file()
    assert (done.lease_owner, done.lease_until) == (None, None)  # the lease is given back
    assert offline.stats["submits"] == 1


def test_a_new_follower_picks_up_the_jobs_an_old_one_left_running(tmp_path: Path, offline: OfflineBackend) -> None:
    settings = settings_for(tmp_path, offline.url)
    first = standalone(settings, env={})  # never started: the studio stopped right after the submit
    job = submit(first.service, offline.url, "Left running")
    first.service.store.close()

    second = standalone(settings, env={})
    wait_until(lambda: second.run_once() is not None and not second.service.store.active())
    done = second.service.store.get(job.id)
    assert done is not None and done.status == JobStatus.COMPLETED and done.local_path


def test_the_follower_sleeps_until_the_next_poll_is_due(tmp_path: Path, offline: OfflineBackend) -> None:
    follower = standalone(settings_for(tmp_path, offline.url), env={})
    store = follower.service.store
    assert follower._wait_seconds() == follower.idle_wait  # nothing running: look again after the idle wait
    soon = utcnow() + timedelta(seconds=0.3)
    store.add(Job(model_id=VIDEO01, backend="offline", status="queued", generation_id="g-1", next_poll_at=soon))
    assert set(follower.clients()) == {"offline"}  # only backends with running jobs get a client
    assert 0.1 < follower._wait_seconds() <= 0.3  # not the next fixed tick: the poll's own time


def test_jobs_the_follower_cannot_take_do_not_keep_it_awake(tmp_path: Path, offline: OfflineBackend) -> None:
    follower = standalone(settings_for(tmp_path, offline.url), env={})
    store = follower.service.store
    overdue = utcnow() - timedelta(seconds=5)
    store.add(Job(model_id=VIDEO01, backend="aimlapi", status="queued", generation_id="g-1", next_poll_at=overdue))
    leased = store.add(
        Job(model_id=VIDEO01, backend="offline", status="queued", generation_id="g-2", next_poll_at=overdue)
    )
    assert [j.id for j in store.claim_due("another studio", backends=["offline"])] == [leased.id]
    assert set(follower.clients()) == {"offline"}
    assert follower._wait_seconds() == follower.idle_wait


# --- the schedule the follower keeps (issue 15: a job that finishes early is seen at once) -------------------------


def test_a_job_with_no_history_is_first_asked_about_within_seconds_of_its_submit(tmp_path: Path) -> None:
    from tests.test_jobs import FakeClient

    store = JobStore(sqlite_url(tmp_path / "history.sqlite3"))
    run_times = RunTimes(store, typical=lambda job: 250.0)  # the catalogue's guess: four minutes
    service = JobService(store, policies={"aimlapi": PollPolicy()}, run_time=run_times.expected)
    model = load_catalogue().get(VIDEO01)
    job = service.submit(FakeClient(), model, {"model": VIDEO01, "prompt": "Quick"}, backend="aimlapi")
    assert job.next_poll_at is not None
    assert (job.next_poll_at - job.created_at).total_seconds() <= 6  # not a minute later


def test_a_run_time_is_learned_from_when_the_provider_finished_not_when_it_was_noticed(tmp_path: Path) -> None:
    from tests.test_jobs import FakeClient, completed

    store = JobStore(sqlite_url(tmp_path / "history.sqlite3"))
    service = JobService(store)
    now = utcnow()
    # Submitted 160 s ago; its last answer, a minute ago, said "generating"; this poll sees it done.
    job = store.add(
        Job(
            model_id=VIDEO01,
            backend="aimlapi",
            status="generating",
            generation_id="g-0",
            created_at=now - timedelta(seconds=160),
            updated_at=now - timedelta(seconds=60),
        )
    )
    service.poll_due({"aimlapi": FakeClient(poll_answers=[completed("g-0")])})
    done = store.get(job.id)
    assert done is not None and done.status == JobStatus.COMPLETED and done.finished_at is not None
    # Midway between the two answers: it ended about 130 s after its submit, not 160 s.
    assert abs((done.finished_at - (now - timedelta(seconds=30))).total_seconds()) < 2
    (learned,) = store.run_seconds(VIDEO01, backend="aimlapi")
    assert 128 < learned < 132
    expected = RunTimes(store, typical=lambda job: 250.0).expected(job)
    assert expected is not None and 128 < expected.typical < 132


# --- leases ----------------------------------------------------------------------------------------------------------


def test_a_running_job_without_a_generation_id_is_left_alone(tmp_path: Path, offline: OfflineBackend) -> None:
    # No submit writes such a row; one that is there anyway must not stop the round for the jobs that can be asked.
    follower = standalone(settings_for(tmp_path, offline.url), env={})
    store = follower.service.store
    overdue = utcnow() - timedelta(seconds=5)
    store.add(Job(model_id=VIDEO01, backend="offline", status="generating", next_poll_at=overdue))
    assert store.claim_due("a") == []
    assert store.next_poll_due() is None
    assert follower._wait_seconds() == follower.idle_wait


def queued_jobs(store: JobStore, n: int) -> list[Job]:
    return store.add_many(
        Job(model_id=VIDEO01, backend="offline", status="queued", generation_id=f"g-{i}") for i in range(n)
    )


def test_two_stores_on_one_sqlite_file_never_claim_the_same_job(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "history.sqlite3")
    one, two = JobStore(url), JobStore(url)
    jobs = queued_jobs(one, 40)
    claimed: dict[str, list[str]] = {}

    def claim(store: JobStore, owner: str) -> None:
        got: list[str] = []
        for _ in range(10):  # in small bites, so the two interleave
            got += [j.id for j in store.claim_due(owner, limit=3)]
        claimed[owner] = got

    threads = [threading.Thread(target=claim, args=(s, o)) for s, o in ((one, "a"), (two, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not set(claimed["a"]) & set(claimed["b"])
    assert sorted(claimed["a"] + claimed["b"]) == sorted(j.id for j in jobs)
    # Held leases are not claimed again; ones that ran out are taken over.
    assert two.claim_due("b") == []
    later = utcnow() + timedelta(minutes=10)
    taken = two.claim_due("b", now=later, lease_seconds=60)
    assert sorted(j.id for j in taken) == sorted(j.id for j in jobs)  # a's jobs, and b's own again
    # The follower that lost its lease can no longer write as its holder.
    assert one.update_leased(claimed["a"][0], "a", status="completed") is None
    assert two.update_leased(claimed["a"][0], "b", status="completed") is not None


def test_a_submitting_job_is_left_to_its_submit_until_the_grace_has_passed(tmp_path: Path) -> None:
    store = JobStore(sqlite_url(tmp_path / "history.sqlite3"))
    job = store.add(Job(model_id=VIDEO01, backend="offline"))
    assert store.claim_due("a") == []
    assert [j.id for j in store.claim_due("a", now=utcnow() + timedelta(minutes=3))] == [job.id]


def test_a_follower_whose_lease_ran_out_records_nothing_and_keeps_no_video(tmp_path: Path) -> None:
    from tests.test_jobs import FakeClient, completed

    url = sqlite_url(tmp_path / "history.sqlite3")
    kept: list[str] = []
    slow = JobService(JobStore(url), on_complete=lambda j: kept.append("slow"), owner="slow")
    quick = JobService(JobStore(url), on_complete=lambda j: kept.append("quick"), owner="quick")
    (job,) = queued_jobs(slow.store, 1)
    (claimed,) = slow.store.claim_due("slow", lease_seconds=1)
    # The slow follower stalls past its lease; the quick one takes the job over and sees it finish.
    quick.poll_due({"offline": FakeClient(poll_answers=[completed("g-0")])}, now=utcnow() + timedelta(seconds=5))
    late = slow.poll_one(FakeClient(poll_answers=[completed("g-0")]), claimed, slow.policy("offline"))
    assert kept == ["quick"]
    assert late.status == JobStatus.COMPLETED and late.lease_owner is None


def check_shared_following(log_file: Path, store: JobStore, jobs: list[Job]) -> None:
    """Every job completed and kept once; no two polls of one job at the same time; both followers worked."""
    entries = [json.loads(line) for line in log_file.read_text().splitlines()]
    polls: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        if "poll" in entry:
            polls[entry["poll"]].append(entry)
    for generation_id, steps in polls.items():
        steps.sort(key=lambda e: e["sent"])
        for before, after in zip(steps, steps[1:], strict=False):
            assert after["sent"] >= before["answered"], f"{generation_id} polled twice at once: {before}, {after}"
    kept = [e["kept"] for e in entries if "kept" in e]
    assert sorted(kept) == sorted(j.generation_id for j in jobs)  # each video downloaded once
    assert len({e["pid"] for e in entries if "poll" in e}) == 2, "both followers should have polled"
    for job in jobs:
        done = store.get(job.id)
        assert done is not None and done.status == JobStatus.COMPLETED and done.local_path


def test_two_followers_in_one_process_share_the_jobs(tmp_path: Path) -> None:
    backend = OfflineBackend(tmp_path / "offline", speed=0.2)
    backend.start()
    settings = settings_for(tmp_path, backend.url)
    log_file = tmp_path / "polls.jsonl"
    lock = threading.Lock()
    followers: list[Follower] = []
    try:
        with log_file.open("a") as out:

            def logger(tag: int) -> Callable[[dict[str, Any]], None]:
                def log(entry: dict[str, Any]) -> None:
                    with lock:
                        out.write(json.dumps({**entry, "pid": tag}) + "\n")

                return log

            for tag in (1, 2):
                follower = standalone(settings, env={})
                make, log = follower.clients, logger(tag)
                follower.clients = lambda make=make, log=log: {n: LoggingClient(c, log) for n, c in make().items()}  # type: ignore[method-assign]
                keep = follower.service.on_complete
                follower.service.on_complete = lambda j, keep=keep, log=log: log({"kept": j.generation_id}) or keep(j)  # type: ignore[misc]
                follower.idle_wait = 0.05
                followers.append(follower)
            jobs = [submit(followers[0].service, backend.url, f"job {i}") for i in range(6)]
            for follower in followers:
                follower.start()
            store = followers[0].service.store
            wait_until(lambda: not store.active() and all(j.local_path for j in store.list()))
    finally:
        for follower in followers:
            follower.stop()
        backend.stop()
    check_shared_following(log_file, store, jobs)


@pytest.mark.postgres
def test_two_studio_processes_on_postgresql_poll_each_job_once_per_step(tmp_path: Path) -> None:
    backend = OfflineBackend(tmp_path / "offline", speed=0.3)
    backend.start()
    try:
        with fresh_postgres_url() as url:
            settings = settings_for(tmp_path, backend.url, database_url=url)
            service = standalone(settings, env={}).service
            jobs = [submit(service, backend.url, f"team job {i}") for i in range(8)]
            log_file = tmp_path / "polls.jsonl"
            workers = [
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "tests.follow_worker",
                        url,
                        backend.url,
                        str(settings.media_dir),
                        str(log_file),
                    ],
                    cwd=REPO,
                )
                for _ in range(2)
            ]
            for worker in workers:
                assert worker.wait(timeout=90) == 0
            check_shared_following(log_file, service.store, jobs)
            service.store.close()
    finally:
        backend.stop()


def test_the_follower_runs_on_its_own_as_a_module(tmp_path: Path, offline: OfflineBackend) -> None:
    settings = settings_for(tmp_path, offline.url)
    job = submit(standalone(settings, env={}).service, offline.url, "Followed apart")
    env = {
        "PATH": "/usr/bin:/bin",
        "VIDEO_STUDIO_HOME": str(settings.data_dir),
        "VIDEO_STUDIO_OFFLINE_URL": offline.url,
        "VIDEO_STUDIO_OFFLINE_SPEED": "0",
        "VIDEO_STUDIO_OFFLINE_POLL_SECONDS": "0",
    }
    store = JobStore(settings.database_url)
    for _ in range(10):  # a poll per run: until its render is done, the job answers "generating"
        store.update(job.id, next_poll_at=utcnow() - timedelta(seconds=1))
        ran = subprocess.run(
            [sys.executable, "-m", "videostudio.follow", "--once"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
        )
        assert ran.returncode == 0, ran.stderr
        if not store.active():
            break
    done = store.get(job.id)
    assert done is not None and done.status == JobStatus.COMPLETED and done.local_path
    assert "AIMLAPI_API_KEY is not set" in ran.stderr  # it says which jobs it cannot follow
