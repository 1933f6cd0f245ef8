"""History store speed with 10,000 jobs: poll-style updates, and the History page's queries.

Run: ``.venv/bin/python bench/store_update.py [--jobs 10000] [--updates 500] [--pages 50] [--url URL]``.
Goals: update median ≤ 5 ms on SQLite; a History page (one page of rows + counts + sums) ≤ 150 ms median.
Without ``--url`` it uses a temporary SQLite file; a ``postgresql+psycopg://`` URL is benchmarked in a
temporary schema that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from videostudio.history.store import Job, JobStore  # noqa: E402

MODELS = (
    "veed/fabric-1.0",
    "pixverse/v5/image-to-video",
    "kling-video/v1/standard/image-to-video",
    "video-01",
    "video-01-live2d",
)
WORDS = ("a", "cat", "dog", "lighthouse", "surfing", "at", "dusk", "dawn", "city", "rain", "neon", "forest", "robot")
# About what Submission.of keeps: a small JPEG thumbnail as a data URI.
THUMBNAIL = "data:image/jpeg;base64," + "A" * 4000


def fake_job(rng: random.Random, now: datetime) -> Job:
    created = now - timedelta(seconds=rng.uniform(0, 90 * 86400))
    # Nearly all of a history is finished; a few jobs (~20 in 10,000) are running.
    status = rng.choices(["completed", "failed", "generating", "queued"], weights=[880, 118, 1, 1])[0]
    done = status in ("completed", "failed")
    prompt = " ".join(rng.choices(WORDS, k=rng.randint(4, 25)))
    return Job(
        model_id=rng.choice(MODELS),
        backend=rng.choice(["offline", "aimlapi"]),
        generation_id=uuid.uuid4().hex,
        status=status,
        raw_status=status,
        prompt=prompt,
        params={"prompt": prompt, "duration": rng.choice([5, 8, 10]), "resolution": "720p", "seed": rng.randint(0, 9)},
        media={"image_url": {"sha256": uuid.uuid4().hex * 2, "bytes": 123456, "mime": "image/jpeg"}},
        thumbnail=THUMBNAIL if rng.random() < 0.7 else None,
        video_url="https://cdn.example/v.mp4" if status == "completed" else None,
        local_path=f"/media/{uuid.uuid4().hex}.mp4" if status == "completed" and rng.random() < 0.95 else None,
        credits=rng.choice([None, 210000.0, 420000.0]) if done else None,
        usd=rng.choice([None, 0.21, 0.42]) if done else None,
        created_at=created,
        updated_at=created,
        finished_at=created + timedelta(seconds=rng.uniform(20, 600)) if done else None,
    )


@contextmanager
def database(url: str | None) -> Iterator[str]:
    if not url:
        with tempfile.TemporaryDirectory(prefix="store-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'history.sqlite3'}"
        return
    if not url.startswith("postgresql"):
        raise SystemExit("--url takes a PostgreSQL URL (SQLite is the default)")
    schema = f"store_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        parsed = sa.make_url(url)
        yield parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm caches (SQLAlchemy's statement cache, the page cache)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def report(name: str, timings: list[float]) -> None:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    print(f"{name:<44} median {statistics.median(ordered):7.2f} ms   p95 {p95:7.2f} ms   (n={len(ordered)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=500)
    parser.add_argument("--pages", type=int, default=50, help="runs of each History query")
    parser.add_argument("--url", help="a PostgreSQL URL to benchmark instead of a temporary SQLite file")
    args = parser.parse_args(argv)
    rng = random.Random(4)
    now = datetime.now(UTC)

    with database(args.url) as url:
        store = JobStore(url)
        try:
            started = time.perf_counter()
            jobs = [fake_job(rng, now) for _ in range(args.jobs)]
            for start in range(0, len(jobs), 1000):
                store.add_many(jobs[start : start + 1000])
            fill = time.perf_counter() - started
            if store.engine.dialect.name == "postgresql":
                # What autovacuum does within a minute of a bulk load: planner statistics, visibility map.
                with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("VACUUM ANALYZE jobs")
            print(f"{store.engine.dialect.name}: {store.count()} jobs stored in {fill:.1f} s")

            # Polls write to running jobs only.
            ids = [j.id for j in jobs if j.status in ("queued", "generating")]

            def poll_update() -> None:
                # What one poll writes: the status, when to ask next, no failures.
                store.update(
                    rng.choice(ids),
                    status=rng.choice(["queued", "generating"]),  # they stay running: active() stays small
                    raw_status="generating",
                    next_poll_at=datetime.now(UTC) + timedelta(seconds=10),
                    poll_failures=0,
                )

            report("update() (a poll's changes)", timed(poll_update, args.updates))
            report(f"active() ({len(ids)} running jobs)", timed(store.active, args.pages))

            search = timed(lambda: store.search(limit=50), args.pages)
            count = timed(store.count_matching, args.pages)
            by_model = timed(store.cost_by_model, args.pages)
            report("search(limit=50)", search)
            report("count_matching()", count)
            report("cost_by_model()", by_model)
            report("  the three together", [a + b + c for a, b, c in zip(search, count, by_model, strict=True)])

            filters = {"model_ids": [MODELS[1]], "statuses": ["completed"], "text": "cat"}

            def history_page() -> None:
                # What the History page asks for: a filtered, sorted page, its count, the cost summaries.
                store.search(**filters, order_by="elapsed", limit=50, offset=100)
                store.count_matching(**filters)
                store.cost_by_model()
                store.cost_by_day(since=now - timedelta(days=30))
                store.count()

            report("History page, filtered + sorted by elapsed", timed(history_page, args.pages))
            report("cost_by_day(last 30 days)", timed(lambda: store.cost_by_day(now - timedelta(days=30)), args.pages))
            report("median_seconds(model)", timed(lambda: store.median_seconds(MODELS[1]), args.pages))
            report("needs_download()", timed(store.needs_download, args.pages))
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
