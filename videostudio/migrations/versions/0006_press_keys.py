"""Press keys: which settings, sent from which browser, a job came from, so a press is known again from the history.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

- ``press_key``: a hash of the browser's random id and the fingerprint of what a press of Generate sent
  (videostudio/intent.py). A press on a form whose settings equal those of a job this browser sent that is
  still running (or ended a few minutes ago) is the same request: after a reload, in a second tab, after a
  restart. The browser's id itself is not stored. Rows written before this revision have none.

Only ADD COLUMN and CREATE INDEX: SQLite does both in place.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("press_key", sa.String(64)))
    op.create_index("ix_jobs_press_key", "jobs", ["press_key"])


def downgrade() -> None:
    op.drop_index("ix_jobs_press_key", table_name="jobs")
    op.drop_column("jobs", "press_key")
