"""The uploads a job was sent with, kept once by content so its settings can be used again.

Pure module (no Streamlit). In the media storage (videostudio/storage), by key:

- ``inputs/<sha256>.<ext>``: every uploaded image, audio or video clip a job was sent with, stored once by content,
  so one portrait used for fifty jobs is one file;
- ``inputs/<sha256>.json``: per submission, a small manifest mapping form field (``image_url``) to its file, so
  "Use these settings", "Run again", drafts and presets can put the uploads back.

A job records its manifest's key (``inputs/<sha256>.json``); rows written before storage hold the manifest's absolute
path, and its files are read beside it on disk (videostudio/storage/names.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from videostudio.form.payload import leaves, map_leaves
from videostudio.history.store import Job, JobStore
from videostudio.media import MediaError, decode_data_uri, file_extension, is_data_uri, to_data_uri
from videostudio.storage import MediaStorage, StorageError
from videostudio.storage.names import delete_media, is_key, media_file

log = logging.getLogger(__name__)

INPUTS = "inputs"
_KEPT_INPUT = re.compile(r"^[0-9a-f]{64}\.[a-z0-9]{1,5}$")


def keep_inputs(
    payload: Mapping[str, Any], upload_names: Mapping[str, str] | None, storage: MediaStorage
) -> str | None:
    """Store the uploads (data URIs) in ``payload`` under ``inputs/``; the manifest's key, or None if none.

    Paths are the ones ``jobs.Submission.of`` records media under (``image_url``, ``dynamic_masks.0.mask``).
    Files are named by the SHA-256 of their bytes, so the same upload is stored once however often it is sent.
    """
    files: dict[str, dict[str, Any]] = {}
    # Named by the same paths as the history's record of the job (jobs.Submission.of).
    uploads = ((path, v) for path, v in leaves(payload) if isinstance(v, str) and is_data_uri(v))
    for path, uri in uploads:
        try:
            mime, data = decode_data_uri(uri)
        except MediaError:
            continue  # the payload was validated before sending; a broken blob is simply not kept
        digest = hashlib.sha256(data).hexdigest()
        file_name = digest + file_extension(mime)
        # Written even when present (same name, same bytes): deleting another job that sent the same file may
        # have removed it a moment ago, before this job was there to keep it in use.
        storage.put_bytes(f"{INPUTS}/{file_name}", data)
        name = (upload_names or {}).get(path) or f"{path.rsplit('.', 1)[-1]}{file_extension(mime)}"
        files[path] = {"file": file_name, "mime": mime, "name": name, "bytes": len(data), "sha256": digest}
    if not files:
        return None
    manifest = json.dumps({"version": 1, "files": files}, sort_keys=True, ensure_ascii=False).encode()
    key = f"{INPUTS}/{hashlib.sha256(manifest).hexdigest()}.json"
    storage.put_bytes(key, manifest)  # always, for the same reason
    return key


def keep_job_inputs(
    store: JobStore,
    job: Job,
    payload: Mapping[str, Any],
    upload_names: Mapping[str, str] | None,
    storage: MediaStorage,
) -> Job:
    """Keep a submitted job's uploads (for "Use these settings" and "Run again") and record where on the job."""
    try:
        inputs_dir = keep_inputs(payload, upload_names, storage)
    except (OSError, StorageError) as exc:
        # The job is running; a full disk or an unreachable store only means its uploads cannot be reused later.
        log.warning("job %s: uploads not kept: %s", job.id, exc)
        return job
    if not inputs_dir:
        return job
    try:
        return store.update(job.id, inputs_dir=inputs_dir)
    except KeyError:
        return job  # deleted from another tab in the meantime


def _beside(manifest: str, file_name: str) -> str:
    """The name of a kept file listed in ``manifest``: its key, or (an old row's manifest on disk) its path."""
    if is_key(manifest):
        return f"{manifest.rpartition('/')[0]}/{file_name}"
    return str(Path(manifest).parent / file_name)


def _manifest(inputs_dir: str | Path | None, storage: MediaStorage | None) -> dict[str, tuple[str, dict[str, Any]]]:
    """The kept uploads a manifest lists, by field path: (the file's name, its manifest entry)."""
    if not inputs_dir:
        return {}
    manifest = str(inputs_dir)
    if is_key(manifest) and storage is None:
        raise ValueError("a kept upload's storage key is read through its storage")
    try:
        files = json.loads(_read(manifest, storage))["files"]
        entries = {
            path: (_beside(manifest, str(info.get("file", ""))), info)
            for path, info in files.items()
            # Only our own content-addressed names: a manifest can never point outside its folder.
            if _KEPT_INPUT.match(str(info.get("file", "")))
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        log.warning("kept inputs %s could not be read", inputs_dir)
        return {}
    return entries


def _file(name: str, storage: MediaStorage | None) -> Path | None:
    """A file on this machine holding ``name`` (a key, through ``storage``; an old row's path, on disk)."""
    if storage is not None:
        return media_file(storage, name)
    return Path(name) if not is_key(name) and Path(name).is_file() else None


def _read(name: str, storage: MediaStorage | None) -> bytes:
    file = _file(name, storage)
    if file is None:
        raise FileNotFoundError(name)
    return file.read_bytes()


def kept_input_paths(inputs_dir: str | Path | None, storage: MediaStorage | None = None) -> set[str]:
    """The field paths whose upload is still kept, at its recorded size: cheap enough for every rerun (from object
    storage, the files are fetched into this machine's cache once)."""
    kept = set()
    for path, (name, info) in _manifest(inputs_dir, storage).items():
        with contextlib.suppress(OSError):
            file = _file(name, storage)
            if file is not None and file.stat().st_size == info.get("bytes"):
                kept.add(path)
    return kept


def load_inputs(
    inputs_dir: str | Path | None, storage: MediaStorage | None = None
) -> dict[str, tuple[str, bytes, str]]:
    """The kept uploads of a job, by field path: (file name, bytes, mime). Missing or altered files are left out.

    ``inputs_dir`` is the manifest's storage key (then ``storage`` is needed), or an old row's path on disk.
    """
    loaded = {}
    for path, (name, info) in _manifest(inputs_dir, storage).items():
        file_name = name.rpartition("/")[2]
        try:
            data = _read(name, storage)
        except OSError:
            continue
        if hashlib.sha256(data).hexdigest() != info.get("sha256"):
            continue
        loaded[path] = (str(info.get("name") or file_name), data, str(info.get("mime") or "application/octet-stream"))
    return loaded


def put_back_uploads(
    params: Mapping[str, Any],
    upload_paths: Collection[str],
    inputs: Mapping[str, tuple[str, bytes, str]],
    *,
    gone: Callable[[Any], Any] = lambda value: value,
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """A kept request with its uploads again as data URIs, from ``load_inputs``' files.

    Returns (the request, upload file names by path, the paths of uploads no longer kept). ``gone`` says what an
    upload that is no longer kept becomes: its placeholder by default.
    """
    names: dict[str, str] = {}
    missing: list[str] = []

    def put_back(path: str, value: Any) -> Any:
        if path not in upload_paths:
            return value
        if path not in inputs:
            missing.append(path)
            return gone(value)
        name, data, mime = inputs[path]
        names[path] = name
        return to_data_uri(data, mime)

    return map_leaves(dict(params), put_back), names, missing


def delete_kept_inputs(job: Job, storage: MediaStorage, store: JobStore) -> list[str]:
    """Remove a deleted job's kept uploads and manifest, except those another job still uses; the names removed."""
    removed: list[str] = []
    manifest = job.inputs_dir
    if not manifest or not _KEPT_INPUT.match(Path(manifest).name):
        return removed  # none, or not a manifest this module wrote: leave it alone
    if store.used_by_another_job(job.id, inputs_dir=manifest):
        return removed
    try:
        files = json.loads(_read(manifest, storage))["files"].values()
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        files = []
    for info in files:
        file_name = str(info.get("file", ""))
        sha = str(info.get("sha256", ""))
        unused = _KEPT_INPUT.match(file_name) and not store.used_by_another_job(job.id, upload_sha256=sha)
        if unused and delete_media(storage, name := _beside(manifest, file_name)):
            removed.append(name)
    if delete_media(storage, manifest):
        removed.append(manifest)
    return removed
