"""Drafts: the Generate form of each model as a browser left it, kept on disk so a reload or a restart loses nothing.

Pure module (no Streamlit). A draft belongs to one browser, named by a random id the browser keeps (a cookie);
it is a small JSON file, ``<folder>/<draft id>.json``, holding per model the form's request without its blobs
(``jobs.Submission.of``: what the history keeps of a job) and the manifest of its uploads. The uploads themselves
are kept by content hash under ``<folder>/inputs`` by the media library's ``keep_inputs``, apart from the jobs'
own kept inputs, so deleting a job never takes a draft's picture with it (nor the other way round).

Drafts live in files of their own, not in the history database: they are per browser, short-lived and
rewritten on every change, and need no migration.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from videostudio.files import write_atomic
from videostudio.history.store import utcnow
from videostudio.jobs.service import Submission
from videostudio.library.kept_inputs import INPUTS, keep_inputs, load_inputs, put_back_uploads
from videostudio.storage import LocalFolderStorage

log = logging.getLogger(__name__)

# A draft nobody opened for this long is removed, with the uploads no other draft uses.
MAX_AGE = timedelta(days=30)
_DRAFT_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_KEPT = re.compile(r"^[0-9a-f]{64}\.[a-z0-9]{1,5}$")
_MANIFEST = re.compile(r"^[0-9a-f]{64}\.json$")


def new_draft_id() -> str:
    """A fresh random id for a browser's drafts: unguessable, so one browser never opens another's."""
    return secrets.token_urlsafe(24)


def is_draft_id(value: object) -> bool:
    return isinstance(value, str) and bool(_DRAFT_ID.match(value))


@dataclass(frozen=True)
class ModelDraft:
    """One model's form as saved: what ``components.form.reuse`` needs to put it back."""

    params: dict[str, Any]  # the request without ``model``, uploads replaced by a short note
    media: dict[str, dict[str, Any]]  # uploads by payload path: mime, bytes, sha256, name
    inputs_dir: str | None  # the manifest of the kept uploads, for ``kept_inputs.load_inputs``

    def inputs(self) -> dict[str, tuple[str, bytes, str]]:
        return load_inputs(self.inputs_dir)

    def request(self) -> tuple[dict[str, Any], dict[str, str], list[str]]:
        """The form's request again, uploads put back as data URIs.

        Returns (the request without ``model``, upload file names by path, paths of uploads no longer kept on
        disk). An upload that is gone becomes None, which the form and ``payload.build_payload`` read as unset.
        """
        return put_back_uploads(self.params, self.media, self.inputs(), gone=lambda _value: None)


def keep_form(body: Mapping[str, Any], upload_names: Mapping[str, str] | None, folder: Path) -> dict[str, Any]:
    """A form's request (blobs included, no ``model``) as kept on disk: what ``kept_form`` reads back.

    The parameters without blobs, the uploads' manifest, and the name of the kept uploads' manifest under
    ``folder/inputs`` (a name only: the folder may move with VIDEO_STUDIO_HOME). Drafts and presets keep forms so.
    """
    submission = Submission.of(body, upload_names)
    inputs_dir = keep_inputs(body, upload_names, LocalFolderStorage(folder)) if submission.media else None
    return {
        "params": submission.params,
        "media": submission.media,
        "inputs": Path(inputs_dir).name if inputs_dir else None,
    }


def kept_form(entry: object, folder: Path) -> ModelDraft | None:
    """The form ``keep_form`` kept in ``entry`` under ``folder``; None when ``entry`` is not one."""
    if not isinstance(entry, dict) or not isinstance(entry.get("params"), dict):
        return None
    manifest = str(entry.get("inputs") or "")
    inputs_dir = str(folder / INPUTS / manifest) if _MANIFEST.match(manifest) else None
    media = entry.get("media")
    return ModelDraft(
        params=entry["params"], media=dict(media) if isinstance(media, dict) else {}, inputs_dir=inputs_dir
    )


def kept_files(entries: object, folder: Path) -> set[str]:
    """The file names under ``folder/inputs`` the kept forms ``entries`` use: their manifests and uploads."""
    names: set[str] = set()
    for entry in entries if isinstance(entries, list | tuple) else ():
        manifest = str((entry or {}).get("inputs") or "") if isinstance(entry, dict) else ""
        if not _MANIFEST.match(manifest):
            continue
        names.add(manifest)
        try:
            files = json.loads((folder / INPUTS / manifest).read_text())["files"].values()
            names |= {str(info.get("file", "")) for info in files}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
    return names


class DraftStore:
    """Every browser's drafts under one folder (``$VIDEO_STUDIO_HOME/drafts``)."""

    def __init__(self, folder: Path, *, max_age: timedelta = MAX_AGE) -> None:
        self.folder = folder
        self.max_age = max_age

    def _path(self, draft_id: str) -> Path:
        if not is_draft_id(draft_id):
            raise ValueError("not a draft id")
        return self.folder / f"{draft_id}.json"

    def _read(self, draft_id: str) -> dict[str, Any]:
        try:
            data = json.loads(self._path(draft_id).read_text())
        except (OSError, ValueError):
            return {"version": 1, "models": {}}
        if not isinstance(data, dict) or not isinstance(data.get("models"), dict):
            return {"version": 1, "models": {}}
        return data

    def save(
        self,
        draft_id: str,
        model_id: str,
        payload: Mapping[str, Any],
        upload_names: Mapping[str, str] | None = None,
        *,
        now: datetime | None = None,
    ) -> bool:
        """Keep ``payload`` (the form's request, blobs included) as ``model_id``'s draft; False when unchanged.

        Called on every run of the form, so an unchanged form costs a hash and a small read, not a write.
        """
        body = {k: v for k, v in payload.items() if k != "model"}
        fingerprint = _fingerprint(body, upload_names)
        data = self._read(draft_id)
        entry = data["models"].get(model_id)
        if isinstance(entry, dict) and entry.get("fingerprint") == fingerprint and data.get("last_model") == model_id:
            return False
        data["models"][model_id] = {
            **keep_form(body, upload_names, self.folder),
            "fingerprint": fingerprint,
            "saved_at": (now or utcnow()).isoformat(),
        }
        data["last_model"] = model_id
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self._path(draft_id), json.dumps(data, sort_keys=True, ensure_ascii=False).encode())
        return True

    def load(self, draft_id: str, model_id: str) -> ModelDraft | None:
        """``model_id``'s draft for this browser, or None."""
        if not is_draft_id(draft_id):
            return None
        return kept_form(self._read(draft_id)["models"].get(model_id), self.folder)

    def last_model(self, draft_id: str) -> str | None:
        """The model this browser last had on its form."""
        if not is_draft_id(draft_id):
            return None
        last = self._read(draft_id).get("last_model")
        return last if isinstance(last, str) else None

    def clean(self, *, now: datetime | None = None) -> int:
        """Remove drafts untouched for ``max_age``, then the kept uploads and manifests no draft uses; the count."""
        if not self.folder.is_dir():
            return 0
        moment = now or utcnow()
        oldest = (moment - self.max_age).timestamp()
        fresh = (moment - timedelta(hours=1)).timestamp()
        removed = 0
        in_use: set[str] = set()
        for path in self.folder.glob("*.json"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < oldest:
                    path.unlink()
                    removed += 1
                    continue
                in_use |= self._files_of(path)
        inputs = self.folder / INPUTS
        for path in inputs.glob("*") if inputs.is_dir() else ():
            kept_name = _KEPT.match(path.name) or _MANIFEST.match(path.name)
            if not kept_name or path.name in in_use:
                continue
            with contextlib.suppress(OSError):
                # A file written a moment ago may belong to a draft being saved right now.
                if path.stat().st_mtime < fresh:
                    path.unlink()
                    removed += 1
        return removed

    def _files_of(self, draft_path: Path) -> set[str]:
        # The manifests a draft points at, and the upload files those manifests list.
        try:
            models = json.loads(draft_path.read_text()).get("models", {})
        except (OSError, ValueError, AttributeError):
            return set()
        return kept_files(list(models.values()) if isinstance(models, dict) else [], self.folder)


def _fingerprint(body: Mapping[str, Any], upload_names: Mapping[str, str] | None) -> str:
    text = json.dumps([body, dict(upload_names or {})], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
