"""Media in S3-compatible object storage (AWS S3, MinIO, rclone serve s3, Ceph, R2…), through boto3.

Selected by ``VIDEO_STUDIO_MEDIA_URL=s3://bucket/prefix``; the credentials, endpoint and region come from boto3's
standard environment (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_ENDPOINT_URL``, ``AWS_DEFAULT_REGION``),
never from the studio's settings, so they are never shown or logged with them.

What needs a file on this machine (Streamlit's media endpoint streaming a video with range requests, PyAV reading a
last frame, a ZIP being written) gets one from ``local_path``: the object is fetched once into a cache folder on this
machine (written whole, then renamed) and served from there afterwards. Keys are never rewritten in place by the
studio (a video's key holds its job id, an upload's its content hash), so a cached copy stays right; ``delete``
removes this machine's copy with the object.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from videostudio.files import atomic_path, unlink_quietly
from videostudio.storage.base import StorageError, checked_key

if TYPE_CHECKING:
    from botocore.client import BaseClient

log = logging.getLogger(__name__)

# Files above this go up in parts (several requests in parallel, each retried on its own): a 10 s 1080p clip is
# tens of MB, and one failed request must not send it all again.
MULTIPART_THRESHOLD = 16 * 1024 * 1024
_NOT_THERE = {"404", "NoSuchKey", "NotFound"}


def parse_s3_url(url: str) -> tuple[str, str]:
    """(bucket, prefix) of ``s3://bucket/prefix``; the prefix without slashes at its ends, maybe empty."""
    if not url.startswith("s3://"):
        raise ValueError("an S3 media URL starts with s3://")
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    if not bucket:
        raise ValueError("an S3 media URL names a bucket: s3://bucket/prefix")
    return bucket, prefix.strip("/")


def s3_client() -> BaseClient:
    """A boto3 S3 client from the standard environment, fit for S3-compatible servers as well as AWS."""
    import boto3
    from botocore.config import Config

    # Checksums only where the S3 API requires them: newer boto3 adds CRC32 trailers to every upload by default,
    # which servers other than AWS (rclone, older MinIO, Ceph) refuse or store wrongly.
    config = Config(
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        retries={"mode": "standard", "max_attempts": 4},
        connect_timeout=5,
        read_timeout=60,
    )
    return boto3.session.Session().client("s3", config=config)


class S3Storage:
    """Media as objects under ``prefix`` in ``bucket``; a cache folder on this machine holds what was read here."""

    def __init__(self, bucket: str, prefix: str, cache_dir: Path, *, client: BaseClient | None = None) -> None:
        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.cache_dir = Path(cache_dir)
        self._client = client
        self._client_lock = threading.Lock()
        # Keys this process saw stored: objects are not rewritten under another's feet, so asking once is enough.
        self._known: set[str] = set()

    @classmethod
    def from_url(cls, url: str, cache_dir: Path) -> S3Storage:
        bucket, prefix = parse_s3_url(url)
        return cls(bucket, prefix, cache_dir)

    @property
    def describe(self) -> str:
        return f"the bucket {self.bucket}" + (f", under {self.prefix}/" if self.prefix else "")

    @property
    def client(self) -> BaseClient:
        with self._client_lock:  # boto3 clients are thread-safe once made, but making one is not
            if self._client is None:
                self._client = s3_client()
            return self._client

    def object_key(self, key: str) -> str:
        key = checked_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def cached(self, key: str) -> Path:
        """Where this machine keeps its copy of ``key`` (whether or not it is there yet)."""
        return self.cache_dir / self.bucket / (self.prefix or "_") / checked_key(key)

    # --- writing ---------------------------------------------------------------------------------------------------

    def put_file(self, key: str, source: Path) -> None:
        from boto3.s3.transfer import TransferConfig

        name = self.object_key(key)
        transfer = TransferConfig(multipart_threshold=MULTIPART_THRESHOLD, multipart_chunksize=MULTIPART_THRESHOLD)
        with _plain_errors("store", key):
            self.client.upload_file(str(source), self.bucket, name, Config=transfer)
        self._known.add(key)
        self._keep_copy(key, source)

    def put_bytes(self, key: str, data: bytes) -> None:
        name = self.object_key(key)
        with _plain_errors("store", key):
            self.client.put_object(Bucket=self.bucket, Key=name, Body=data)
        self._known.add(key)
        with atomic_path(self.cached(key)) as tmp:
            tmp.write_bytes(data)

    def _keep_copy(self, key: str, source: Path) -> None:
        # The process that stored a video is the likeliest to play it next: no need to fetch it back.
        try:
            with atomic_path(self.cached(key)) as tmp:
                shutil.copyfile(source, tmp)
        except OSError as exc:
            log.warning("media %s: no copy kept in the cache: %s", key, exc)

    def delete(self, key: str) -> None:
        name = self.object_key(key)
        self._known.discard(key)
        unlink_quietly(self.cached(key))
        with _plain_errors("delete", key):
            self.client.delete_object(Bucket=self.bucket, Key=name)

    # --- reading ---------------------------------------------------------------------------------------------------

    def get_bytes(self, key: str) -> bytes:
        copy = self.cached(key)
        if copy.is_file():
            return copy.read_bytes()
        name = self.object_key(key)
        try:
            with _plain_errors("read", key):
                answer = self.client.get_object(Bucket=self.bucket, Key=name)
                data = answer["Body"].read()
        except _Missing:
            raise FileNotFoundError(f"no media stored under {key}") from None
        self._known.add(key)
        with atomic_path(copy) as tmp:
            tmp.write_bytes(data)
        return data

    def exists(self, key: str) -> bool:
        if key in self._known or self.cached(key).is_file():
            return True
        try:
            with _plain_errors("look up", key):
                self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except _Missing:
            return False
        self._known.add(key)
        return True

    def local_path(self, key: str) -> Path | None:
        copy = self.cached(key)
        if copy.is_file():
            return copy
        try:
            with _plain_errors("read", key), atomic_path(copy) as tmp:
                self.client.download_file(self.bucket, self.object_key(key), str(tmp))
        except _Missing:
            return None
        self._known.add(key)
        return copy


class _Missing(Exception):
    """Nothing is stored under a key (S3's 404): not an error for ``exists`` or ``local_path``."""


@contextmanager
def _plain_errors(action: str, key: str) -> Iterator[None]:
    """boto3's errors as the studio's own ``StorageError``, in plain words: the library's text (which can hold the
    endpoint, the bucket's layout, a request id) goes to the log, never to a person. A 404 becomes ``_Missing``."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
        if code != "NoSuchBucket" and (code in _NOT_THERE or status == "404"):
            raise _Missing() from None
        log.warning("media store: could not %s %s: %s", action, key, code or status)
        raise StorageError(_words(action, code or status)) from exc
    except BotoCoreError as exc:
        log.warning("media store: could not %s %s: %s", action, key, type(exc).__name__)
        raise StorageError(_words(action, "")) from exc


def _words(action: str, code: str) -> str:
    if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"):
        return f"The media store refused to {action} a file: check the studio's storage access key and its rights."
    if code in ("NoSuchBucket",):
        return "The media store has no such bucket: check VIDEO_STUDIO_MEDIA_URL."
    return f"The studio could not {action} a file in the media store. Check that it is reachable, then try again."


def cache_folder(data_dir: Path) -> Path:
    """This machine's cache of media read from object storage (safe to delete at any time while nothing runs)."""
    return Path(data_dir) / "cache" / "media"
