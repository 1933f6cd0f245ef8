"""Schema migrations: a new database is built by them, an old one is recognised and upgraded without
losing a job, and studios starting together on one database do not trip over each other.

Runs on SQLite and, when reachable, PostgreSQL (see tests/test_store.py for how to point it at one).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tests.test_store import BACKENDS, fresh_postgres_url, sqlite_url
from videostudio.history.sql import HEAD_REVISIONS, head_revisions
from videostudio.history.store import Job, JobStore, alembic_config, metadata

REPO = Path(__file__).resolve().parent.parent
HEAD = "0012"
T0 = datetime(2026, 11, 21, 15, 30, tzinfo=UTC)
NEW_COLUMNS = {"video_bytes", "video_seconds", "poster_path", "download_attempts", "inputs_dir"}

# What the store's metadata.create_all() emitted on SQLite before migrations existed, copied verbatim.
LEGACY_SQLITE_DDL = """
CREATE TABLE jobs (
	id VARCHAR(32) NOT NULL,
	generation_id VARCHAR(200),
	model_id VARCHAR(200) NOT NULL,
	backend VARCHAR(20) NOT NULL,
	endpoint VARCHAR(200),
	status VARCHAR(20) NOT NULL,
	raw_status VARCHAR(50),
	prompt TEXT NOT NULL,
	params TEXT NOT NULL,
	media TEXT NOT NULL,
	thumbnail TEXT,
	video_url TEXT,
	local_path TEXT,
	error TEXT,
	credits FLOAT,
	usd FLOAT,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	finished_at DATETIME,
	next_poll_at DATETIME,
	poll_failures INTEGER NOT NULL,
	PRIMARY KEY (id)
);
CREATE INDEX ix_jobs_status ON jobs (status);
CREATE INDEX ix_jobs_created_at ON jobs (created_at);
CREATE INDEX ix_jobs_model_id ON jobs (model_id);
CREATE INDEX ix_jobs_generation_id ON jobs (generation_id);
"""

# The store's table definition before migrations existed, copied verbatim: create_all() of this is
# what every database of that version holds, on any dialect.
legacy_metadata = sa.MetaData()
legacy_jobs = sa.Table(
    "jobs",
    legacy_metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("generation_id", sa.String(200), index=True),
    sa.Column("model_id", sa.String(200), nullable=False, index=True),
    sa.Column("backend", sa.String(20), nullable=False),
    sa.Column("endpoint", sa.String(200)),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("raw_status", sa.String(50)),
    sa.Column("prompt", sa.Text, nullable=False, default=""),
    sa.Column("params", sa.Text, nullable=False, default="{}"),
    sa.Column("media", sa.Text, nullable=False, default="{}"),
    sa.Column("thumbnail", sa.Text),
    sa.Column("video_url", sa.Text),
    sa.Column("local_path", sa.Text),
    sa.Column("error", sa.Text),
    sa.Column("credits", sa.Float),
    sa.Column("usd", sa.Float),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("next_poll_at", sa.DateTime(timezone=True)),
    sa.Column("poll_failures", sa.Integer, nullable=False, default=0),
)

# A finished job as the old code wrote it (JSON as text, UTC datetimes).
LEGACY_ROW = {
    "id": "0123456789abcdef0123456789abcdef",
    "generation_id": "gen-42",
    "model_id": "pixverse/v5/image-to-video",
    "backend": "aimlapi",
    "endpoint": None,
    "status": "completed",
    "raw_status": "completed",
    "prompt": "Un café à Paris",
    "params": '{"duration": 5, "prompt": "Un café à Paris"}',
    "media": '{"image_url": {"bytes": 1234, "mime": "image/png", "sha256": "ab"}}',
    "thumbnail": "data:image/jpeg;base64,AAAA",
    "video_url": "https://cdn.example/v.mp4",
    "local_path": None,
    "error": None,
    "credits": 420000.0,
    "usd": 0.42,
    "created_at": T0,
    "updated_at": T0 + timedelta(seconds=95),
    "finished_at": T0 + timedelta(seconds=95),
    "next_poll_at": None,
    "poll_failures": 1,
}
LEGACY_JOB = Job(
    id=LEGACY_ROW["id"],
    generation_id="gen-42",
    model_id="pixverse/v5/image-to-video",
    backend="aimlapi",
    status="completed",
    raw_status="completed",
    prompt="Un café à Paris",
    params={"duration": 5, "prompt": "Un café à Paris"},
    media={"image_url": {"bytes": 1234, "mime": "image/png", "sha256": "ab"}},
    thumbnail="data:image/jpeg;base64,AAAA",
    video_url="https://cdn.example/v.mp4",
    credits=420000.0,
    usd=0.42,
    created_at=T0,
    updated_at=T0 + timedelta(seconds=95),
    finished_at=T0 + timedelta(seconds=95),
    poll_failures=1,
)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "history.sqlite3")
    else:
        with fresh_postgres_url() as url:
            yield url


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "history.sqlite3"


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    """A plain engine on the database, as another program would open it."""
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    yield engine
    engine.dispose()


def revisions(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars())


def schema_differences(engine: sa.Engine, expected: sa.MetaData) -> list[object]:
    """What Alembic's autogenerate finds different between the database and ``expected``."""
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), expected))


def open_and_close(url: str) -> None:
    JobStore(url).close()


def make_legacy_database(engine: sa.Engine) -> None:
    legacy_metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(legacy_jobs.insert().values(**LEGACY_ROW))


def assert_upgraded_with_the_legacy_job(url: str, engine: sa.Engine) -> None:
    store = JobStore(url)
    try:
        assert store.get(LEGACY_JOB.id) == LEGACY_JOB  # every old field intact, new ones at their defaults
        assert store.count() == 1
        assert [j.id for j in store.needs_download()] == [LEGACY_JOB.id]
        assert store.cost_by_model() == [("pixverse/v5/image-to-video", 420000.0, 0.42, 1)]
        updated = store.update(LEGACY_JOB.id, local_path="/media/v.mp4", video_bytes=2048, download_attempts=1)
        assert (updated.video_bytes, updated.download_attempts, updated.prompt) == (2048, 1, "Un café à Paris")
    finally:
        store.close()
    assert revisions(engine) == [HEAD]
    assert {c["name"] for c in sa.inspect(engine).get_columns("jobs")} >= NEW_COLUMNS
    assert schema_differences(engine, metadata) == []


# --- Building and recognising schemas --------------------------------------------------------------------------------


def test_the_migrations_build_the_schema_of_the_store(database_url: str, engine: sa.Engine) -> None:
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    assert revisions(engine) == [HEAD]
    # The store's table definition and the migrations agree: column types, nullability and indexes.
    assert schema_differences(engine, metadata) == []


def test_a_new_database_is_built_at_once_at_the_newest_revision(database_url: str, engine: sa.Engine) -> None:
    check = "import sys; from videostudio.history.store import JobStore; JobStore(sys.argv[1]).close(); "
    check += "print('alembic' in sys.modules)"
    opened = subprocess.run([sys.executable, "-c", check, database_url], capture_output=True, text=True, cwd=REPO)
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.strip() == "False"  # built from the store's tables: a new studio's first page waits less
    assert revisions(engine) == [HEAD]
    assert schema_differences(engine, metadata) == []
    # Alembic takes it from there as if its migrations had built it: down to 0001 and back up.
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    assert schema_differences(engine, legacy_metadata) == []
    open_and_close(database_url)
    assert revisions(engine) == [HEAD] and schema_differences(engine, metadata) == []


def test_revision_0001_is_exactly_the_schema_from_before_migrations(database_url: str, engine: sa.Engine) -> None:
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    assert revisions(engine) == ["0001"]
    assert schema_differences(engine, legacy_metadata) == []
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            ddl = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'jobs'").scalar_one()
        assert _words(ddl) == _words(LEGACY_SQLITE_DDL.split(";")[0])


def _words(sql: str) -> list[str]:
    return sql.replace(",", " , ").replace("(", " ( ").replace(")", " ) ").split()


def test_a_sqlite_file_from_before_migrations_is_stamped_and_upgraded(sqlite_path: Path) -> None:
    """A history file exactly as the previous studio left it: its DDL verbatim, a job in it."""
    url = sqlite_url(sqlite_path)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            for statement in LEGACY_SQLITE_DDL.split(";"):
                if statement.strip():
                    conn.exec_driver_sql(statement)
            # The old code's text formats: JSON with sorted keys, "YYYY-MM-DD HH:MM:SS.ffffff" in UTC.
            conn.exec_driver_sql(
                "INSERT INTO jobs VALUES ('0123456789abcdef0123456789abcdef', 'gen-42', 'pixverse/v5/image-to-video',"
                " 'aimlapi', NULL, 'completed', 'completed', 'Un café à Paris',"
                ' \'{"duration": 5, "prompt": "Un café à Paris"}\','
                ' \'{"image_url": {"bytes": 1234, "mime": "image/png", "sha256": "ab"}}\','
                " 'data:image/jpeg;base64,AAAA', 'https://cdn.example/v.mp4', NULL, NULL, 420000.0, 0.42,"
                " '2026-11-21 15:30:00.000000', '2026-11-21 15:31:35.000000', '2026-11-21 15:31:35.000000', NULL, 1)"
            )
        assert_upgraded_with_the_legacy_job(url, engine)
    finally:
        engine.dispose()


def test_a_database_from_before_migrations_is_stamped_and_upgraded(database_url: str, engine: sa.Engine) -> None:
    make_legacy_database(engine)
    assert "alembic_version" not in sa.inspect(engine).get_table_names()
    assert_upgraded_with_the_legacy_job(database_url, engine)


def test_reopening_an_upgraded_database_changes_nothing(database_url: str, engine: sa.Engine) -> None:
    make_legacy_database(engine)
    open_and_close(database_url)
    open_and_close(database_url)
    assert revisions(engine) == [HEAD]
    store = JobStore(database_url)
    try:
        assert store.get(LEGACY_JOB.id) == LEGACY_JOB
    finally:
        store.close()


def test_the_head_the_store_checks_first_is_alembics_head() -> None:
    # A database at HEAD_REVISIONS is opened without Alembic: a new revision must move it, or it would never run.
    assert HEAD_REVISIONS == head_revisions() == {HEAD}


def test_a_database_already_upgraded_is_opened_without_loading_alembic(database_url: str, engine: sa.Engine) -> None:
    open_and_close(database_url)
    check = "import sys; from videostudio.history.store import JobStore; JobStore(sys.argv[1]).close(); "
    check += "print('alembic' in sys.modules)"
    opened = subprocess.run([sys.executable, "-c", check, database_url], capture_output=True, text=True, cwd=REPO)
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.strip() == "False"  # Alembic takes about half a second to load: the first page waits less
    command.downgrade(alembic_config(url=database_url), "0005")  # one revision behind: the upgrade loads Alembic
    opened = subprocess.run([sys.executable, "-c", check, database_url], capture_output=True, text=True, cwd=REPO)
    assert opened.stdout.strip() == "True" and revisions(engine) == [HEAD]


def test_downgrading_to_0001_and_upgrading_again_keeps_the_jobs(database_url: str, engine: sa.Engine) -> None:
    store = JobStore(database_url)
    kept = store.add(Job(model_id="video-01", backend="offline", prompt="keep me", created_at=T0, video_bytes=5))
    store.close()
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    assert schema_differences(engine, legacy_metadata) == []
    store = JobStore(database_url)
    try:
        stored = store.get(kept.id)
        assert stored is not None and stored.prompt == "keep me" and stored.video_bytes is None
    finally:
        store.close()
    assert revisions(engine) == [HEAD]


def test_a_database_from_a_newer_studio_is_refused_with_a_clear_message(database_url: str, engine: sa.Engine) -> None:
    open_and_close(database_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(RuntimeError, match="newer Video Studio"):
        JobStore(database_url)


# --- Studios starting together ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("legacy", [False, True], ids=["new database", "pre-migration database"])
def test_stores_opening_one_database_at_once_all_start(database_url: str, engine: sa.Engine, legacy: bool) -> None:
    if legacy:
        make_legacy_database(engine)
    count = 4
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def open_and_add(i: int) -> None:
        try:
            start.wait()
            store = JobStore(database_url)
            try:
                store.add(Job(model_id="video-01", backend="offline", prompt=f"studio {i}"))
            finally:
                store.close()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_and_add, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert revisions(engine) == [HEAD]
    store = JobStore(database_url)
    try:
        assert store.count() == count + legacy
        if legacy:
            assert store.get(LEGACY_JOB.id) == LEGACY_JOB
    finally:
        store.close()


STUDIO_PROCESS = """
import sys
sys.path.insert(0, sys.argv[1])
from videostudio.history.store import Job, JobStore
sys.stdin.readline()  # released together by the test
store = JobStore(sys.argv[2])
store.add(Job(model_id="video-01", backend="offline", prompt="from " + sys.argv[3]))
store.close()
"""


def test_studio_processes_starting_together_on_a_new_database_all_start(database_url: str, engine: sa.Engine) -> None:
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", STUDIO_PROCESS, str(REPO), database_url, str(i)],
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(3)
    ]
    # Each has imported everything by the time it reads its line; send them all at once.
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    failures = []
    for process in processes:
        _, stderr = process.communicate(timeout=60)
        if process.returncode:
            failures.append(stderr)
    assert failures == []
    assert revisions(engine) == [HEAD]
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM jobs").scalar_one() == 3
