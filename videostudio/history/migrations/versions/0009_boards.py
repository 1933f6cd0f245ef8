"""Demo day: a star and a rating on each take, and boards of takes to present.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

- ``jobs.favourite``, ``jobs.rating`` (1 to 5, None: not rated): the take's own marks, set by whoever may change the
  job (its owner, an admin). One mark per take, not one per person: a team picks its good takes together, everyone who
  sees a take sees the same star, and History filters and sorts by a plain indexed column.
- ``boards``: a person's selection of takes to present (owner: a member's email, None without sign-in), its title,
  when it was made and changed, the token its showcase link carries, and whether the team may open that link.
- ``board_items``: the takes on a board, in order (``position``), each with a note. A take sits on a board once, and
  on as many boards as wanted.

Only ADD COLUMN, CREATE TABLE and CREATE INDEX: SQLite does each in place.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("favourite", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("jobs", sa.Column("rating", sa.Integer))
    op.create_index("ix_jobs_marks", "jobs", ["favourite", "rating"])
    op.create_table(
        "boards",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner", sa.String(320)),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("share_token", sa.String(64), nullable=False, unique=True),
        sa.Column("shared", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_boards_owner", "boards", ["owner", "updated_at"])
    op.create_table(
        "board_items",
        sa.Column("board_id", sa.String(32), sa.ForeignKey("boards.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("job_id", sa.String(32), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_board_items_job_id", "board_items", ["job_id"])


def downgrade() -> None:
    op.drop_index("ix_board_items_job_id", table_name="board_items")
    op.drop_table("board_items")
    op.drop_index("ix_boards_owner", table_name="boards")
    op.drop_table("boards")
    op.drop_index("ix_jobs_marks", table_name="jobs")
    op.drop_column("jobs", "rating")
    op.drop_column("jobs", "favourite")
