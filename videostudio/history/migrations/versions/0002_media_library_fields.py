"""Media library fields (local copy size, duration, poster, download attempts, kept inputs) and indexes
for the History page's queries.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Only ADD COLUMN and CREATE/DROP INDEX: SQLite does these in place, without copying the table.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("video_bytes", sa.BigInteger))
    op.add_column("jobs", sa.Column("video_seconds", sa.Float))
    op.add_column("jobs", sa.Column("poster_path", sa.Text))
    # A server default fills the rows already there, which NOT NULL requires.
    op.add_column("jobs", sa.Column("download_attempts", sa.Integer, nullable=False, server_default=sa.text("0")))
    op.add_column("jobs", sa.Column("inputs_dir", sa.Text))
    # Every index the History page and the library read through; the first three cover what 0001's
    # single-column indexes served, which are dropped so that a poll's update maintains fewer.
    # Their trailing columns make them covering: SQLite keeps the small columns of a job after its
    # thumbnail and JSON in the row, so reading them from the table means walking overflow pages.
    # active(); search by status, newest first.
    op.create_index("ix_jobs_status_created_at", "jobs", ["status", "created_at"])
    # search() newest first and by date range; cost_by_day() without touching the table.
    op.create_index("ix_jobs_created_at_costs", "jobs", ["created_at", "credits", "usd"])
    # search() by model, and by any key over all jobs (it holds every sort key, and the id to fetch the
    # page's rows by); median_seconds() (a model's latest completed runs); cost_by_model().
    op.create_index(
        "ix_jobs_by_model", "jobs", ["model_id", "status", "created_at", "finished_at", "credits", "usd", "id"]
    )
    # needs_download(): completed, no local copy, oldest first; straight from the index.
    op.create_index("ix_jobs_downloads", "jobs", ["status", "local_path", "created_at"])
    op.drop_index("ix_jobs_status", table_name="jobs")
    op.drop_index("ix_jobs_model_id", table_name="jobs")
    op.drop_index("ix_jobs_created_at", table_name="jobs")


def downgrade() -> None:
    op.create_index("ix_jobs_created_at", "jobs", ["created_at"])
    op.create_index("ix_jobs_model_id", "jobs", ["model_id"])
    op.create_index("ix_jobs_status", "jobs", ["status"])
    for name in ("ix_jobs_downloads", "ix_jobs_by_model", "ix_jobs_created_at_costs", "ix_jobs_status_created_at"):
        op.drop_index(name, table_name="jobs")
    # SQLite (3.35+) and PostgreSQL both drop a column in place.
    for name in ("inputs_dir", "download_attempts", "poster_path", "video_seconds", "video_bytes"):
        op.drop_column("jobs", name)
