"""Client request ids: the id each submit carried, so a submit whose answer was lost is found again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Every submit sends a fresh ``X-Client-Request-Id``, written here before the request leaves. If the answer
is lost (a crash, a cut connection), the follower finds the request in the API's usage logs by this id
(videostudio/jobs/recovery.py). Only ADD COLUMN: SQLite does it in place.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("client_request_id", sa.String(128)))


def downgrade() -> None:
    op.drop_column("jobs", "client_request_id")
