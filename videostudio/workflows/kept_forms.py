"""A Generate form kept in the history's database, its uploads stored once by content as media: what drafts and presets
share.

Pure module (no Streamlit). A kept form is three JSON columns of a row (``drafts``, ``presets``): the request without
its blobs and the uploads' manifest (``jobs.Submission.of``: what the history keeps of a job), and ``uploads``, where
each upload is stored: ``<prefix>/<sha256>.<ext>`` in the media storage (``drafts/…``, ``presets/…``), apart from the
jobs' own kept inputs, so deleting a job never takes a draft's picture with it (nor the other way round).

An upload new to its row is stored inside the transaction that writes the row, and a stored upload is removed inside
the transaction that dropped the last row naming it. Both hold ``uploads_lock``, so a save and a removal of the same
content never cross: either the removal comes first and the save stores the upload again, or the save comes first and
the removal sees the new row naming it. (Asking the storage whether an upload is there would not do: a replica's
storage may answer from what it remembers, not knowing another replica removed it.)
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from videostudio.form.payload import leaves
from videostudio.history.sql import json_object, json_text
from videostudio.jobs.submission import Submission
from videostudio.library.kept_inputs import put_back_uploads
from videostudio.media import MediaError, decode_data_uri, file_extension, is_data_uri
from videostudio.storage.base import MediaStorage, StorageError

log = logging.getLogger(__name__)

# pg_advisory_xact_lock key serialising "store an upload" with "remove an unused upload" ("VSUPLOAD").
_UPLOADS_LOCK_KEY = 0x5653555044415441


@dataclass(frozen=True)
class KeptForm:
    """A form as kept: what ``components.form.reuse`` needs to put it back."""

    params: dict[str, Any]  # the request without ``model``, uploads replaced by a short note
    media: dict[str, dict[str, Any]]  # uploads by payload path: mime, bytes, sha256, name
    uploads: dict[str, dict[str, Any]]  # where each upload is stored, by payload path: key, name, mime, bytes, sha256
    storage: MediaStorage = field(repr=False, compare=False)

    def inputs(self) -> dict[str, tuple[str, bytes, str]]:
        """The stored uploads by payload path: (file name, bytes, mime). One gone or altered is left out."""
        loaded = {}
        for path, info in self.uploads.items():
            try:
                data = self.storage.get_bytes(str(info["key"]))
            except (OSError, StorageError, KeyError, ValueError) as exc:
                log.info("a kept upload could not be read (%s): %s", path, exc)
                continue
            if hashlib.sha256(data).hexdigest() != info.get("sha256"):
                continue
            loaded[path] = (str(info.get("name") or path), data, str(info.get("mime") or "application/octet-stream"))
        return loaded

    def request(self) -> tuple[dict[str, Any], dict[str, str], list[str]]:
        """The form's request again, uploads put back as data URIs.

        Returns (the request without ``model``, upload file names by path, paths of uploads no longer stored).
        An upload that is gone becomes None, which the form and ``payload.build_payload`` read as unset.
        """
        return put_back_uploads(self.params, self.media, self.inputs(), gone=lambda _value: None)


@dataclass(frozen=True)
class FormToKeep:
    """A form about to be kept: its row's columns, and the uploads' bytes to store by key."""

    params: dict[str, Any]
    media: dict[str, dict[str, Any]]
    uploads: dict[str, dict[str, Any]]
    blobs: dict[str, bytes] = field(repr=False)

    def columns(self) -> dict[str, str]:
        return {"params": json_text(self.params), "media": json_text(self.media), "uploads": json_text(self.uploads)}


def form_to_keep(body: Mapping[str, Any], upload_names: Mapping[str, str] | None, prefix: str) -> FormToKeep:
    """A form's request (blobs included, no ``model``) as it will be kept, its uploads under ``prefix/``."""
    submission = Submission.of(body, upload_names)
    uploads: dict[str, dict[str, Any]] = {}
    blobs: dict[str, bytes] = {}
    for path, uri in ((p, v) for p, v in leaves(dict(body)) if isinstance(v, str) and is_data_uri(v)):
        try:
            mime, data = decode_data_uri(uri)
        except MediaError:
            continue  # a broken blob is simply not kept
        digest = hashlib.sha256(data).hexdigest()
        key = f"{prefix}/{digest}{file_extension(mime)}"
        name = (upload_names or {}).get(path) or f"{path.rsplit('.', 1)[-1]}{file_extension(mime)}"
        uploads[path] = {"key": key, "name": name, "mime": mime, "bytes": len(data), "sha256": digest}
        blobs[key] = data
    return FormToKeep(params=submission.params, media=submission.media, uploads=uploads, blobs=blobs)


def kept_form(row: Mapping[str, Any], storage: MediaStorage) -> KeptForm:
    """The form a ``drafts`` or ``presets`` row keeps."""
    return KeptForm(
        params=json_object(row["params"]),
        media=json_object(row["media"]),
        uploads=json_object(row["uploads"]),
        storage=storage,
    )


def upload_keys(uploads_column: object) -> set[str]:
    """The storage keys an ``uploads`` column names."""
    uploads = json_object(uploads_column) if isinstance(uploads_column, str) else uploads_column
    if not isinstance(uploads, dict):
        return set()
    return {str(info["key"]) for info in uploads.values() if isinstance(info, dict) and info.get("key")}


def uploads_lock(conn: Connection) -> None:
    """Hold the uploads' lock until this transaction ends (SQLite's writers already take turns: BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_UPLOADS_LOCK_KEY)))


def store_uploads(conn: Connection, storage: MediaStorage, blobs: Mapping[str, bytes], keys: Iterable[str]) -> None:
    """Inside the transaction writing the row: store ``keys`` of ``blobs`` (the uploads new to the row).

    A storage that refuses raises (OSError, StorageError), which rolls the row back with it.
    """
    keys = sorted(set(keys))
    if not keys:
        return
    uploads_lock(conn)
    for key in keys:
        storage.put_bytes(key, blobs[key])


def remove_unused_uploads(conn: Connection, storage: MediaStorage, table: sa.Table, keys: Iterable[str]) -> int:
    """Inside a transaction that dropped rows naming ``keys``: remove those no row of ``table`` names any more."""
    keys = sorted(set(keys))
    if not keys:
        return 0
    uploads_lock(conn)
    removed = 0
    for key in keys:
        naming = sa.select(sa.literal(1)).where(table.c.uploads.contains(f'"{key}"', autoescape=True)).limit(1)
        if conn.execute(naming).first() is None:
            try:
                storage.delete(key)
                removed += 1
            except (OSError, StorageError) as exc:  # a stray file costs only space; the rows are right
                log.warning("an unused upload could not be removed: %s", exc)
    return removed
