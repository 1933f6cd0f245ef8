"""Alembic's environment for the history store, configured in code (``videostudio.history.sql.alembic_config``).

The studio runs migrations itself: ``JobStore`` hands over a connection already inside a write
transaction (and, on PostgreSQL, holding the upgrade lock), so the whole upgrade commits or not at all.
Run by hand, it connects to ``sqlalchemy.url`` from the config, else to ``DATABASE_URL``.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from alembic import context

from videostudio.history.store import metadata

config = context.config
target_metadata = metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("No database to migrate: pass a connection, set sqlalchemy.url or DATABASE_URL.")
    return url


def _configure(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite alters most things only by copying the table; autogenerate should write it that way.
        render_as_batch=connection.dialect.name == "sqlite",
    )


def run_migrations_offline() -> None:
    """``--sql`` mode: print the DDL instead of running it."""
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():  # joins the caller's transaction
            context.run_migrations()
        return
    engine = sa.create_engine(_url(), poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
