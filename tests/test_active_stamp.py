"""The running jobs' stamp (``JobStore.active_stamp``): the one cheap look an open page takes at the history.

It must change exactly when what ``active()`` returns changes, whichever process wrote, so that a page whose stamp
did not move can skip loading the jobs. Runs on SQLite, and on PostgreSQL when one is reachable (see test_store).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_store import BACKENDS, database
from videostudio.history.store import Job, JobStatus, JobStore
from videostudio.team.people import Person
from videostudio.team.roles import Role
from videostudio.team.seen import SeenJobs


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as found:
        yield found


@pytest.fixture
def store(url: str) -> Iterator[JobStore]:
    opened = JobStore(url)
    yield opened
    opened.close()


def running(**more: object) -> Job:
    values: dict[str, object] = {"model_id": "video-01", "backend": "offline", "status": "generating"}
    return Job(**{**values, "generation_id": "g-1", **more})  # type: ignore[arg-type]


def test_the_stamp_stays_while_nothing_is_written(store: JobStore) -> None:
    store.add(running())
    assert store.active_stamp() == store.active_stamp()


def test_the_stamp_moves_when_a_job_starts_moves_on_ends_or_is_deleted(store: JobStore) -> None:
    empty = store.active_stamp()
    job = store.add(running(status="queued"))
    started = store.active_stamp()
    assert started != empty
    store.update(job.id, status=JobStatus.GENERATING)
    generating = store.active_stamp()
    assert generating != started
    store.update(job.id, next_poll_at=job.created_at)  # a poll that found it still running is a write too
    polled = store.active_stamp()
    assert polled != generating
    store.update(job.id, status=JobStatus.COMPLETED)
    assert store.active_stamp() == empty
    other = store.add(running(generation_id="g-2"))
    before_delete = store.active_stamp()
    store.delete([other.id])
    assert before_delete != empty
    assert store.active_stamp() == empty


def test_finished_jobs_leave_the_stamp_alone(store: JobStore) -> None:
    store.add(running())
    stamp = store.active_stamp()
    done = store.add(Job(model_id="video-01", backend="offline", status="completed"))
    store.update(done.id, local_path="videos/a.mp4")
    store.delete([done.id])
    assert store.active_stamp() == stamp


def test_another_process_writing_moves_the_stamp(store: JobStore, url: str) -> None:
    job = store.add(running())
    stamp = store.active_stamp()
    elsewhere = JobStore(url)  # what a follower running apart, or another replica, opens
    try:
        elsewhere.update(job.id, status=JobStatus.FAILED)
    finally:
        elsewhere.close()
    assert store.active_stamp() != stamp
    assert store.active() == []


def test_equal_stamps_mean_the_same_running_jobs(store: JobStore) -> None:
    first = store.add(running(status="queued"))
    store.add(running(generation_id="g-2"))
    store.update(first.id, status=JobStatus.GENERATING)
    stamp, jobs = store.active_stamp(), store.active()
    assert {(job_id, status) for job_id, status, _at in stamp} == {(j.id, j.status.value) for j in jobs}


def test_a_persons_stamp_holds_only_what_they_see_and_ignores_anothers_writes(store: JobStore) -> None:
    ana, ben = Person("ana@example.com", Role.CREATOR), Person("ben@example.com", Role.CREATOR)
    mine = store.add(running(owner=ana.email))
    theirs = store.add(running(owner=ben.email, generation_id="g-2"))
    seen = SeenJobs(store, ana)
    stamp = seen.active_stamp()
    assert {job_id for job_id, _status, _at in stamp} == {mine.id} == {j.id for j in seen.active()}
    store.update(theirs.id, status=JobStatus.COMPLETED)  # Ben's job ends: nothing on Ana's page changes
    assert seen.active_stamp() == stamp
    store.update(theirs.id, shared=True, status=JobStatus.GENERATING)  # shared with the team: Ana's page shows it
    assert {job_id for job_id, _status, _at in seen.active_stamp()} == {mine.id, theirs.id}
