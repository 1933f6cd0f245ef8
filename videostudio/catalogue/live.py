"""The live catalogue of a backend (``GET /v1/models``), merged into the bundled catalogue.

The live list says which video models the API offers now, at what price and for which tasks
(catalogue_and_billing.md §1–2). It is read, without a key, and kept on disk by
``videostudio/catalogue/live_list.py``; a studio with no network starts from that copy or the bundle.
Nothing here blocks: the read runs in the background, and any failure gives the bundled catalogue with a short
note saying why.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from videostudio import catalogue as catalogue_module
from videostudio.catalogue import TASK_CAPABILITIES, Catalogue, Model, Task, model_from_openapi
from videostudio.catalogue.live_list import (
    DocumentSource,
    Item,
    LiveCatalogueError,
    fetch_list,
    fetched_documents,
    kept_documents,
    new_session,
    read_kept,
)

log = logging.getLogger(__name__)

CAPABILITY_TASKS: dict[str, Task] = {word: task for task, word in TASK_CAPABILITIES.items()}


@dataclass(frozen=True)
class LiveCatalogue:
    """The catalogue the studio shows, and where its list of offered models came from."""

    catalogue: Catalogue
    source: Literal["bundle", "kept", "live"]
    note: str = ""  # why it is the bundle, when the live list could not be read
    skipped: tuple[str, ...] = ()  # live models left out, each with its reason


# --- merging ----------------------------------------------------------------------------------------------------------


def merge(bundled: Catalogue, items: Iterable[Item], document_for: DocumentSource) -> tuple[Catalogue, list[str]]:
    """The bundled catalogue as the live list sees it, and a note for each live model left out.

    A live model matched to a bundled one (id and aliases, case-insensitive) gives it its pricing, aliases and
    tasks; a bundled model the list lacks is marked not offered; a live model the bundle lacks is read from its
    document, or left out with a note.
    """
    by_name: dict[str, Model] = {}
    for model in bundled:
        for name in (model.id, *model.aliases):
            by_name.setdefault(name.lower(), model)
    merged: dict[str, Model] = {}
    notes: list[str] = []
    for item in items:
        names = _names(item)
        match = next((by_name[n.lower()] for n in names if n.lower() in by_name), None)
        if match is not None:
            merged[match.id] = _updated(merged.get(match.id, match), item, names)
            continue
        if any(n.lower() in (m.lower() for m in merged) for n in names):
            continue  # listed twice
        added = _new_model(item, names, document_for, notes)
        if added is not None:
            merged[added.id] = added
    models = [merged.get(m.id) or dataclasses.replace(m, offered=False) for m in bundled]
    bundled_ids = set(bundled.ids())
    models += [m for m in merged.values() if m.id not in bundled_ids]
    models.sort(key=lambda m: (m.vendor.lower(), m.name.lower()))
    return _like(bundled, models), notes


def find_model(catalogue: Catalogue, name: str) -> Model | None:
    """The model called ``name`` by its id or one of its aliases, ignoring case; None when none is."""
    wanted = name.strip().lower()
    for model in catalogue:
        if model.id.lower() == wanted or wanted in (a.lower() for a in model.aliases):
            return model
    return None


def tasks_of(item: Item) -> frozenset[Task]:
    capabilities = item.get("capabilities")
    if not isinstance(capabilities, list):
        return frozenset()
    return frozenset(CAPABILITY_TASKS[c] for c in capabilities if isinstance(c, str) and c in CAPABILITY_TASKS)


def _names(item: Item) -> list[str]:
    aliases = item.get("aliases")
    aliases = [a for a in aliases if isinstance(a, str)] if isinstance(aliases, list) else []
    return [str(item["id"]), *aliases]


def _updated(model: Model, item: Item, names: list[str]) -> Model:
    aliases = tuple(dict.fromkeys([*model.aliases, *(n for n in names if n.lower() != model.id.lower())]))
    pricing = item.get("pricing")
    return dataclasses.replace(
        model,
        offered=True,
        aliases=aliases,
        pricing=pricing if isinstance(pricing, dict) else model.pricing,
        tasks=model.tasks | tasks_of(item),
    )


def _new_model(item: Item, names: list[str], document_for: DocumentSource, notes: list[str]) -> Model | None:
    model_id = names[0]
    try:
        document = document_for(item)
        if document is None:
            return None  # not fetched yet (start-up reads the disk only)
        # One model per id of the document's ``model`` enum where the catalogue can say so (else its first).
        read_all = getattr(catalogue_module, "models_from_openapi", None)
        candidates = list(read_all(document)) if read_all else [model_from_openapi(document)]
    except LiveCatalogueError as exc:
        notes.append(f"{model_id}: {exc}.")
        return None
    except Exception as exc:  # noqa: BLE001 - a document of any shape must not take the catalogue down
        notes.append(f"{model_id}: its document could not be read as a model ({type(exc).__name__}).")
        return None
    model = next((m for m in candidates if model_id.lower() in {m.id.lower(), *_enum_of(m)}), None)
    if model is None:
        notes.append(f"{model_id}: its document describes another model.")
        return None
    info = item.get("info") if isinstance(item.get("info"), Mapping) else {}
    pricing = item.get("pricing")
    return dataclasses.replace(
        model,
        id=model_id,
        name=str(info.get("name") or (model.name if model.name != model.id else model_id)),
        vendor=str(info.get("developer") or model.vendor),
        summary=model.summary or _first_sentence(str(info.get("description") or "")),
        aliases=tuple(n for n in names[1:] if n.lower() != model_id.lower()),
        pricing=pricing if isinstance(pricing, dict) else None,
        tasks=model.tasks | tasks_of(item),
        offered=True,
        source=f"live:{model_id}",
    )


def _enum_of(model: Model) -> set[str]:
    """The ids the model's own schema accepts in its ``model`` field, lower-cased."""
    enum = model.properties.get("model", {}).get("enum") or ()
    return {str(value).lower() for value in enum}


def _like(bundled: Catalogue, models: list[Model]) -> Catalogue:
    merged = Catalogue(models)
    problems = getattr(bundled, "problems", None)
    if problems is not None:
        # The bundle's unreadable files stay listed on the Models page.
        with contextlib.suppress(AttributeError):
            merged.problems = problems  # type: ignore[attr-defined]
    return merged


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    end = re.search(r"(?<=[.!?])\s", text)
    return text[: end.start()] if end else text


# --- the studio's view ------------------------------------------------------------------------------------------------


def from_disk(bundled: Catalogue, folder: Path, source: str) -> LiveCatalogue:
    """What the studio shows before any request: the kept answer from ``source`` merged in, else the bundle."""
    kept = read_kept(folder)
    if kept is None or kept.source != source:
        return LiveCatalogue(bundled, "bundle")
    catalogue, _ = merge(bundled, kept.items, kept_documents(folder))
    return LiveCatalogue(catalogue, "kept")


def refresh(bundled: Catalogue, base_url: str, folder: Path, source: str | None = None) -> LiveCatalogue:
    """Read the live list now and merge it; any failure gives the bundle and says why."""
    with new_session() as session:
        try:
            listed = fetch_list(session, base_url, folder, source)
            catalogue, skipped = merge(bundled, listed.items, fetched_documents(session, base_url, folder))
        except LiveCatalogueError as exc:
            return LiveCatalogue(bundled, "bundle", note=f"The live model list could not be read: {exc}")
    return LiveCatalogue(catalogue, "live", skipped=tuple(skipped))


class LiveCatalogueRefresher:
    """One backend's catalogue for the studio: the disk copy at once, the live list once a background read ends.

    ``address`` may be a function: it is called by the background read, so a backend that starts on first use (the
    offline one) starts there, not in the page that asked. Its answers are kept under ``source``, which must then
    be given: a name that stays the same from one start to the next.
    """

    def __init__(
        self,
        bundled: Catalogue,
        address: str | Callable[[], str],
        folder: Path,
        *,
        every: float = 6 * 3600,
        source: str | None = None,
    ) -> None:
        if source is None and not isinstance(address, str):
            raise ValueError("an address found later needs a source name for its kept answers")
        self.bundled, self.folder, self.every = bundled, folder, every
        self._address = address
        self.source = (source or str(address)).rstrip("/")
        self._lock = threading.Lock()
        self._current = from_disk(bundled, folder, self.source)
        self._thread: threading.Thread | None = None
        self._started_at: float | None = None

    @property
    def current(self) -> LiveCatalogue:
        with self._lock:
            return self._current

    def reading(self) -> bool:
        """True while a background read of the live list is under way."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def maybe_start(self) -> bool:
        """Start a background refresh unless one runs or the last began less than ``every`` seconds ago."""
        with self._lock:
            running = self._thread is not None and self._thread.is_alive()
            recent = self._started_at is not None and time.monotonic() - self._started_at < self.every
            if running or recent:
                return False
            self._started_at = time.monotonic()
            self._thread = threading.Thread(target=self.refresh_now, name="live-catalogue", daemon=True)
            self._thread.start()
            return True

    def refresh_now(self) -> LiveCatalogue:
        try:
            address = self._address if isinstance(self._address, str) else self._address()
        except Exception:  # a backend that would not start: its list cannot be read, and the bundle stays
            log.exception("No address for the live model list of %s", self.source)
            result = LiveCatalogue(self.bundled, "bundle", note="The live model list could not be read: no backend.")
        else:
            result = refresh(self.bundled, address.rstrip("/"), self.folder, self.source)
        with self._lock:
            self._current = result
        return result

    def wait(self, timeout: float | None = None) -> None:
        """Until the background refresh (if any) ends: for tests and scripts."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
