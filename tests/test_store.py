"""The history store: CRUD, ordering, JSON and datetime round-trips, the History page's queries,
persistence and concurrent writers.

Every test taking ``store`` or ``database_url`` runs on SQLite, and again on PostgreSQL when one is
reachable (``VIDEO_STUDIO_TEST_POSTGRES_URL``, default below; ``bash scripts/postgres.sh`` makes one).
Each PostgreSQL test gets a schema of its own, dropped afterwards, and a session time zone other than
UTC so that "the day in UTC" is really tested.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from videostudio.store import ACTIVE_STATUSES, ORDER_KEYS, SUBMITTING, Job, JobStore, utcnow

T0 = datetime(2026, 11, 21, 15, 30, tzinfo=UTC)
PIXVERSE = "pixverse/v5/image-to-video"
FABRIC = "veed/fabric-1.0"
KLING = "kling-video/v1/standard/image-to-video"

POSTGRES_URL_ENV = "VIDEO_STUDIO_TEST_POSTGRES_URL"
# What scripts/postgres.sh creates.
DEFAULT_POSTGRES_URL = "postgresql+psycopg://video_studio:video_studio@127.0.0.1:5432/video_studio_test"
# Not UTC, and on the other side of midnight from it for part of every day.
POSTGRES_SESSION_TIME_ZONE = "America/New_York"


# --- Databases -------------------------------------------------------------------------------------------------------


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@functools.cache
def postgres_server() -> tuple[str, str | None]:
    """The PostgreSQL URL to test against, and why it cannot be used (None when it can)."""
    url = os.environ.get(POSTGRES_URL_ENV) or DEFAULT_POSTGRES_URL
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args={"connect_timeout": 2})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:  # any failure to connect means "not here": the tests skip and say why
        reason = getattr(exc, "orig", None) or exc  # the driver's words, without SQLAlchemy's wrapping
        return url, (str(reason).strip().splitlines() or [type(reason).__name__])[0]
    finally:
        engine.dispose()
    return url, None


@contextmanager
def fresh_postgres_url() -> Iterator[str]:
    """A URL whose tables land in a new, empty schema, dropped afterwards; skips when no server answers."""
    url, problem = postgres_server()
    if problem:
        shown = sa.make_url(url).render_as_string(hide_password=True)
        pytest.skip(
            f"PostgreSQL not reachable at {shown} ({problem}); set {POSTGRES_URL_ENV} "
            "(bash scripts/postgres.sh starts a local server and prints it)"
        )
    schema = f"video_studio_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    parsed = sa.make_url(url)
    options = f"{parsed.query.get('options', '')} -csearch_path={schema} -ctimezone={POSTGRES_SESSION_TIME_ZONE}"
    try:
        yield parsed.update_query_dict({"options": options.strip()}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """An empty database: a SQLite file in a folder not made yet, or a fresh PostgreSQL schema."""
    if kind == "sqlite":
        yield sqlite_url(folder / "data" / "history.sqlite3")
    else:
        with fresh_postgres_url() as url:
            yield url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


@pytest.fixture
def store(database_url: str) -> Iterator[JobStore]:
    store = JobStore(database_url)
    yield store
    store.close()


def job(**overrides: object) -> Job:
    values: dict[str, object] = {"model_id": PIXVERSE, "backend": "offline"}
    values.update(overrides)
    return Job(**values)  # type: ignore[arg-type]


def finished(
    model_id: str = PIXVERSE, *, at: datetime = T0, seconds: float = 60.0, status: str = "completed", **more: Any
) -> Job:
    return job(model_id=model_id, status=status, created_at=at, finished_at=at + timedelta(seconds=seconds), **more)


def run_threads(count: int, work: Callable[[int], None], *, timeout: float = 60) -> None:
    """Run ``work(i)`` in ``count`` threads released together; re-raise the first failure."""
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def run(i: int) -> None:
        try:
            start.wait()
            work(i)
        except BaseException as exc:  # reported below: a thread's exception would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    if errors:
        raise errors[0]


# --- Basic operations ------------------------------------------------------------------------------------------------


def test_store_creates_its_folder(db_path: Path) -> None:
    store = JobStore(sqlite_url(db_path))
    try:
        assert db_path.parent.is_dir()
        assert store.count() == 0
    finally:
        store.close()


def test_a_new_store_is_empty(store: JobStore) -> None:
    assert store.count() == 0
    assert store.list() == [] and store.search() == [] and store.active() == []


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


def test_media_library_fields_round_trip(store: JobStore) -> None:
    plain = store.add(job())
    assert (plain.video_bytes, plain.video_seconds, plain.poster_path, plain.inputs_dir) == (None, None, None, None)
    assert store.get(plain.id) == plain and plain.download_attempts == 0

    full = job(
        status="completed",
        local_path="/media/a.mp4",
        video_bytes=3_000_000_000,  # more than a 32-bit integer holds
        video_seconds=5.041,
        poster_path="/media/a.jpg",
        download_attempts=2,
        inputs_dir="/media/inputs/a",
    )
    store.add(full)
    assert store.get(full.id) == full
    updated = store.update(plain.id, video_bytes=1234, video_seconds=8.0, poster_path="/p.jpg", download_attempts=1)
    assert (updated.video_bytes, updated.video_seconds, updated.poster_path, updated.download_attempts) == (
        1234,
        8.0,
        "/p.jpg",
        1,
    )
    assert store.get(plain.id) == updated


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
    middle = store.add(job(created_at=T0 + timedelta(minutes=1), model_id=FABRIC))
    oldest = store.add(job(created_at=T0))
    newest = store.add(job(created_at=T0 + timedelta(minutes=2)))
    assert [j.id for j in store.list()] == [newest.id, middle.id, oldest.id]
    assert [j.id for j in store.list(limit=2)] == [newest.id, middle.id]
    assert [j.id for j in store.list(model_id=FABRIC)] == [middle.id]
    assert [j.id for j in store.list(model_id=PIXVERSE)] == [newest.id, oldest.id]


def test_pressed_gives_the_jobs_of_one_press_key_newest_first(store: JobStore) -> None:
    mine = "a" * 64
    older = store.add(job(press_key=mine, created_at=T0))
    newer = store.add(job(press_key=mine, created_at=T0 + timedelta(minutes=1), batch_id="b1"))
    store.add(job(press_key="b" * 64, created_at=T0 + timedelta(minutes=2)))  # another browser, or other settings
    store.add(job(created_at=T0 + timedelta(minutes=3)))  # not sent by a press of Generate
    assert [j.id for j in store.pressed(mine)] == [newer.id, older.id]
    assert store.pressed(mine)[0].press_key == mine
    assert [j.id for j in store.pressed(mine, limit=1)] == [newer.id]
    assert store.pressed("c" * 64) == []


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


def test_add_many_writes_all_or_nothing(store: JobStore) -> None:
    first = store.add_many(job(prompt=str(i)) for i in range(3))
    assert store.count() == 3 and [store.get(j.id) for j in first] == first
    assert store.add_many([]) == []
    with pytest.raises(sa.exc.IntegrityError):
        store.add_many([job(prompt="new"), first[0]])  # the second is already there
    assert store.count() == 3


def test_delete_of_many_jobs_at_once(store: JobStore) -> None:
    ids = [j.id for j in store.add_many(job(prompt=str(i)) for i in range(1205))]
    kept = store.add(job(prompt="kept"))
    store.delete(ids)
    assert [j.id for j in store.list()] == [kept.id]


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
        assert value.utcoffset() == timedelta(0)  # UTC on every database, whatever its session's zone
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


# --- search and count_matching ---------------------------------------------------------------------------------------


HISTORY = {
    "cat": finished(PIXVERSE, at=T0, seconds=90, prompt="A cat surfing at dawn", credits=400.0, usd=0.4),
    "cafe": finished(FABRIC, at=T0 + timedelta(hours=1), seconds=30, prompt="Un CAFÉ à Paris", credits=100.0),
    "failed": finished(KLING, at=T0 + timedelta(hours=2), seconds=5, status="failed", prompt="100% rain_drops"),
    "running": job(model_id=PIXVERSE, status="generating", created_at=T0 + timedelta(hours=3), prompt="dog"),
    "dog": finished(PIXVERSE, at=T0 - timedelta(days=1), seconds=300, prompt="a dog; cat later", usd=0.9),
    "old": finished(FABRIC, at=T0 - timedelta(days=10), seconds=45, prompt="", credits=250.0, usd=0.25),
}


@pytest.fixture(scope="module", params=BACKENDS)
def history(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[JobStore]:
    """A store holding HISTORY: six jobs with known models, statuses, times, prompts, costs and run times.

    Shared by the tests of one module that only read it, so it is filled once per database.
    """
    with database(request.param, tmp_path_factory.mktemp("history")) as url:
        store = JobStore(url)
        store.add_many(HISTORY.values())
        yield store
        store.close()


def names(found: list[Job]) -> list[str]:
    by_id = {j.id: name for name, j in HISTORY.items()}
    return [by_id[j.id] for j in found]


def test_search_without_filters_is_everything_newest_first(history: JobStore) -> None:
    assert names(history.search()) == ["running", "failed", "cafe", "cat", "dog", "old"]
    assert history.search(limit=1) == [HISTORY["running"]]  # whole jobs, equal to what was added
    assert history.count_matching() == 6


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"model_ids": [FABRIC]}, ["cafe", "old"]),
        ({"model_ids": [FABRIC, KLING]}, ["failed", "cafe", "old"]),
        ({"model_ids": FABRIC}, ["cafe", "old"]),  # a lone id, not its characters
        ({"model_ids": []}, ["running", "failed", "cafe", "cat", "dog", "old"]),  # empty: no filter
        ({"statuses": ["completed"]}, ["cafe", "cat", "dog", "old"]),
        ({"statuses": ["failed", "generating"]}, ["running", "failed"]),
        ({"since": T0}, ["running", "failed", "cafe", "cat"]),  # since is inclusive
        ({"until": T0}, ["dog", "old"]),  # until is exclusive
        ({"since": T0 - timedelta(days=2), "until": T0 + timedelta(hours=1)}, ["cat", "dog"]),
        ({"since": T0.replace(tzinfo=None)}, ["running", "failed", "cafe", "cat"]),  # naive is UTC
        ({"since": T0.astimezone(timezone(timedelta(hours=-5)))}, ["running", "failed", "cafe", "cat"]),
        ({"text": "cat"}, ["cat", "dog"]),
        ({"text": "CAT"}, ["cat", "dog"]),
        ({"text": "café"}, ["cafe"]),  # case folding beyond ASCII
        ({"text": "Café à"}, ["cafe"]),
        ({"text": "100%"}, ["failed"]),  # % and _ are literal characters, not wildcards
        ({"text": "%"}, ["failed"]),
        ({"text": "a_n"}, []),  # as a wildcard, _ would match "dawn" and "rain"
        ({"text": "rain%drops"}, []),
        ({"text": "rain_"}, ["failed"]),
        ({"text": "  "}, ["running", "failed", "cafe", "cat", "dog", "old"]),
        ({"text": "cat", "model_ids": [PIXVERSE], "statuses": ["completed"], "since": T0}, ["cat"]),
        ({"text": "zebra"}, []),
    ],
)
def test_search_filters_and_count_matching_agree(
    history: JobStore, filters: dict[str, Any], expected: list[str]
) -> None:
    assert names(history.search(**filters)) == expected
    assert history.count_matching(**filters) == len(expected)


@pytest.mark.parametrize(
    ("order_by", "descending", "expected"),
    [
        ("created_at", True, ["running", "failed", "cafe", "cat", "dog", "old"]),
        ("created_at", False, ["old", "dog", "cat", "cafe", "failed", "running"]),
        # Ties (same model or status) go newest first.
        ("model_id", False, ["failed", "running", "cat", "dog", "cafe", "old"]),
        ("model_id", True, ["cafe", "old", "running", "cat", "dog", "failed"]),
        ("status", False, ["cafe", "cat", "dog", "old", "failed", "running"]),
        # No credits (failed, running, dog) come last in both directions.
        ("credits", True, ["cat", "old", "cafe", "running", "failed", "dog"]),
        ("credits", False, ["cafe", "old", "cat", "running", "failed", "dog"]),
        # Unfinished (running) comes last in both directions.
        ("elapsed", True, ["dog", "cat", "old", "cafe", "failed", "running"]),
        ("elapsed", False, ["failed", "cafe", "old", "cat", "dog", "running"]),
    ],
)
def test_search_orders_with_missing_values_last(
    history: JobStore, order_by: str, descending: bool, expected: list[str]
) -> None:
    assert names(history.search(order_by=order_by, descending=descending)) == expected


@pytest.mark.parametrize("order_by", ORDER_KEYS)
def test_pages_cover_every_match_exactly_once(store: JobStore, order_by: str) -> None:
    # Many ties: paging must still neither repeat nor skip a job.
    for i in range(23):
        store.add(finished(PIXVERSE if i % 2 else FABRIC, at=T0 + timedelta(minutes=i // 3), seconds=10 * (i % 4)))
    seen: list[str] = []
    for offset in range(0, 30, 5):
        seen += [j.id for j in store.search(order_by=order_by, limit=5, offset=offset)]
    assert len(seen) == 23 and len(set(seen)) == 23
    assert store.search(order_by=order_by, limit=5, offset=25) == []


def test_search_refuses_unknown_ordering_and_negative_paging(store: JobStore) -> None:
    with pytest.raises(ValueError, match="order_by"):
        store.search(order_by="prompt; DROP TABLE jobs")
    with pytest.raises(ValueError):
        store.search(limit=-1)
    with pytest.raises(ValueError):
        store.search(offset=-5)
    assert store.search(limit=0) == []


def test_search_leaves_active_jobs_findable_by_status(history: JobStore) -> None:
    assert names(history.search(statuses=ACTIVE_STATUSES)) == ["running"]


# --- needs_download --------------------------------------------------------------------------------------------------


def test_needs_download_lists_completed_jobs_without_a_local_copy_oldest_first(store: JobStore) -> None:
    url = "https://cdn.example/v.mp4"
    newer = store.add(finished(at=T0 + timedelta(minutes=5), video_url=url))
    older = store.add(finished(at=T0, video_url=url, download_attempts=2))
    store.add(finished(at=T0, video_url=url, local_path="/media/x.mp4"))  # already copied
    store.add(finished(at=T0))  # no URL to fetch
    store.add(finished(at=T0, video_url=""))
    store.add(finished(at=T0, video_url=url, status="failed"))
    store.add(job(status="generating", video_url=url))
    assert [j.id for j in store.needs_download()] == [older.id, newer.id]
    assert [j.id for j in store.needs_download(max_attempts=2)] == [newer.id]
    store.update(older.id, local_path="/media/older.mp4", video_bytes=10)
    assert [j.id for j in store.needs_download()] == [newer.id]


# --- Costs -----------------------------------------------------------------------------------------------------------


def test_cost_by_day_groups_by_the_utc_day(store: JobStore) -> None:
    late = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    # 01:30 in Paris on the 21st is still the 20th in UTC; 20:00 in New York on the 20th is the 21st in UTC.
    paris_early = datetime(2026, 11, 21, 1, 30, tzinfo=timezone(timedelta(hours=2)))
    new_york_evening = datetime(2026, 11, 20, 20, 0, tzinfo=timezone(timedelta(hours=-5)))
    store.add(job(created_at=late, credits=100.0, usd=0.1))
    store.add(job(created_at=paris_early, credits=50.0))  # no usd: its credits at $1 = 2,000,000 credits
    store.add(job(created_at=new_york_evening, credits=10.0, usd=0.01))
    store.add(job(created_at=late + timedelta(hours=1), usd=0.5))
    store.add(job(created_at=late + timedelta(days=3)))  # no cost at all
    days = store.cost_by_day()
    assert [d for d, _, _ in days] == [date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 23)]
    assert all(type(d) is date for d, _, _ in days)
    assert days[0] == (date(2026, 11, 20), 150.0, pytest.approx(0.1 + 50 / 2_000_000))
    assert days[1] == (date(2026, 11, 21), 10.0, pytest.approx(0.51))
    assert days[2] == (date(2026, 11, 23), 0.0, 0.0)
    assert [d for d, _, _ in store.cost_by_day(since=datetime(2026, 11, 21, tzinfo=UTC))] == [
        date(2026, 11, 21),
        date(2026, 11, 23),
    ]


def test_cost_by_model_sums_and_counts(history: JobStore) -> None:
    # The failed Kling job is billed nothing and counts nowhere; "cafe" reported only credits (100 = $0.00005).
    assert history.cost_by_model() == [
        (PIXVERSE, 400.0, pytest.approx(1.3), 3),
        (FABRIC, 350.0, pytest.approx(0.25005), 2),
    ]


def test_costs_leave_out_failed_jobs_and_keep_backends_apart(store: JobStore) -> None:
    day = datetime(2026, 11, 20, 12, tzinfo=UTC)
    store.add(job(created_at=day, status="completed", credits=840_000.0, backend="aimlapi"))
    store.add(job(created_at=day, status="failed", credits=504_000.0, backend="aimlapi"))
    store.add(job(created_at=day, status="completed", credits=2_000_000.0, backend="offline"))
    assert store.cost_by_model(backends=["aimlapi"]) == [(PIXVERSE, 840_000.0, pytest.approx(0.42), 1)]
    assert store.cost_by_model(backends=["offline"]) == [(PIXVERSE, 2_000_000.0, pytest.approx(1.0), 1)]
    assert store.cost_by_day(backends=["aimlapi"]) == [(date(2026, 11, 20), 840_000.0, pytest.approx(0.42))]
    assert store.cost_by_model() == [(PIXVERSE, 2_840_000.0, pytest.approx(1.42), 2)]


def test_recent_costs_are_completed_jobs_of_the_model_on_one_backend(store: JobStore) -> None:
    for n, (status, credits, backend) in enumerate(
        [
            ("completed", 200_000.0, "offline"),
            ("completed", 400_000.0, "offline"),
            ("failed", 900_000.0, "offline"),
            ("completed", 600_000.0, "aimlapi"),
            ("completed", None, "offline"),
        ]
    ):
        store.add(finished(at=T0 + timedelta(minutes=n), status=status, credits=credits, backend=backend))
    store.add(finished(FABRIC, at=T0, credits=800_000.0))
    assert store.recent_costs(PIXVERSE, backend="offline") == [pytest.approx(0.2), pytest.approx(0.1)]
    assert store.recent_costs(PIXVERSE, backend="aimlapi") == [pytest.approx(0.3)]
    assert store.recent_costs(KLING, backend="offline") == []


def test_the_last_end_seen_moves_whenever_a_job_ends(store: JobStore) -> None:
    assert store.last_end_seen("aimlapi") is None
    running = store.add(job(backend="aimlapi", status="generating"))
    assert store.last_end_seen("aimlapi") is None
    store.update(running.id, status="completed", finished_at=T0 + timedelta(minutes=5))
    seen = store.last_end_seen("aimlapi")
    assert seen is not None
    # finished_at is when the provider finished: a job seen ending later may have finished earlier.
    other = store.add(job(backend="aimlapi", status="generating"))
    store.update(other.id, status="completed", finished_at=T0 + timedelta(minutes=1))
    later = store.last_end_seen("aimlapi")
    assert later is not None and later > seen
    assert store.last_end_seen("offline") is None


def test_costs_of_an_empty_history(store: JobStore) -> None:
    assert store.cost_by_day() == [] and store.cost_by_model() == []


# --- median_seconds --------------------------------------------------------------------------------------------------


def test_median_seconds_needs_a_completed_run_of_that_model(store: JobStore) -> None:
    assert store.median_seconds(PIXVERSE) is None
    store.add(finished(PIXVERSE, seconds=10, status="failed"))
    store.add(job(model_id=PIXVERSE, status="generating"))
    store.add(finished(FABRIC, seconds=10))
    assert store.median_seconds(PIXVERSE) is None
    store.add(finished(PIXVERSE, seconds=42.5))
    assert store.median_seconds(PIXVERSE) == pytest.approx(42.5)


def test_median_seconds_of_the_latest_runs(store: JobStore) -> None:
    for i, seconds in enumerate([100, 10, 20, 30, 40]):  # oldest first
        store.add(finished(PIXVERSE, at=T0 + timedelta(minutes=i), seconds=seconds))
    assert store.median_seconds(PIXVERSE) == pytest.approx(30)  # 10 20 30 40 100
    assert store.median_seconds(PIXVERSE, limit=4) == pytest.approx(25)  # the oldest (100) left out
    assert store.median_seconds(PIXVERSE, limit=1) == pytest.approx(40)


def test_median_seconds_of_one_backend(store: JobStore) -> None:
    # Offline demo runs take seconds and real ones minutes: neither may predict the other.
    store.add(replace(finished(PIXVERSE, seconds=4), backend="offline"))
    store.add(replace(finished(PIXVERSE, seconds=80), backend="aimlapi"))
    assert store.median_seconds(PIXVERSE, backend="offline") == pytest.approx(4)
    assert store.median_seconds(PIXVERSE, backend="aimlapi") == pytest.approx(80)
    assert store.median_seconds(PIXVERSE, backend="other") is None


# --- Persistence and concurrency -------------------------------------------------------------------------------------


def test_history_survives_a_new_store_on_the_same_database(database_url: str) -> None:
    first = JobStore(database_url)
    kept = first.add(job(prompt="keep me", params={"duration": 5}, created_at=T0))
    first.update(kept.id, status="completed", video_url="https://cdn.example/v.mp4")
    first.close()

    second = JobStore(database_url)
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

    def work(i: int) -> None:
        job_id = jobs[i].id
        for n in range(1, updates + 1):
            store.update(job_id, poll_failures=n, params={"step": n})
            store.add(job(prompt=f"{job_id}-{n}", status="completed"))

    run_threads(len(jobs), work)
    for original in jobs:
        stored = store.get(original.id)
        assert stored is not None
        assert (stored.poll_failures, stored.params) == (updates, {"step": updates})
    assert store.count() == len(jobs) * (updates + 1)
    prompts = {j.prompt for j in store.list()}
    assert all(f"{j.id}-{i}" in prompts for j in jobs for i in range(1, updates + 1))


@pytest.mark.parametrize("stores", [1, 2], ids=["one store", "two stores"])
def test_four_writers_finishing_jobs_at_once_lose_nothing(database_url: str, stores: int) -> None:
    """4 threads x 100 updates, each of its own job and of its own field of one shared job.

    With two stores, the threads write through two engines (two connection pools) on one database,
    as two studio processes would.
    """
    opened = [JobStore(database_url) for _ in range(stores)]
    try:
        own = [opened[0].add(job(status="queued")) for _ in range(4)]
        shared = opened[0].add(job(status="generating"))
        # Each thread owns one field of the shared job.
        shared_fields = ("poll_failures", "download_attempts", "video_bytes", "credits")
        updates = 100

        def work(i: int) -> None:
            store = opened[i % stores]
            for n in range(1, updates + 1):
                status = "completed" if n == updates else "generating"
                store.update(own[i].id, status=status, raw_status=f"step-{n}", next_poll_at=T0 + timedelta(n))
                store.update(shared.id, **{shared_fields[i]: n})

        run_threads(4, work)

        reader = opened[-1]
        for original in own:
            stored = reader.get(original.id)
            assert stored is not None
            assert (stored.status, stored.raw_status, stored.next_poll_at) == (
                "completed",
                f"step-{updates}",
                T0 + timedelta(updates),
            )
        stored_shared = reader.get(shared.id)
        assert stored_shared is not None
        assert [getattr(stored_shared, name) for name in shared_fields] == [updates] * 4
        assert stored_shared.status == "generating"
    finally:
        for store in opened:
            store.close()


def test_a_writer_waits_for_another_process_holding_the_sqlite_write_lock(db_path: Path) -> None:
    store = JobStore(sqlite_url(db_path))
    try:
        added = store.add(job(status="queued"))
        other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
        other.execute("UPDATE jobs SET raw_status = 'other' WHERE id = ?", (added.id,))
        release = threading.Timer(0.5, lambda: other.execute("COMMIT"))
        release.start()
        started = time.monotonic()
        updated = store.update(added.id, status="generating")
        waited = time.monotonic() - started
        release.join()
        other.close()
        assert waited >= 0.3  # it waited for the lock rather than failing with "database is locked"
        assert (updated.status, updated.raw_status) == ("generating", "other")
    finally:
        store.close()


def test_a_write_refused_as_busy_is_tried_again(store: JobStore) -> None:
    added = store.add(job(status="queued"))
    calls = []

    def flaky(conn: sa.Connection) -> str:
        calls.append(1)
        conn.execute(sa.text("UPDATE jobs SET raw_status = 'written' WHERE id = :id"), {"id": added.id})
        if len(calls) < 3:
            raise sa.exc.OperationalError("UPDATE jobs ...", {}, sqlite3.OperationalError("database is locked"))
        return "done"

    assert store._write(flaky) == "done"
    assert len(calls) == 3
    stored = store.get(added.id)
    assert stored is not None and stored.raw_status == "written"

    def broken(conn: sa.Connection) -> None:
        raise sa.exc.OperationalError("SELECT", {}, sqlite3.OperationalError("no such column: colour"))

    with pytest.raises(sa.exc.OperationalError, match="colour"):
        store._write(broken)  # a real error is not retried
