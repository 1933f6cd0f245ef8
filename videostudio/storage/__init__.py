"""Where the studio's media lives: one interface (``MediaStorage``), a local folder or S3-compatible object storage.

``storage_from(settings)`` picks the backend: ``VIDEO_STUDIO_MEDIA_URL=s3://bucket/prefix`` selects object storage
(videostudio/storage/s3.py); without it, media stays in the local folder ``VIDEO_STUDIO_MEDIA_DIR`` (the default).
"""

from __future__ import annotations

from videostudio.config import Settings
from videostudio.storage.base import LocalFolderStorage, MediaStorage, StorageError, StorageKeyError, checked_key

__all__ = ["LocalFolderStorage", "MediaStorage", "StorageError", "StorageKeyError", "checked_key", "storage_from"]


def storage_from(settings: Settings) -> MediaStorage:
    """The media storage ``settings`` name: S3 when ``media_url`` is an ``s3://`` URL, else the local media folder."""
    if settings.media_url:
        from videostudio.storage.s3 import S3Storage, cache_folder  # boto3 loads only for a studio that uses it

        return S3Storage.from_url(settings.media_url, cache_folder(settings.data_dir))
    return LocalFolderStorage(settings.media_dir)
