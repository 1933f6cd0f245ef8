"""The form a model's schema asks for: which widget each field gets, with its label, help and limits.

This is the one place that maps JSON Schema constructs to widgets. It knows nothing of Streamlit;
``components/schema_form.py`` draws what it describes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from videostudio.catalogue import MediaKind, Model, humanize

# Integer enums with this many choices or fewer read best as a row of buttons.
SEGMENTED_MAX_OPTIONS = 5
# Strings whose name says they hold prose get a text area.
_PROSE_NAMES = ("prompt", "content", "text", "description")


class Widget(StrEnum):
    """The kinds of input the studio draws."""

    SELECT = "select"  # string enum: a select box (the speaker list)
    SEGMENTED = "segmented"  # small integer enum: a row of buttons (duration)
    TOGGLE = "toggle"  # boolean
    SLIDER = "slider"  # number with both bounds
    NUMBER = "number"  # number without bounds
    SEED = "seed"  # unbounded integer named seed: a number with a "random" choice
    TEXT_AREA = "text_area"  # prose: prompts and spoken text, with a counter when maxLength exists
    TEXT = "text"  # any other string
    MEDIA = "media"  # image, audio or video: upload with preview, or a URL
    GROUP = "group"  # nested object (camera_control): its fields in a group
    GROUP_LIST = "group_list"  # array of objects (dynamic_masks): repeated groups
    TABLE = "table"  # array of flat objects of numbers (trajectories): an editable table
    LIST = "list"  # array of strings: one entry per line


@dataclass(frozen=True)
class FieldSpec:
    """Everything needed to draw one field and read its value back."""

    name: str
    path: str  # dotted path from the top of the payload, without list indices
    label: str
    widget: Widget
    help: str = ""
    required: bool = False
    advanced: bool = False
    default: Any = None
    options: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    max_length: int | None = None
    media_kind: MediaKind | None = None
    children: tuple[FieldSpec, ...] = ()
    min_items: int = 0
    max_items: int | None = None

    @property
    def step(self) -> float | int:
        if self.integer:
            return 1
        if self.minimum is not None and self.maximum is not None and self.maximum - self.minimum <= 2:
            return 0.05
        return 0.5


def form_fields(model: Model) -> list[FieldSpec]:
    """The top-level fields of ``model``'s form, in display order."""
    return [
        field_spec(
            model,
            name,
            model.properties[name],
            path=name,
            required=name in model.required,
            advanced=name in model.advanced and name not in model.required,
        )
        for name in model.field_names()
    ]


def field_spec(
    model: Model, name: str, schema: dict[str, Any], *, path: str, required: bool, advanced: bool = False
) -> FieldSpec:
    """The widget and settings for one schema node."""
    common: dict[str, Any] = {
        "name": name,
        "path": path,
        "label": model.label(path) if "." not in path else humanize(name),
        "help": schema.get("description", ""),
        "required": required,
        "advanced": advanced,
        "default": schema.get("default"),
    }
    json_type = _single_type(schema.get("type"))
    media_kind = model.media_kind(path)
    if media_kind and json_type != "array":
        return FieldSpec(widget=Widget.MEDIA, media_kind=media_kind, **common)
    if "enum" in schema:
        options = tuple(schema["enum"])
        small_numbers = json_type in ("integer", "number") and len(options) <= SEGMENTED_MAX_OPTIONS
        widget = Widget.SEGMENTED if small_numbers else Widget.SELECT
        return FieldSpec(widget=widget, options=options, integer=json_type == "integer", **common)
    if json_type == "boolean":
        return FieldSpec(widget=Widget.TOGGLE, **common)
    if json_type in ("integer", "number"):
        bounded = "minimum" in schema and "maximum" in schema
        # A seed is a number to type, even when bounded (0..4294967295 makes no slider).
        widget = Widget.SEED if name == "seed" else Widget.SLIDER if bounded else Widget.NUMBER
        return FieldSpec(
            widget=widget,
            minimum=schema.get("minimum"),
            maximum=schema.get("maximum"),
            integer=json_type == "integer",
            **common,
        )
    if json_type == "object":
        return FieldSpec(widget=Widget.GROUP, children=_children(model, schema, path), **common)
    if json_type == "array":
        items = schema.get("items", {})
        limits = {"min_items": schema.get("minItems", 0), "max_items": schema.get("maxItems")}
        if items.get("type") == "object":
            children = _children(model, items, path)
            flat_numbers = all(c.widget in (Widget.NUMBER, Widget.SLIDER) for c in children)
            widget = Widget.TABLE if children and flat_numbers else Widget.GROUP_LIST
            return FieldSpec(widget=widget, children=children, **limits, **common)
        # Arrays of media (image_urls) are given as web addresses, one per line.
        return FieldSpec(widget=Widget.LIST, media_kind=media_kind, **limits, **common)
    prose = any(word in name for word in _PROSE_NAMES) or "maxLength" in schema
    return FieldSpec(widget=Widget.TEXT_AREA if prose else Widget.TEXT, max_length=schema.get("maxLength"), **common)


def _single_type(json_type: str | list[str] | None) -> str | None:
    """The type a field really has: ``["number", "null"]`` (a nullable number) is a number."""
    if isinstance(json_type, list):
        return next((t for t in json_type if t != "null"), None)
    return json_type


def _children(model: Model, schema: dict[str, Any], path: str) -> tuple[FieldSpec, ...]:
    required = set(schema.get("required", ()))
    return tuple(
        field_spec(model, name, child, path=f"{path}.{name}", required=name in required)
        for name, child in schema.get("properties", {}).items()
    )
