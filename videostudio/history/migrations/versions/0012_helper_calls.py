"""Helper calls: each billed call of a helper model (speech, prompt help, music, a picture) made for a person.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

- ``helper_calls``: one row per call, written (with the spending-limit check, videostudio/team/helper_calls.py) before
  the request leaves: whose (a member's email, None without sign-in), on which backend, its kind and model, its
  request id, the estimate shown, and what it cost once known (None until then: it counts at its estimate). Indexed
  by person, backend and time for the per-person sums of today and this month.

Only CREATE TABLE and CREATE INDEX: SQLite does each in place.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "helper_calls",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner", sa.String(320)),
        sa.Column("backend", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("client_request_id", sa.String(128)),
        sa.Column("estimate_usd", sa.Float),
        sa.Column("cost_usd", sa.Float),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_helper_calls_owner", "helper_calls", ["owner", "backend", "created_at"])
    op.create_index("ix_helper_calls_backend", "helper_calls", ["backend", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_helper_calls_backend", table_name="helper_calls")
    op.drop_index("ix_helper_calls_owner", table_name="helper_calls")
    op.drop_table("helper_calls")
