"""Drafts and presets an older studio kept in files, imported once into the history's database: an upgrade loses none.

Pure module (no Streamlit). Before revision 0008 a studio kept them under ``$VIDEO_STUDIO_HOME``:

- ``drafts/<browser id>.json``: per model the form (``params``, ``media``), the name of its uploads' manifest under
  ``drafts/inputs`` (``inputs``), a ``fingerprint`` and ``saved_at``; and the browser's ``last_model``;
- ``presets/presets.json``: ``{"presets": [{name, model, params, media, inputs, saved_at}]}``, uploads under
  ``presets/inputs``.

The first studio process that opens them copies what the database does not have yet (uploads into the media storage),
then leaves a note in the folder (``MARK``) so it never copies again: a preset deleted later never comes back. The old
files stay where they were, as a backup. Copying is idempotent, so two processes starting together copy once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from videostudio.files import write_atomic
from videostudio.history.record import as_utc, utcnow
from videostudio.library.kept_inputs import INPUTS, load_inputs
from videostudio.media import file_extension
from videostudio.workflows.drafts import UPLOADS_PREFIX as DRAFTS_PREFIX
from videostudio.workflows.drafts import DraftStore, is_draft_id
from videostudio.workflows.kept_forms import FormToKeep
from videostudio.workflows.presets import UPLOADS_PREFIX as PRESETS_PREFIX
from videostudio.workflows.presets import PresetError, PresetStore, clean_name

log = logging.getLogger(__name__)

MARK = "imported-into-database.txt"
_MANIFEST = re.compile(r"^[0-9a-f]{64}\.json$")


def import_old_drafts(folder: Path, drafts: DraftStore) -> int:
    """Copy the drafts kept under ``folder`` (``$VIDEO_STUDIO_HOME/drafts``) into ``drafts``, once; how many."""
    if not folder.is_dir() or (folder / MARK).exists():
        return 0
    added = 0
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text())
            models = data["models"]
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("old draft %s could not be read; left as it was", path.name)
            continue
        if not is_draft_id(path.stem) or not isinstance(models, dict):
            continue
        last = data.get("last_model")
        for model_id, entry in models.items():
            kept = _old_form(entry, folder, DRAFTS_PREFIX)
            if kept is None:
                continue
            saved_at = _moment(entry.get("saved_at"))
            if model_id == last:
                saved_at += timedelta(microseconds=1)  # the browser's last model stays its newest draft
            fingerprint = str(entry.get("fingerprint") or "")
            added += drafts.import_form(path.stem, str(model_id), kept, fingerprint, saved_at)
    _mark(folder, f"{added} drafts")
    return added


def import_old_presets(folder: Path, presets: PresetStore) -> int:
    """Copy the presets kept in ``folder/presets.json`` (``$VIDEO_STUDIO_HOME/presets``) into ``presets``, once."""
    index = folder / "presets.json"
    if not index.is_file() or (folder / MARK).exists():
        return 0
    try:
        entries = json.loads(index.read_text())["presets"]
        if not isinstance(entries, list):
            raise TypeError("no list of presets")
    except (OSError, ValueError, KeyError, TypeError):
        # Tried again at the next start: the person may move the damaged file away or mend it meanwhile.
        log.warning("old presets file %s could not be read; nothing imported from it", index)
        return 0
    added = 0
    for entry in entries:
        kept = _old_form(entry, folder, PRESETS_PREFIX)
        if kept is None or not isinstance(entry.get("model"), str):
            continue
        try:
            name = clean_name(entry.get("name"))
        except PresetError:
            continue
        added += presets.import_form(name, entry["model"], kept, _moment(entry.get("saved_at")))
    _mark(folder, f"{added} presets")
    return added


def _old_form(entry: object, folder: Path, prefix: str) -> FormToKeep | None:
    """An old file's form, its uploads read from the old ``inputs`` folder, ready to keep under ``prefix/``."""
    if not isinstance(entry, dict) or not isinstance(entry.get("params"), dict):
        return None
    media = entry.get("media") if isinstance(entry.get("media"), dict) else {}
    manifest = str(entry.get("inputs") or "")
    files = load_inputs(folder / INPUTS / manifest) if _MANIFEST.match(manifest) else {}
    uploads: dict[str, dict[str, Any]] = {}
    blobs: dict[str, bytes] = {}
    for path, (name, data, mime) in files.items():
        digest = hashlib.sha256(data).hexdigest()
        key = f"{prefix}/{digest}{file_extension(mime)}"
        uploads[path] = {"key": key, "name": name, "mime": mime, "bytes": len(data), "sha256": digest}
        blobs[key] = data
    return FormToKeep(params=entry["params"], media=dict(media), uploads=uploads, blobs=blobs)


def _moment(text: object) -> datetime:
    try:
        return as_utc(datetime.fromisoformat(str(text)))
    except ValueError:
        return utcnow()


def _mark(folder: Path, what: str) -> None:
    note = (
        f"Imported {what} from this folder into the history's database on {utcnow():%Y-%m-%d %H:%M} UTC.\n"
        "The studio reads them from the database now; these files are kept only as a backup.\n"
        f"Remove this note ({MARK}) to import them again (nothing already there is copied twice).\n"
    )
    try:
        write_atomic(folder / MARK, note.encode())
    except OSError as exc:
        log.warning("could not leave a note in %s: %s", folder, exc)
