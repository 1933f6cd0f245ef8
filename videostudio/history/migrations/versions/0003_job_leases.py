"""Job leases: which follower is polling a job right now, and until when.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Several studio processes sharing one history each run a follower; a follower claims a due job by
writing its name and an expiry here, so one follower polls it at a time, and a dead follower's claim
runs out by itself. Only ADD COLUMN: SQLite does it in place.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("lease_owner", sa.String(64)))
    op.add_column("jobs", sa.Column("lease_until", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("jobs", "lease_until")
    op.drop_column("jobs", "lease_owner")
