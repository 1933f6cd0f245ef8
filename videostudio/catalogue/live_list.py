"""Reading a backend's live model list (``GET /v1/models``) and the documents of its new models; both kept on disk.

The list is public, so no key is ever sent (not even one from a ~/.netrc). The answer is kept with its ETag, so
the next read is a cheap ``304``; a new model's OpenAPI document is fetched once from its ``info.docsJson`` and
kept. Every request has a short timeout; any failure is a ``LiveCatalogueError`` in plain words.
``videostudio/catalogue/live.py`` merges what is read here into the bundled catalogue.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

__all__ = [
    "KEPT_LIST",
    "DocumentSource",
    "Item",
    "KeptList",
    "LiveCatalogueError",
    "fetch_list",
    "fetched_documents",
    "is_video_model",
    "kept_documents",
    "new_session",
    "read_kept",
]

log = logging.getLogger(__name__)

MODELS_PATH = "/v1/models"
INCLUDE = "pricing,capabilities,modalities"
VIDEO_TYPE = "internal/video-generations/submit"
VIDEO_TAG = "playground:video"
TIMEOUT = (3.05, 10.0)  # connect, read: the list is large (400+ models with prices)
KEPT_LIST = "models.json"
KEPT_DOCS = "docs"

Item = Mapping[str, Any]  # one entry of the live list, as the API gives it
DocumentSource = Callable[[Item], dict[str, Any] | None]


class LiveCatalogueError(Exception):
    """The live list could not be read; the message is plain words for the Models page."""


@dataclass(frozen=True)
class KeptList:
    """The last live answer, as kept on disk: only its video models."""

    source: str  # where it came from: the backend's address, or a name that outlives an address that changes
    etag: str | None
    fetched_at: float
    items: tuple[Item, ...]


# --- reading the list -------------------------------------------------------------------------------------------------


class _NoCredentials(requests.auth.AuthBase):
    """Sends no Authorization header, not even one requests would take from a ~/.netrc."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers.pop("Authorization", None)
        return request


def new_session() -> requests.Session:
    session = requests.Session()
    session.auth = _NoCredentials()
    session.headers["Accept"] = "application/json"
    return session


def is_video_model(item: Item) -> bool:
    tags = item.get("tags")
    return item.get("type") == VIDEO_TYPE or (isinstance(tags, list) and VIDEO_TAG in tags)


def read_kept(folder: Path) -> KeptList | None:
    """The kept answer, or None when there is none or it cannot be read."""
    try:
        raw = json.loads((folder / KEPT_LIST).read_text(encoding="utf-8"))
        return KeptList(
            source=str(raw.get("source") or raw["base_url"]),  # "base_url": a copy kept before sources had names
            etag=raw.get("etag"),
            fetched_at=float(raw.get("fetched_at", 0)),
            items=tuple(_video_items(raw["items"])),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def fetch_list(session: requests.Session, base_url: str, folder: Path, source: str | None = None) -> KeptList:
    """The video models the backend lists now, revalidated with the kept ETag; kept on disk for next time.

    ``source`` names where the answer comes from (``base_url`` when not given): a backend whose address changes with
    every start (the offline backend started in the studio's process) names itself instead, so its copy is its own.
    """
    source = source or base_url
    kept = read_kept(folder)
    if kept and kept.source != source:
        kept = None  # another backend's answer
    headers = {"If-None-Match": kept.etag} if kept and kept.etag else {}
    where = urlsplit(base_url).netloc or base_url
    try:
        response = session.get(base_url + MODELS_PATH, params={"include": INCLUDE}, headers=headers, timeout=TIMEOUT)
    except requests.Timeout:
        raise LiveCatalogueError(f"{where} did not answer in time.") from None
    except requests.RequestException:
        raise LiveCatalogueError(f"{where} could not be reached.") from None
    if response.status_code == 304 and kept:
        return kept
    if response.status_code != 200:
        raise LiveCatalogueError(f"{where} answered {response.status_code}.")
    try:
        data = response.json()["data"]
        if not isinstance(data, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise LiveCatalogueError(f"{where} sent a model list the studio cannot read.") from None
    items = tuple(_video_items(data))
    if not items:
        # An answer with no video model at all is a broken answer, not the API dropping every model.
        raise LiveCatalogueError(f"{where} listed no video models.")
    fresh = KeptList(source=source, etag=response.headers.get("ETag"), fetched_at=time.time(), items=items)
    _keep(
        folder / KEPT_LIST,
        {"source": source, "etag": fresh.etag, "fetched_at": fresh.fetched_at, "items": list(items)},
    )
    return fresh


def kept_documents(folder: Path) -> DocumentSource:
    """Documents of new models from disk only (for start-up, before any request)."""

    def document(item: Item) -> dict[str, Any] | None:
        return _read_document(folder, str(item["id"]))

    return document


def fetched_documents(session: requests.Session, base_url: str, folder: Path) -> DocumentSource:
    """Documents of new models from disk, else from their ``info.docsJson`` (then kept on disk)."""

    def document(item: Item) -> dict[str, Any] | None:
        model_id = str(item["id"])
        kept = _read_document(folder, model_id)
        if kept is not None:
            return kept
        info = item.get("info")
        address = info.get("docsJson") if isinstance(info, Mapping) else None
        if not isinstance(address, str) or not address:
            raise LiveCatalogueError("the live list gives no document for it")
        try:
            response = session.get(urljoin(base_url + "/", address), timeout=TIMEOUT)
            response.raise_for_status()
            fetched = response.json()
        except requests.RequestException as exc:
            raise LiveCatalogueError(f"its document could not be fetched ({type(exc).__name__})") from None
        except ValueError:
            raise LiveCatalogueError("its document is not JSON") from None
        if not isinstance(fetched, dict):
            raise LiveCatalogueError("its document is not an OpenAPI document")
        _keep(_document_path(folder, model_id), fetched)
        return fetched

    return document


def _video_items(data: Iterable[Any]) -> Iterable[Item]:
    for item in data:
        if isinstance(item, dict) and isinstance(item.get("id"), str) and is_video_model(item):
            yield item


# --- on disk ----------------------------------------------------------------------------------------------------------


def _document_path(folder: Path, model_id: str) -> Path:
    return folder / KEPT_DOCS / (re.sub(r"[^A-Za-z0-9._-]", "_", model_id) + ".json")


def _read_document(folder: Path, model_id: str) -> dict[str, Any] | None:
    try:
        document = json.loads(_document_path(folder, model_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def _keep(path: Path, value: Any) -> None:
    """Write ``value`` as JSON; a disk that refuses only costs the next start its head start."""
    # Written beside and renamed: a studio stopped mid-write leaves the old copy, never half a file.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(value), encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        log.warning("could not keep %s: %s", path.name, exc)
