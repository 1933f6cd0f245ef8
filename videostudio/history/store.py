"""The history store: every job the studio ever started, kept in a database.

SQLite is the embedded default; any SQLAlchemy URL works (a team can point ``DATABASE_URL`` at
PostgreSQL). Parameters are stored without their base64 blobs: an uploaded file is kept as its
hash and, for images, a small thumbnail.

The schema belongs to Alembic (``videostudio/migrations``): opening a store upgrades its database to
the newest revision, so a new studio version never loses the history an older one wrote.

The job record and its table are in ``job_record.py``, History's and Spending's queries in ``store_queries.py``
and each database's details and the migrations in ``store_sql.py``; this module re-exports their public names.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from videostudio.api.generation import Status
from videostudio.history.queries import ORDER_KEYS, JobQueries
from videostudio.history.record import (
    ACTIVE_STATUSES,
    JOB_FIELDS,
    LEASE_SECONDS,
    SUBMIT_GRACE,
    SUBMITTING,
    Job,
    JobKind,
    JobStatus,
    as_utc,
    from_row,
    jobs_table,
    metadata,
    to_row,
    to_row_partial,
    utcnow,
)
from videostudio.history.sql import (  # alembic_config is the store's too: new revisions are made with it
    WRITE_OPTION,
    alembic_config,
    engine_options,
    is_transient,
    is_transient_or_race,
    sqlite_begin,
    sqlite_connect,
    upgrade_locked,
)

__all__ = [
    "ACTIVE_STATUSES",
    "JOB_FIELDS",
    "LEASE_SECONDS",
    "ORDER_KEYS",
    "SUBMITTING",
    "SUBMIT_GRACE",
    "Job",
    "JobKind",
    "JobStatus",
    "JobStore",
    "alembic_config",
    "jobs_table",
    "metadata",
    "utcnow",
]

# Write transactions are retried this many times when the database says it is busy, not wrong.
_WRITE_ATTEMPTS = 5
# SQLite and PostgreSQL both accept far more bound parameters than this; it keeps IN lists modest.
_DELETE_CHUNK = 500

_T = TypeVar("_T")


def _can_be_asked() -> sa.ColumnElement[bool]:
    # A running job is polled by its generation id, and a submitting one is looked up in the usage logs. A row
    # with neither (no submit wrote it) is left alone, rather than stopping the follower's round for every job.
    c = jobs_table.c
    return sa.or_(c.status == JobStatus.SUBMITTING.value, c.generation_id.is_not(None))


class JobStore(JobQueries):
    """Reads and writes jobs; safe to share between the threads of one server process.

    Several processes may share one database (SQLite file or PostgreSQL): every write is a short
    transaction that sets only the columns it changes, so writers of different fields never undo
    each other. History's search, the cost sums and the run-time medians come from ``JobQueries``.
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
        row = to_row(job)
        self._write(lambda conn: conn.execute(jobs_table.insert().values(**row)))
        return job

    def add_many(self, jobs: Iterable[Job]) -> list[Job]:
        """Add several jobs in one transaction (an import, a benchmark): all or none are written."""
        added = list(jobs)
        if added:
            rows = [to_row(j) for j in added]
            self._write(lambda conn: conn.execute(jobs_table.insert(), rows))
        return added

    def add_unless(self, jobs: Iterable[Job], refuse: Callable[[Connection], _T | None]) -> _T | None:
        """Add ``jobs`` in one write transaction, unless ``refuse`` (run first, in that same transaction) gives a
        reason: then nothing is written and the reason is returned. What ``refuse`` reads can't change before the
        jobs are in (a spending limit: videostudio/team/spending.py)."""
        rows = [to_row(j) for j in jobs]

        def work(conn: Connection) -> _T | None:
            reason = refuse(conn)
            if reason is None and rows:
                conn.execute(jobs_table.insert(), rows)
            return reason

        return self._write(work)

    def update(self, job_id: str, **changes: Any) -> Job:
        """Write ``changes`` to one job and return it as stored."""
        unknown = set(changes) - set(JOB_FIELDS)
        if unknown:
            raise ValueError(f"unknown job fields: {sorted(unknown)}")
        changes.setdefault("updated_at", utcnow())
        row = to_row_partial(changes)
        statement = jobs_table.update().where(jobs_table.c.id == job_id).values(**row)

        def work(conn: Connection) -> Mapping[str, Any] | None:
            if self._returning:
                return conn.execute(statement.returning(*jobs_table.c)).mappings().first()
            conn.execute(statement)
            return conn.execute(jobs_table.select().where(jobs_table.c.id == job_id)).mappings().first()

        stored = self._write(work)
        if stored is None:
            raise KeyError(job_id)
        return from_row(stored)

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
        statement = jobs_table.update().where(*held).values(**to_row_partial(changes))

        def work(conn: Connection) -> Mapping[str, Any] | None:
            if self._returning:
                return conn.execute(statement.returning(*jobs_table.c)).mappings().first()
            if conn.execute(statement).rowcount == 0:
                return None
            return conn.execute(jobs_table.select().where(c.id == job_id)).mappings().first()

        stored = self._write(work)
        return from_row(stored) if stored is not None else None

    def claim_due(
        self,
        owner: str,
        *,
        backends: Collection[str] | None = None,
        lease_seconds: float = LEASE_SECONDS,
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
        now = as_utc(now or utcnow())
        until = now + timedelta(seconds=lease_seconds)
        c = jobs_table.c
        due = [
            c.status.in_(ACTIVE_STATUSES),
            sa.or_(c.next_poll_at.is_(None), c.next_poll_at <= now),
            sa.or_(c.lease_until.is_(None), c.lease_until < now),
            sa.or_(
                c.status != JobStatus.SUBMITTING.value, c.created_at <= now - SUBMIT_GRACE, c.next_poll_at.is_not(None)
            ),
            _can_be_asked(),
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
        return sorted((from_row(r) for r in rows), key=lambda j: (j.next_poll_at is not None, j.next_poll_at))

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

    def list(
        self, *, limit: int | None = None, model_id: str | None = None, visible: sa.ColumnElement[bool] | None = None
    ) -> list[Job]:
        """Jobs, newest first (only those ``visible`` keeps, when given: see ``JobQueries.search``)."""
        query = jobs_table.select().order_by(jobs_table.c.created_at.desc())
        if visible is not None:
            query = query.where(visible)
        if model_id:
            query = query.where(jobs_table.c.model_id == model_id)
        if limit:
            query = query.limit(limit)
        return self._jobs(query)

    def active(self, *, visible: sa.ColumnElement[bool] | None = None) -> list[Job]:
        """Jobs not yet finished, oldest first: the ones polling must follow (``visible``: one person's only)."""
        c = jobs_table.c
        query = jobs_table.select().where(c.status.in_(ACTIVE_STATUSES))
        if visible is not None:
            query = query.where(visible)
        return self._jobs(query.order_by(c.created_at.asc()))

    def active_stamp(self, *, visible: sa.ColumnElement[bool] | None = None) -> frozenset[tuple[str, str, datetime]]:
        """Each unfinished job's id, status and time of its last write: what a page compares between two ticks.

        One query of three columns on ``ix_jobs_status_created_at`` (a handful of rows), written by any process that
        shares the database: every write to a job sets ``updated_at``, and a job that starts, ends or is deleted
        enters or leaves the set. Equal stamps mean ``active(visible=...)`` would return the same jobs, so it need
        not run.
        """
        c = jobs_table.c
        query = sa.select(c.id, c.status, c.updated_at).where(c.status.in_(ACTIVE_STATUSES))
        if visible is not None:
            query = query.where(visible)
        with self.engine.connect() as conn:
            return frozenset((job_id, status, at) for job_id, status, at in conn.execute(query))

    def next_poll_due(self, backends: Collection[str] | None = None, now: datetime | None = None) -> datetime | None:
        """The earliest next poll of an unfinished job of ``backends`` that no live lease holds (None: none)."""
        c = jobs_table.c
        query = sa.select(sa.func.min(c.next_poll_at)).where(
            c.status.in_(ACTIVE_STATUSES),
            sa.or_(c.lease_until.is_(None), c.lease_until < as_utc(now or utcnow())),
            _can_be_asked(),
        )
        if backends is not None:
            query = query.where(c.backend.in_(list(backends)))
        with self.engine.connect() as conn:
            value = conn.execute(query).scalar_one_or_none()
        return as_utc(value) if isinstance(value, datetime) else None

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
            sa.or_(c.lease_until.is_(None), c.lease_until < as_utc(utcnow())),
        )
        if max_attempts is not None:
            query = query.where(c.download_attempts < max_attempts)
        return self._jobs(query.order_by(c.created_at.asc(), c.id.asc()))

    def close(self) -> None:
        self.engine.dispose()

    # --- Plumbing ---------------------------------------------------------------------------------------------------

    def write(self, work: Callable[[Connection], _T]) -> _T:
        """Run ``work`` in one write transaction of this database (the team's tables share it), retried when busy."""
        return self._write(work)

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
