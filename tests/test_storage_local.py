"""The local-folder media storage: keys stay inside the folder, writes are whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from videostudio.storage.base import LocalFolderStorage, StorageKeyError


def test_bytes_and_files_are_stored_read_back_and_deleted(tmp_path: Path) -> None:
    storage = LocalFolderStorage(tmp_path / "media")
    storage.put_bytes("posters/a.jpg", b"poster")
    source = tmp_path / "video.mp4"
    source.write_bytes(b"video")
    storage.put_file("a.mp4", source)
    assert storage.get_bytes("posters/a.jpg") == b"poster"
    assert storage.local_path("a.mp4") == tmp_path / "media" / "a.mp4"
    assert storage.exists("a.mp4") and not storage.exists("b.mp4")
    assert storage.local_path("b.mp4") is None
    storage.delete("a.mp4")
    storage.delete("a.mp4")  # nothing there is not an error
    assert not storage.exists("a.mp4")
    assert [p.name for p in (tmp_path / "media").rglob("*")] == ["posters", "a.jpg"]  # no temporary file left
    with pytest.raises(FileNotFoundError):
        storage.get_bytes("a.mp4")


@pytest.mark.parametrize("key", ["", "../x.mp4", "/etc/passwd", "a//b", "a/./b", "inputs/../../x"])
def test_a_key_can_not_leave_the_folder(tmp_path: Path, key: str) -> None:
    with pytest.raises(StorageKeyError):
        LocalFolderStorage(tmp_path).put_bytes(key, b"x")
