"""The jobs table exactly as the store created it before migrations (metadata.create_all).

Revision ID: 0001
Revises:
Create Date: 2026-11-21

Databases written by that code have this schema and no alembic_version table; the store stamps
them with this revision instead of running it. Frozen: never change it, add a revision.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("generation_id", sa.String(200)),
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("backend", sa.String(20), nullable=False),
        sa.Column("endpoint", sa.String(200)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("raw_status", sa.String(50)),
        sa.Column("prompt", sa.Text, nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("media", sa.Text, nullable=False),
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
        sa.Column("poll_failures", sa.Integer, nullable=False),
    )
    op.create_index("ix_jobs_generation_id", "jobs", ["generation_id"])
    op.create_index("ix_jobs_model_id", "jobs", ["model_id"])
    op.create_index("ix_jobs_status", "jobs", ["status"])
    op.create_index("ix_jobs_created_at", "jobs", ["created_at"])


def downgrade() -> None:
    op.drop_table("jobs")
