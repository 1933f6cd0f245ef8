"""The history store: every job the studio ever started, kept in a database.

SQLite is the embedded default; any SQLAlchemy URL works (a team can point ``DATABASE_URL`` at
PostgreSQL). Parameters are stored without their base64 blobs: an uploaded file is kept as its
hash and, for images, a small thumbnail.

The schema belongs to Alembic (``videostudio/migrations``): opening a store upgrades its database to
the newest revision, so a new studio version never loses the history an older one wrote.
"""

from __future__ import annotations

import json
import statistics
import time
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from videostudio.generation import Status
from videostudio.pricing import CREDITS_PER_USD
from videostudio.store_sql import (  # alembic_config is the store's too: new revisions are made with it
    WRITE_OPTION,
    Elapsed,
    UtcDay,
    alembic_config,
    engine_options,
    is_transient,
    is_transient_or_race,
    sqlite_begin,
    sqlite_connect,
    sum_or_zero,
    upgrade_locked,
)

__all__ = ["ACTIVE_STATUSES", "SUBMIT_GRACE", "SUBMITTING", "Job", "JobStatus", "JobStore", "alembic_config", "utcnow"]


class JobStatus(StrEnum):
    """Where a job is, in the history's words: the API's four statuses, and one before the submit answers."""

    SUBMITTING = "submitting"  # the row exists; the submit has not answered yet
    QUEUED = Status.QUEUED.value
    GENERATING = Status.GENERATING.value
    COMPLETED = Status.COMPLETED.value
    FAILED = Status.FAILED.value

    @property
    def is_active(self) -> bool:
        return self in ACTIVE_STATUSES


SUBMITTING = JobStatus.SUBMITTING
# Plain strings: database drivers are given text, never an enum (psycopg would send an enum's name).
ACTIVE_STATUSES = tuple(s.value for s in (JobStatus.SUBMITTING, JobStatus.QUEUED, JobStatus.GENERATING))
# A job still "submitting" this long after it was created was cut off mid-submit (a crash or a restart);
# until then a follower leaves it to the submit that is still waiting for its answer (the client's read
# timeout is 30 s). A submit that knows its answer was lost says so at once, by setting next_poll_at.
SUBMIT_GRACE = timedelta(minutes=2)


# What ``search`` can sort by; "elapsed" is the run time, finished_at - created_at.
ORDER_KEYS = ("created_at", "model_id", "status", "credits", "elapsed")

metadata = sa.MetaData()

# Must match what the migrations build (tests/test_migrations.py compares the two).
jobs_table = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("generation_id", sa.String(200), index=True),
    sa.Column("model_id", sa.String(200), nullable=False),
    sa.Column("backend", sa.String(20), nullable=False),
    sa.Column("endpoint", sa.String(200)),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("raw_status", sa.String(50)),
    sa.Column("prompt", sa.Text, nullable=False, default=""),
    sa.Column("params", sa.Text, nullable=False, default="{}"),
    sa.Column("media", sa.Text, nullable=False, default="{}"),
    sa.Column("thumbnail", sa.Text),
    sa.Column("video_url", sa.Text),
    sa.Column("local_path", sa.Text),
    sa.Column("error", sa.Text),
    sa.Column("credits", sa.Float),
    sa.Column("usd", sa.Float),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("next_poll_at", sa.DateTime(timezone=True)),
    sa.Column("poll_failures", sa.Integer, nullable=False, default=0),
    # Revision 0002: the media library's facts about the local copy, and the kept inputs.
    sa.Column("video_bytes", sa.BigInteger),
    sa.Column("video_seconds", sa.Float),
    sa.Column("poster_path", sa.Text),
    sa.Column("download_attempts", sa.Integer, nullable=False, default=0, server_default=sa.text("0")),
    sa.Column("inputs_dir", sa.Text),
    # Revision 0003: the follower polling the job right now, and until when (see JobStore.claim_due).
    sa.Column("lease_owner", sa.String(64)),
    sa.Column("lease_until", sa.DateTime(timezone=True)),
    # Revision 0004: the X-Client-Request-Id the submit carried (see videostudio/recovery.py).
    sa.Column("client_request_id", sa.String(128)),
    # Indexes for the History page and the library, built by revision 0002 (see it for why each).
    # The first two also replace 0001's single-column status, model_id and created_at indexes.
    sa.Index("ix_jobs_status_created_at", "status", "created_at"),
    sa.Index("ix_jobs_created_at_costs", "created_at", "credits", "usd"),
    sa.Index("ix_jobs_by_model", "model_id", "status", "created_at", "finished_at", "credits", "usd", "id"),
    sa.Index("ix_jobs_downloads", "status", "local_path", "created_at"),
)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Job:
    """One generation job as the history keeps it."""

    model_id: str
    backend: str  # "offline" or "aimlapi": which backend must be asked about it
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    generation_id: str | None = None
    endpoint: str | None = None  # a legacy vendor path when the job was submitted there
    status: str = SUBMITTING
    raw_status: str | None = None
    prompt: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    media: dict[str, Any] = field(default_factory=dict)  # field path → {"sha256", "bytes", "mime", "name"}
    thumbnail: str | None = None  # small JPEG data URI of the first image
    video_url: str | None = None
    local_path: str | None = None
    error: str | None = None
    credits: float | None = None
    usd: float | None = None
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    finished_at: datetime | None = None
    next_poll_at: datetime | None = None
    poll_failures: int = 0
    video_bytes: int | None = None  # size of the local copy
    video_seconds: float | None = None  # duration of the local copy
    poster_path: str | None = None  # JPEG poster frame of the local copy
    download_attempts: int = 0  # tries at copying the video locally, so the library can give up on a dead link
    inputs_dir: str | None = None  # kept copies of the uploaded inputs, for "Use these settings"
    lease_owner: str | None = None  # the follower polling (or downloading) this job right now
    lease_until: datetime | None = None  # when that claim runs out, if the follower died meanwhile
    client_request_id: str | None = None  # the X-Client-Request-Id the submit carried, to find it in the logs

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def elapsed_seconds(self) -> float:
        end = self.finished_at or utcnow()
        return max(0.0, (end - self.created_at).total_seconds())


_JSON_COLUMNS = ("params", "media")
_DATETIME_COLUMNS = ("created_at", "updated_at", "finished_at", "next_poll_at", "lease_until")
JOB_FIELDS = tuple(f.name for f in fields(Job))

# Write transactions are retried this many times when the database says it is busy, not wrong.
_WRITE_ATTEMPTS = 5
# SQLite and PostgreSQL both accept far more bound parameters than this; it keeps IN lists modest.
_DELETE_CHUNK = 500

_T = TypeVar("_T")


class JobStore:
    """Reads and writes jobs; safe to share between the threads of one server process.

    Several processes may share one database (SQLite file or PostgreSQL): every write is a short
    transaction that sets only the columns it changes, so writers of different fields never undo
    each other.
    """

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = sa.create_engine(url, **engine_options(url))
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", sqlite_connect)
            sa.event.listen(self.engine, "begin", sqlite_begin)
        self._writer = self.engine.execution_options(**{WRITE_OPTION: True})
        # One statement instead of two per update where the database can return the updated row.
        self._returning = bool(self.engine.dialect.update_returning)
        try:
            self._write(upgrade_locked, retry=is_transient_or_race)
        except BaseException:
            self.engine.dispose()  # no store, so nobody else would ever close its connections
            raise

    # --- Writes -----------------------------------------------------------------------------------------------------

    def add(self, job: Job) -> Job:
        row = _to_row(job)
        self._write(lambda conn: conn.execute(jobs_table.insert().values(**row)))
        return job

    def add_many(self, jobs: Iterable[Job]) -> list[Job]:
        """Add several jobs in one transaction (an import, a benchmark): all or none are written."""
        added = list(jobs)
        if added:
            rows = [_to_row(j) for j in added]
            self._write(lambda conn: conn.execute(jobs_table.insert(), rows))
        return added

    def update(self, job_id: str, **changes: Any) -> Job:
        """Write ``changes`` to one job and return it as stored."""
        unknown = set(changes) - set(JOB_FIELDS)
        if unknown:
            raise ValueError(f"unknown job fields: {sorted(unknown)}")
        changes.setdefault("updated_at", utcnow())
        row = _to_row_partial(changes)
        statement = jobs_table.update().where(jobs_table.c.id == job_id).values(**row)

        def work(conn: Connection) -> Mapping[str, Any] | None:
            if self._returning:
                return conn.execute(statement.returning(*jobs_table.c)).mappings().first()
            conn.execute(statement)
            return conn.execute(jobs_table.select().where(jobs_table.c.id == job_id)).mappings().first()

        stored = self._write(work)
        if stored is None:
            raise KeyError(job_id)
        return _from_row(stored)

    def update_leased(self, job_id: str, owner: str, **changes: Any) -> Job | None:
        """Write ``changes`` only while ``owner`` still holds the job's lease; None when it does not.

        A follower whose lease ran out (it was slow, another took over) must not record a second answer
        or download the video a second time.
        """
        unknown = set(changes) - set(JOB_FIELDS)
        if unknown:
            raise ValueError(f"unknown job fields: {sorted(unknown)}")
        changes.setdefault("updated_at", utcnow())
        c = jobs_table.c
        held = (c.id == job_id, c.lease_owner == owner)
        statement = jobs_table.update().where(*held).values(**_to_row_partial(changes))

        def work(conn: Connection) -> Mapping[str, Any] | None:
            if self._returning:
                return conn.execute(statement.returning(*jobs_table.c)).mappings().first()
            if conn.execute(statement).rowcount == 0:
                return None
            return conn.execute(jobs_table.select().where(c.id == job_id)).mappings().first()

        stored = self._write(work)
        return _from_row(stored) if stored is not None else None

    def claim_due(
        self,
        owner: str,
        *,
        backends: Collection[str] | None = None,
        lease_seconds: float = 120.0,
        limit: int = 50,
        now: datetime | None = None,
    ) -> list[Job]:
        """Take the lease on active jobs whose poll is due and that no live lease holds; returns them.

        The claim is the database's own: ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL (two followers
        never wait for, nor take, each other's rows), one atomic conditional UPDATE elsewhere (SQLite's write
        lock makes the whole transaction one step). A lease that ran out is taken over. A "submitting" job is
        due only after ``SUBMIT_GRACE`` (until then its submit may still answer), or once its submit has
        recorded that the answer was lost (it set ``next_poll_at``): then the usage logs are asked about it.
        """
        now = _as_utc(now or utcnow())
        until = now + timedelta(seconds=lease_seconds)
        c = jobs_table.c
        due = [
            c.status.in_(ACTIVE_STATUSES),
            sa.or_(c.next_poll_at.is_(None), c.next_poll_at <= now),
            sa.or_(c.lease_until.is_(None), c.lease_until < now),
            sa.or_(
                c.status != JobStatus.SUBMITTING.value, c.created_at <= now - SUBMIT_GRACE, c.next_poll_at.is_not(None)
            ),
        ]
        if backends is not None:
            due.append(c.backend.in_(list(backends)))
        # Jobs never polled first, then the most overdue.
        candidates = sa.select(c.id).where(*due).order_by(c.next_poll_at.is_not(None), c.next_poll_at, c.id)
        candidates = candidates.limit(limit)

        def work(conn: Connection) -> list[Mapping[str, Any]]:
            if conn.dialect.name == "postgresql":
                ids = list(conn.execute(candidates.with_for_update(skip_locked=True)).scalars())
            else:
                ids = list(conn.execute(candidates).scalars())
            if not ids:
                return []
            # Conditional on the same terms: on a database without row locks this is what makes the claim safe.
            claim = jobs_table.update().where(c.id.in_(ids), *due).values(lease_owner=owner, lease_until=until)
            if self._returning:
                return list(conn.execute(claim.returning(*jobs_table.c)).mappings())
            conn.execute(claim)
            mine = jobs_table.select().where(c.id.in_(ids), c.lease_owner == owner, c.lease_until == until)
            return list(conn.execute(mine).mappings())

        rows = self._write(work)
        return sorted((_from_row(r) for r in rows), key=lambda j: (j.next_poll_at is not None, j.next_poll_at))

    def delete(self, job_ids: Iterable[str]) -> None:
        ids = list(job_ids)

        def work(conn: Connection) -> None:
            for start in range(0, len(ids), _DELETE_CHUNK):
                conn.execute(jobs_table.delete().where(jobs_table.c.id.in_(ids[start : start + _DELETE_CHUNK])))

        if ids:
            self._write(work)

    # --- Reads ------------------------------------------------------------------------------------------------------

    def get(self, job_id: str) -> Job | None:
        rows = self._jobs(jobs_table.select().where(jobs_table.c.id == job_id))
        return rows[0] if rows else None

    def list(self, *, limit: int | None = None, model_id: str | None = None) -> list[Job]:
        """Jobs, newest first."""
        query = jobs_table.select().order_by(jobs_table.c.created_at.desc())
        if model_id:
            query = query.where(jobs_table.c.model_id == model_id)
        if limit:
            query = query.limit(limit)
        return self._jobs(query)

    def active(self) -> list[Job]:
        """Jobs not yet finished, oldest first: the ones polling must follow."""
        c = jobs_table.c
        return self._jobs(jobs_table.select().where(c.status.in_(ACTIVE_STATUSES)).order_by(c.created_at.asc()))

    def next_poll_due(self, backends: Collection[str] | None = None, now: datetime | None = None) -> datetime | None:
        """The earliest next poll of an unfinished job of ``backends`` that no live lease holds (None: none)."""
        c = jobs_table.c
        query = sa.select(sa.func.min(c.next_poll_at)).where(
            c.status.in_(ACTIVE_STATUSES), sa.or_(c.lease_until.is_(None), c.lease_until < _as_utc(now or utcnow()))
        )
        if backends is not None:
            query = query.where(c.backend.in_(list(backends)))
        with self.engine.connect() as conn:
            value = conn.execute(query).scalar_one_or_none()
        return _aware(value) if isinstance(value, datetime) else None

    def active_backends(self) -> set[str]:
        """The backends that unfinished jobs run on."""
        c = jobs_table.c
        query = sa.select(c.backend).where(c.status.in_(ACTIVE_STATUSES)).distinct()
        with self.engine.connect() as conn:
            return set(conn.execute(query).scalars())

    def used_by_another_job(
        self, job_id: str, *, inputs_dir: str | None = None, upload_sha256: str | None = None
    ) -> bool:
        """Whether a job other than ``job_id`` was sent with these kept inputs, or with an upload of this hash."""
        c = jobs_table.c
        if inputs_dir is not None:
            condition = c.inputs_dir == inputs_dir
        elif upload_sha256 is not None:
            # An upload's hash appears in the media column of every job that sent it (jobs.Submission.of).
            condition = c.media.contains(upload_sha256)
        else:
            raise ValueError("give inputs_dir or upload_sha256")
        # One column of at most one row: loading 10,000 whole jobs to answer this would take half a second.
        query = sa.select(c.id).where(condition, c.id != job_id).limit(1)
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def count(self) -> int:
        return self.count_matching()

    def search(
        self,
        *,
        model_ids: Sequence[str] | None = None,
        statuses: Sequence[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        text: str | None = None,
        order_by: str = "created_at",
        descending: bool = True,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Job]:
        """One page of the jobs matching every given filter.

        ``model_ids``/``statuses``: None or empty means any. ``since`` is inclusive, ``until`` exclusive
        (naive datetimes are taken as UTC). ``text`` is a case-insensitive substring of the prompt.
        ``order_by`` is one of ``ORDER_KEYS``; jobs without a value for it (no credits, not finished) come
        last either way, and ties go newest first so pages never overlap.
        """
        if order_by not in ORDER_KEYS:
            raise ValueError(f"order_by must be one of {', '.join(ORDER_KEYS)}, not {order_by!r}")
        if (limit is not None and limit < 0) or offset < 0:
            raise ValueError("limit and offset cannot be negative")
        c = jobs_table.c
        key: ColumnElement[Any] = Elapsed(c.finished_at, c.created_at) if order_by == "elapsed" else c[order_by]
        ordering: list[ColumnElement[Any]] = []
        if order_by in ("credits", "elapsed"):
            # Portable NULLS LAST: false sorts before true on every database.
            ordering.append(key.is_(None))
        ordering.append(key.desc() if descending else key.asc())
        newest_first = descending or order_by != "created_at"
        ordering += [c.created_at.desc(), c.id.desc()] if newest_first else [c.created_at.asc(), c.id.asc()]
        # Find the page's ids first, then read only those rows: sorting needs a few small columns (an
        # index holds them), not every matching job's thumbnail and JSON.
        page = (
            sa.select(c.id)
            .where(*_filters(model_ids, statuses, since, until, text))
            .order_by(*ordering)
            .offset(offset or None)
        )
        if limit is not None:
            page = page.limit(limit)
        ids = page.subquery("page")
        return self._jobs(jobs_table.select().join(ids, ids.c.id == c.id).order_by(*ordering))

    def count_matching(
        self,
        *,
        model_ids: Sequence[str] | None = None,
        statuses: Sequence[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        text: str | None = None,
    ) -> int:
        """How many jobs ``search`` would find with these filters and no limit."""
        query = (
            sa.select(sa.func.count()).select_from(jobs_table).where(*_filters(model_ids, statuses, since, until, text))
        )
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def needs_download(self, *, max_attempts: int | None = None) -> list[Job]:
        """Completed jobs whose video has no local copy yet, oldest first (the library retries them).

        ``max_attempts`` leaves out jobs already tried that many times (a link that expired stays dead).
        """
        c = jobs_table.c
        query = jobs_table.select().where(
            c.status == Status.COMPLETED.value,
            c.video_url.is_not(None),
            c.video_url != "",
            c.local_path.is_(None),
            # A follower holding the lease is downloading it right now: once is enough.
            sa.or_(c.lease_until.is_(None), c.lease_until < _as_utc(utcnow())),
        )
        if max_attempts is not None:
            query = query.where(c.download_attempts < max_attempts)
        return self._jobs(query.order_by(c.created_at.asc(), c.id.asc()))

    def cost_by_day(
        self, since: datetime | None = None, *, backends: Collection[str] | None = None
    ) -> list[tuple[date, float, float]]:
        """(UTC day, credits, usd) summed over the charged jobs created that day, oldest day first.

        Failed jobs are not charged and count as nothing. ``usd`` is the reported amount, else the credits at
        $1 = 2,000,000 credits. ``backends`` keeps real spending apart from the offline demo's simulated costs.
        """
        c = jobs_table.c
        day = UtcDay(c.created_at).label("day")
        query = sa.select(day, sum_or_zero(c.credits), sum_or_zero(_dollars())).group_by(day).order_by(day)
        query = _charged(query, backends)
        if since is not None:
            query = query.where(c.created_at >= _as_utc(since))
        with self.engine.connect() as conn:
            return [(_as_date(d), float(credits), float(usd)) for d, credits, usd in conn.execute(query)]

    def cost_by_model(self, *, backends: Collection[str] | None = None) -> list[tuple[str, float, float, int]]:
        """(model_id, credits, usd, number of jobs) per model over the jobs that were not failed, the biggest first."""
        c = jobs_table.c
        credits = sum_or_zero(c.credits)
        query = (
            sa.select(c.model_id, credits, sum_or_zero(_dollars()), sa.func.count())
            .group_by(c.model_id)
            .order_by(credits.desc(), c.model_id)
        )
        with self.engine.connect() as conn:
            return [(m, float(cr), float(usd), int(n)) for m, cr, usd, n in conn.execute(_charged(query, backends))]

    def recent_costs(self, model_id: str, *, backend: str, limit: int = 20) -> list[float]:
        """What the model's latest ``limit`` completed jobs on ``backend`` cost, in US dollars, newest first."""
        c = jobs_table.c
        dollars = _dollars()
        query = (
            sa.select(dollars)
            .where(c.model_id == model_id, c.backend == backend, c.status == Status.COMPLETED.value)
            .where(dollars.is_not(None))
            .order_by(c.created_at.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [float(usd) for (usd,) in conn.execute(query)]

    def last_finished_at(self, backend: str) -> datetime | None:
        """When the latest job on ``backend`` ended: a cheap sign that the account's balance has changed."""
        c = jobs_table.c
        query = sa.select(sa.func.max(c.finished_at)).where(c.backend == backend)
        with self.engine.connect() as conn:
            value = conn.execute(query).scalar()
        return _aware(value) if value is not None else None

    def median_seconds(
        self,
        model_id: str,
        *,
        backend: str | None = None,
        limit: int = 50,
        params: Mapping[str, Any] | None = None,
        min_matching: int = 3,
    ) -> float | None:
        """Median run time of the model's latest ``limit`` completed jobs; None without any (no ETA then).

        ``backend`` keeps offline demo runs (seconds) from predicting real API runs (minutes), and back.
        ``params`` (say duration and resolution) narrows it to the runs sent with the same values, when the
        history has at least ``min_matching`` of them; otherwise every run of the model counts.
        """
        c = jobs_table.c
        wanted = {k: v for k, v in (params or {}).items() if v is not None}
        columns = [c.created_at, c.finished_at] + ([c.params] if wanted else [])
        query = (
            sa.select(*columns)
            .where(c.model_id == model_id, c.status == Status.COMPLETED.value, c.finished_at.is_not(None))
            .order_by(c.created_at.desc())
            .limit(limit * 4 if wanted else limit)
        )
        if backend is not None:
            query = query.where(c.backend == backend)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        if wanted:
            same = [r for r in rows if _params_match(r[2], wanted)]
            rows = same if len(same) >= min_matching else rows
        # A median over at most ``limit`` rows is cheaper here than any portable SQL for it.
        runs = [max(0.0, (_aware(row[1]) - _aware(row[0])).total_seconds()) for row in rows[:limit]]
        return statistics.median(runs) if runs else None

    def close(self) -> None:
        self.engine.dispose()

    # --- Plumbing ---------------------------------------------------------------------------------------------------

    def _jobs(self, query: sa.Select[Any]) -> list[Job]:
        with self.engine.connect() as conn:
            return [_from_row(r) for r in conn.execute(query).mappings()]

    def _write(
        self, work: Callable[[Connection], _T], *, retry: Callable[[sa.exc.DBAPIError], bool] | None = None
    ) -> _T:
        """Run ``work`` in one write transaction, again when the database was only busy.

        A retried attempt is safe: the failed one was rolled back as a whole.
        """
        retry = retry or is_transient
        for attempt in range(1, _WRITE_ATTEMPTS + 1):
            try:
                with self._writer.begin() as conn:
                    return work(conn)
            except sa.exc.DBAPIError as exc:
                if attempt == _WRITE_ATTEMPTS or not retry(exc):
                    raise
                time.sleep(0.05 * attempt)
        raise AssertionError("unreachable")


def _dollars() -> ColumnElement[float]:
    # The dollars the API reported, else the credits at the fixed rate (catalogue_and_billing.md §3).
    c = jobs_table.c
    return sa.func.coalesce(c.usd, c.credits / float(CREDITS_PER_USD))


def _charged(query: sa.Select[Any], backends: Collection[str] | None) -> sa.Select[Any]:
    """Only the jobs that may cost something: a failed generation is billed nothing."""
    c = jobs_table.c
    query = query.where(c.status != Status.FAILED.value)
    return query.where(c.backend.in_(list(backends))) if backends is not None else query


def _filters(
    model_ids: Sequence[str] | None,
    statuses: Sequence[str] | None,
    since: datetime | None,
    until: datetime | None,
    text: str | None,
) -> list[ColumnElement[bool]]:
    c = jobs_table.c
    where: list[ColumnElement[bool]] = []
    if model_ids:
        where.append(c.model_id.in_(_values(model_ids)))
    if statuses:
        where.append(c.status.in_(_values(statuses)))
    if since is not None:
        where.append(c.created_at >= _as_utc(since))
    if until is not None:
        where.append(c.created_at < _as_utc(until))
    if text and text.strip():
        # ilike is ILIKE on PostgreSQL and lower() LIKE lower() elsewhere; % and _ typed are literal.
        pattern = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(c.prompt.ilike(f"%{pattern}%", escape="\\"))
    return where


def _values(values: Sequence[str]) -> list[str]:
    # A lone string is a sequence of characters; take it as the one value it was meant to be.
    return [values] if isinstance(values, str) else list(values)


def _params_match(params_json: str | None, wanted: Mapping[str, Any]) -> bool:
    try:
        params = json.loads(params_json or "{}")
    except ValueError:
        return False
    return isinstance(params, dict) and all(str(params.get(k)) == str(v) for k, v in wanted.items())


def _as_utc(value: datetime) -> datetime:
    # SQLite compares the stored UTC text, so a bound value must be UTC too; naive means UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _aware(value: datetime) -> datetime:
    # SQLite gives back naive datetimes; every time the studio writes is UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _to_row(job: Job) -> dict[str, Any]:
    return _to_row_partial({name: getattr(job, name) for name in JOB_FIELDS})


def _to_row_partial(values: Mapping[str, Any]) -> dict[str, Any]:
    row = dict(values)
    if isinstance(row.get("status"), StrEnum):
        row["status"] = row["status"].value  # text for the driver (see ACTIVE_STATUSES)
    for name in _DATETIME_COLUMNS:
        # SQLite keeps no offset: store every instant as UTC so it reads back the same.
        if isinstance(row.get(name), datetime) and row[name].tzinfo is not None:
            row[name] = row[name].astimezone(UTC)
    for name in _JSON_COLUMNS:
        if name in row:
            row[name] = json.dumps(row[name], ensure_ascii=False, sort_keys=True)
    return row


def _from_row(row: Mapping[str, Any]) -> Job:
    values = {name: row[name] for name in JOB_FIELDS}
    for name in _JSON_COLUMNS:
        values[name] = json.loads(values[name] or "{}")
    for name in _DATETIME_COLUMNS:
        if values[name] is not None:
            values[name] = _aware(values[name])
    values["poll_failures"] = values["poll_failures"] or 0
    values["download_attempts"] = values["download_attempts"] or 0
    return Job(**values)
