"""The form a model's schema asks for: which widget each field gets, with its label, help and limits.

This is the one place that maps JSON Schema constructs to widget kinds; choosing a kind is a lookup
from the schema. It knows nothing of Streamlit: ``components/widgets/`` holds one object per kind
that draws, restores and describes what this module specifies.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from videostudio.catalogue import MediaKind, Model, humanize
from videostudio.labels import field_label, plain_help

# Integer enums with this many choices or fewer read best as a row of buttons.
SEGMENTED_MAX_OPTIONS = 5
# Strings whose name says they hold prose get a text area.
_PROSE_NAMES = ("prompt", "content", "text", "description")
_MEDIA_KINDS: tuple[MediaKind, ...] = ("image", "video", "audio")
# Keywords the form cannot honour when it meets them unresolved (the loader is meant to resolve them).
_UNDRAWABLE = ("$ref", "allOf", "not", "if", "patternProperties")


class Widget(StrEnum):
    """The kinds of input the studio draws."""

    SELECT = "select"  # string enum: a select box (the speaker list)
    SEGMENTED = "segmented"  # small number enum: a row of buttons (duration)
    TOGGLE = "toggle"  # boolean
    SLIDER = "slider"  # number with both bounds
    NUMBER = "number"  # number without both bounds
    SEED = "seed"  # integer named seed: a number with a "random" choice
    TEXT_AREA = "text_area"  # prose: prompts and spoken text, with a counter when maxLength exists
    TEXT = "text"  # any other string
    MEDIA = "media"  # image, audio or video: upload with preview, or a URL
    MEDIA_LIST = "media_list"  # array of media: several uploads in order, or URLs one per line
    GROUP = "group"  # nested object (camera_control): its fields in a group
    GROUP_LIST = "group_list"  # array of objects (dynamic_masks): repeated groups
    TABLE = "table"  # array of flat objects of numbers: an editable table
    MASK = "mask"  # a mask image beside a start image (static_mask): painted on the start image, or uploaded
    PATH = "path"  # array of {x, y} beside a start image (trajectories): a line drawn on the start image
    LIST = "list"  # array of strings: one entry per line
    VARIANT = "variant"  # anyOf/oneOf: pick one variant, then fill its fields
    CONST = "const"  # a fixed value: always sent, shown read-only
    UNSUPPORTED = "unsupported"  # a construct the studio cannot draw: the model's default is used


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
    options: tuple[Any, ...] = ()  # enum choices; for CONST, the one fixed value
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False  # the bound itself is not allowed
    exclusive_maximum: bool = False
    multiple_of: float | None = None
    integer: bool = False
    nullable: bool = False
    max_length: int | None = None
    # A prompt whose schema sets no maximum: the longest any model takes (Model.longest_prompt), checked instead.
    longest_anywhere: int | None = None
    pattern: str | None = None
    media_kind: MediaKind | None = None
    children: tuple[FieldSpec, ...] = ()
    variants: tuple[FieldSpec, ...] = ()  # VARIANT: one spec per branch, labelled in plain words; NONE for null
    min_items: int = 0
    max_items: int | None = None
    reason: str = ""  # UNSUPPORTED: what the studio met
    canvas_of: str = ""  # MASK and PATH: the path of the image field they are painted on
    # Drawn and sent only while a sibling choice has this value: (sibling name, value). A camera's
    # six sliders mean something only for its custom move, not beside a preset one.
    shown_when: tuple[str, Any] | None = None

    @property
    def step(self) -> float | int:
        """The step between values, of the field's own numeric type."""
        if self.multiple_of:
            return self.number(self.multiple_of)
        if self.integer:
            return 1
        if self.minimum is not None and self.maximum is not None and self.maximum - self.minimum <= 2:
            return 0.05
        return 0.5

    def number(self, value: Any) -> Any:
        """``value`` as this field's numeric type (int for integers, float otherwise); None stays None.

        Streamlit refuses a number input whose value, step and bounds mix ints and floats.
        """
        if value is None or isinstance(value, bool):
            return value
        return int(round(value)) if self.integer else float(value)

    @property
    def low(self) -> Any:
        """The smallest value the widget offers: the minimum, one step above it when exclusive."""
        if self.minimum is None:
            return None
        return self.number(self.minimum + self.step if self.exclusive_minimum else self.minimum)

    @property
    def high(self) -> Any:
        if self.maximum is None:
            return None
        return self.number(self.maximum - self.step if self.exclusive_maximum else self.maximum)

    @property
    def const(self) -> Any:
        return self.options[0] if self.options else None


# The label of a variant that sends nothing (a null branch).
NONE_LABEL = "None"


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
    model: Model,
    name: str,
    schema: dict[str, Any],
    *,
    path: str,
    required: bool,
    advanced: bool = False,
    media_hint: MediaKind | None = None,
) -> FieldSpec:
    """The widget and settings for one schema node.

    ``media_hint`` is the media a uri string holds where the catalogue's media map cannot say (inside a
    variant tagged ``{"type": "video", "url": ...}``).
    """
    if not isinstance(schema, dict):
        schema = {"not": "a schema"}
    description = schema.get("description", "")
    description = description if isinstance(description, str) else ""
    common: dict[str, Any] = {
        "name": name,
        "path": path,
        "label": model.label(path) if "." not in path else field_label(name, description),
        "help": plain_help(description, model.field_labels()),
        "required": required,
        "advanced": advanced,
        "default": schema.get("default"),
    }
    odd = [k for k in _UNDRAWABLE if k in schema]
    if odd:
        return FieldSpec(widget=Widget.UNSUPPORTED, reason=", ".join(odd), **common)
    if "anyOf" in schema or "oneOf" in schema:
        return _variant_spec(model, name, schema, path, common, media_hint)
    types = _types(schema.get("type"))
    nullable = "null" in types
    concrete = [t for t in types if t != "null"]
    if len(concrete) > 1:
        # ["string", "integer"]: each type is a variant of its own.
        branches = [{**schema, "type": t} for t in concrete] + ([{"type": "null"}] if nullable else [])
        return _variant_spec(model, name, {"anyOf": branches, **_meta(schema)}, path, common, media_hint)
    json_type = concrete[0] if concrete else None
    common["nullable"] = nullable
    if "const" in schema or ("enum" in schema and len(schema["enum"]) == 1 and required):
        value = schema["const"] if "const" in schema else schema["enum"][0]
        return FieldSpec(widget=Widget.CONST, options=(value,), **common)
    start_image = _start_image(model) if _is_mask_name(name) and json_type in ("string", None) else None
    if start_image and start_image != path:
        return FieldSpec(widget=Widget.MASK, media_kind="image", canvas_of=start_image, **common)
    # Inside a tagged variant the tag says the media; the catalogue's map keeps one kind per path (the first).
    media_kind = _uri_kind(name, schema, media_hint) if media_hint else None
    media_kind = media_kind or model.media_kind(path) or _uri_kind(name, schema, None)
    if media_kind and json_type in ("string", None):
        if name in ("url", "uri"):  # {"type": "image", "url": ...}: the file is the image
            common["label"] = media_kind.capitalize()
        return FieldSpec(widget=Widget.MEDIA, media_kind=media_kind, **common)
    if "enum" in schema:
        options = tuple(schema["enum"])
        small_numbers = json_type in ("integer", "number") and len(options) <= SEGMENTED_MAX_OPTIONS
        widget = Widget.SEGMENTED if small_numbers else Widget.SELECT
        return FieldSpec(widget=widget, options=options, integer=json_type == "integer", **common)
    if json_type == "boolean":
        return FieldSpec(widget=Widget.TOGGLE, **common)
    if json_type in ("integer", "number"):
        return _number_spec(name, schema, json_type, common)
    if json_type == "object":
        children = _children(model, schema, path, media_hint)
        if not children:
            return FieldSpec(widget=Widget.UNSUPPORTED, reason="a free-form object", **common)
        return FieldSpec(widget=Widget.GROUP, children=_custom_only(children), **common)
    if json_type == "array":
        return _array_spec(model, name, schema, path, common, media_kind or media_hint)
    if json_type not in ("string", None):
        return FieldSpec(widget=Widget.UNSUPPORTED, reason=f"type {json_type}", **common)
    if json_type is None and not schema.get("format") and "maxLength" not in schema and "pattern" not in schema:
        return FieldSpec(widget=Widget.UNSUPPORTED, reason="no type", **common)
    prose = any(word in name for word in _PROSE_NAMES) or "maxLength" in schema
    return FieldSpec(
        widget=Widget.TEXT_AREA if prose else Widget.TEXT,
        max_length=schema.get("maxLength"),
        longest_anywhere=model.longest_prompt if path in model.unbounded_prompts() else None,
        pattern=schema.get("pattern"),
        **common,
    )


def _number_spec(name: str, schema: dict[str, Any], json_type: str, common: dict[str, Any]) -> FieldSpec:
    minimum, maximum = schema.get("minimum"), schema.get("maximum")
    exclusive_min, exclusive_max = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    # JSON Schema gives exclusive bounds as numbers; OpenAPI 3.0 as a flag on minimum/maximum.
    low_open = exclusive_min is True or _is_number(exclusive_min)
    high_open = exclusive_max is True or _is_number(exclusive_max)
    if _is_number(exclusive_min):
        minimum = exclusive_min
    if _is_number(exclusive_max):
        maximum = exclusive_max
    bounded = minimum is not None and maximum is not None
    # A seed is a number to type, even when bounded (0..4294967295 makes no slider).
    widget = Widget.SEED if name == "seed" else Widget.SLIDER if bounded else Widget.NUMBER
    multiple_of = schema.get("multipleOf")
    spec = FieldSpec(
        widget=widget,
        minimum=minimum,
        maximum=maximum,
        exclusive_minimum=low_open and minimum is not None,
        exclusive_maximum=high_open and maximum is not None,
        multiple_of=multiple_of if _is_number(multiple_of) and multiple_of > 0 else None,
        integer=json_type == "integer",
        **common,
    )
    # One numeric type for value, step and bounds (an integer default on a number field is a float).
    return replace(spec, default=spec.number(spec.default) if _is_number(spec.default) else None)


def _array_spec(
    model: Model, name: str, schema: dict[str, Any], path: str, common: dict[str, Any], media: MediaKind | None
) -> FieldSpec:
    items = schema.get("items", {})
    limits = {"min_items": int(schema.get("minItems", 0)), "max_items": schema.get("maxItems")}
    if not isinstance(items, dict):
        return FieldSpec(widget=Widget.UNSUPPORTED, reason="a tuple of items", **common)
    item_types = [t for t in _types(items.get("type")) if t != "null"]
    if item_types == ["object"]:
        children = _children(model, items, path, media)
        start_image = _start_image(model)
        if start_image and sorted(c.name for c in children) == ["x", "y"]:
            return FieldSpec(widget=Widget.PATH, children=children, canvas_of=start_image, **limits, **common)
        flat_numbers = all(c.widget in (Widget.NUMBER, Widget.SLIDER) for c in children)
        widget = Widget.TABLE if children and flat_numbers else Widget.GROUP_LIST
        if not children:
            return FieldSpec(widget=Widget.UNSUPPORTED, reason="a list of free-form objects", **limits, **common)
        return FieldSpec(widget=widget, children=children, **limits, **common)
    if item_types in (["string"], []) and "enum" not in items and not _odd(items):
        kind = media or _uri_kind(name, items, None)
        if kind:
            return FieldSpec(widget=Widget.MEDIA_LIST, media_kind=kind, **limits, **common)
        if item_types == ["string"]:
            return FieldSpec(widget=Widget.LIST, max_length=items.get("maxLength"), **limits, **common)
    return FieldSpec(widget=Widget.UNSUPPORTED, reason="a list of this kind", **limits, **common)


def _variant_spec(
    model: Model, name: str, schema: dict[str, Any], path: str, common: dict[str, Any], hint: MediaKind | None
) -> FieldSpec:
    siblings = _meta(schema)
    branches = [dict(b) for b in schema.get("oneOf", schema.get("anyOf", [])) if isinstance(b, dict)]
    real = [b for b in branches if not _is_null(b)]
    has_null = len(real) < len(branches)
    if len(real) == 1:
        # anyOf [X, null]: X that may be left empty.
        spec = field_spec(model, name, {**siblings, **real[0]}, path=path, required=common["required"], media_hint=hint)
        return replace(spec, nullable=True, advanced=common["advanced"], help=spec.help or common["help"])
    if not real:
        return FieldSpec(widget=Widget.UNSUPPORTED, reason="no usable variant", **common)
    variants = []
    for branch in real:
        tag = _tag(branch)
        branch_hint = tag if tag in _MEDIA_KINDS else hint
        spec = field_spec(model, name, branch, path=path, required=True, media_hint=branch_hint)
        variants.append(replace(spec, label=_variant_label(branch, spec, tag)))
    if has_null:
        variants.append(FieldSpec(name=name, path=path, label=NONE_LABEL, widget=Widget.CONST, options=(None,)))
    labels = [v.label for v in variants]
    variants = [
        replace(v, label=f"{v.label} ({i + 1})") if labels.count(v.label) > 1 else v for i, v in enumerate(variants)
    ]
    return FieldSpec(widget=Widget.VARIANT, variants=tuple(variants), nullable=has_null, **common)


def _variant_label(branch: dict[str, Any], spec: FieldSpec, tag: str | None) -> str:
    if tag is not None:
        return humanize(str(tag))
    if branch.get("title"):
        return str(branch["title"])
    if spec.widget is Widget.MEDIA:
        return f"One {spec.media_kind}"
    if spec.widget is Widget.MEDIA_LIST:
        return f"Several {spec.media_kind}s"
    return {
        Widget.TEXT: "Text",
        Widget.TEXT_AREA: "Text",
        Widget.LIST: "Several texts",
        Widget.TOGGLE: "On or off",
        Widget.GROUP: "Settings",
        Widget.GROUP_LIST: "Several groups",
        Widget.SELECT: "A choice",
        Widget.SEGMENTED: "A choice",
    }.get(spec.widget, "A number" if spec.widget in (Widget.NUMBER, Widget.SLIDER) else "Other")


def _tag(branch: dict[str, Any]) -> Any:
    """The value of a tagged object's fixed ``type`` (or other single-value, required) property."""
    required = set(branch.get("required", ()))
    for key, prop in branch.get("properties", {}).items():
        if key in required and isinstance(prop, dict):
            if "const" in prop:
                return prop["const"]
            if len(prop.get("enum", ())) == 1:
                return prop["enum"][0]
    return None


def _is_null(branch: dict[str, Any]) -> bool:
    """A branch that only allows nothing: ``{"type": "null"}``, or what OpenAPI's ``{"nullable": true}`` becomes."""
    if _types(branch.get("type")) == ["null"]:
        return True
    meaningful = set(branch) - {"nullable", "description", "title"}
    return not meaningful


def _meta(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: schema[k] for k in ("description", "default", "title") if k in schema}


def _odd(schema: dict[str, Any]) -> bool:
    return any(k in schema for k in (*_UNDRAWABLE, "anyOf", "oneOf"))


def _uri_kind(name: str, schema: dict[str, Any], hint: MediaKind | None) -> MediaKind | None:
    """The media a uri string holds when the catalogue's media map does not list it."""
    if schema.get("format") != "uri" or "enum" in schema:
        return None
    return hint or _name_kind(name)


def _name_kind(name: str) -> MediaKind:
    return "audio" if "audio" in name else "video" if "video" in name else "image"


# Choices that mean "my own settings" rather than a preset (Kling's camera_control.type "simple").
_CUSTOM_CHOICES = ("simple", "custom")


def _custom_only(children: tuple[FieldSpec, ...]) -> tuple[FieldSpec, ...]:
    """A group of settings beside a choice of presets is shown (and sent) only for the custom choice."""
    choice = next(
        (c for c in children if c.widget is Widget.SELECT and any(o in _CUSTOM_CHOICES for o in c.options)), None
    )
    if choice is None:
        return children
    custom = next(o for o in choice.options if o in _CUSTOM_CHOICES)
    return tuple(
        replace(c, shown_when=(choice.name, custom)) if c.widget is Widget.GROUP and c is not choice else c
        for c in children
    )


def _is_mask_name(name: str) -> bool:
    return name == "mask" or name.endswith("_mask")


def _start_image(model: Model) -> str | None:
    """The image a mask or a path is painted on: the form's first top-level image field that is not a mask."""
    for name in model.field_names():
        schema = model.properties.get(name)
        if _is_mask_name(name) or not isinstance(schema, dict) or _types(schema.get("type")) not in (["string"], []):
            continue
        if (model.media_kind(name) or _uri_kind(name, schema, None)) == "image":
            return name
    return None


def _types(json_type: str | list[str] | None) -> list[str]:
    if isinstance(json_type, list):
        return [str(t) for t in json_type]
    return [json_type] if isinstance(json_type, str) else []


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _children(model: Model, schema: dict[str, Any], path: str, hint: MediaKind | None = None) -> tuple[FieldSpec, ...]:
    required = set(schema.get("required", ()))
    return tuple(
        field_spec(model, name, child, path=f"{path}.{name}", required=name in required, media_hint=hint)
        for name, child in schema.get("properties", {}).items()
    )
