"""The history database's tables, as the migrations build them (``tests/test_migrations.py`` compares the two).

One ``metadata`` for every table: the jobs, the team (members, its settings, helper calls), boards, films, drafts
and presets. The rows' meaning lives with each table's store; ``record.py`` maps a job's row to a ``Job``.
"""

from __future__ import annotations

import sqlalchemy as sa

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
