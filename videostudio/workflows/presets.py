"""Presets: a model's form, uploads included, kept under a name for the whole studio.

Pure module (no Streamlit). A preset is a name, a model id and the form's values, kept the way drafts keep
a form (``drafts.keep_form``: the request without its blobs, the uploads by content hash under
``<folder>/inputs``). Every preset lives in one small index, ``<folder>/presets.json``
(``$VIDEO_STUDIO_HOME/presets``), rewritten whole through a temporary file and a rename, so a reader never
sees half of it and a failed write leaves the previous presets as they were.

Names are per model ("Portrait" may exist for two models) and compared without regard to case.
Sharing presets as files (export and import) is videostudio/workflows/preset_files.py.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from videostudio.files import write_atomic
from videostudio.history.store import utcnow
from videostudio.library.kept_inputs import INPUTS
from videostudio.workflows.drafts import ModelDraft, keep_form, kept_files, kept_form

INDEX = "presets.json"
MAX_NAME = 60
# One lock per process: the studio's sessions share one process, and each change is read, change, write.
_LOCK = threading.RLock()


class PresetError(ValueError):
    """A preset action that cannot be done; the message says why, in plain words, and nothing was changed."""


class NameTaken(PresetError):
    """The model already has a preset of this name: the person may choose to replace it."""

    def __init__(self, name: str) -> None:
        super().__init__(f"A preset named “{name}” already exists for this model.")
        self.name = name


@dataclass(frozen=True)
class Preset:
    """One saved preset: its name, its model and its form (``form.request()`` gives the values back)."""

    name: str
    model_id: str
    saved_at: str  # ISO 8601, UTC
    form: ModelDraft


@dataclass(frozen=True)
class Incoming:
    """A preset to add as it arrives from a file: its values hold their uploads as data URIs."""

    name: str
    model_id: str
    values: dict[str, Any]  # the request without ``model``
    upload_names: dict[str, str]  # file names of the uploads, by payload path


def clean_name(name: object) -> str:
    """The name as kept: spaces trimmed and runs of white space made one; PresetError if none is left."""
    text = re.sub(r"\s+", " ", str(name or "")).strip()
    text = "".join(ch for ch in text if ch.isprintable())
    if not text:
        raise PresetError("Give the preset a name.")
    if len(text) > MAX_NAME:
        raise PresetError(f"A preset name can be at most {MAX_NAME} characters long.")
    return text


def free_name(name: str, taken: Iterable[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``… : the first one not in ``taken`` (compared without case)."""
    used = {t.casefold() for t in taken}
    if name.casefold() not in used:
        return name
    number = 2
    while f"{name} ({number})".casefold() in used:
        number += 1
    return f"{name} ({number})"


class PresetStore:
    """The studio's presets under one folder (``$VIDEO_STUDIO_HOME/presets``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @property
    def index_path(self) -> Path:
        return self.folder / INDEX

    # --- reading ----------------------------------------------------------------------------------------------

    def _entries(self, *, for_change: bool = False) -> list[dict[str, Any]]:
        """The index's entries. A damaged index reads as empty, but is never overwritten by a change."""
        try:
            data = json.loads(self.index_path.read_text())
        except FileNotFoundError:
            return []
        except (OSError, ValueError):
            data = None
        entries = data.get("presets") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            if for_change:
                raise PresetError(
                    f"The presets file {self.index_path} cannot be read, so nothing was changed. "
                    "Move it away to start a new list."
                )
            return []
        return [e for e in entries if isinstance(e, dict) and isinstance(e.get("name"), str)]

    def _preset(self, entry: dict[str, Any]) -> Preset | None:
        form = kept_form(entry, self.folder)
        if form is None or not isinstance(entry.get("model"), str):
            return None
        return Preset(name=entry["name"], model_id=entry["model"], saved_at=str(entry.get("saved_at", "")), form=form)

    def presets(self, model_id: str | None = None) -> list[Preset]:
        """The presets of ``model_id`` (every model's when None), by name."""
        presets = (self._preset(e) for e in self._entries())
        found = [p for p in presets if p is not None and (model_id is None or p.model_id == model_id)]
        return sorted(found, key=lambda p: (p.model_id, p.name.casefold()))

    def get(self, model_id: str, name: str) -> Preset | None:
        """The preset ``name`` of ``model_id``, or None."""
        return next((p for p in self.presets(model_id) if p.name.casefold() == name.casefold()), None)

    # --- changing ---------------------------------------------------------------------------------------------

    def save(
        self,
        name: str,
        model_id: str,
        values: Mapping[str, Any],
        upload_names: Mapping[str, str] | None = None,
        *,
        replace: bool = False,
        now: datetime | None = None,
    ) -> Preset:
        """Keep ``values`` (the form's request, uploads as data URIs) as ``model_id``'s preset ``name``.

        A name the model already has raises ``NameTaken`` unless ``replace``.
        """
        name = clean_name(name)
        with _LOCK:
            entries = self._entries(for_change=True)
            same = [e for e in entries if _is(e, model_id, name)]
            if same and not replace:
                raise NameTaken(same[0]["name"])
            entry = self._entry(name, model_id, values, upload_names, now)
            kept = [e for e in entries if not _is(e, model_id, name)] + [entry]
            self._write(kept, dropped=same)
        preset = self._preset(entry)
        assert preset is not None
        return preset

    def rename(self, model_id: str, name: str, new_name: str) -> Preset:
        """Give ``model_id``'s preset ``name`` the name ``new_name`` (a change of case alone is allowed)."""
        new_name = clean_name(new_name)
        with _LOCK:
            entries = self._entries(for_change=True)
            entry = next((e for e in entries if _is(e, model_id, name)), None)
            if entry is None:
                raise PresetError(f"There is no preset named “{name}” for this model any more.")
            if any(_is(e, model_id, new_name) for e in entries if e is not entry):
                raise PresetError(f"A preset named “{new_name}” already exists for this model. Choose another name.")
            entry["name"] = new_name
            self._write(entries)
        preset = self._preset(entry)
        assert preset is not None
        return preset

    def delete(self, model_id: str, name: str) -> bool:
        """Remove ``model_id``'s preset ``name`` and the uploads no other preset uses; False if there was none."""
        with _LOCK:
            entries = self._entries(for_change=True)
            gone = [e for e in entries if _is(e, model_id, name)]
            if not gone:
                return False
            self._write([e for e in entries if not _is(e, model_id, name)], dropped=gone)
        return True

    def add_all(self, incoming: Iterable[Incoming], *, now: datetime | None = None) -> list[Preset]:
        """Add every preset of ``incoming`` in one write, a taken name becoming ``name (2)``; the presets added."""
        with _LOCK:
            entries = self._entries(for_change=True)
            added: list[dict[str, Any]] = []
            for item in incoming:
                taken = [e["name"] for e in entries + added if e.get("model") == item.model_id]
                name = free_name(clean_name(item.name), taken)
                added.append(self._entry(name, item.model_id, item.values, item.upload_names, now))
            self._write(entries + added)
        return [p for p in (self._preset(e) for e in added) if p is not None]

    def _entry(
        self,
        name: str,
        model_id: str,
        values: Mapping[str, Any],
        upload_names: Mapping[str, str] | None,
        now: datetime | None,
    ) -> dict[str, Any]:
        body = {k: v for k, v in values.items() if k != "model"}
        try:
            form = keep_form(body, upload_names, self.folder)
        except OSError as exc:
            raise PresetError(f"The preset could not be saved: the studio's disk refused ({exc.strerror}).") from exc
        return {"name": name, "model": model_id, **form, "saved_at": (now or utcnow()).isoformat()}

    def _write(self, entries: list[dict[str, Any]], *, dropped: Iterable[dict[str, Any]] = ()) -> None:
        data = {"version": 1, "presets": entries}
        try:
            write_atomic(self.index_path, json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1).encode())
        except OSError as exc:
            raise PresetError(f"The presets could not be written: the studio's disk refused ({exc.strerror}).") from exc
        self._remove_unused(dropped, entries)

    def _remove_unused(self, dropped: Iterable[dict[str, Any]], kept: list[dict[str, Any]]) -> None:
        # Files of a dropped preset that no kept preset uses; shared uploads (stored once by content) stay.
        candidates = kept_files(list(dropped), self.folder) - kept_files(kept, self.folder)
        for file_name in candidates:
            with contextlib.suppress(OSError):
                (self.folder / INPUTS / file_name).unlink()


def _is(entry: Mapping[str, Any], model_id: str, name: str) -> bool:
    return entry.get("model") == model_id and str(entry.get("name", "")).casefold() == name.casefold()
