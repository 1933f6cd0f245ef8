"""The helper models a film needs besides video: speech, chat (the prompt helper), music and still images.

Each kind is one ``AssistKind`` in ``ASSIST_KINDS``: where its requests go and where its official documents are
kept. The documents (``assist_docs/<kind>/<Vendor>/<file>.json``) are the public ones of ``aimlapi/api-docs``,
copied unchanged, as the video models' are; a model is read from its document's first ``POST`` to the kind's
path: its id (each id of the ``model`` enum), and the request schema exactly as published. What the studio makes
of a schema (voices, limits, lengths) belongs to the part that uses the kind (``videostudio.voices``,
``videostudio.music``, ...).

Prices come from the live catalogue, like the video models' (``GET /v1/models?id=...&include=pricing``): the
documents carry none. ``assist_pricing`` asks once per backend and keeps the answer for a few minutes.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import requests

log = logging.getLogger(__name__)

AssistKindName = Literal["speech", "chat", "music", "image"]
DOCS_DIR = Path(__file__).parent / "assist_docs"
PRICES_KEPT_SECONDS = 600.0
# A backend that did not answer is not asked again for this long: each ask may wait seconds, on every page run.
UNANSWERED_KEPT_SECONDS = 120.0
PRICES_TIMEOUT = (3.05, 10.0)


@dataclass(frozen=True)
class AssistKind:
    """One kind of helper model: what it makes, where its requests go, and how the catalogue types it."""

    name: AssistKindName
    makes: str  # in words: "speech from text"
    path: str  # the POST that makes it (and, for music, the GET that polls it)
    catalogue_type: str  # the ``type`` the offline catalogue lists it under


ASSIST_KINDS: dict[AssistKindName, AssistKind] = {
    "speech": AssistKind("speech", "speech from text", "/v1/tts", "tts"),
    "chat": AssistKind("chat", "text from a conversation", "/v1/chat/completions", "chat-completion"),
    "music": AssistKind("music", "music from a description", "/v2/generate/audio", "audio"),
    "image": AssistKind("image", "a picture from a description", "/v1/images/generations", "image"),
}


@dataclass(frozen=True)
class AssistModel:
    """One helper model: its id, kind and request schema, as its official document gives them."""

    id: str
    kind: AssistKindName
    title: str  # a short name for pickers: the document's title, else the id's last part
    vendor: str  # the document's folder: "OpenAI", "ElevenLabs", ...
    path: str  # where its request is POSTed
    schema: Mapping[str, Any] = field(repr=False)  # the request body's JSON Schema, as published

    @property
    def properties(self) -> Mapping[str, Any]:
        props = self.schema.get("properties")
        return props if isinstance(props, Mapping) else {}

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(name for name in self.schema.get("required") or () if isinstance(name, str))


def assist_kind(name: AssistKindName) -> AssistKind:
    return ASSIST_KINDS[name]


@functools.cache
def assist_models(kind: AssistKindName) -> tuple[AssistModel, ...]:
    """Every model of ``kind`` from its bundled documents, by vendor and id; an unreadable document is skipped."""
    sheet = ASSIST_KINDS[kind]
    models: dict[str, AssistModel] = {}
    for file in sorted((DOCS_DIR / kind).rglob("*.json")):
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
            found = list(_models_of(document, sheet, vendor=file.parent.name if file.parent.name != kind else ""))
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            log.warning("assist document %s skipped: %s", file.name, exc)
            continue
        for model in found:
            models.setdefault(model.id, model)
    return tuple(sorted(models.values(), key=lambda m: (m.vendor.lower(), m.id)))


def assist_model(kind: AssistKindName, model_id: str) -> AssistModel | None:
    """The model of ``kind`` with this id, or None."""
    return next((m for m in assist_models(kind) if m.id == model_id), None)


def all_assist_models() -> tuple[AssistModel, ...]:
    return tuple(model for kind in ASSIST_KINDS for model in assist_models(kind))


def _models_of(document: Mapping[str, Any], kind: AssistKind, *, vendor: str) -> Iterable[AssistModel]:
    operation = (document.get("paths") or {}).get(kind.path, {}).get("post")
    if not isinstance(operation, Mapping):
        return
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    ids = (schema.get("properties") or {}).get("model", {}).get("enum") or []
    title = schema.get("title")
    for model_id in ids:
        if not isinstance(model_id, str) or not model_id:
            continue
        narrowed = json.loads(json.dumps(schema))  # each id gets its own copy, its enum narrowed to itself
        narrowed["properties"]["model"]["enum"] = [model_id]
        name = title if isinstance(title, str) and title and len(ids) == 1 else model_id
        yield AssistModel(
            id=model_id,
            kind=kind.name,
            title=_title(name),
            vendor=vendor or (model_id.split("/")[0] if "/" in model_id else ""),
            path=kind.path,
            schema=narrowed,
        )


def _title(name: str) -> str:
    """ "openai/gpt-4o-mini-tts" → "gpt-4o-mini-tts": the vendor is shown apart."""
    return name.rsplit("/", 1)[-1]


# --- prices -----------------------------------------------------------------------------------------------------------

_prices: dict[str, tuple[float, dict[str, dict[str, Any]]]] = {}  # backend -> (kept until, prices by id; {} unknown)
_prices_lock = threading.Lock()


def assist_pricing(base_url: str, ids: Iterable[str], *, session: requests.Session | None = None) -> dict[str, Any]:
    """The live ``pricing`` of each of ``ids`` that has one, from ``GET /v1/models`` (public: no key is sent).

    Kept for a few minutes per backend; an unanswered ask too, for a shorter while, so a page that reruns does not
    wait on a backend that does not answer. A backend that can't be asked gives ``{}``: the caller shows "price
    unknown", never a made-up figure.
    """
    wanted = sorted(set(ids))
    key = base_url.rstrip("/")
    now = time.monotonic()
    with _prices_lock:
        kept = _prices.get(key)
        if kept and now < kept[0] and all(i in kept[1] for i in wanted):
            return {i: kept[1][i] for i in wanted if kept[1][i]}
    asked = _ask_prices(key, wanted, session)
    until = now + (PRICES_KEPT_SECONDS if asked is not None else UNANSWERED_KEPT_SECONDS)
    with _prices_lock:
        known = dict(_prices[key][1]) if key in _prices else {}
        known.update({i: (asked or {}).get(i) or {} for i in wanted})
        _prices[key] = (until, known)
    return {i: known[i] for i in wanted if known[i]}


def _ask_prices(base_url: str, ids: list[str], session: requests.Session | None) -> dict[str, Any] | None:
    from videostudio.catalogue.live_list import new_session

    params = [("id", i) for i in ids] + [("include", "pricing")]
    asker = session or new_session()
    try:
        response = asker.get(f"{base_url}/v1/models", params=params, timeout=PRICES_TIMEOUT)
        response.raise_for_status()
        items = response.json().get("data") or []
    except (requests.RequestException, ValueError, AttributeError) as exc:
        log.info("helper model prices not read from %s: %s", base_url, type(exc).__name__)
        return None
    finally:
        if session is None:
            asker.close()
    prices: dict[str, Any] = {}
    for item in items:
        if not isinstance(item, Mapping) or not isinstance(item.get("pricing"), Mapping):
            continue
        for name in (item.get("id"), *(item.get("aliases") or ())):
            if name in ids:
                prices[name] = dict(item["pricing"])
    return prices


def forget_prices() -> None:
    """Forget every kept price (tests, and a backend switch)."""
    with _prices_lock:
        _prices.clear()
