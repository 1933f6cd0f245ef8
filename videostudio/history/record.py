"""A job as the history keeps it: its statuses, the record, and the table row it is stored as.

Kept apart from ``store.py`` (what the store does with jobs) because the whole studio speaks in these
words. The tables themselves are in ``tables.py`` (re-exported here), which the migrations' comparison reads.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from videostudio.api.generation import Status
from videostudio.history.sql import json_text
from videostudio.history.tables import (  # re-exported: the stores import the tables with the records
    board_items_table,
    boards_table,
    drafts_table,
    film_parts_table,
    films_table,
    helper_calls_table,
    jobs_table,
    members_table,
    metadata,
    presets_table,
    team_settings_table,
)
from videostudio.storage.names import is_key

__all__ = [
    "ACTIVE_STATUSES",
    "JOB_FIELDS",
    "SUBMITTING",
    "SUBMIT_GRACE",
    "Job",
    "JobKind",
    "JobStatus",
    "as_utc",
    "board_items_table",
    "boards_table",
    "drafts_table",
    "film_parts_table",
    "films_table",
    "from_row",
    "helper_calls_table",
    "jobs_table",
    "members_table",
    "metadata",
    "presets_table",
    "team_settings_table",
    "to_row",
    "to_row_partial",
    "utcnow",
]


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


class JobKind(StrEnum):
    """What kind of item a history row is; what the studio may do with one is asked of the kind, never by name."""

    GENERATION = "generation"  # a request the API (or the offline demo) ran
    JOINED = "joined"  # finished clips the studio joined into one video on this machine

    @property
    def was_sent(self) -> bool:
        """A request a backend ran: it may be billed, and it has settings as sent to copy, reuse and run again.
        Joined clips were made on this computer: nothing was sent, nothing is paid."""
        return _KIND_WAS_SENT[self]


_KIND_WAS_SENT = {JobKind.GENERATION: True, JobKind.JOINED: False}


SUBMITTING = JobStatus.SUBMITTING
# Plain strings: database drivers are given text, never an enum (psycopg would send an enum's name).
ACTIVE_STATUSES = tuple(s.value for s in (JobStatus.SUBMITTING, JobStatus.QUEUED, JobStatus.GENERATING))
# A job still "submitting" this long after it was created was cut off mid-submit (a crash or a restart);
# until then a follower leaves it to the submit that is still waiting for its answer (the client's read
# timeout is 30 s). A submit that knows its answer was lost says so at once, by setting next_poll_at.
SUBMIT_GRACE = timedelta(minutes=2)
# How long a claim on a job lasts (a follower's, or a batch's on the jobs waiting their turn): longer than a poll
# can take (the client's read timeout), short enough that a dead follower's jobs are soon taken over by another.
LEASE_SECONDS = 120.0


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
    status: JobStatus = SUBMITTING
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
    batch_id: str | None = None  # the one press that sent this job with others (How many, several images)
    kind: JobKind = JobKind.GENERATION  # what the API ran, or clips the studio joined itself
    parent_id: str | None = None  # the job whose last frame this one starts from ("Continue from here")
    press_key: str | None = None  # these settings sent from this browser (intent.press_key); None: not from Generate
    owner: str | None = None  # the member who made it (their email); None in a studio without sign-in
    shared: bool = False  # shared with the team by its owner: members may watch it by its link, never change it
    estimate_usd: float | None = None  # the price shown before the press, per job (the spending limits count it)
    favourite: bool = False  # starred: one of the good takes (set by whoever may change the job)
    rating: int | None = None  # 1 to 5 stars; None: not rated

    def __post_init__(self) -> None:
        # Rows and callers may hand in the stored text ("completed"); the record always holds the typed value,
        # so a status or kind the studio does not know fails here, not later in a lookup.
        object.__setattr__(self, "status", JobStatus(self.status))
        object.__setattr__(self, "kind", JobKind(self.kind or JobKind.GENERATION))

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def has_local_video(self) -> bool:
        """Finished, with its video kept by the studio (the provider's links expire): what can be played, compared,
        joined and continued from.

        Answered without asking the media store (one question per job per rerun would be a request to S3 each): a
        storage key is recorded only once the store holds the video, and a job's row is deleted before its media,
        so the record is the answer (videostudio/storage/names.py). An old row's absolute path is checked on disk.
        """
        if self.status != JobStatus.COMPLETED or not self.local_path:
            return False
        return is_key(self.local_path) or Path(self.local_path).is_file()

    @property
    def elapsed_seconds(self) -> float:
        end = self.finished_at or utcnow()
        return max(0.0, (end - self.created_at).total_seconds())


_JSON_COLUMNS = ("params", "media")
_DATETIME_COLUMNS = ("created_at", "updated_at", "finished_at", "next_poll_at", "lease_until")
JOB_FIELDS = tuple(f.name for f in fields(Job))


def as_utc(value: datetime) -> datetime:
    """``value`` in UTC; naive means UTC.

    SQLite compares the stored UTC text, so a bound value must be UTC too; and it gives back naive
    datetimes, while every time the studio writes is UTC.
    """
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_row(job: Job) -> dict[str, Any]:
    return to_row_partial({name: getattr(job, name) for name in JOB_FIELDS})


def to_row_partial(values: Mapping[str, Any]) -> dict[str, Any]:
    row = dict(values)
    for name in ("status", "kind"):
        if isinstance(row.get(name), StrEnum):
            row[name] = row[name].value  # text for the driver (see ACTIVE_STATUSES)
    for name in _DATETIME_COLUMNS:
        # SQLite keeps no offset: store every instant as UTC so it reads back the same.
        if isinstance(row.get(name), datetime) and row[name].tzinfo is not None:
            row[name] = row[name].astimezone(UTC)
    for name in _JSON_COLUMNS:
        if name in row:
            row[name] = json_text(row[name])
    return row


def from_row(row: Mapping[str, Any]) -> Job:
    values = {name: row[name] for name in JOB_FIELDS}
    for name in _JSON_COLUMNS:
        values[name] = json.loads(values[name] or "{}")
    for name in _DATETIME_COLUMNS:
        if values[name] is not None:
            values[name] = as_utc(values[name])
    values["poll_failures"] = values["poll_failures"] or 0
    values["download_attempts"] = values["download_attempts"] or 0
    values["shared"] = bool(values["shared"])
    values["favourite"] = bool(values["favourite"])
    return Job(**values)
