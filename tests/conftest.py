"""Shared fixtures: the catalogue, a job store of its own, and a studio wired to a fresh offline backend and empty data
folders."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from PIL import Image

from tests.apptest import entrypoint_on_every_run
from tests.s3server import S3Server, running_s3_server
from videostudio.catalogue import Catalogue, load_catalogue
from videostudio.history.store import JobStore
from videostudio.storage import MediaStorage

REPO = Path(__file__).resolve().parent.parent
# AppTest resolves .streamlit/ and relative page paths from the working directory.
os.chdir(REPO)


def pytest_configure(config: pytest.Config) -> None:
    """A studio home folder per test process: no test reads or writes the real ~/.video-studio (a person's history,
    catalogue cache, offline backend state), and parallel workers (``pytest -n``, one process each) never share one.
    Set here, not in a fixture, because some test modules load the catalogue (and its cache) as they are collected.
    Tests that need a home of their own (the ``studio`` fixture) still set one; the browser tests' studios get theirs.
    """
    home = Path(tempfile.mkdtemp(prefix="video-studio-home-"))
    patch = pytest.MonkeyPatch()
    patch.setenv("VIDEO_STUDIO_HOME", str(home))
    config.add_cleanup(lambda: shutil.rmtree(home, ignore_errors=True))
    config.add_cleanup(patch.undo)


@pytest.fixture(autouse=True, scope="session")
def _apptest_runs_the_entrypoint() -> Iterator[None]:
    with entrypoint_on_every_run():
        yield


@pytest.fixture(autouse=True)
def _apptest_is_marked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that runs a page under AppTest carries the ``apptest`` mark, so the fast tier
    (``bash scripts/test.sh --fast``) can leave it out; one that forgets fails here and says so."""
    if request.node.get_closest_marker("apptest"):
        return
    from streamlit.testing.v1 import AppTest

    def refuse(self: AppTest, *args: object, **kwargs: object) -> AppTest:
        raise AssertionError("This test runs a page under AppTest: mark it (or its module) with @pytest.mark.apptest.")

    monkeypatch.setattr(AppTest, "run", refuse)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    """The bundled catalogue, loaded once per test module."""
    return load_catalogue()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[JobStore]:
    """A job store of its own, in a fresh SQLite file."""
    store = JobStore(f"sqlite:///{tmp_path / 'history.sqlite3'}")
    yield store
    store.close()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A real S3-compatible server (``rclone serve s3`` from the venv) on 127.0.0.1, one per test process."""
    with running_s3_server(tmp_path_factory.mktemp("s3")) as server:
        yield server


@pytest.fixture
def s3_env(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """This test's studio keeps its media in a fresh bucket on the S3 server: boto3's standard environment and
    ``VIDEO_STUDIO_MEDIA_URL`` are set (and the variables returned, for a second process)."""
    env = s3_server.environment(s3_server.new_bucket())
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@dataclass
class Studio:
    """The environment one studio test runs in."""

    home: Path
    backend_url: str
    backend: object  # videostudio.offline.server.OfflineBackend

    def backend_stats(self) -> dict[str, int]:
        return requests.get(f"{self.backend_url}/_offline/stats", timeout=5).json()


@pytest.fixture
def studio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Studio]:
    """A studio with empty history and media folders, on its own offline backend that renders at once."""
    import streamlit as st

    from videostudio.offline.server import OfflineBackend

    backend = OfflineBackend(tmp_path / "offline", speed=0)
    url = backend.start()
    for name in ("AIMLAPI_API_KEY", "DATABASE_URL", "AIMLAPI_BASE_URL", "VIDEO_STUDIO_OFFLINE_FAULTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VIDEO_STUDIO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("VIDEO_STUDIO_OFFLINE_URL", url)
    monkeypatch.setenv("VIDEO_STUDIO_OFFLINE_POLL_SECONDS", "0")
    # The studio's shared objects are cached per process; each test gets its own.
    st.cache_resource.clear()
    yield Studio(home=tmp_path / "home", backend_url=url, backend=backend)
    st.cache_resource.clear()
    backend.stop()


def studio_media() -> MediaStorage:
    """The media storage of the studio this environment names: where its pages read and write media."""
    from videostudio.config import Settings
    from videostudio.storage import storage_from

    return storage_from(Settings.from_env())


def kept_file(name: str | None) -> Path:
    """The file on this machine holding what a job's row names (a storage key, or an old row's path); fails if none."""
    from videostudio.storage.names import media_file

    found = media_file(studio_media(), name)
    assert found is not None, f"no media kept under {name!r}"
    return found


def is_kept(name: str | None) -> bool:
    from videostudio.storage.names import media_exists

    return media_exists(studio_media(), name)


def jpeg_bytes(size: tuple[int, int] = (640, 480), color: tuple[int, int, int] = (200, 80, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def wav_bytes(seconds: float = 2.0, rate: int = 16000) -> bytes:
    import math

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = bytearray()
        for i in range(int(seconds * rate)):
            sample = int(8000 * math.sin(2 * math.pi * 220 * i / rate))
            frames += sample.to_bytes(2, "little", signed=True)
        out.writeframes(bytes(frames))
    return buffer.getvalue()
