"""The MediaStorage contract, run against both backends: the local folder and S3 (a real ``rclone serve s3``)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.s3server import S3Server
from videostudio.config import Settings
from videostudio.storage import LocalFolderStorage, MediaStorage, StorageError, StorageKeyError, storage_from
from videostudio.storage.s3 import MULTIPART_THRESHOLD, S3Storage

# Makes a storage; each call with a new ``cache`` is another process's view of the same media (nothing read yet).
Opener = Callable[[Path], MediaStorage]


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def open_storage(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    if request.param == "local":
        return lambda cache: LocalFolderStorage(tmp_path / "media")
    server: S3Server = request.getfixturevalue("s3_server")
    environment = server.environment(server.new_bucket(), prefix="team/media")
    monkeypatch: pytest.MonkeyPatch = request.getfixturevalue("monkeypatch")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    home = tmp_path / "home"
    return lambda cache: S3Storage.from_url(environment["VIDEO_STUDIO_MEDIA_URL"], home / cache)


def test_what_is_stored_is_read_back_and_deleted(open_storage: Opener, tmp_path: Path) -> None:
    storage = open_storage(Path("one"))
    storage.put_bytes("posters/a.jpg", b"poster")
    source = tmp_path / "video.mp4"
    source.write_bytes(b"video")
    storage.put_file("a.mp4", source)
    assert storage.get_bytes("posters/a.jpg") == b"poster"
    assert storage.exists("a.mp4") and storage.exists("posters/a.jpg")
    local = storage.local_path("a.mp4")
    assert local is not None and local.read_bytes() == b"video"
    storage.delete("a.mp4")
    storage.delete("a.mp4")  # nothing there is not an error
    assert not storage.exists("a.mp4")
    assert storage.local_path("a.mp4") is None
    with pytest.raises(FileNotFoundError):
        storage.get_bytes("a.mp4")


def test_nothing_stored_under_a_key_is_no_error(open_storage: Opener) -> None:
    storage = open_storage(Path("one"))
    assert not storage.exists("inputs/nothing.png")
    assert storage.local_path("inputs/nothing.png") is None
    with pytest.raises(FileNotFoundError):
        storage.get_bytes("inputs/nothing.png")
    storage.delete("inputs/nothing.png")


def test_a_put_replaces_what_was_stored(open_storage: Opener, tmp_path: Path) -> None:
    storage = open_storage(Path("one"))
    storage.put_bytes("inputs/m.json", b"first")
    storage.put_bytes("inputs/m.json", b"second")
    assert storage.get_bytes("inputs/m.json") == b"second"
    source = tmp_path / "clip.mp4"
    source.write_bytes(b"newer clip")
    storage.put_file("inputs/m.json", source)
    assert open_storage(Path("other")).get_bytes("inputs/m.json") == b"newer clip"


def test_another_process_with_an_empty_cache_reads_what_one_stored(open_storage: Opener, tmp_path: Path) -> None:
    source = tmp_path / "video.mp4"
    source.write_bytes(os.urandom(4096))
    open_storage(Path("writer")).put_file("j1.mp4", source)
    reader = open_storage(Path("reader"))
    assert reader.exists("j1.mp4")
    copy = reader.local_path("j1.mp4")
    assert copy is not None and copy.read_bytes() == source.read_bytes()
    assert reader.local_path("j1.mp4") == copy  # the second time from this machine's copy
    open_storage(Path("deleter")).delete("j1.mp4")
    assert not open_storage(Path("late")).exists("j1.mp4")


def test_a_video_larger_than_one_part_is_stored_whole(open_storage: Opener, tmp_path: Path) -> None:
    source = tmp_path / "long.mp4"
    source.write_bytes(os.urandom(MULTIPART_THRESHOLD + 1024 * 1024))  # goes up in two parts to S3
    open_storage(Path("writer")).put_file("long.mp4", source)
    copy = open_storage(Path("reader")).local_path("long.mp4")
    assert copy is not None
    assert hashlib.sha256(copy.read_bytes()).digest() == hashlib.sha256(source.read_bytes()).digest()


@pytest.mark.parametrize("key", ["", "../x.mp4", "/etc/passwd", "a//b", "a/./b", "inputs/../../x"])
def test_no_key_leaves_the_storage(open_storage: Opener, key: str) -> None:
    storage = open_storage(Path("one"))
    with pytest.raises(StorageKeyError):
        storage.put_bytes(key, b"x")
    with pytest.raises(StorageKeyError):
        storage.local_path(key)


def test_no_file_of_a_write_is_left_half_written(open_storage: Opener, tmp_path: Path) -> None:
    storage = open_storage(Path("one"))
    storage.put_bytes("posters/p.jpg", b"poster")
    assert storage.local_path("posters/p.jpg") is not None
    leftovers = [p for p in tmp_path.rglob("*") if p.name.startswith(".part-")]
    assert leftovers == []


@pytest.mark.s3
def test_settings_pick_the_backend(s3_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIDEO_STUDIO_HOME", str(tmp_path / "home"))
    s3 = storage_from(Settings.from_env())
    assert isinstance(s3, S3Storage)
    assert s3.cache_dir == tmp_path / "home" / "cache" / "media"
    monkeypatch.delenv("VIDEO_STUDIO_MEDIA_URL")
    local = storage_from(Settings.from_env())
    assert isinstance(local, LocalFolderStorage) and local.root == tmp_path / "home" / "media"


@pytest.mark.parametrize("url", ["http://bucket/x", "s3://", "s3:///prefix"])
def test_a_media_url_that_is_not_s3_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        Settings.from_env({"VIDEO_STUDIO_MEDIA_URL": url})


@pytest.mark.s3
def test_a_refused_key_is_told_in_plain_words_without_secrets(
    s3_server: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = s3_server.environment(s3_server.new_bucket())
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-at-all")
    storage = S3Storage.from_url(environment["VIDEO_STUDIO_MEDIA_URL"], tmp_path / "cache")
    with pytest.raises(StorageError) as refused:
        storage.put_bytes("a.mp4", b"x")
    words = str(refused.value)
    assert "access key" in words
    for secret in ("not-the-secret-at-all", environment["AWS_ACCESS_KEY_ID"], s3_server.endpoint, "a.mp4"):
        assert secret not in words


@pytest.mark.s3
def test_a_missing_bucket_is_told_in_plain_words(
    s3_server: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in s3_server.environment("unused").items():
        monkeypatch.setenv(name, value)
    storage = S3Storage.from_url("s3://no-such-bucket/media", tmp_path / "cache")
    with pytest.raises(StorageError, match="VIDEO_STUDIO_MEDIA_URL"):
        storage.put_bytes("a.mp4", b"x")
