"""Reading model files and choosing one model per id.

The catalogue is built from two kinds of file:

- a **studio file** (``models/*.json``): ``{"id", "name", "vendor", "summary", "typical_seconds", "legacy_endpoint",
  "ui", "schema"}``, where ``schema`` is the official request schema exactly as published and ``ui`` holds the hints
  the schema cannot carry; optional ``endpoint``, ``aliases``, ``deprecated``;
- an **official OpenAPI document** (``openapi/<Vendor>/<file>.json``, refreshed by ``scripts/refresh_catalogue.py``),
  unchanged but for trimming; its hints are inferred (see ``facts``, ``schema`` and ``tasks``).

Rules:

- **One document, several ids** in its ``model`` enum (the legacy Kling dumps): one model per id, each with the
  enum narrowed to that id.
- **Where it is sent**: a document's request is read from ``POST /v2/video/generations`` when it has one, else from
  its first POST with a JSON body; ``Model.endpoint`` is that path, so a document whose only POST is a vendor path
  (``/v2/generate/video/kling/generation``) is sent there.
- **Several documents, one id**: one model, the first by these preferences, in order:
  1. a studio file (the five seeds keep their hand-written hints);
  2. a document that offers the universal path ``/v2/video/generations``;
  3. the most complete request schema: the most top-level properties;
  4. the document whose file name is the id (``alibaba-wan-2-6-t2v.json`` for ``alibaba/wan-2-6-t2v``), then one
     whose file name ends the id (``fabric-1.0.json`` for ``veed/fabric-1.0``), then the rest; names are compared
     case-insensitively with every run of punctuation read as one ``-``;
  5. the longer request schema (more descriptions and limits);
  6. only when all of these tie, which means the schemas say the same, the first bundle path in code-point order.
  (The documents carry no date, so "the newest" cannot be read from them.)
- **Deprecated**: the ids (or aliases) listed in ``deprecated.json`` get ``deprecated=True``.
- **One unreadable file takes nothing down**: it is skipped and listed in ``Catalogue.problems`` with the reason.
  ``load_model`` still raises ``CatalogueError`` for a single file.
- **Speed**: the bundled catalogue is kept in memory and on disk (``cache``), keyed by every file's name, size and
  modification time, so a changed file is never served from a stale cache.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from videostudio.api.contract import GENERATIONS_PATH
from videostudio.catalogue import cache
from videostudio.catalogue.facts import (
    estimated_run_seconds,
    output_seconds,
    output_short_side,
    readable_name,
    summary_line,
    vendor_of,
)
from videostudio.catalogue.model import AudioRules, Catalogue, CatalogueError, CrossFieldRule, ImageRules, Model
from videostudio.catalogue.schema import infer_media, normalize_schema, optional_non_media, resolve_pointer
from videostudio.catalogue.tasks import Task, derive_tasks

CATALOGUE_DIR = Path(__file__).parent
MODELS_DIR = CATALOGUE_DIR / "models"
OPENAPI_DIR = CATALOGUE_DIR / "openapi"
DEPRECATED_FILE = CATALOGUE_DIR / "deprecated.json"


class FileProblem(CatalogueError):
    """A file that cannot be read as a model file: which file, and why in plain words."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


@dataclass(frozen=True)
class Candidate:
    """One file's model for an id, with what the choosing rule compares."""

    model: Model
    studio: bool
    universal: bool
    property_count: int
    name_match: int  # 2: the file name is the id, 1: it ends the id, 0: neither
    schema_size: int

    def preference(self) -> tuple[Any, ...]:
        """Sorts the preferred candidate first (see the module's rules)."""
        return (
            -self.studio,
            -self.universal,
            -self.property_count,
            -self.name_match,
            -self.schema_size,
            self.model.source,
        )


# --- The catalogue ---------------------------------------------------------------------------------------------------


def load_catalogue(directory: Path | str | None = None) -> Catalogue:
    """The studio's catalogue, or the one made of every ``*.json`` under ``directory`` (its sub-folders too).

    With no directory: the hand-written studio files in ``models/`` and every bundled document in ``openapi/``,
    cached (in memory and on disk) until one of those files changes.
    """
    if directory is None:
        return _bundled_catalogue()
    base = Path(directory)
    return build_catalogue((p, p.relative_to(base).as_posix()) for p in _json_files(base))


def build_catalogue(files: Iterable[tuple[Path, str]]) -> Catalogue:
    """One model per id from ``(path, source name)`` pairs, chosen by the module's rules; bad files become problems."""
    by_id: dict[str, list[Candidate]] = {}
    problems: list[tuple[str, str]] = []
    for path, source in files:
        try:
            candidates = candidates_from_file(path, source)
        except FileProblem as problem:
            problems.append((problem.file, problem.reason))
            continue
        for candidate in candidates:
            by_id.setdefault(candidate.model.id, []).append(candidate)
    deprecated = deprecated_ids()
    models = []
    for candidates in by_id.values():
        model = min(candidates, key=Candidate.preference).model
        names = {model.id.casefold(), *(a.casefold() for a in model.aliases)}
        if names & deprecated and not model.deprecated:
            model = dataclasses.replace(model, deprecated=True)
        models.append(model)
    models.sort(key=lambda m: (m.vendor.casefold(), m.name.casefold(), m.id))
    return Catalogue(models, problems)


def deprecated_ids() -> frozenset[str]:
    """The ids listed as no longer supported (``deprecated.json``), case-folded."""
    data = json.loads(DEPRECATED_FILE.read_text(encoding="utf-8"))
    return frozenset(i.casefold() for i in data["ids"])


def bundle_files() -> list[tuple[Path, str]]:
    """The studio files and bundled documents, each with its name relative to the catalogue folder."""
    return [(p, _relative(p)) for d in (MODELS_DIR, OPENAPI_DIR) for p, _ in cache.json_files(d)]


def _bundled_catalogue() -> Catalogue:
    found = [entry for d in (MODELS_DIR, OPENAPI_DIR) for entry in cache.json_files(d)]
    key = cache.fingerprint(found + cache.stat_of([DEPRECATED_FILE, *cache.code_files()]))
    return cache.cached(key, lambda: build_catalogue((p, _relative(p)) for p, _ in found))


def _relative(path: Path) -> str:
    return path.relative_to(CATALOGUE_DIR).as_posix()


def _json_files(directory: Path) -> list[Path]:
    return [path for path, _ in cache.json_files(directory)]


# --- One file --------------------------------------------------------------------------------------------------------


def load_model(path: Path | str) -> Model:
    """The model in one file (the first, for a document naming several); CatalogueError naming the file if none."""
    path = Path(path)
    return candidates_from_file(path, path.name)[0].model


def candidates_from_file(path: Path, source: str) -> list[Candidate]:
    """Every model a file holds; FileProblem (a CatalogueError) with the file's name when it holds none."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FileProblem(source, f"not a readable JSON file ({exc}).") from exc
    try:
        if isinstance(document, dict) and "openapi" in document:
            return candidates_from_openapi(document, source=source, stem=path.stem, folder=_folder(source))
        model = model_from_studio_file(document, source=source)
        return [Candidate(model, True, True, len(model.properties), 2, 0)]
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError) as exc:
        # A file of the wrong shape fails somewhere inside; the person needs the file's name, not the trace.
        raise FileProblem(source, f"not a model file ({type(exc).__name__}: {exc}).") from exc


def _folder(source: str) -> str:
    parts = source.split("/")
    return parts[-2] if len(parts) > 1 and parts[-2] not in ("openapi", "models") else ""


def model_from_studio_file(document: dict[str, Any], source: str = "") -> Model:
    """A model from a studio file: the official request schema plus hand-written hints, which win."""
    schema = normalize_schema(document["schema"])
    ui = document.get("ui", {})
    model_id = document.get("id") or model_id_of(schema)
    image_rules = ui.get("image_rules")
    audio_rules = ui.get("audio_rules")
    media = infer_media(schema)
    media.update(ui.get("media", {}))
    tasks = _tasks(document["tasks"]) if "tasks" in document else derive_tasks(model_id, schema, media)
    return Model(
        id=model_id,
        name=document.get("name", model_id),
        vendor=document.get("vendor", vendor_of(model_id)),
        summary=document.get("summary", ""),
        schema=schema,
        typical_seconds=int(document.get("typical_seconds", 120)),
        legacy_endpoint=document.get("legacy_endpoint"),
        order=tuple(ui.get("order", ())),
        advanced=frozenset(ui["advanced"]) if "advanced" in ui else optional_non_media(schema, media),
        labels=dict(ui.get("labels", {})),
        media=media,
        image_rules=_image_rules(image_rules) if image_rules else None,
        audio_rules=_audio_rules(audio_rules) if audio_rules else None,
        output_seconds=float(ui.get("output", {}).get("seconds", 5)),
        output_short_side=int(ui.get("output", {}).get("short_side", 720)),
        rules=tuple(
            CrossFieldRule(when=r["if"], forbid=r["then_not"], message=r["message"], source=r.get("source", ""))
            for r in ui.get("rules", ())
        ),
        endpoint=document.get("endpoint", GENERATIONS_PATH),
        aliases=tuple(document.get("aliases", ())),
        deprecated=bool(document.get("deprecated", False)),
        tasks=tasks,
        source=source,
    )


def model_from_openapi(document: dict[str, Any], source: str = "", folder: str = "") -> Model:
    """The (first) model of an official OpenAPI document, with inferred hints."""
    return models_from_openapi(document, source=source, folder=folder)[0]


def models_from_openapi(document: dict[str, Any], source: str = "", folder: str = "") -> list[Model]:
    """One model per id in the document's ``model`` enum, each schema's enum narrowed to its id."""
    return [c.model for c in candidates_from_openapi(document, source=source, folder=folder)]


def candidates_from_openapi(
    document: dict[str, Any], source: str = "", stem: str = "", folder: str = ""
) -> list[Candidate]:
    endpoint, raw_schema = request_operation(document)
    schema = normalize_schema(raw_schema, root=document)
    properties = schema.get("properties", {})
    ids = [str(i) for i in properties.get("model", {}).get("enum", ())] or [model_id_of(schema)]
    info = document.get("info") or {}
    media = infer_media(schema)
    size = len(json.dumps(raw_schema)) if stem else 0
    candidates = []
    for model_id in dict.fromkeys(ids):
        narrowed = _narrowed(schema, model_id, ids)
        tasks = derive_tasks(model_id, narrowed, media)
        vendor = vendor_of(model_id, folder)
        model = Model(
            id=model_id,
            name=readable_name(model_id, str(info.get("title") or "")),
            vendor=vendor,
            summary=summary_line(str(info.get("description") or ""), tasks),
            schema=narrowed,
            typical_seconds=estimated_run_seconds(model_id, vendor),
            advanced=optional_non_media(narrowed, media),
            media=dict(media),
            output_seconds=output_seconds(properties),
            output_short_side=output_short_side(properties),
            endpoint=endpoint,
            tasks=tasks,
            source=source,
        )
        universal = endpoint == GENERATIONS_PATH
        candidates.append(Candidate(model, False, universal, len(properties), name_match(model_id, stem), size))
    return candidates


def _narrowed(schema: dict[str, Any], model_id: str, ids: list[str]) -> dict[str, Any]:
    if len(ids) == 1:
        return schema
    properties = dict(schema["properties"])
    properties["model"] = {**properties["model"], "enum": [model_id]}
    narrowed = {**schema, "properties": properties}
    if narrowed.get("title") in ids:
        narrowed["title"] = model_id
    return narrowed


def name_match(model_id: str, file_stem: str) -> int:
    """2 when the file name is the id, 1 when it ends the id, else 0 (case and punctuation aside)."""
    ident, name = _words(model_id), _words(file_stem)
    if not name:
        return 0
    if ident == name:
        return 2
    return 1 if ident.endswith("-" + name) else 0


def _words(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def request_operation(document: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The path and JSON request schema of the document's POST operation (the universal path first)."""
    paths = document["paths"]
    for path in [GENERATIONS_PATH] + [p for p in paths if p != GENERATIONS_PATH]:
        post = (paths.get(path) or {}).get("post")
        if post and "requestBody" in post:
            body = post["requestBody"]
            if "$ref" in body:
                body = resolve_pointer(document, body["$ref"])
            return path, body["content"]["application/json"]["schema"]
    raise ValueError("no POST operation with a JSON request body")


def request_schema_of(document: dict[str, Any]) -> dict[str, Any]:
    """The JSON request schema of the document's POST operation, as written (the universal path first)."""
    return request_operation(document)[1]


def model_id_of(schema: dict[str, Any]) -> str:
    enum = schema["properties"]["model"].get("enum") or [schema["title"]]
    return str(enum[0])


def _image_rules(raw: dict[str, Any]) -> ImageRules:
    return ImageRules(
        formats=tuple(raw.get("formats", ())),
        min_short_side=int(raw.get("min_short_side", 0)),
        min_aspect=float(raw.get("min_aspect", 0.0)),
        max_aspect=float(raw.get("max_aspect", float("inf"))),
        max_bytes=int(raw.get("max_bytes", 0)),
        source=raw.get("source", ""),
    )


def _audio_rules(raw: dict[str, Any]) -> AudioRules:
    return AudioRules(
        max_seconds=float(raw.get("max_seconds", 0)),
        formats=tuple(raw.get("formats", ())),
        source=raw.get("source", ""),
    )


def _tasks(raw: list[str]) -> frozenset[Task]:
    """Tasks a studio file names, by name (``"TEXT"``) or by the words shown (``"From text"``)."""
    return frozenset(Task[t] if t in Task.__members__ else Task(t) for t in raw)
