"""The history store on SQLite: CRUD, ordering, JSON and datetime round-trips, persistence and concurrent writers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from videostudio.store import ACTIVE_STATUSES, SUBMITTING, Job, JobStore, utcnow

T0 = datetime(2026, 11, 21, 15, 30, tzinfo=UTC)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[JobStore]:
    store = JobStore(sqlite_url(db_path))
    yield store
    store.close()


def job(**overrides: object) -> Job:
    values: dict[str, object] = {"model_id": "pixverse/v5/image-to-video", "backend": "offline"}
    values.update(overrides)
    return Job(**values)  # type: ignore[arg-type]


# --- Basic operations ------------------------------------------------------------------------------------------------


def test_store_creates_its_folder(db_path: Path, store: JobStore) -> None:
    assert db_path.parent.is_dir()
    assert store.count() == 0


def test_add_then_get_returns_an_equal_job(store: JobStore) -> None:
    original = job(
        generation_id="8ac142d3:pixverse/v5/image-to-video",
        endpoint="/v2/generate/video/pixverse/generation",
        status="queued",
        raw_status="waiting",
        prompt="a cat surfing",
        thumbnail="data:image/jpeg;base64,AAAA",
        credits=420000.0,
        usd=0.42,
        created_at=T0,
        updated_at=T0,
        next_poll_at=T0 + timedelta(seconds=10),
        poll_failures=2,
    )
    assert store.add(original) == original
    assert store.get(original.id) == original


def test_get_unknown_is_none(store: JobStore) -> None:
    assert store.get("nope") is None


def test_new_jobs_start_submitting_with_fresh_ids() -> None:
    first, second = job(), job()
    assert first.status == SUBMITTING and first.is_active
    assert first.id != second.id


def test_update_writes_changes_and_returns_the_stored_job(store: JobStore) -> None:
    added = store.add(job(created_at=T0, updated_at=T0))
    before = utcnow()
    updated = store.update(added.id, status="completed", video_url="https://cdn.example/v.mp4", finished_at=T0)
    after = utcnow()
    assert updated == store.get(added.id)
    assert (updated.status, updated.video_url, updated.finished_at) == ("completed", "https://cdn.example/v.mp4", T0)
    assert not updated.is_active
    # updated_at moves by itself; untouched fields stay.
    assert before - timedelta(seconds=1) <= updated.updated_at <= after + timedelta(seconds=1)
    assert updated.created_at == T0
    assert updated.model_id == added.model_id


def test_update_can_clear_a_field(store: JobStore) -> None:
    added = store.add(job(error="temporary", next_poll_at=T0))
    updated = store.update(added.id, error=None, next_poll_at=None)
    assert updated.error is None and updated.next_poll_at is None


def test_update_of_an_unknown_field_raises_and_writes_nothing(store: JobStore) -> None:
    added = store.add(job(status="queued"))
    with pytest.raises(ValueError, match="colour"):
        store.update(added.id, status="failed", colour="red")
    assert store.get(added.id) == added


def test_update_of_an_unknown_job_raises(store: JobStore) -> None:
    with pytest.raises(KeyError):
        store.update("nope", status="failed")


def test_list_newest_first_with_limit_and_model_filter(store: JobStore) -> None:
    middle = store.add(job(created_at=T0 + timedelta(minutes=1), model_id="veed/fabric-1.0"))
    oldest = store.add(job(created_at=T0))
    newest = store.add(job(created_at=T0 + timedelta(minutes=2)))
    assert [j.id for j in store.list()] == [newest.id, middle.id, oldest.id]
    assert [j.id for j in store.list(limit=2)] == [newest.id, middle.id]
    assert [j.id for j in store.list(model_id="veed/fabric-1.0")] == [middle.id]
    assert [j.id for j in store.list(model_id="pixverse/v5/image-to-video")] == [newest.id, oldest.id]


def test_active_is_oldest_first_and_only_unfinished(store: JobStore) -> None:
    statuses = ["generating", "completed", SUBMITTING, "failed", "queued"]
    added = [store.add(job(status=s, created_at=T0 - timedelta(minutes=i))) for i, s in enumerate(statuses)]
    by_status = {j.status: j for j in added}
    active = store.active()
    # created: queued T0-4, submitting T0-2, generating T0
    assert [j.status for j in active] == ["queued", SUBMITTING, "generating"]
    assert [j.id for j in active] == [by_status["queued"].id, by_status[SUBMITTING].id, by_status["generating"].id]
    assert all(j.status in ACTIVE_STATUSES for j in active)


def test_count_and_delete(store: JobStore) -> None:
    jobs = [store.add(job()) for _ in range(4)]
    assert store.count() == 4
    store.delete([jobs[0].id, jobs[2].id])
    assert store.count() == 2
    assert store.get(jobs[0].id) is None and store.get(jobs[2].id) is None
    assert store.get(jobs[1].id) is not None
    store.delete([])  # nothing chosen: nothing deleted
    store.delete(["unknown"])
    assert store.count() == 2
    store.delete(j.id for j in jobs)  # any iterable of ids
    assert store.count() == 0


# --- Round-trips -----------------------------------------------------------------------------------------------------


def test_json_params_and_media_round_trip(store: JobStore) -> None:
    params = {
        "prompt": "Un café à Paris ☕",
        "duration": 8,
        "cfg_scale": 0.5,
        "enhance_prompt": False,
        "seed": None,
        "camera_control": {"type": "simple", "config": {"zoom": -3.5}},
        "dynamic_masks": [{"mask": "(uploaded image)", "trajectories": [{"x": 1, "y": 2}, {"x": 3, "y": 4}]}],
    }
    media = {"image_url": {"sha256": "ab" * 32, "bytes": 1234, "mime": "image/png", "name": "cät.png"}}
    added = store.add(job(params=params, media=media))
    stored = store.get(added.id)
    assert stored is not None
    assert stored.params == params
    assert stored.media == media
    assert store.update(added.id, params={"prompt": "new"}).params == {"prompt": "new"}


def test_empty_json_columns_come_back_as_empty_dicts(store: JobStore) -> None:
    added = store.add(job())
    stored = store.get(added.id)
    assert stored is not None and stored.params == {} and stored.media == {}


def test_datetimes_come_back_timezone_aware(store: JobStore) -> None:
    added = store.add(job(created_at=T0, updated_at=T0, finished_at=T0 + timedelta(seconds=90), next_poll_at=T0))
    stored = store.get(added.id)
    assert stored is not None
    for value in (stored.created_at, stored.updated_at, stored.finished_at, stored.next_poll_at):
        assert value is not None and value.tzinfo is not None
    assert stored.created_at == T0
    assert stored.elapsed_seconds == 90.0
    # Aware datetimes can be compared with "now" without a TypeError.
    assert stored.created_at < utcnow()


def test_microseconds_survive(store: JobStore) -> None:
    when = T0.replace(microsecond=123456)
    added = store.add(job(created_at=when))
    stored = store.get(added.id)
    assert stored is not None and stored.created_at == when


def test_non_utc_datetimes_keep_their_instant(store: JobStore) -> None:
    paris = datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    added = store.add(job(created_at=paris))
    stored = store.get(added.id)
    assert stored is not None and stored.created_at == paris


# --- Persistence and concurrency -------------------------------------------------------------------------------------


def test_history_survives_a_new_store_on_the_same_file(db_path: Path) -> None:
    first = JobStore(sqlite_url(db_path))
    kept = first.add(job(prompt="keep me", params={"duration": 5}, created_at=T0))
    first.update(kept.id, status="completed", video_url="https://cdn.example/v.mp4")
    first.close()

    second = JobStore(sqlite_url(db_path))
    try:
        assert second.count() == 1
        stored = second.get(kept.id)
        assert stored is not None
        assert (stored.prompt, stored.params, stored.status) == ("keep me", {"duration": 5}, "completed")
        assert stored.video_url == "https://cdn.example/v.mp4"
    finally:
        second.close()


def test_two_threads_updating_different_jobs_lose_nothing(store: JobStore) -> None:
    jobs = [store.add(job(status="queued")), store.add(job(status="queued"))]
    updates = 50
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def work(job_id: str) -> None:
        try:
            start.wait()
            for i in range(1, updates + 1):
                store.update(job_id, poll_failures=i, params={"step": i})
                store.add(job(prompt=f"{job_id}-{i}", status="completed"))
        except BaseException as exc:  # reported below: a thread's exception would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(j.id,)) for j in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert not any(t.is_alive() for t in threads)
    for original in jobs:
        stored = store.get(original.id)
        assert stored is not None
        assert (stored.poll_failures, stored.params) == (updates, {"step": updates})
    assert store.count() == len(jobs) * (updates + 1)
    prompts = {j.prompt for j in store.list()}
    assert all(f"{j.id}-{i}" in prompts for j in jobs for i in range(1, updates + 1))
