"""How the history's rows name media: a storage key, or (rows written before storage) a file on this machine.

A job's ``local_path``, ``poster_path`` and ``inputs_dir`` columns hold a **key** of the studio's media storage
(``<job id>.mp4``, ``posters/<job id>.jpg``, ``inputs/<sha256>.json``) since media goes through
``MediaStorage``. Rows written before hold the **absolute path** of a file under the local media folder; those files
stay where they are and keep playing, so nobody loses a video on upgrade. An absolute name is always a file on this
machine, read as a file; a relative one is always a key, read through the storage. No migration was needed: the
columns are text either way.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from videostudio.files import unlink_quietly
from videostudio.storage.base import MediaStorage, StorageError, StorageKeyError

log = logging.getLogger(__name__)


def is_key(name: str) -> bool:
    """A storage key (relative), not an old row's absolute file path."""
    return bool(name) and not os.path.isabs(name)


def media_file(storage: MediaStorage, name: str | None) -> Path | None:
    """A file on this machine holding ``name`` (fetched into the cache from object storage, once), or None when
    nothing is stored under it, or the store cannot be reached right now (logged; the page says the video is
    unavailable rather than failing)."""
    if not name:
        return None
    if not is_key(name):
        path = Path(name)
        return path if path.is_file() else None
    try:
        return storage.local_path(name)
    except StorageKeyError:
        log.warning("not a media key: %r", name)
        return None
    except StorageError as exc:
        log.warning("media %s could not be fetched: %s", name, exc)
        return None


def media_exists(storage: MediaStorage, name: str | None) -> bool:
    """Whether something is stored under ``name``, without fetching it."""
    if not name:
        return False
    if not is_key(name):
        return Path(name).is_file()
    try:
        return storage.exists(name)
    except (StorageKeyError, StorageError) as exc:
        log.warning("media %s could not be looked up: %s", name, exc)
        return False


def delete_media(storage: MediaStorage, name: str | None) -> bool:
    """Remove what ``name`` names; False when it names nothing this studio may remove. Never raises: a deleted job's
    media that cannot be removed now is logged (the row is gone already)."""
    if not name:
        return False
    if not is_key(name):
        return unlink_quietly(Path(name))
    try:
        storage.delete(name)
    except (StorageKeyError, StorageError) as exc:
        log.warning("media %s could not be deleted: %s", name, exc)
        return False
    return True
