"""Batches, kinds and chains: the press a job was sent by, what kind of item it is, and what it continues.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

- ``batch_id``: one press of Generate with "How many" above 1 (or several images) sends a batch; its jobs
  share this id, so Generate and History show them as one group.
- ``kind``: "generation" for a job the API (or the offline demo) ran, "joined" for clips the studio joined
  into one video itself. Existing rows are generations.
- ``parent_id``: the job whose last frame this job started from ("Continue from here"), so a chain can be
  walked back and joined in order.

Only ADD COLUMN and CREATE INDEX: SQLite does both in place.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("batch_id", sa.String(32)))
    op.add_column("jobs", sa.Column("kind", sa.String(20), nullable=False, server_default="generation"))
    op.add_column("jobs", sa.Column("parent_id", sa.String(32)))
    op.create_index("ix_jobs_batch_id", "jobs", ["batch_id"])
    op.create_index("ix_jobs_parent_id", "jobs", ["parent_id"])


def downgrade() -> None:
    op.drop_index("ix_jobs_parent_id", table_name="jobs")
    op.drop_index("ix_jobs_batch_id", table_name="jobs")
    op.drop_column("jobs", "parent_id")
    op.drop_column("jobs", "kind")
    op.drop_column("jobs", "batch_id")
