"""How rows name media: storage keys since media went through storage, absolute file paths in older rows."""

from __future__ import annotations

from pathlib import Path

from videostudio.history.store import Job, JobStatus
from videostudio.storage import LocalFolderStorage
from videostudio.storage.names import delete_media, is_key, media_exists, media_file


def test_a_key_is_read_through_the_storage_and_an_old_path_from_disk(tmp_path: Path) -> None:
    storage = LocalFolderStorage(tmp_path / "media")
    storage.put_bytes("j1.mp4", b"new")
    old = tmp_path / "elsewhere" / "j0.mp4"  # a row written before storage: the file where it was kept
    old.parent.mkdir()
    old.write_bytes(b"old")
    assert is_key("j1.mp4") and is_key("posters/j1.jpg") and not is_key(str(old))
    assert media_file(storage, "j1.mp4") == tmp_path / "media" / "j1.mp4"
    assert media_file(storage, str(old)) == old and media_exists(storage, str(old))
    assert media_file(storage, "j2.mp4") is None and not media_exists(storage, "j2.mp4")
    assert media_file(storage, None) is None and media_file(storage, "../j1.mp4") is None
    assert delete_media(storage, str(old)) and not old.exists()
    assert delete_media(storage, "j1.mp4") and not media_exists(storage, "j1.mp4")


def test_a_job_with_a_key_has_its_video_without_the_store_being_asked(tmp_path: Path) -> None:
    # The record answers for a key (the store holds it before the key is recorded): nothing is fetched or looked up.
    keyed = Job(model_id="video-01", backend="offline", status=JobStatus.COMPLETED.value, local_path="j1.mp4")
    assert keyed.has_local_video
    gone = Job(model_id="video-01", backend="offline", status="completed", local_path=str(tmp_path / "gone.mp4"))
    assert not gone.has_local_video  # an old row's file is still checked on disk
    running = Job(model_id="video-01", backend="offline", status=JobStatus.GENERATING.value, local_path="j1.mp4")
    assert not running.has_local_video
