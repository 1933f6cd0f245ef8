"""Drafts and presets move into the history's database, so every replica of a team studio has the same ones.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

- ``drafts``: the Generate form of each model as a person (their email) or a browser (its cookie id) left it; the
  uploads are media, named in ``uploads``. Indexed for "this key's newest draft" and the 30-day cleanup.
- ``presets``: a named form of one model, owned by a member ("" without sign-in), maybe shared with the team. A name
  is unique per owner and model whatever its case (``name_key``), kept by the database itself.

Drafts and presets an older studio kept in files (``$VIDEO_STUDIO_HOME/drafts``, ``presets``) are imported once by the
studio that opens them (videostudio/workflows/old_forms.py), not here: their uploads go to the media storage.
Only CREATE TABLE and CREATE INDEX: SQLite does each in place.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("draft_key", sa.String(320), primary_key=True),
        sa.Column("model_id", sa.String(200), primary_key=True),
        sa.Column("owner", sa.String(320)),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("media", sa.Text, nullable=False),
        sa.Column("uploads", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_drafts_key_updated_at", "drafts", ["draft_key", "updated_at"])
    op.create_index("ix_drafts_updated_at", "drafts", ["updated_at"])
    op.create_table(
        "presets",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner", sa.String(320), nullable=False, server_default=""),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_key", sa.String(100), nullable=False),
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("media", sa.Text, nullable=False),
        sa.Column("uploads", sa.Text, nullable=False),
        sa.Column("shared", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("owner", "model_id", "name_key", name="uq_presets_owner_model_name"),
    )
    op.create_index("ix_presets_shared", "presets", ["shared"])


def downgrade() -> None:
    op.drop_index("ix_presets_shared", table_name="presets")
    op.drop_table("presets")
    op.drop_index("ix_drafts_updated_at", table_name="drafts")
    op.drop_index("ix_drafts_key_updated_at", table_name="drafts")
    op.drop_table("drafts")
