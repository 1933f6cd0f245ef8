"""The live catalogue's endpoints, served offline: ``GET /v1/models``, ``GET /model/{id}`` and ``GET /docs-json``.

Shapes follow the fact sheet (/work/shared/reference/catalogue_and_billing.md §1-2): a list answer
``{"object": "list", "data": [item, ...]}``, optional ``pricing``/``capabilities``/``modalities`` sections by
``include=`` (``all`` or ``details=true`` for every one), case-insensitive OR-within/AND-across filters, and an
ETag that ``If-None-Match`` turns into ``304 Not Modified``.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import videostudio.catalogue
from videostudio.catalogue import MODELS_DIR, TASK_CAPABILITIES, Catalogue, Model
from videostudio.catalogue.assist import ASSIST_KINDS, AssistModel, all_assist_models
from videostudio.offline.assist.prices import assist_pricing_of
from videostudio.offline.vendor import pricing_of

VIDEO_TYPE = "internal/video-generations/submit"
VIDEO_TAG = "playground:video"
SECTIONS = ("pricing", "capabilities", "modalities")
MODALITY_ORDER = ("text", "image", "video", "audio")
LIST_PATHS = frozenset(("/v1/models", "/models", "/api/v1/models"))
MODEL_PREFIX = "/model/"
CATALOGUE_DIR = Path(videostudio.catalogue.__file__).parent
DOCS_PATH = "/docs-json"


@dataclass(frozen=True)
class Answer:
    """What an endpoint answers: a status and a JSON body (None for 304), with its ETag."""

    status: int
    body: Any
    etag: str = ""

    def encoded(self) -> bytes:
        return b"" if self.body is None else json.dumps(self.body).encode()


class NotFound(Exception):
    """No model by that id or alias."""


def sections_asked(query: dict[str, list[str]]) -> set[str]:
    """The optional sections ``include=`` asks for; ``all`` and ``details=true`` ask for every one."""
    words = {w.strip().lower() for value in query.get("include", ()) for w in value.split(",")}
    if "all" in words or any(v.strip().lower() == "true" for v in query.get("details", ())):
        return set(SECTIONS)
    return words & set(SECTIONS)


def capabilities_of(model: Model) -> list[str]:
    """The catalogue's capability words for what the model makes, in the vocabulary's order."""
    return [word for task, word in TASK_CAPABILITIES.items() if task in model.tasks]


def modalities_of(model: Model) -> dict[str, list[str]]:
    """What the model takes (text, image, video, audio) and makes (video)."""
    kinds = set(model.media.values()) | _typed_media(model.schema)
    if "prompt" in model.properties or any("prompt" in name or "text" in name for name in model.properties):
        kinds.add("text")
    return {"input": [k for k in MODALITY_ORDER if k in kinds], "output": ["video"]}


def _typed_media(node: Any) -> set[str]:
    """Media kinds named by ``{type: video, url}``-style objects anywhere in the schema (also inside oneOf)."""
    found: set[str] = set()
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict) and "url" in props:
            found |= {v for v in props.get("type", {}).get("enum", ()) if v in MODALITY_ORDER}
        for value in node.values():
            found |= _typed_media(value)
    elif isinstance(node, list):
        for value in node:
            found |= _typed_media(value)
    return found


def docs_json_url(base_url: str, model: Model) -> str:
    query = urlencode({"model": model.id, "endpoint": VIDEO_TYPE}, quote_via=quote, safe="")
    return f"{base_url}{DOCS_PATH}?{query}"


def item_of(model: Model, base_url: str, sections: Iterable[str] = ()) -> dict[str, Any]:
    """One catalogue entry, with the optional sections asked for."""
    info: dict[str, Any] = {"name": model.name, "developer": model.vendor, "description": model.summary}
    info["docsJson"] = docs_json_url(base_url, model)
    item: dict[str, Any] = {
        "id": model.id,
        "aliases": list(model.aliases),
        "type": VIDEO_TYPE,
        "info": info,
        "tags": [VIDEO_TAG],
    }
    sections = set(sections)
    if "pricing" in sections:
        item["pricing"] = pricing_of(model)
    if "capabilities" in sections:
        item["capabilities"] = capabilities_of(model)
    if "modalities" in sections:
        item["modalities"] = modalities_of(model)
    return item


def _wanted(query: dict[str, list[str]], name: str) -> set[str] | None:
    """A filter's accepted values (comma-separated or repeated, lower-cased); None when not filtering by it."""
    words = {w.strip().lower() for value in query.get(name, ()) for w in value.split(",") if w.strip()}
    return words or None


def matches(model: Model, query: dict[str, list[str]]) -> bool:
    """True when the model passes every filter in the query (OR within a filter, AND across filters)."""
    modalities = modalities_of(model)
    facets: dict[str, set[str]] = {
        "id": {model.id.lower(), *(a.lower() for a in model.aliases)},
        "type": {VIDEO_TYPE},
        "tags": {VIDEO_TAG},
        "capabilities": set(capabilities_of(model)),
        "modalities": {*modalities["input"], *modalities["output"]},
        "input_modalities": set(modalities["input"]),
        "output_modalities": set(modalities["output"]),
    }
    for name, values in facets.items():
        wanted = _wanted(query, name)
        if wanted is not None and not wanted & values:
            return False
    return True


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _not_modified(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag in tags


def with_etag(body: Any, if_none_match: str | None, status: int = 200) -> Answer:
    """The answer with its ETag, or a bodiless 304 when the client already has this exact body."""
    etag = etag_of(json.dumps(body).encode())
    if _not_modified(if_none_match, etag):
        return Answer(304, None, etag)
    return Answer(status, body, etag)


def find(catalogue: Catalogue, name: str) -> Model:
    """The model with this id or alias (case-insensitive); NotFound otherwise."""
    wanted = name.strip().lower()
    for model in catalogue:
        if model.id.lower() == wanted or wanted in (a.lower() for a in model.aliases):
            return model
    raise NotFound(name)


def list_models(catalogue: Catalogue, base_url: str, query: dict[str, list[str]], if_none_match: str | None) -> Answer:
    """``GET /v1/models``: the video models, then the helper models (speech, chat, music, pictures)."""
    sections = sections_asked(query)
    data = [item_of(m, base_url, sections) for m in catalogue if matches(m, query)]
    data += [assist_item_of(m, sections) for m in all_assist_models() if assist_matches(m, query)]
    return with_etag({"object": "list", "data": data}, if_none_match)


# What each helper kind takes and makes, for the catalogue's modalities.
_ASSIST_MODALITIES = {
    "speech": {"input": ["text"], "output": ["audio"]},
    "chat": {"input": ["text", "image"], "output": ["text"]},
    "music": {"input": ["text"], "output": ["audio"]},
    "image": {"input": ["text"], "output": ["image"]},
}


def assist_item_of(model: AssistModel, sections: Iterable[str] = ()) -> dict[str, Any]:
    """One helper model's catalogue entry (no docs link: its document is bundled with the studio)."""
    kind = ASSIST_KINDS[model.kind]
    item: dict[str, Any] = {
        "id": model.id,
        "aliases": [],
        "type": kind.catalogue_type,
        "info": {"name": model.title, "developer": model.vendor, "description": kind.makes.capitalize() + "."},
        "tags": [],
    }
    sections = set(sections)
    if "pricing" in sections:
        item["pricing"] = assist_pricing_of(model)
    if "modalities" in sections:
        item["modalities"] = _ASSIST_MODALITIES[model.kind]
    if "capabilities" in sections:
        item["capabilities"] = []
    return item


def assist_matches(model: AssistModel, query: dict[str, list[str]]) -> bool:
    """A helper model passes the id and type filters; any other filter is about video, which it never makes."""
    modalities = _ASSIST_MODALITIES[model.kind]
    facets: dict[str, set[str]] = {
        "id": {model.id.lower()},
        "type": {ASSIST_KINDS[model.kind].catalogue_type},
        "tags": set(),
        "capabilities": set(),
        "modalities": {*modalities["input"], *modalities["output"]},
        "input_modalities": set(modalities["input"]),
        "output_modalities": set(modalities["output"]),
    }
    return all((wanted := _wanted(query, name)) is None or bool(wanted & values) for name, values in facets.items())


def one_model(
    catalogue: Catalogue, base_url: str, model_id: str, query: dict[str, list[str]], if_none_match: str | None
) -> Answer:
    """``GET /model/{id}``: the entry, with the sections ``include=`` asks for; NotFound for an unknown id."""
    model = find(catalogue, model_id)
    return with_etag({"object": "model", "data": item_of(model, base_url, sections_asked(query))}, if_none_match)


def docs_json(catalogue: Catalogue, model_id: str) -> dict[str, Any]:
    """The model's OpenAPI document: the bundled one, or its request schema wrapped in a minimal OpenAPI 3.1."""
    model = find(catalogue, model_id)
    for path in _source_paths(model.source):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(document, dict) and "openapi" in document:
            return document
    return openapi_for(model)


def _source_paths(source: str) -> list[Path]:
    """Where the model's file may be: ``source`` is relative to the catalogue folder or to its models folder."""
    if not source:
        return []
    return [CATALOGUE_DIR / source, MODELS_DIR / source]


def openapi_for(model: Model) -> dict[str, Any]:
    """A minimal valid OpenAPI 3.1 document with one POST on the model's endpoint (the schema is JSON Schema)."""
    accepted = {
        "type": "object",
        "properties": {"id": {"type": "string"}, "status": {"type": "string"}},
        "required": ["id", "status"],
    }
    operation = {
        "operationId": f"{model.id}/generate",
        "summary": model.name,
        "requestBody": {"required": True, "content": {"application/json": {"schema": copy.deepcopy(model.schema)}}},
        "responses": {"200": {"description": "Accepted.", "content": {"application/json": {"schema": accepted}}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": model.name, "version": "1.0.0", "description": model.summary},
        "servers": [{"url": "https://api.aimlapi.com"}],
        "paths": {model.endpoint: {"post": operation}},
    }
