"""A studio whose media lives in S3 (a real ``rclone serve s3``): a finished job is kept there, plays on a machine whose
cache is empty, is read by another process, and deleting it removes its objects."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, Studio, jpeg_bytes
from tests.s3server import S3Server
from videostudio.api.client import VideoClient
from videostudio.catalogue import load_catalogue
from videostudio.config import Settings
from videostudio.follow import standalone
from videostudio.history.store import Job, JobStatus, JobStore
from videostudio.library.chain import job_last_frame
from videostudio.library.kept_inputs import keep_job_inputs, load_inputs
from videostudio.library.videos import delete_job_files, probe_video
from videostudio.media import to_data_uri
from videostudio.offline.server import OfflineBackend
from videostudio.storage import storage_from
from videostudio.storage.names import media_file
from videostudio.storage.s3 import S3Storage

pytestmark = pytest.mark.s3


@pytest.fixture
def offline(tmp_path: Path) -> Iterator[OfflineBackend]:
    backend = OfflineBackend(tmp_path / "offline", speed=0)
    backend.start()
    yield backend
    backend.stop()


def s3_settings(home: Path, database_url: str, offline_url: str) -> Settings:
    """A studio process's settings with S3 media (``s3_env`` set the bucket and boto3's variables)."""
    env = {**os.environ, "VIDEO_STUDIO_HOME": str(home), "DATABASE_URL": database_url}
    env |= {"VIDEO_STUDIO_OFFLINE_URL": offline_url, "VIDEO_STUDIO_OFFLINE_POLL_SECONDS": "0"}
    return Settings.from_env(env)


def finished_job(settings: Settings, offline_url: str) -> tuple[JobStore, Job]:
    """An offline job sent and followed to its end by a follower of the studio ``settings`` describe."""
    follower = standalone(settings, env={}).start()
    store = follower.service.store
    client = VideoClient(offline_url, "offline-demo")
    try:
        job = follower.service.submit(
            client, load_catalogue().get("video-01"), {"model": "video-01", "prompt": "A lighthouse"}, backend="offline"
        )
        deadline = time.monotonic() + 60
        # Kept first, then recorded as completed: wait for both.
        while not ((done := store.get(job.id) or job).local_path and done.status == JobStatus.COMPLETED):
            assert time.monotonic() < deadline, "the job was not kept within 60 s"
            time.sleep(0.05)
    finally:
        client.close()
        follower.stop()
    assert done.status == JobStatus.COMPLETED, done
    return store, done


def test_a_finished_job_is_kept_in_s3_and_plays_from_an_empty_cache(
    s3_env: dict[str, str], s3_server: S3Server, tmp_path: Path, offline: OfflineBackend
) -> None:
    database = f"sqlite:///{tmp_path / 'history.sqlite3'}"
    writer = s3_settings(tmp_path / "replica-1", database, offline.url)
    store, job = finished_job(writer, offline.url)

    # The row names keys, and the objects are in the bucket; nothing went to a local media folder.
    assert (job.local_path, job.poster_path) == (f"{job.id}.mp4", f"posters/{job.id}.jpg")
    bucket = s3_server.folder / s3_env["VIDEO_STUDIO_MEDIA_URL"].removeprefix("s3://")
    assert (bucket / job.local_path).stat().st_size == job.video_bytes
    assert (bucket / job.poster_path).is_file()
    assert not writer.media_dir.exists()
    assert job.has_local_video

    # A second replica, whose cache is empty, fetches the video once and plays it from its cache.
    reader = s3_settings(tmp_path / "replica-2", database, offline.url)
    storage = storage_from(reader)
    assert isinstance(storage, S3Storage) and not storage.cache_dir.exists()
    video = media_file(storage, job.local_path)
    assert video is not None and video.is_relative_to(tmp_path / "replica-2" / "cache" / "media")
    assert video.read_bytes() == (bucket / job.local_path).read_bytes()
    seconds, width, height = probe_video(video)
    assert seconds > 0 and width and height
    assert job_last_frame(job, storage).startswith(b"\x89PNG")
    store.close()


def test_deleting_a_job_removes_its_objects(
    s3_env: dict[str, str], s3_server: S3Server, tmp_path: Path, offline: OfflineBackend
) -> None:
    database = f"sqlite:///{tmp_path / 'history.sqlite3'}"
    settings = s3_settings(tmp_path / "home", database, offline.url)
    store, job = finished_job(settings, offline.url)
    storage = storage_from(settings)
    payload = {"image_url": to_data_uri(jpeg_bytes((64, 64)), "image/jpeg")}
    job = keep_job_inputs(store, job, payload, {"image_url": "face.jpg"}, storage)
    assert job.inputs_dir and job.inputs_dir.startswith("inputs/")
    assert set(load_inputs(job.inputs_dir, storage)) == {"image_url"}
    bucket = s3_server.folder / s3_env["VIDEO_STUDIO_MEDIA_URL"].removeprefix("s3://")
    assert len([p for p in bucket.rglob("*") if p.is_file()]) == 4  # video, poster, upload, manifest

    store.delete([job.id])
    removed = delete_job_files(job, storage, store)

    assert len(removed) == 4
    assert [p for p in bucket.rglob("*") if p.is_file()] == []
    elsewhere = storage_from(s3_settings(tmp_path / "other", database, offline.url))
    assert not any(elsewhere.exists(name) for name in removed)
    store.close()


READ_ELSEWHERE = """
import hashlib, sys
from videostudio.config import Settings
from videostudio.history.store import JobStore
from videostudio.storage import storage_from
from videostudio.storage.names import media_file

settings = Settings.from_env()
job = JobStore(settings.database_url).get(sys.argv[1])
video = media_file(storage_from(settings), job.local_path)
print(hashlib.sha256(video.read_bytes()).hexdigest(), video)
"""


def test_a_job_kept_by_one_process_is_read_by_another_with_an_empty_cache(
    s3_env: dict[str, str], s3_server: S3Server, tmp_path: Path, offline: OfflineBackend
) -> None:
    database = f"sqlite:///{tmp_path / 'history.sqlite3'}"
    _store, job = finished_job(s3_settings(tmp_path / "one", database, offline.url), offline.url)
    bucket = s3_server.folder / s3_env["VIDEO_STUDIO_MEDIA_URL"].removeprefix("s3://")
    other_home = tmp_path / "two"
    env = {**os.environ, "VIDEO_STUDIO_HOME": str(other_home), "DATABASE_URL": database}
    answer = subprocess.run(
        [sys.executable, "-c", READ_ELSEWHERE, job.id], env=env, cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert answer.returncode == 0, answer.stderr
    digest, path = answer.stdout.split()
    assert digest == hashlib.sha256((bucket / str(job.local_path)).read_bytes()).hexdigest()
    assert Path(path).is_relative_to(other_home / "cache" / "media")


@pytest.mark.apptest
def test_the_studio_with_s3_media_plays_a_finished_job_fetched_into_an_empty_cache(
    studio: Studio, s3_env: dict[str, str], s3_server: S3Server
) -> None:
    import streamlit as st

    from tests.test_app import KEYS, VIDEO01, choose, generate, open_studio, wait_for_video
    from tests.test_history_page import history, select_row

    at = open_studio()
    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input("A lighthouse in fog").run()
    generate(at)
    wait_for_video(at)
    [job] = JobStore(Settings.from_env().database_url).list()
    bucket = s3_server.folder / s3_env["VIDEO_STUDIO_MEDIA_URL"].removeprefix("s3://")
    assert job.local_path and (bucket / job.local_path).is_file()
    assert not (studio.home / "media").exists()  # nothing in a local media folder

    # Another replica: an empty cache, a new session. History shows the poster and plays the video, both fetched
    # from S3 into this machine's cache, and served by Streamlit's media endpoint.
    cached = studio.home / "cache" / "media"
    shutil.rmtree(cached)
    st.cache_resource.clear()
    at = select_row(history(), 0)
    assert sorted(p.name for p in cached.rglob("*") if p.is_file()) == [f"{job.id}.jpg", f"{job.id}.mp4"]
    [video] = at.get("video")
    assert "/media/" in video.proto.url and video.proto.url.endswith(".mp4")  # Streamlit's media endpoint
    [kept] = [p for p in cached.rglob("*.mp4")]
    assert kept.read_bytes() == (bucket / job.local_path).read_bytes()
