"""The model catalogue: one JSON file per model, holding its official request schema.

A model file is either
- a studio file: ``{"id", "name", "vendor", "summary", "typical_seconds", "legacy_endpoint", "ui", "schema"}``
  where ``schema`` is the request schema exactly as in the API's OpenAPI document, or
- an official OpenAPI document, unchanged; its UI hints are then inferred.

The loader absorbs the schema quirks listed in the API fact sheet, so the rest of the studio can
trust the schema: string defaults on integer enums, property-level ``"required": true``,
enum-without-type, and OpenAPI's ``nullable``.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from videostudio.contract import GENERATIONS_PATH

MediaKind = Literal["image", "audio", "video"]

MODELS_DIR = Path(__file__).parent / "models"


class Task(StrEnum):
    """What a person wants to make: how the model browser groups models. The value is the words shown."""

    TEXT = "From text"
    IMAGE = "Animate a picture"
    FIRST_LAST = "First and last frame"
    REFERENCE = "From reference images"
    EDIT = "Edit or restyle a video"
    EXTEND = "Extend a video"
    AVATAR = "Talking avatar or lip-sync"
    MOTION = "Motion control"
    SOUND = "Add sound to a video"

    @property
    def capability(self) -> str:
        """The word the live catalogue's ``capabilities`` list uses for this task."""
        return TASK_CAPABILITIES[self]


# One place for the vocabulary shared by the live catalogue, the offline backend's /v1/models and the browser.
TASK_CAPABILITIES: dict[Task, str] = {
    Task.TEXT: "text_to_video",
    Task.IMAGE: "image_to_video",
    Task.FIRST_LAST: "first_last_frame_to_video",
    Task.REFERENCE: "reference_to_video",
    Task.EDIT: "video_to_video",
    Task.EXTEND: "video_extension",
    Task.AVATAR: "lip_sync",
    Task.MOTION: "motion_control",
    Task.SOUND: "video_to_audio",
}


class CatalogueError(Exception):
    """A model file could not be read as a model."""


@dataclass(frozen=True)
class ImageRules:
    """Limits a model states in prose for its input images."""

    formats: tuple[str, ...] = ()  # Pillow format names, e.g. ("JPEG", "PNG"); empty means any
    min_short_side: int = 0  # pixels, inclusive
    min_aspect: float = 0.0  # width / height, inclusive
    max_aspect: float = float("inf")
    max_bytes: int = 0  # 0 means no stated limit
    source: str = ""

    def describe(self) -> list[str]:
        """Plain-words lines for the Models page."""
        lines = []
        if self.formats:
            lines.append("Image format: " + ", ".join("JPG" if f == "JPEG" else f for f in self.formats))
        if self.min_aspect or self.max_aspect != float("inf"):
            lines.append(f"Image aspect ratio between {_ratio(self.min_aspect)} and {_ratio(self.max_aspect)}")
        if self.min_short_side:
            lines.append(f"Image shorter side over {self.min_short_side - 1} px")
        if self.max_bytes:
            lines.append(f"Image at most {self.max_bytes // 1_000_000} MB")
        return lines


@dataclass(frozen=True)
class AudioRules:
    """Limits a model states in prose for its input audio."""

    max_seconds: float = 0.0  # 0 means no stated limit
    formats: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class CrossFieldRule:
    """A rule between fields that the schema can only say in prose.

    It is broken when every field in ``when`` has its value and every field in ``forbid`` too.
    """

    when: dict[str, Any]
    forbid: dict[str, Any]
    message: str
    source: str = ""

    def broken_by(self, payload: dict[str, Any], defaults: dict[str, Any]) -> bool:
        def value(name: str) -> Any:
            return payload.get(name, defaults.get(name))

        return all(value(k) == v for k, v in self.when.items()) and all(value(k) == v for k, v in self.forbid.items())


@dataclass(frozen=True)
class Model:
    """One video model: its request schema and the few hints the schema cannot carry."""

    id: str
    name: str
    vendor: str
    summary: str
    schema: dict[str, Any]
    typical_seconds: int = 120
    legacy_endpoint: str | None = None
    order: tuple[str, ...] = ()
    advanced: frozenset[str] = frozenset()
    labels: dict[str, str] = field(default_factory=dict)
    media: dict[str, MediaKind] = field(default_factory=dict)
    image_rules: ImageRules | None = None
    audio_rules: AudioRules | None = None
    rules: tuple[CrossFieldRule, ...] = ()
    # What the model returns when the request does not say: used by the offline backend.
    output_seconds: float = 5.0
    output_short_side: int = 720
    # Where a submit goes: the universal path, or a vendor path when the model's document offers no other.
    endpoint: str = GENERATIONS_PATH
    aliases: tuple[str, ...] = ()  # other names the API knows the model by (the live catalogue's ``aliases``)
    deprecated: bool = False  # listed as no longer supported: hidden unless the person asks to see them
    offered: bool = True  # False when the live catalogue no longer lists it: shown, but cannot be submitted
    tasks: frozenset[Task] = frozenset()  # what it makes, for the model browser
    pricing: dict[str, Any] | None = None  # the live catalogue's ``pricing`` object, as given
    source: str = ""  # the file it was read from, relative to the catalogue folder

    @property
    def properties(self) -> dict[str, dict[str, Any]]:
        return self.schema.get("properties", {})

    @property
    def required(self) -> frozenset[str]:
        return frozenset(self.schema.get("required", ()))

    @property
    def defaults(self) -> dict[str, Any]:
        return {k: p["default"] for k, p in self.properties.items() if "default" in p}

    def field_names(self) -> list[str]:
        """The user-facing fields (all but ``model``), in display order."""
        names = [n for n in self.properties if n != "model"]
        ordered = [n for n in self.order if n in names]
        return ordered + [n for n in names if n not in ordered]

    def media_kind(self, path: str) -> MediaKind | None:
        """The media a field holds, by its dotted path (``dynamic_masks.mask``), or None."""
        return self.media.get(path)

    def label(self, name: str) -> str:
        return self.labels.get(name) or humanize(name)

    def inputs(self) -> dict[str, MediaKind]:
        """Top-level media inputs, for the Models page."""
        return {k: v for k, v in self.media.items() if "." not in k}

    def typical_run_time(self) -> str:
        minutes, seconds = divmod(self.typical_seconds, 60)
        if not minutes:
            return f"about {seconds} s"
        return f"about {minutes} min" + (f" {seconds} s" if seconds else "")


class Catalogue:
    """The models the studio offers, in a stable order."""

    def __init__(self, models: list[Model]) -> None:
        self._models = {m.id: m for m in models}

    def __iter__(self):
        return iter(self._models.values())

    def __len__(self) -> int:
        return len(self._models)

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._models

    def ids(self) -> list[str]:
        return list(self._models)

    def get(self, model_id: str) -> Model:
        try:
            return self._models[model_id]
        except KeyError:
            raise CatalogueError(f"The studio does not know the model {model_id!r}.") from None


def load_catalogue(directory: Path | str = MODELS_DIR) -> Catalogue:
    """Every ``*.json`` model file in ``directory``, sorted by vendor then name."""
    models = [load_model(p) for p in sorted(Path(directory).glob("*.json"))]
    models.sort(key=lambda m: (m.vendor.lower(), m.name.lower()))
    return Catalogue(models)


def load_model(path: Path | str) -> Model:
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogueError(f"{path.name}: not a readable JSON file ({exc}).") from exc
    try:
        if "openapi" in document:
            return model_from_openapi(document)
        return model_from_studio_file(document)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # A file of the wrong shape fails somewhere inside; the person needs the file's name, not the trace.
        raise CatalogueError(f"{path.name}: not a model file ({type(exc).__name__}: {exc}).") from exc


def model_from_studio_file(document: dict[str, Any]) -> Model:
    schema = normalize_schema(document["schema"])
    ui = document.get("ui", {})
    model_id = document.get("id") or model_id_of(schema)
    image_rules = ui.get("image_rules")
    audio_rules = ui.get("audio_rules")
    media = infer_media(schema)
    media.update(ui.get("media", {}))
    return Model(
        id=model_id,
        name=document.get("name", model_id),
        vendor=document.get("vendor", vendor_of(model_id)),
        summary=document.get("summary", ""),
        schema=schema,
        typical_seconds=int(document.get("typical_seconds", 120)),
        legacy_endpoint=document.get("legacy_endpoint"),
        order=tuple(ui.get("order", ())),
        advanced=frozenset(ui["advanced"]) if "advanced" in ui else _optional_non_media(schema, media),
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
    )


def model_from_openapi(document: dict[str, Any]) -> Model:
    """A model straight from an official OpenAPI document, with inferred hints."""
    schema = request_schema_of(document)
    return model_from_studio_file({"schema": schema, "summary": document.get("info", {}).get("description", "")})


def request_schema_of(document: dict[str, Any]) -> dict[str, Any]:
    """The JSON request schema of the document's POST operation (the universal path first)."""
    paths = document["paths"]
    candidates = [GENERATIONS_PATH] + [p for p in paths if p != GENERATIONS_PATH]
    for path in candidates:
        post = paths.get(path, {}).get("post")
        if post and "requestBody" in post:
            return post["requestBody"]["content"]["application/json"]["schema"]
    raise ValueError("no POST operation with a JSON request body")


def model_id_of(schema: dict[str, Any]) -> str:
    enum = schema["properties"]["model"].get("enum") or [schema.get("title")]
    return str(enum[0])


def vendor_of(model_id: str) -> str:
    return model_id.split("/")[0] if "/" in model_id else "Other"


def normalize_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``schema`` that standard JSON Schema validators and the form builder can trust."""
    schema = copy.deepcopy(schema)
    _normalize_node(schema)
    return schema


def _normalize_node(node: dict[str, Any]) -> None:
    # Enums with no type (legacy "model" fields): give them the type of their values.
    if "enum" in node and "type" not in node and node["enum"]:
        node["type"] = _json_type(node["enum"][0])
    # String defaults on integer or number fields ("default": "5" with enum [5, 10]).
    if "default" in node and node.get("type") in ("integer", "number"):
        node["default"] = _coerce_number(node["default"], node["type"])
    # OpenAPI 3.0 "nullable": JSON Schema says it with a type list.
    if node.pop("nullable", False) and isinstance(node.get("type"), str):
        node["type"] = [node["type"], "null"]
    properties = node.get("properties")
    if isinstance(properties, dict):
        required = list(node.get("required", []))
        for name, child in properties.items():
            # A property-level "required": true (video-01-live2d) belongs in the parent's list.
            if child.get("required") is True:
                child.pop("required")
                if name not in required:
                    required.append(name)
            _normalize_node(child)
        if required:
            node["required"] = required
    if isinstance(node.get("items"), dict):
        _normalize_node(node["items"])
    for key in ("anyOf", "oneOf"):
        for branch in node.get(key, []):
            _normalize_node(branch)


def _coerce_number(value: Any, json_type: str) -> Any:
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if json_type == "integer" and number.is_integer() else number
    return value


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


_MEDIA_NAME = re.compile(r"(_url|_urls|image|mask|_list)$")


def infer_media(schema: dict[str, Any], prefix: str = "") -> dict[str, MediaKind]:
    """Media-bearing fields by the fact sheet's rule: ``format: uri`` or a media-like name."""
    found: dict[str, MediaKind] = {}
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        target = prop.get("items", prop) if _has_type(prop, "array") else prop
        if _has_type(target, "object"):
            found.update(infer_media(target, prefix=f"{path}."))
        elif (
            _has_type(target, "string")
            and "enum" not in target
            and (target.get("format") == "uri" or _MEDIA_NAME.search(name))
        ):
            found[path] = "audio" if "audio" in name else "video" if "video" in name else "image"
    return found


def _has_type(schema: dict[str, Any], json_type: str) -> bool:
    """True when ``schema`` is of ``json_type``, also as part of a nullable type list."""
    declared = schema.get("type")
    return json_type in declared if isinstance(declared, list) else declared == json_type


def _optional_non_media(schema: dict[str, Any], media: dict[str, MediaKind]) -> frozenset[str]:
    required = set(schema.get("required", ()))
    return frozenset(n for n in schema.get("properties", {}) if n not in required and n != "prompt" and n not in media)


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


def humanize(name: str) -> str:
    """``lip_sync_tts_speaker`` → ``Lip sync tts speaker``; ``image_url`` → ``Image``."""
    words = re.sub(r"_(url|urls)$", "", name).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _ratio(value: float) -> str:
    known = {0.4: "2:5", 2.5: "5:2", 0.5: "1:2", 2.0: "2:1"}
    return known.get(round(value, 3), f"{value:g}:1")
