"""The history store: every job the studio ever started, kept in a database.

SQLite is the embedded default; any SQLAlchemy URL works (a team can point ``DATABASE_URL`` at
PostgreSQL). Parameters are stored without their base64 blobs: an uploaded file is kept as its
hash and, for images, a small thumbnail.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from videostudio.generation import Status

# Statuses the store knows beyond the API's: a job exists before its submit has answered.
SUBMITTING = "submitting"
ACTIVE_STATUSES = (SUBMITTING, Status.QUEUED.value, Status.GENERATING.value)
TERMINAL_STATUSES = (Status.COMPLETED.value, Status.FAILED.value)

metadata = sa.MetaData()

jobs_table = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("generation_id", sa.String(200), index=True),
    sa.Column("model_id", sa.String(200), nullable=False, index=True),
    sa.Column("backend", sa.String(20), nullable=False),
    sa.Column("endpoint", sa.String(200)),
    sa.Column("status", sa.String(20), nullable=False, index=True),
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
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("next_poll_at", sa.DateTime(timezone=True)),
    sa.Column("poll_failures", sa.Integer, nullable=False, default=0),
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

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def elapsed_seconds(self) -> float:
        end = self.finished_at or utcnow()
        return max(0.0, (end - self.created_at).total_seconds())


_JSON_COLUMNS = ("params", "media")
_DATETIME_COLUMNS = ("created_at", "updated_at", "finished_at", "next_poll_at")
JOB_FIELDS = tuple(f.name for f in fields(Job))


def default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'history.sqlite3'}"


class JobStore:
    """Reads and writes jobs; safe to share between the threads of one server process."""

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = sa.create_engine(url, **_engine_options(url))
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)

    def add(self, job: Job) -> Job:
        with self.engine.begin() as conn:
            conn.execute(jobs_table.insert().values(**_to_row(job)))
        return job

    def update(self, job_id: str, **changes: Any) -> Job:
        """Write ``changes`` to one job and return it as stored."""
        unknown = set(changes) - set(JOB_FIELDS)
        if unknown:
            raise ValueError(f"unknown job fields: {sorted(unknown)}")
        changes.setdefault("updated_at", utcnow())
        row = _to_row_partial(changes)
        with self.engine.begin() as conn:
            conn.execute(jobs_table.update().where(jobs_table.c.id == job_id).values(**row))
            stored = conn.execute(jobs_table.select().where(jobs_table.c.id == job_id)).mappings().first()
        if stored is None:
            raise KeyError(job_id)
        return _from_row(stored)

    def get(self, job_id: str) -> Job | None:
        with self.engine.connect() as conn:
            row = conn.execute(jobs_table.select().where(jobs_table.c.id == job_id)).mappings().first()
        return _from_row(row) if row else None

    def list(self, *, limit: int | None = None, model_id: str | None = None) -> list[Job]:
        """Jobs, newest first."""
        query = jobs_table.select().order_by(jobs_table.c.created_at.desc())
        if model_id:
            query = query.where(jobs_table.c.model_id == model_id)
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [_from_row(r) for r in conn.execute(query).mappings()]

    def active(self) -> list[Job]:
        """Jobs not yet finished, oldest first: the ones polling must follow."""
        query = (
            jobs_table.select().where(jobs_table.c.status.in_(ACTIVE_STATUSES)).order_by(jobs_table.c.created_at.asc())
        )
        with self.engine.connect() as conn:
            return [_from_row(r) for r in conn.execute(query).mappings()]

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(jobs_table)).scalar_one()

    def delete(self, job_ids: Iterable[str]) -> None:
        with self.engine.begin() as conn:
            conn.execute(jobs_table.delete().where(jobs_table.c.id.in_(list(job_ids))))

    def close(self) -> None:
        self.engine.dispose()


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        # Streamlit runs each session in its own thread; SQLite connections must allow that.
        return {"connect_args": {"check_same_thread": False, "timeout": 15}}
    return {"pool_pre_ping": True}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the page read history while a poll writes; NORMAL sync is safe with WAL.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _to_row(job: Job) -> dict[str, Any]:
    return _to_row_partial({name: getattr(job, name) for name in JOB_FIELDS})


def _to_row_partial(values: Mapping[str, Any]) -> dict[str, Any]:
    row = dict(values)
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
        # SQLite gives back naive datetimes; every time the studio writes is UTC.
        if values[name] is not None and values[name].tzinfo is None:
            values[name] = values[name].replace(tzinfo=UTC)
    values["poll_failures"] = values["poll_failures"] or 0
    return Job(**values)
