"""What a form field is (``FieldSpec``), the kinds of input the studio draws (``Widget``), and schema readings.

``videostudio.form`` chooses a widget for each schema node by its table of rules; this module holds the words
and the small schema readings those rules share. No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from videostudio.catalogue import MediaKind, Model, humanize

# Integer enums with this many choices or fewer read best as a row of buttons.
SEGMENTED_MAX_OPTIONS = 5
# Strings whose name says they hold prose get a text area.
PROSE_NAMES = ("prompt", "content", "text", "description")
# Keywords the form cannot honour when it meets them unresolved (the loader is meant to resolve them).
UNDRAWABLE = ("$ref", "allOf", "not", "if", "patternProperties")


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


def variant_label(branch: dict[str, Any], spec: FieldSpec, tag: str | None) -> str:
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


def tag_of(branch: dict[str, Any]) -> Any:
    """The value of a tagged object's fixed ``type`` (or other single-value, required) property."""
    required = set(branch.get("required", ()))
    for key, prop in branch.get("properties", {}).items():
        if key in required and isinstance(prop, dict):
            if "const" in prop:
                return prop["const"]
            if len(prop.get("enum", ())) == 1:
                return prop["enum"][0]
    return None


def is_null_branch(branch: dict[str, Any]) -> bool:
    """A branch that only allows nothing: ``{"type": "null"}``, or what OpenAPI's ``{"nullable": true}`` becomes."""
    if types_of(branch.get("type")) == ["null"]:
        return True
    meaningful = set(branch) - {"nullable", "description", "title"}
    return not meaningful


def meta_of(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: schema[k] for k in ("description", "default", "title") if k in schema}


def is_odd(schema: dict[str, Any]) -> bool:
    return any(k in schema for k in (*UNDRAWABLE, "anyOf", "oneOf"))


def uri_kind(name: str, schema: dict[str, Any], hint: MediaKind | None) -> MediaKind | None:
    """The media a uri string holds when the catalogue's media map does not list it."""
    if schema.get("format") != "uri" or "enum" in schema:
        return None
    return hint or name_kind(name)


def name_kind(name: str) -> MediaKind:
    return "audio" if "audio" in name else "video" if "video" in name else "image"


# Choices that mean "my own settings" rather than a preset (Kling's camera_control.type "simple").
_CUSTOM_CHOICES = ("simple", "custom")


def custom_only(children: tuple[FieldSpec, ...]) -> tuple[FieldSpec, ...]:
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


def is_mask_name(name: str) -> bool:
    return name == "mask" or name.endswith("_mask")


def start_image_of(model: Model) -> str | None:
    """The image a mask or a path is painted on: the form's first top-level image field that is not a mask."""
    for name in model.field_names():
        schema = model.properties.get(name)
        if is_mask_name(name) or not isinstance(schema, dict) or types_of(schema.get("type")) not in (["string"], []):
            continue
        if (model.media_kind(name) or uri_kind(name, schema, None)) == "image":
            return name
    return None


def types_of(json_type: str | list[str] | None) -> list[str]:
    if isinstance(json_type, list):
        return [str(t) for t in json_type]
    return [json_type] if isinstance(json_type, str) else []


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
