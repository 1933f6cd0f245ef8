"""An index for the jobs shared with the team, so a member's view of the history stays an indexed read.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

A creator's or a viewer's history is ``owner = :me OR shared`` (videostudio/team/access.visible_where). The owner
half has ``ix_jobs_owner_created_at`` since 0007; without this one the shared half, and so the count of a History
page, read every row.

Only CREATE INDEX: SQLite does it in place.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_jobs_shared_created_at", "jobs", ["shared", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_jobs_shared_created_at", table_name="jobs")
