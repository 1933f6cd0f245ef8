"""The catalogue's objects: a model with its request schema and hints, and the catalogue of all models."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from videostudio.catalogue.tasks import Task
from videostudio.contract import GENERATIONS_PATH
from videostudio.labels import field_label

MediaKind = Literal["image", "audio", "video"]
# Every media kind, for membership tests (their words and files: videostudio.media.kinds).
MEDIA_KIND_NAMES: tuple[MediaKind, ...] = get_args(MediaKind)


class CatalogueError(Exception):
    """A model file could not be read as a model, or a model the catalogue does not know was asked for."""


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
    # The longest prompt any model of its catalogue accepts: the limit for a prompt whose schema sets none.
    longest_prompt: int | None = None

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

    def prompt_max_length(self, name: str) -> int | None:
        """The schema's own maximum for the prompt field ``name``, or None when it sets none (or is no prompt)."""
        return _max_length(self.properties.get(name)) if is_prompt_field(name, self.properties.get(name)) else None

    def unbounded_prompts(self) -> list[str]:
        """The prompt fields whose schema sets no maximum: held to ``longest_prompt`` instead."""
        return [
            n
            for n in self.field_names()
            if is_prompt_field(n, self.properties[n]) and self.prompt_max_length(n) is None
        ]

    def media_kind(self, path: str) -> MediaKind | None:
        """The media a field holds, by its dotted path (``dynamic_masks.mask``), or None."""
        return self.media.get(path)

    def label(self, name: str) -> str:
        """What a top-level field is for, in plain words: this model's own hint, else the rule table's."""
        if name in self.labels:
            return self.labels[name]
        description = self.properties.get(name, {}).get("description", "")
        return field_label(name, description if isinstance(description, str) else "", self.properties)

    def field_labels(self) -> dict[str, str]:
        """Every top-level field's label, by name (to put labels in place of names in help texts)."""
        return {name: self.label(name) for name in self.properties if name != "model"}

    def inputs(self) -> dict[str, MediaKind]:
        """Top-level media inputs, for the Models page."""
        return {k: v for k, v in self.media.items() if "." not in k}

    def typical_run_time(self) -> str:
        minutes, seconds = divmod(self.typical_seconds, 60)
        if not minutes:
            return f"about {seconds} s"
        return f"about {minutes} min" + (f" {seconds} s" if seconds else "")


class Catalogue:
    """The models the studio knows, in a stable order (vendor, then name), and the files it could not read.

    ``get`` and ``in`` find every model, deprecated ones too, by id or alias, case-insensitively; iterating and
    ``ids()`` give every model; ``visible()`` leaves out the deprecated ones unless asked to include them.
    ``problems`` lists each file that was skipped as ``(file, reason in plain words)``.
    """

    def __init__(self, models: Iterable[Model], problems: Iterable[tuple[str, str]] = ()) -> None:
        models = list(models)
        limits = [m.prompt_max_length(n) for m in models for n in m.properties]
        longest = max((limit for limit in limits if limit), default=None)
        self._models = {m.id: dataclasses.replace(m, longest_prompt=longest) for m in models}
        self.problems: list[tuple[str, str]] = list(problems)
        self._by_name: dict[str, Model] = {}
        for model in self._models.values():  # ids first, so an alias never hides another model's id
            self._by_name[model.id.casefold()] = model
        for model in self._models.values():
            for alias in model.aliases:
                self._by_name.setdefault(alias.casefold(), model)

    def __iter__(self) -> Iterator[Model]:
        return iter(self._models.values())

    def __len__(self) -> int:
        return len(self._models)

    def __contains__(self, model_id: object) -> bool:
        return isinstance(model_id, str) and model_id.casefold() in self._by_name

    def ids(self) -> list[str]:
        return list(self._models)

    def get(self, model_id: str) -> Model:
        """The model with this id or alias (any case); CatalogueError when there is none."""
        model = self._models.get(model_id) or self._by_name.get(model_id.casefold())
        if model is None:
            raise CatalogueError(f"The studio does not know the model {model_id!r}.")
        return model

    def visible(self, include_deprecated: bool = False) -> list[Model]:
        """The models to offer a person: without the deprecated ones unless ``include_deprecated``."""
        return [m for m in self._models.values() if include_deprecated or not m.deprecated]


def is_prompt_field(name: str, schema: Any) -> bool:
    """A text the person writes to describe the video (``prompt``, ``negative_prompt``), not a switch or a list."""
    return "prompt" in name and isinstance(schema, dict) and _string_schema(schema) is not None


def _string_schema(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The string branch of ``schema`` (itself, or its ``anyOf``/``oneOf`` string branch), or None."""
    types = schema.get("type")
    if types == "string" or (isinstance(types, list) and "string" in types):
        return schema
    branches = schema.get("anyOf") or schema.get("oneOf") or ()
    return next((b for b in branches if isinstance(b, dict) and b.get("type") == "string"), None)


def _max_length(schema: Any) -> int | None:
    string = _string_schema(schema) if isinstance(schema, dict) else None
    limit = string.get("maxLength") if string else None
    return limit if isinstance(limit, int) and not isinstance(limit, bool) else None


def humanize(name: str) -> str:
    """``lip_sync_tts_speaker`` → ``Lip sync tts speaker``; ``image_url`` → ``Image``."""
    words = re.sub(r"_(url|urls)$", "", name).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _ratio(value: float) -> str:
    known = {0.4: "2:5", 2.5: "5:2", 0.5: "1:2", 2.0: "2:1"}
    return known.get(round(value, 3), f"{value:g}:1")
