"""The history store's schema migrations and each database's dialect details (SQLite, PostgreSQL).

Kept apart from ``store.py``, which says what the store does; this says how each database is made to do it.
"""

from __future__ import annotations

import functools
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

if TYPE_CHECKING:  # Alembic takes about half a second to load: only a database that needs upgrading loads it
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")
# The schema every store had before migrations existed; such a database is stamped with it, then upgraded.
BASELINE_REVISION = "0001"
# Marks connections that will write: on SQLite they begin with BEGIN IMMEDIATE.
WRITE_OPTION = "videostudio_write"
# pg_advisory_xact_lock key serialising schema upgrades of studios that start together ("VIDEOSTU").
_MIGRATION_LOCK_KEY = 0x564944454F535455
# The newest revision(s) in migrations/versions: a database already there is opened without loading Alembic.
# A new revision updates this (tests/test_migrations.py checks it against Alembic's own reading).
HEAD_REVISIONS = frozenset({"0012"})
# Alembic's table of applied revisions (its default name, which env.py keeps).
_VERSION_TABLE = sa.table("alembic_version", sa.column("version_num", sa.String))


# --- JSON columns ----------------------------------------------------------------------------------------------------


def json_text(value: object) -> str:
    """A JSON column's text: keys sorted, so the same value is always the same text (and compares equal)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def json_object(text: object) -> dict[str, Any]:
    """A JSON column read back as an object; {} for empty or damaged text, or any other JSON value."""
    try:
        value = json.loads(str(text or "{}"))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# --- Schema migrations -----------------------------------------------------------------------------------------------


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """Alembic's configuration, built in code: the studio needs no alembic.ini.

    ``connection`` is used as is (inside its transaction); otherwise env.py connects to ``url``,
    or to ``DATABASE_URL``. New revisions: ``command.revision(alembic_config(), "msg", rev_id="0005")``.
    """
    from alembic.config import Config

    config = Config()
    # ConfigParser would read a "%" in the path as interpolation.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revisions() -> frozenset[str]:
    """The newest revisions as Alembic reads them from migrations/versions."""
    return frozenset(_scripts().get_heads())


def _known_revisions() -> frozenset[str]:
    return frozenset(script.revision for script in _scripts().walk_revisions())


def upgrade_database(connection: Connection) -> None:
    """Bring the schema on ``connection`` to the newest revision, in the caller's transaction.

    A database written before migrations existed (a ``jobs`` table, no ``alembic_version``) holds
    exactly revision 0001's schema: it is stamped so, then upgraded like any other.
    """
    found = _current_revisions(connection)
    if found == HEAD_REVISIONS:
        return  # the usual start: nothing to do, and no need to load Alembic
    if not found and not sa.inspect(connection).get_table_names():
        _build_new_database(connection)  # a studio's very first start
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    current = MigrationContext.configure(connection).get_current_heads()
    if set(current) == head_revisions():
        return
    unknown = set(current) - _known_revisions()
    if unknown:
        # A team database already upgraded by a newer studio: say so rather than Alembic's "can't locate".
        raise RuntimeError(
            f"The history database has schema revision {', '.join(sorted(unknown))}, written by a newer "
            f"Video Studio; this one knows up to {', '.join(sorted(head_revisions()))}. Update this studio."
        )
    config = alembic_config(connection)
    tables = set(sa.inspect(connection).get_table_names())
    if "jobs" in tables and not current:
        command.stamp(config, BASELINE_REVISION)
    command.upgrade(config, "head")


def _build_new_database(connection: Connection) -> None:
    """An empty database gets the newest schema at once, stamped with the newest revision, as Alembic would.

    The migrations and the store's tables describe one schema (tests/test_migrations.py compares the two), so
    building it from the tables spares a new studio's first page the loading of Alembic and twelve migrations.
    """
    from videostudio.history.tables import metadata

    metadata.create_all(connection)
    version = sa.Table(
        _VERSION_TABLE.name,
        sa.MetaData(),
        # Alembic's own definition of its table, constraint name included.
        sa.Column("version_num", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("version_num", name=f"{_VERSION_TABLE.name}_pkc"),
    )
    version.create(connection)
    connection.execute(version.insert(), [{"version_num": revision} for revision in sorted(HEAD_REVISIONS)])


def _current_revisions(connection: Connection) -> frozenset[str]:
    # Asked before reading, so a new database's missing table never fails (and aborts) the transaction.
    if not sa.inspect(connection).has_table(_VERSION_TABLE.name):
        return frozenset()
    return frozenset(connection.execute(sa.select(_VERSION_TABLE.c.version_num)).scalars())


def upgrade_locked(conn: Connection) -> None:
    # Two studios starting together on one database: the second waits for the first's upgrade,
    # then finds the schema current. SQLite gets the same from BEGIN IMMEDIATE (the write lock).
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK_KEY)))
    upgrade_database(conn)


def is_transient_or_race(exc: sa.exc.DBAPIError) -> bool:
    # Elsewhere, without a lock, the loser of a race to create the schema sees "already exists";
    # its next attempt finds the schema made and upgrades nothing.
    return is_transient(exc) or "already exists" in str(exc.orig).lower()


# --- Dialect details -------------------------------------------------------------------------------------------------


def engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        # Streamlit runs each session in its own thread; SQLite connections must allow that.
        # The timeout is SQLite's busy timeout: a writer waits this long for another's lock.
        return {"connect_args": {"check_same_thread": False, "timeout": 15}}
    options: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        # A team server that is down should give an error, not a page that loads forever.
        options["connect_args"] = {"connect_timeout": 10}
    return options


def sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (see sqlite_begin): sqlite3's own transaction handling
    # starts none before a SELECT and cannot start an IMMEDIATE one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets the page read history while a poll writes; NORMAL sync is safe with WAL.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite's lower() folds ASCII only; prompts are any language ("CAFÉ" must find "café").
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def sqlite_begin(conn: Connection) -> None:
    # A writer takes the write lock up front, so it waits (busy timeout) instead of failing with
    # "database is locked" when its read turns into a write while another process writes.
    immediate = conn.get_execution_options().get(WRITE_OPTION)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


def is_transient(exc: sa.exc.DBAPIError) -> bool:
    """Whether the database refused only for now: busy (SQLite), a deadlock or serialisation failure."""
    if getattr(exc.orig, "sqlstate", None) in ("40001", "40P01"):
        return True
    message = str(exc.orig).lower()
    return "database is locked" in message or "database table is locked" in message


class UtcDay(FunctionElement[date]):
    """The UTC calendar day of a timestamp column; each database spells it differently."""

    type = sa.Date()
    name = "utc_day"
    inherit_cache = True


@compiles(UtcDay)
def _utc_day_default(element: UtcDay, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


@compiles(UtcDay, "sqlite")
def _utc_day_sqlite(element: UtcDay, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps the UTC text the store wrote: its date part is the UTC day.
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(UtcDay, "postgresql")
def _utc_day_postgresql(element: UtcDay, compiler: SQLCompiler, **kw: Any) -> str:
    # A timestamptz's date is taken in the session's time zone unless converted to UTC first.
    return f"CAST(timezone('UTC', {compiler.process(element.clauses, **kw)}) AS DATE)"


class Elapsed(FunctionElement[float]):
    """Seconds from the second timestamp to the first (NULL when either is): a sort key."""

    type = sa.Float()
    name = "elapsed"
    inherit_cache = True


def _elapsed_args(element: Elapsed, compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    end, start = (compiler.process(arg, **kw) for arg in element.clauses)
    return end, start


@compiles(Elapsed)
def _elapsed_default(element: Elapsed, compiler: SQLCompiler, **kw: Any) -> str:
    end, start = _elapsed_args(element, compiler, **kw)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


@compiles(Elapsed, "sqlite")
def _elapsed_sqlite(element: Elapsed, compiler: SQLCompiler, **kw: Any) -> str:
    end, start = _elapsed_args(element, compiler, **kw)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


def sum_or_zero(column: sa.Column[Any]) -> ColumnElement[float]:
    # SUM skips NULLs; a group with nothing to add gives NULL, shown as 0.
    return sa.func.coalesce(sa.func.sum(column), 0.0)
