"""Storyboards: a film per row, and what was made for each of its parts.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

- ``films``: a person's storyboard (owner: a member's email, None without sign-in), its body as JSON (title, shots,
  music: videostudio/films/film.py), whether the team may open it, when it was made and changed, and, while it is
  being made, since when, on which backend, and which parts that press priced and confirmed (the follower goes on
  making it with no browser open, and makes nothing the person did not confirm).
- ``film_parts``: what was made for a part of a film (a shot's video, a shot's narration, the music, the assembled
  film), by the fingerprint of the settings it was made from (videostudio/films/plan.py). A shot changed since has
  another fingerprint, so no row: it is made again, and only it. The row is written before anything is sent, so two
  processes making the same film can't both send a part (the primary key refuses the second).

Only CREATE TABLE and CREATE INDEX: SQLite does each in place.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "films",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner", sa.String(320)),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("shared", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("making_since", sa.DateTime(timezone=True)),
        sa.Column("making_backend", sa.String(20)),
        sa.Column("making_parts", sa.Text),
    )
    op.create_index("ix_films_owner", "films", ["owner", "updated_at"])
    op.create_index("ix_films_making", "films", ["making_since"])
    op.create_table(
        "film_parts",
        sa.Column("film_id", sa.String(32), sa.ForeignKey("films.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("part", sa.String(64), primary_key=True),
        sa.Column("fingerprint", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("job_id", sa.String(32)),
        sa.Column("generation_id", sa.String(200)),
        sa.Column("client_request_id", sa.String(128)),
        sa.Column("media_key", sa.Text),
        sa.Column("seconds", sa.Float),
        sa.Column("usd", sa.Float),
        sa.Column("error", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_film_parts_job_id", "film_parts", ["job_id"])


def downgrade() -> None:
    op.drop_index("ix_film_parts_job_id", table_name="film_parts")
    op.drop_table("film_parts")
    op.drop_index("ix_films_making", table_name="films")
    op.drop_index("ix_films_owner", table_name="films")
    op.drop_table("films")
