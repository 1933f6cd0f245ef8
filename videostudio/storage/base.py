"""The media storage interface: every video, poster, kept upload, draft upload and preset upload goes through it.

Keys are relative, slash-separated paths (``<job id>.mp4``, ``posters/<job id>.jpg``, ``inputs/<sha256>.png``); a
local folder stores a key as that path under its root, object storage as an object under its prefix. Whatever the
backend, ``local_path`` hands back a file on this machine (for a remote store, a cached copy) for what needs a file:
Streamlit's media endpoint serving it with range requests, PyAV reading it, a ZIP being written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Protocol


class StorageError(Exception):
    """The media store could not do what was asked (unreachable, refused, full); the message is plain words for a
    person and never holds a key, an endpoint or a library's text (those go to the log)."""


class StorageKeyError(ValueError):
    """A key that would leave the storage's root (``..``, an absolute path, an empty part)."""


def checked_key(key: str) -> str:
    """``key`` as a clean relative path, or StorageKeyError: no key may name a file outside the storage."""
    path = PurePosixPath(key)
    if not key or path.is_absolute() or any(part in ("", ".", "..") for part in key.split("/")):
        raise StorageKeyError(f"not a storage key: {key!r}")
    return str(path)


class MediaStorage(Protocol):
    """What the studio asks of a media store. Implementations: ``LocalFolderStorage``, and S3 (``s3.py``)."""

    @property
    def describe(self) -> str:
        """Where the media lives, in words for the README and the logs (never a secret)."""
        ...

    def put_file(self, key: str, source: Path) -> None:
        """Store the file at ``source`` under ``key``, replacing what was there (whole or not at all)."""
        ...

    def put_bytes(self, key: str, data: bytes) -> None: ...

    def get_bytes(self, key: str) -> bytes:
        """The stored bytes; FileNotFoundError when there is nothing under ``key``."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove ``key``; nothing under it is not an error."""
        ...

    def local_path(self, key: str) -> Path | None:
        """A file on this machine holding ``key`` (a cached copy for a remote store), or None when nothing is stored."""
        ...


class LocalFolderStorage:
    """Media in a folder on this machine (the default: ``VIDEO_STUDIO_MEDIA_DIR``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def describe(self) -> str:
        return f"the folder {self.root}"

    def path(self, key: str) -> Path:
        return self.root / checked_key(key)

    def put_file(self, key: str, source: Path) -> None:
        target = self.path(key)
        if Path(source).resolve() == target.resolve():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        # Copied beside the target and renamed over it: a reader never sees half a file.
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-", suffix=target.suffix)
        os.close(fd)
        try:
            shutil.copyfile(source, temporary)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def put_bytes(self, key: str, data: bytes) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-", suffix=target.suffix)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get_bytes(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def local_path(self, key: str) -> Path | None:
        path = self.path(key)
        return path if path.is_file() else None
