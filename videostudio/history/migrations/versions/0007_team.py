"""The team: whose job each is, what is shared, the price shown before the press, the members and the team's settings.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

- ``jobs.owner``: the member who made the job (their email); rows written before sign-in existed have none, and a
  studio without sign-in writes none (its one person sees every job).
- ``jobs.shared``: the owner shared it with the team, for viewing only.
- ``jobs.estimate_usd``: the price the studio showed for the job before the press; the spending limits count it while
  the job runs, and an actual cost above it is reported on the Team page.
- ``members``: who may sign in, their role and their spending limits (``python -m videostudio.team``, the Team page).
- ``team_settings``: the team's own settings, such as the amount above which a press asks first.

Only ADD COLUMN, CREATE TABLE and CREATE INDEX: SQLite does each in place.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("owner", sa.String(320)))
    op.add_column("jobs", sa.Column("shared", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("jobs", sa.Column("estimate_usd", sa.Float))
    op.create_index("ix_jobs_owner_created_at", "jobs", ["owner", "created_at"])
    op.create_table(
        "members",
        sa.Column("email", sa.String(320), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("daily_usd", sa.Float),
        sa.Column("monthly_usd", sa.Float),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(320)),
    )
    op.create_table(
        "team_settings",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("team_settings")
    op.drop_table("members")
    op.drop_index("ix_jobs_owner_created_at", table_name="jobs")
    op.drop_column("jobs", "estimate_usd")
    op.drop_column("jobs", "shared")
    op.drop_column("jobs", "owner")
