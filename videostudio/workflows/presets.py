"""Presets: a model's form, uploads included, kept under a name by a person, and maybe shared with the team.

Pure module (no Streamlit). Presets live in the history's database (table ``presets``), so every replica of a team
studio has the same ones; a preset's form is kept the way drafts keep one (``kept_forms``: the request without its
blobs, the uploads stored once by content under ``presets/`` in the media storage).

Names are per person and model ("Portrait" may exist for two models, and for two people) and compared without regard
to case; the database keeps them unique, so two replicas saving one name at the same moment can't both win.

Who sees what (the rules of videostudio/team/access.py, for presets): a person sees their own presets, the ones shared
with the team, and, for a role that sees everyone's work (admins), all. Only the owner or an admin may rename, delete,
share or stop sharing one. A studio without sign-in has one person, an admin, whose presets have no owner.
Sharing presets as files (export and import) is videostudio/workflows/preset_files.py.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from videostudio.history.record import as_utc, presets_table, utcnow
from videostudio.history.store import JobStore
from videostudio.storage.base import MediaStorage, StorageError
from videostudio.team.access import can_change, can_view
from videostudio.team.people import LOCAL_PERSON, Person
from videostudio.workflows.kept_forms import (
    FormToKeep,
    KeptForm,
    form_to_keep,
    kept_form,
    remove_unused_uploads,
    store_uploads,
    upload_keys,
)

log = logging.getLogger(__name__)

MAX_NAME = 60
# Where presets' uploads are stored in the media storage.
UPLOADS_PREFIX = "presets"
# How often a batch of additions (an import) is tried again when another replica took one of its names meanwhile.
_ADD_ATTEMPTS = 5


class PresetError(ValueError):
    """A preset action that cannot be done; the message says why, in plain words, and nothing was changed."""


class NameTaken(PresetError):
    """The person already has a preset of this name for the model: they may choose to replace it."""

    def __init__(self, name: str) -> None:
        super().__init__(f"A preset named “{name}” already exists for this model.")
        self.name = name


@dataclass(frozen=True)
class Preset:
    """One saved preset: its name, its model and its form (``form.request()`` gives the values back)."""

    id: str
    name: str
    model_id: str
    saved_at: str  # ISO 8601, UTC
    form: KeptForm
    owner: str | None = None  # the member who saved it; None in a studio without sign-in
    shared: bool = False  # shared with the team: every member sees it and may load it


@dataclass(frozen=True)
class Incoming:
    """A preset to add as it arrives from a file: its values hold their uploads as data URIs."""

    name: str
    model_id: str
    values: dict[str, Any]  # the request without ``model``
    upload_names: dict[str, str]  # file names of the uploads, by payload path


def preset_label(preset: Preset, viewer: Person) -> str:
    """How ``viewer`` finds the preset in a list: their own by its name, anyone else's with whose it is."""
    if preset.owner == viewer.owner:
        return preset.name
    if preset.shared:
        return f"{preset.name} · shared by {preset.owner or 'the studio'}"
    return f"{preset.name} · {preset.owner or 'saved before sign-in'}"


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


def _owner_column(owner: str | None) -> str:
    return owner or ""


class PresetStore:
    """Every person's presets, in the history's database; uploads in ``storage``."""

    def __init__(self, store: JobStore, storage: MediaStorage) -> None:
        self.store = store
        self.storage = storage

    # --- reading ----------------------------------------------------------------------------------------------

    def _preset(self, row: Mapping[str, Any]) -> Preset:
        return Preset(
            id=str(row["id"]),
            name=str(row["name"]),
            model_id=str(row["model_id"]),
            saved_at=as_utc(row["updated_at"]).isoformat(),
            form=kept_form(row, self.storage),
            owner=row["owner"] or None,
            shared=bool(row["shared"]),
        )

    def _select(self, *conditions: sa.ColumnElement[bool]) -> list[Preset]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(presets_table.select().where(*conditions)).mappings().all()
        return [self._preset(row) for row in rows]

    def presets(self, model_id: str | None = None, *, viewer: Person = LOCAL_PERSON) -> list[Preset]:
        """The presets of ``model_id`` (every model's when None) that ``viewer`` may see, by model and name."""
        c = presets_table.c
        conditions = [c.model_id == model_id] if model_id is not None else []
        if not viewer.sheet.sees_everyones_work:
            mine = c.owner == viewer.owner if viewer.owner else sa.false()
            conditions.append(sa.or_(mine, c.shared.is_(True)))
        found = [p for p in self._select(*conditions) if can_view(viewer, p)]
        return sorted(found, key=lambda p: (p.model_id, p.name.casefold(), p.owner or ""))

    def get(self, model_id: str, name: str, *, owner: str | None = None) -> Preset | None:
        """``owner``'s preset ``name`` of ``model_id`` (the studio's own without sign-in), or None."""
        c = presets_table.c
        found = self._select(c.owner == _owner_column(owner), c.model_id == model_id, c.name_key == name.casefold())
        return found[0] if found else None

    # --- changing ---------------------------------------------------------------------------------------------

    def save(
        self,
        name: str,
        model_id: str,
        values: Mapping[str, Any],
        upload_names: Mapping[str, str] | None = None,
        *,
        owner: str | None = None,
        shared: bool = False,
        replace: bool = False,
        now: datetime | None = None,
    ) -> Preset:
        """Keep ``values`` (the form's request, uploads as data URIs) as ``owner``'s preset ``name`` of ``model_id``.

        A name the person already has for the model raises ``NameTaken`` unless ``replace``; so does a name another
        replica saved a moment before this one.
        """
        name = clean_name(name)
        kept = self._kept(values, upload_names)
        moment = as_utc(now or utcnow())
        c = presets_table.c
        same = (c.owner == _owner_column(owner), c.model_id == model_id, c.name_key == name.casefold())
        columns = {**kept.columns(), "name": name, "name_key": name.casefold(), "shared": shared, "updated_at": moment}

        def work(conn: Connection) -> str:
            existing = conn.execute(sa.select(c.id, c.name, c.uploads).where(*same)).first()
            if existing is not None and not replace:
                raise NameTaken(existing.name)
            if existing is None:
                preset_id = uuid.uuid4().hex
                row = {"id": preset_id, "owner": _owner_column(owner), "model_id": model_id, "created_at": moment}
                conn.execute(presets_table.insert().values(**row, **columns))
                store_uploads(conn, self.storage, kept.blobs, kept.blobs)
                return preset_id
            conn.execute(presets_table.update().where(c.id == existing.id).values(**columns))
            store_uploads(conn, self.storage, kept.blobs, set(kept.blobs) - upload_keys(existing.uploads))
            remove_unused_uploads(conn, self.storage, presets_table, upload_keys(existing.uploads) - set(kept.blobs))
            return str(existing.id)

        preset_id = self._change(work, name)
        return self._by_id(preset_id)

    def rename(
        self, model_id: str, name: str, new_name: str, *, owner: str | None = None, by: Person = LOCAL_PERSON
    ) -> Preset:
        """Give ``owner``'s preset ``name`` the name ``new_name`` (a change of case alone is allowed)."""
        new_name = clean_name(new_name)
        preset = self._changeable(model_id, name, owner, by)
        c = presets_table.c
        others = (c.owner == _owner_column(owner), c.model_id == model_id, c.name_key == new_name.casefold())

        def work(conn: Connection) -> None:
            if conn.execute(sa.select(c.id).where(*others, c.id != preset.id)).first() is not None:
                raise PresetError(f"A preset named “{new_name}” already exists for this model. Choose another name.")
            changes = {"name": new_name, "name_key": new_name.casefold(), "updated_at": utcnow()}
            if conn.execute(presets_table.update().where(c.id == preset.id).values(**changes)).rowcount == 0:
                raise PresetError(f"There is no preset named “{name}” for this model any more.")

        self._change(work, new_name)
        return self._by_id(preset.id)

    def set_shared(
        self, model_id: str, name: str, shared: bool, *, owner: str | None = None, by: Person = LOCAL_PERSON
    ) -> Preset:
        """Share ``owner``'s preset ``name`` with the team, or stop sharing it."""
        preset = self._changeable(model_id, name, owner, by)
        c = presets_table.c
        statement = presets_table.update().where(c.id == preset.id).values(shared=shared)
        if self.store.write(lambda conn: conn.execute(statement).rowcount) == 0:
            raise PresetError(f"There is no preset named “{name}” for this model any more.")
        return self._by_id(preset.id)

    def delete(self, model_id: str, name: str, *, owner: str | None = None, by: Person = LOCAL_PERSON) -> bool:
        """Remove ``owner``'s preset ``name`` and the uploads no other preset uses; False if there was none."""
        preset = self.get(model_id, name, owner=owner)
        if preset is None:
            return False
        self._changeable(model_id, name, owner, by)
        c = presets_table.c

        def work(conn: Connection) -> bool:
            uploads = conn.execute(sa.select(c.uploads).where(c.id == preset.id)).scalar_one_or_none()
            if uploads is None:
                return False
            conn.execute(presets_table.delete().where(c.id == preset.id))
            remove_unused_uploads(conn, self.storage, presets_table, upload_keys(uploads))
            return True

        return self.store.write(work)

    def add_all(
        self, incoming: Iterable[Incoming], *, owner: str | None = None, now: datetime | None = None
    ) -> list[Preset]:
        """Add every preset of ``incoming`` as ``owner``'s, all or none; a taken name becomes ``name (2)``."""
        items = [(item, clean_name(item.name), self._kept(item.values, item.upload_names)) for item in incoming]
        moment = as_utc(now or utcnow())
        c = presets_table.c

        def work(conn: Connection) -> list[str]:
            ids: list[str] = []
            for item, wanted, kept in items:
                mine = (c.owner == _owner_column(owner), c.model_id == item.model_id)
                name = free_name(wanted, conn.execute(sa.select(c.name).where(*mine)).scalars())
                preset_id = uuid.uuid4().hex
                row = {"id": preset_id, "owner": _owner_column(owner), "model_id": item.model_id, "shared": False}
                names = {"name": name, "name_key": name.casefold(), "created_at": moment, "updated_at": moment}
                conn.execute(presets_table.insert().values(**row, **names, **kept.columns()))
                store_uploads(conn, self.storage, kept.blobs, kept.blobs)
                ids.append(preset_id)
            return ids

        for attempt in range(1, _ADD_ATTEMPTS + 1):
            try:
                ids = self._stored(work)
                break
            except sa.exc.IntegrityError:
                # Another replica took one of these names between our reading and our writing: choose again.
                if attempt == _ADD_ATTEMPTS:
                    raise PresetError("The presets could not be added just now. Try again.") from None
        return [self._by_id(preset_id) for preset_id in ids]

    def import_form(
        self, name: str, model_id: str, kept: FormToKeep, saved_at: datetime, *, owner: str | None = None
    ) -> bool:
        """Add a preset as an older studio kept it (old_forms.py), unless one of that name is there; True if added."""
        c = presets_table.c
        same = (c.owner == _owner_column(owner), c.model_id == model_id, c.name_key == name.casefold())
        moment = as_utc(saved_at)

        def work(conn: Connection) -> bool:
            if conn.execute(sa.select(c.id).where(*same)).first() is not None:
                return False
            row = {"id": uuid.uuid4().hex, "owner": _owner_column(owner), "model_id": model_id, "shared": False}
            names = {"name": name, "name_key": name.casefold(), "created_at": moment, "updated_at": moment}
            conn.execute(presets_table.insert().values(**row, **names, **kept.columns()))
            store_uploads(conn, self.storage, kept.blobs, kept.blobs)
            return True

        try:
            return self.store.write(work)
        except sa.exc.IntegrityError:
            return False  # another studio process imported it at the same moment

    # --- plumbing ---------------------------------------------------------------------------------------------

    def _by_id(self, preset_id: str) -> Preset:
        found = self._select(presets_table.c.id == preset_id)
        if not found:
            raise PresetError("The preset was removed a moment ago, perhaps from another tab.")
        return found[0]

    def _changeable(self, model_id: str, name: str, owner: str | None, by: Person) -> Preset:
        preset = self.get(model_id, name, owner=owner)
        if preset is None:
            raise PresetError(f"There is no preset named “{name}” for this model any more.")
        if not can_change(by, preset):
            raise PresetError(f"Only the person who saved “{preset.name}”, or an admin, can change it.")
        return preset

    def _kept(self, values: Mapping[str, Any], upload_names: Mapping[str, str] | None) -> FormToKeep:
        return form_to_keep({k: v for k, v in values.items() if k != "model"}, upload_names, UPLOADS_PREFIX)

    def _change(self, work: Any, name: str) -> Any:
        try:
            return self._stored(work)
        except sa.exc.IntegrityError:
            raise NameTaken(name) from None  # another replica saved this name a moment before

    def _stored(self, work: Any) -> Any:
        """``work`` in one write transaction; a storage refusing an upload rolls it all back, in plain words."""
        try:
            return self.store.write(work)
        except (OSError, StorageError) as exc:
            log.warning("a preset's uploads could not be stored: %s", exc)
            raise PresetError("The preset could not be saved: the studio could not store its uploads.") from exc
