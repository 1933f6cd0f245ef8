"""Drafts: the Generate form of each model as a person left it, kept so a reload, a restart or another replica loses
nothing.

Pure module (no Streamlit). Drafts live in the history's database (table ``drafts``), so every replica of a team studio
has the same ones; their uploads are media, stored once by content under ``drafts/`` (``kept_forms``).

Whose drafts: a signed-in member's follow them by their email (another browser signed in as them sees them, nobody
else does); without sign-in, a browser's are named by a random id the browser keeps (a cookie). ``draft_key`` says
which. A draft nobody touched for 30 days is removed, with the uploads no other draft uses.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from videostudio.history.record import as_utc, drafts_table, utcnow
from videostudio.history.store import JobStore
from videostudio.storage.base import MediaStorage
from videostudio.workflows.kept_forms import (
    FormToKeep,
    KeptForm,
    form_to_keep,
    kept_form,
    remove_unused_uploads,
    store_uploads,
    upload_keys,
)

# A draft nobody opened for this long is removed, with the uploads no other draft uses.
MAX_AGE = timedelta(days=30)
# Where drafts' uploads are stored in the media storage.
UPLOADS_PREFIX = "drafts"
_DRAFT_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_EMAIL = re.compile(r"^[^\s@]+@[^\s@]+$")


def new_draft_id() -> str:
    """A fresh random id for a browser's drafts: unguessable, so one browser never opens another's."""
    return secrets.token_urlsafe(24)


def is_draft_id(value: object) -> bool:
    return isinstance(value, str) and bool(_DRAFT_ID.match(value))


def draft_key(owner: str | None, browser_id: str) -> str:
    """Whose drafts a session reads and writes: the signed-in member's (their email), else this browser's."""
    return owner or browser_id


def is_draft_key(value: object) -> bool:
    """A browser's id or a member's email; nothing else names drafts."""
    return is_draft_id(value) or (isinstance(value, str) and len(value) <= 320 and bool(_EMAIL.match(value)))


def _owner_of(key: str) -> str | None:
    return None if is_draft_id(key) else key


class DraftStore:
    """Every person's and browser's drafts, in the history's database; uploads in ``storage``."""

    def __init__(self, store: JobStore, storage: MediaStorage, *, max_age: timedelta = MAX_AGE) -> None:
        self.store = store
        self.storage = storage
        self.max_age = max_age

    def _rows(self, key: str) -> list[Mapping[str, Any]]:
        """This key's drafts, newest first (a handful: one per model)."""
        c = drafts_table.c
        query = drafts_table.select().where(c.draft_key == key).order_by(c.updated_at.desc(), c.model_id)
        with self.store.engine.connect() as conn:
            return list(conn.execute(query).mappings())

    def save(
        self,
        key: str,
        model_id: str,
        payload: Mapping[str, Any],
        upload_names: Mapping[str, str] | None = None,
        *,
        now: datetime | None = None,
    ) -> bool:
        """Keep ``payload`` (the form's request, blobs included) as ``model_id``'s draft; False when unchanged.

        Called on every run of the form, so an unchanged form costs a hash and one small indexed read, not a write.
        """
        if not is_draft_key(key):
            raise ValueError("not a draft key")
        body = {k: v for k, v in payload.items() if k != "model"}
        fingerprint = _fingerprint(body, upload_names)
        rows = self._rows(key)
        current = next((r for r in rows if r["model_id"] == model_id), None)
        moment = as_utc(now or utcnow())
        if current is not None and current["fingerprint"] == fingerprint:
            if rows[0]["model_id"] == model_id:
                return False
            self._touch(key, model_id, moment)  # the same form, now the model this key last had
            return True
        kept = form_to_keep(body, upload_names, UPLOADS_PREFIX)
        row = {**kept.columns(), "fingerprint": fingerprint, "updated_at": moment, "owner": _owner_of(key)}

        def work(conn: Connection) -> None:
            c = drafts_table.c
            mine = (c.draft_key == key, c.model_id == model_id)
            previous = conn.execute(sa.select(c.uploads).where(*mine)).scalar_one_or_none()
            old_keys = upload_keys(previous) if previous is not None else set()
            if previous is None:
                conn.execute(drafts_table.insert().values(draft_key=key, model_id=model_id, **row))
            else:
                conn.execute(drafts_table.update().where(*mine).values(**row))
            store_uploads(conn, self.storage, kept.blobs, set(kept.blobs) - old_keys)
            remove_unused_uploads(conn, self.storage, drafts_table, old_keys - set(kept.blobs))

        self.store.write(work)
        return True

    def _touch(self, key: str, model_id: str, moment: datetime) -> None:
        c = drafts_table.c
        statement = drafts_table.update().where(c.draft_key == key, c.model_id == model_id).values(updated_at=moment)
        self.store.write(lambda conn: conn.execute(statement))

    def load(self, key: str, model_id: str) -> KeptForm | None:
        """``model_id``'s draft for this key, or None."""
        if not is_draft_key(key):
            return None
        c = drafts_table.c
        query = drafts_table.select().where(c.draft_key == key, c.model_id == model_id)
        with self.store.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return kept_form(row, self.storage) if row is not None else None

    def last_model(self, key: str) -> str | None:
        """The model this key last had on its form."""
        if not is_draft_key(key):
            return None
        c = drafts_table.c
        query = sa.select(c.model_id).where(c.draft_key == key).order_by(c.updated_at.desc(), c.model_id).limit(1)
        with self.store.engine.connect() as conn:
            return conn.execute(query).scalar_one_or_none()

    def import_form(self, key: str, model_id: str, kept: FormToKeep, fingerprint: str, saved_at: datetime) -> bool:
        """Add a draft as an older studio kept it (old_forms.py) unless the key has one for the model; True if added."""
        c = drafts_table.c
        mine = (c.draft_key == key, c.model_id == model_id)
        row = {**kept.columns(), "fingerprint": fingerprint, "updated_at": as_utc(saved_at), "owner": _owner_of(key)}

        def work(conn: Connection) -> bool:
            if conn.execute(sa.select(c.model_id).where(*mine)).first() is not None:
                return False
            conn.execute(drafts_table.insert().values(draft_key=key, model_id=model_id, **row))
            store_uploads(conn, self.storage, kept.blobs, kept.blobs)
            return True

        try:
            return self.store.write(work)
        except sa.exc.IntegrityError:
            return False  # another studio process imported it at the same moment

    def clean(self, *, now: datetime | None = None) -> int:
        """Remove drafts untouched for ``max_age``, then the stored uploads no draft names any more; the count."""
        oldest = as_utc(now or utcnow()) - self.max_age
        c = drafts_table.c

        def work(conn: Connection) -> int:
            old = list(conn.execute(sa.select(c.draft_key, c.model_id, c.uploads).where(c.updated_at < oldest)))
            if not old:
                return 0
            conn.execute(drafts_table.delete().where(c.updated_at < oldest))
            keys = set().union(*(upload_keys(row.uploads) for row in old))
            return len(old) + remove_unused_uploads(conn, self.storage, drafts_table, keys)

        return self.store.write(work)


def _fingerprint(body: Mapping[str, Any], upload_names: Mapping[str, str] | None) -> str:
    text = json.dumps([body, dict(upload_names or {})], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
