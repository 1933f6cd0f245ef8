"""A job as the history keeps it: its statuses, the record, and the table row it is stored as.

Kept apart from ``store.py`` (what the store does with jobs) because the whole studio speaks in these
words; the store, its queries (``store_queries.py``) and the migrations' comparison all share this table.
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

import sqlalchemy as sa

from videostudio.api.generation import Status
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
    # Revision 0004: the X-Client-Request-Id the submit carried (see videostudio/jobs/recovery.py).
    sa.Column("client_request_id", sa.String(128)),
    # Revision 0005: the batch a job was sent in, what kind of item it is, and the job it continues.
    sa.Column("batch_id", sa.String(32)),
    sa.Column("kind", sa.String(20), nullable=False, default="generation", server_default="generation"),
    sa.Column("parent_id", sa.String(32)),
    # Revision 0006: which press of Generate, in which browser, sent it (videostudio/jobs/intent.py press_key).
    sa.Column("press_key", sa.String(64)),
    # Revision 0007: whose job it is (a member's email; None without sign-in), whether it is shared with the team
    # (viewing only), and the price the studio showed before the press (an actual cost above it is reported).
    sa.Column("owner", sa.String(320)),
    sa.Column("shared", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    sa.Column("estimate_usd", sa.Float),
    # Revision 0009: the take's star and its rating (1 to 5; None: not rated), for History's filters and sort.
    sa.Column("favourite", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    sa.Column("rating", sa.Integer),
    # Indexes for the History page and the library, built by revision 0002 (see it for why each).
    # The first two also replace 0001's single-column status, model_id and created_at indexes.
    sa.Index("ix_jobs_status_created_at", "status", "created_at"),
    sa.Index("ix_jobs_created_at_costs", "created_at", "credits", "usd"),
    sa.Index("ix_jobs_by_model", "model_id", "status", "created_at", "finished_at", "credits", "usd", "id"),
    sa.Index("ix_jobs_downloads", "status", "local_path", "created_at"),
    sa.Index("ix_jobs_batch_id", "batch_id"),
    sa.Index("ix_jobs_parent_id", "parent_id"),
    sa.Index("ix_jobs_press_key", "press_key"),
    sa.Index("ix_jobs_owner_created_at", "owner", "created_at"),
    sa.Index("ix_jobs_shared_created_at", "shared", "created_at"),  # revision 0010: a member's view, its shared half
    sa.Index("ix_jobs_marks", "favourite", "rating"),
)

# Revision 0007: the team's members (videostudio/team/members.py) and its settings, in the history's database so
# every replica of a team studio reads the same ones.
members_table = sa.Table(
    "members",
    metadata,
    sa.Column("email", sa.String(320), primary_key=True),  # normalised: videostudio/team/people.py
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("daily_usd", sa.Float),
    sa.Column("monthly_usd", sa.Float),
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("added_by", sa.String(320)),
)
team_settings_table = sa.Table(
    "team_settings",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
# Revision 0009: boards of takes to present (videostudio/boards), and the takes on each, in order, with a note.
boards_table = sa.Table(
    "boards",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("owner", sa.String(320)),  # the member who made it; None in a studio without sign-in
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("share_token", sa.String(64), nullable=False, unique=True),  # what the showcase link carries
    sa.Column("shared", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    sa.Index("ix_boards_owner", "owner", "updated_at"),
)
board_items_table = sa.Table(
    "board_items",
    metadata,
    sa.Column("board_id", sa.String(32), sa.ForeignKey("boards.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("job_id", sa.String(32), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("note", sa.Text, nullable=False, default="", server_default=""),
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_board_items_job_id", "job_id"),
)


# Revision 0011: storyboards (videostudio/films): a film per row, its body as JSON, and what was made for each of its
# parts by the fingerprint of the settings it was made from (one row per part and fingerprint: a claim, then a record).
films_table = sa.Table(
    "films",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("owner", sa.String(320)),  # the member who made it; None in a studio without sign-in
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),  # title, shots and music as JSON (videostudio/films/film.py)
    sa.Column("shared", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("making_since", sa.DateTime(timezone=True)),  # Make the film was pressed; None: not being made
    sa.Column("making_backend", sa.String(20)),  # where its shots are sent
    sa.Column("making_parts", sa.Text),  # JSON: the parts that press priced and confirmed (films/plan.confirmation)
    sa.Index("ix_films_owner", "owner", "updated_at"),
    sa.Index("ix_films_making", "making_since"),
)
film_parts_table = sa.Table(
    "film_parts",
    metadata,
    sa.Column("film_id", sa.String(32), sa.ForeignKey("films.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("part", sa.String(64), primary_key=True),  # "shot:<id>", "narration:<id>", "music" or "film"
    sa.Column("fingerprint", sa.String(64), primary_key=True),  # of what it was made from (films/plan.py)
    sa.Column("status", sa.String(20), nullable=False),  # sending, waiting, done, failed
    sa.Column("job_id", sa.String(32)),  # the video job of a shot; the History item of the film
    sa.Column("generation_id", sa.String(200)),  # the music's
    sa.Column("client_request_id", sa.String(128)),
    sa.Column("media_key", sa.Text),  # where a narration or the music is kept
    sa.Column("seconds", sa.Float),
    sa.Column("usd", sa.Float),
    sa.Column("error", sa.Text),  # in words for the person
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_film_parts_job_id", "job_id"),
)

# Revision 0012: each billed call of a helper model (speech, chat, music, image) for a person, recorded with the limit
# check before it is sent (videostudio/team/helper_calls.py); cost_usd None: not known yet, it counts at its estimate.
helper_calls_table = sa.Table(
    "helper_calls",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("owner", sa.String(320)),  # the member's email; None in a studio without sign-in
    sa.Column("backend", sa.String(20), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # an AssistKind's name (catalogue/assist.py)
    sa.Column("model", sa.String(200), nullable=False),
    sa.Column("client_request_id", sa.String(128)),
    sa.Column("estimate_usd", sa.Float),
    sa.Column("cost_usd", sa.Float),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_helper_calls_owner", "owner", "backend", "created_at"),  # a person's sums (limits)
    sa.Index("ix_helper_calls_backend", "backend", "created_at"),  # the Team page's per-person table
)

# Revision 0008: drafts and presets (videostudio/workflows/drafts.py, presets.py), here so that every replica of a team
# studio has the same ones. Their uploads are media (``drafts/<sha256>.<ext>``, ``presets/<sha256>.<ext>``); a row names
# them in ``uploads``: payload path -> {"key", "name", "mime", "bytes", "sha256"}.
drafts_table = sa.Table(
    "drafts",
    metadata,
    # Whose drafts: the member's email when signed in, else the browser's random cookie id (drafts.draft_key).
    sa.Column("draft_key", sa.String(320), primary_key=True),
    sa.Column("model_id", sa.String(200), primary_key=True),
    sa.Column("owner", sa.String(320)),  # the member's email; None for a browser without sign-in
    sa.Column("params", sa.Text, nullable=False),  # the form's request without its blobs (jobs.Submission.of)
    sa.Column("media", sa.Text, nullable=False),  # the uploads' manifest by payload path (Submission.of)
    sa.Column("uploads", sa.Text, nullable=False),  # where each upload is stored (see above)
    sa.Column("fingerprint", sa.String(64), nullable=False),  # of the whole form: an unchanged form is not rewritten
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # "The model this browser last had" (the newest row of a key), and the 30-day cleanup.
    sa.Index("ix_drafts_key_updated_at", "draft_key", "updated_at"),
    sa.Index("ix_drafts_updated_at", "updated_at"),
)
presets_table = sa.Table(
    "presets",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    # The member's email; "" for the one person of a studio without sign-in (not NULL: the unique name needs a value).
    sa.Column("owner", sa.String(320), nullable=False, server_default=""),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("name_key", sa.String(100), nullable=False),  # the name casefolded: names are unique whatever their case
    sa.Column("model_id", sa.String(200), nullable=False),
    sa.Column("params", sa.Text, nullable=False),
    sa.Column("media", sa.Text, nullable=False),
    sa.Column("uploads", sa.Text, nullable=False),
    sa.Column("shared", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # One name per person and model, kept by the database: two replicas saving "Portrait" at once can't both win.
    sa.UniqueConstraint("owner", "model_id", "name_key", name="uq_presets_owner_model_name"),
    sa.Index("ix_presets_shared", "shared"),
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
            row[name] = json.dumps(row[name], ensure_ascii=False, sort_keys=True)
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
