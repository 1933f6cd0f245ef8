"""The form a model's schema asks for: which widget each field gets, with its label, help and limits.

This is the one place that maps JSON Schema constructs to widget kinds. Choosing a kind is a lookup in
``WIDGET_RULES``, an ordered table of (when, widget) rules like react-jsonschema-form's ``getWidget``: the first
rule whose test holds for a schema node gives its widget, and that widget's builder fills in the settings.
It knows nothing of Streamlit: ``components/widgets/`` holds one object per kind that draws, restores and
describes what this module specifies.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from videostudio.catalogue import MEDIA_KIND_NAMES, MediaKind, Model
from videostudio.form_spec import (
    NONE_LABEL,
    PROSE_NAMES,
    SEGMENTED_MAX_OPTIONS,
    UNDRAWABLE,
    FieldSpec,
    Widget,
    custom_only,
    is_mask_name,
    is_null_branch,
    is_number,
    is_odd,
    meta_of,
    start_image_of,
    tag_of,
    types_of,
    uri_kind,
    variant_label,
)
from videostudio.labels import field_label, plain_help

__all__ = ["NONE_LABEL", "SEGMENTED_MAX_OPTIONS", "WIDGET_RULES", "FieldSpec", "Widget", "field_spec", "form_fields"]


class SchemaNode:
    """One schema node on its way to a FieldSpec, with what the widget rules read of it (each read once)."""

    def __init__(
        self, model: Model, name: str, schema: Any, path: str, required: bool, advanced: bool, hint: MediaKind | None
    ) -> None:
        self.model, self.name, self.path, self.required, self.advanced = model, name, path, required, advanced
        self.schema: dict[str, Any] = schema if isinstance(schema, dict) else {"not": "a schema"}
        self.hint = hint  # the media a uri string holds where the catalogue's media map cannot say
        types = types_of(self.schema.get("type"))
        self.nullable = "null" in types
        self.concrete = [t for t in types if t != "null"]
        self.json_type = self.concrete[0] if self.concrete else None

    @functools.cached_property
    def common(self) -> dict[str, Any]:
        """The settings every widget shares."""
        description = self.schema.get("description", "")
        description = description if isinstance(description, str) else ""
        return {
            "name": self.name,
            "path": self.path,
            "label": self.model.label(self.path) if "." not in self.path else field_label(self.name, description),
            "help": plain_help(description, self.model.field_labels()),
            "required": self.required,
            "advanced": self.advanced,
            "default": self.schema.get("default"),
        }

    @property
    def typed(self) -> dict[str, Any]:
        """The shared settings once the node has one type: they say whether it may be left empty."""
        return {**self.common, "nullable": self.nullable}

    @property
    def stringish(self) -> bool:
        return self.json_type in ("string", None)

    @functools.cached_property
    def media_kind(self) -> MediaKind | None:
        # Inside a tagged variant the tag says the media; the catalogue's map keeps one kind per path (the first).
        kind = uri_kind(self.name, self.schema, self.hint) if self.hint else None
        return kind or self.model.media_kind(self.path) or uri_kind(self.name, self.schema, None)

    @functools.cached_property
    def start_image(self) -> str | None:
        return start_image_of(self.model)

    @functools.cached_property
    def bounds(self) -> tuple[Any, Any, bool, bool]:
        """Minimum, maximum, and whether each is exclusive."""
        minimum, maximum = self.schema.get("minimum"), self.schema.get("maximum")
        exclusive_min, exclusive_max = self.schema.get("exclusiveMinimum"), self.schema.get("exclusiveMaximum")
        # JSON Schema gives exclusive bounds as numbers; OpenAPI 3.0 as a flag on minimum/maximum.
        low_open = exclusive_min is True or is_number(exclusive_min)
        high_open = exclusive_max is True or is_number(exclusive_max)
        minimum = exclusive_min if is_number(exclusive_min) else minimum
        maximum = exclusive_max if is_number(exclusive_max) else maximum
        return minimum, maximum, low_open and minimum is not None, high_open and maximum is not None

    @functools.cached_property
    def children(self) -> tuple[FieldSpec, ...]:
        """An object's fields."""
        return _children(self.model, self.schema, self.path, self.hint)

    @property
    def items(self) -> Any:
        return self.schema.get("items", {})

    @property
    def item_types(self) -> list[str]:
        return [t for t in types_of(self.items.get("type")) if t != "null"]

    @functools.cached_property
    def item_children(self) -> tuple[FieldSpec, ...]:
        """The fields of an array's objects."""
        return _children(self.model, self.items, self.path, self.media_kind or self.hint)

    @property
    def plain_items(self) -> bool:
        """An array of strings, typed or not, without choices or constructs of their own."""
        return self.item_types in (["string"], []) and "enum" not in self.items and not is_odd(self.items)

    @property
    def limits(self) -> dict[str, Any]:
        return {"min_items": int(self.schema.get("minItems", 0)), "max_items": self.schema.get("maxItems")}


@dataclass(frozen=True)
class WidgetRule:
    """A row of the table: the first rule whose ``when`` holds for a node gives it ``widget``."""

    when: Callable[[SchemaNode], bool]
    widget: Widget
    reason: str = ""  # UNSUPPORTED: what the studio met ("{}" takes the node's type)


def _is(json_type: str) -> Callable[[SchemaNode], bool]:
    return lambda n: n.json_type == json_type


def _numeric(n: SchemaNode) -> bool:
    return n.json_type in ("integer", "number")


def _array_of_objects(n: SchemaNode) -> bool:
    return n.json_type == "array" and isinstance(n.items, dict) and n.item_types == ["object"]


def _array_of_strings(n: SchemaNode) -> bool:
    return n.json_type == "array" and isinstance(n.items, dict) and n.plain_items


# In order: the first rule that holds gives the widget (a variant of [X, null] is X that may be left empty).
WIDGET_RULES: tuple[WidgetRule, ...] = (
    WidgetRule(lambda n: any(k in n.schema for k in UNDRAWABLE), Widget.UNSUPPORTED, reason="{keywords}"),
    WidgetRule(lambda n: "anyOf" in n.schema or "oneOf" in n.schema, Widget.VARIANT),
    WidgetRule(lambda n: len(n.concrete) > 1, Widget.VARIANT),  # ["string", "integer"]: a variant per type
    WidgetRule(lambda n: "const" in n.schema or (len(n.schema.get("enum", ())) == 1 and n.required), Widget.CONST),
    # A mask beside a start image is painted on it.
    WidgetRule(
        lambda n: is_mask_name(n.name) and n.stringish and bool(n.start_image) and n.start_image != n.path, Widget.MASK
    ),
    WidgetRule(lambda n: n.stringish and bool(n.media_kind), Widget.MEDIA),
    WidgetRule(
        lambda n: "enum" in n.schema and _numeric(n) and len(n.schema["enum"]) <= SEGMENTED_MAX_OPTIONS,
        Widget.SEGMENTED,
    ),
    WidgetRule(lambda n: "enum" in n.schema, Widget.SELECT),
    WidgetRule(_is("boolean"), Widget.TOGGLE),
    # A seed is a number to type, even when bounded (0..4294967295 makes no slider).
    WidgetRule(lambda n: _numeric(n) and n.name == "seed", Widget.SEED),
    WidgetRule(lambda n: _numeric(n) and None not in n.bounds[:2], Widget.SLIDER),
    WidgetRule(_numeric, Widget.NUMBER),
    WidgetRule(lambda n: n.json_type == "object" and not n.children, Widget.UNSUPPORTED, reason="a free-form object"),
    WidgetRule(_is("object"), Widget.GROUP),
    WidgetRule(
        lambda n: n.json_type == "array" and not isinstance(n.items, dict),
        Widget.UNSUPPORTED,
        reason="a tuple of items",
    ),
    WidgetRule(
        lambda n: (
            _array_of_objects(n) and bool(n.start_image) and sorted(c.name for c in n.item_children) == ["x", "y"]
        ),
        Widget.PATH,
    ),
    WidgetRule(
        lambda n: _array_of_objects(n) and not n.item_children, Widget.UNSUPPORTED, reason="a list of free-form objects"
    ),
    WidgetRule(
        lambda n: _array_of_objects(n) and all(c.widget in (Widget.NUMBER, Widget.SLIDER) for c in n.item_children),
        Widget.TABLE,
    ),
    WidgetRule(_array_of_objects, Widget.GROUP_LIST),
    WidgetRule(
        lambda n: _array_of_strings(n) and (n.media_kind or n.hint or uri_kind(n.name, n.items, None)) is not None,
        Widget.MEDIA_LIST,
    ),
    WidgetRule(lambda n: _array_of_strings(n) and n.item_types == ["string"], Widget.LIST),
    WidgetRule(_is("array"), Widget.UNSUPPORTED, reason="a list of this kind"),
    WidgetRule(lambda n: not n.stringish, Widget.UNSUPPORTED, reason="type {json_type}"),
    WidgetRule(
        lambda n: n.json_type is None and not n.schema.get("format") and not {"maxLength", "pattern"} & set(n.schema),
        Widget.UNSUPPORTED,
        reason="no type",
    ),
    WidgetRule(lambda n: any(w in n.name for w in PROSE_NAMES) or "maxLength" in n.schema, Widget.TEXT_AREA),
    WidgetRule(lambda n: True, Widget.TEXT),  # any other string
)


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
    """The widget and settings for one schema node: the first of ``WIDGET_RULES`` that holds, then its builder.

    ``media_hint`` is the media a uri string holds where the catalogue's media map cannot say (inside a
    variant tagged ``{"type": "video", "url": ...}``).
    """
    node = SchemaNode(model, name, schema, path, required, advanced, media_hint)
    rule = next(rule for rule in WIDGET_RULES if rule.when(node))
    return _BUILDERS[rule.widget](node, rule)


def _unsupported(n: SchemaNode, rule: WidgetRule) -> FieldSpec:
    keywords = [k for k in UNDRAWABLE if k in n.schema]
    reason = rule.reason.format(keywords=", ".join(keywords), json_type=n.json_type)
    if keywords:  # a node with unresolved keywords is read no further
        return FieldSpec(widget=Widget.UNSUPPORTED, reason=reason, **n.common)
    limits = n.limits if n.json_type == "array" and isinstance(n.items, dict) else {}
    return FieldSpec(widget=Widget.UNSUPPORTED, reason=reason, **limits, **n.typed)


def _variant(n: SchemaNode, rule: WidgetRule) -> FieldSpec:
    schema = n.schema
    if "anyOf" not in schema and "oneOf" not in schema:  # ["string", "integer"]: each type is a variant of its own
        branches = [{**schema, "type": t} for t in n.concrete] + ([{"type": "null"}] if n.nullable else [])
        schema = {"anyOf": branches, **meta_of(schema)}
    return _variant_spec(n.model, n.name, schema, n.path, n.common, n.hint)


def _const(n: SchemaNode, rule: WidgetRule) -> FieldSpec:
    value = n.schema["const"] if "const" in n.schema else n.schema["enum"][0]
    return FieldSpec(widget=Widget.CONST, options=(value,), **n.typed)


def _media(n: SchemaNode, rule: WidgetRule) -> FieldSpec:
    settings = n.typed
    if n.name in ("url", "uri") and n.media_kind:  # {"type": "image", "url": ...}: the file is the image
        settings["label"] = n.media_kind.capitalize()
    return FieldSpec(widget=Widget.MEDIA, media_kind=n.media_kind, **settings)


def _choice(n: SchemaNode, rule: WidgetRule) -> FieldSpec:
    options = tuple(n.schema["enum"])
    return FieldSpec(widget=rule.widget, options=options, integer=n.json_type == "integer", **n.typed)


def _number(n: SchemaNode, rule: WidgetRule) -> FieldSpec:
    minimum, maximum, low_open, high_open = n.bounds
    multiple_of = n.schema.get("multipleOf")
    spec = FieldSpec(
        widget=rule.widget,
        minimum=minimum,
        maximum=maximum,
        exclusive_minimum=low_open,
        exclusive_maximum=high_open,
        multiple_of=multiple_of if is_number(multiple_of) and multiple_of > 0 else None,
        integer=n.json_type == "integer",
        **n.typed,
    )
    # One numeric type for value, step and bounds (an integer default on a number field is a float).
    return replace(spec, default=spec.number(spec.default) if is_number(spec.default) else None)


def _objects(n: SchemaNode, rule: WidgetRule) -> FieldSpec:
    canvas = {"canvas_of": n.start_image or ""} if rule.widget is Widget.PATH else {}
    return FieldSpec(widget=rule.widget, children=n.item_children, **canvas, **n.limits, **n.typed)


def _text(n: SchemaNode, rule: WidgetRule) -> FieldSpec:
    return FieldSpec(
        widget=rule.widget,
        max_length=n.schema.get("maxLength"),
        longest_anywhere=n.model.longest_prompt if n.path in n.model.unbounded_prompts() else None,
        pattern=n.schema.get("pattern"),
        **n.typed,
    )


# How each widget's settings are filled in, once a rule has chosen it.
_BUILDERS: dict[Widget, Callable[[SchemaNode, WidgetRule], FieldSpec]] = {
    Widget.UNSUPPORTED: _unsupported,
    Widget.VARIANT: _variant,
    Widget.CONST: _const,
    Widget.MASK: lambda n, rule: FieldSpec(
        widget=Widget.MASK, media_kind="image", canvas_of=n.start_image or "", **n.typed
    ),
    Widget.MEDIA: _media,
    Widget.SEGMENTED: _choice,
    Widget.SELECT: _choice,
    Widget.TOGGLE: lambda n, rule: FieldSpec(widget=Widget.TOGGLE, **n.typed),
    Widget.SEED: _number,
    Widget.SLIDER: _number,
    Widget.NUMBER: _number,
    Widget.GROUP: lambda n, rule: FieldSpec(widget=Widget.GROUP, children=custom_only(n.children), **n.typed),
    Widget.PATH: _objects,
    Widget.TABLE: _objects,
    Widget.GROUP_LIST: _objects,
    Widget.MEDIA_LIST: lambda n, rule: FieldSpec(
        widget=Widget.MEDIA_LIST,
        media_kind=n.media_kind or n.hint or uri_kind(n.name, n.items, None),
        **n.limits,
        **n.typed,
    ),
    Widget.LIST: lambda n, rule: FieldSpec(
        widget=Widget.LIST, max_length=n.items.get("maxLength"), **n.limits, **n.typed
    ),
    Widget.TEXT_AREA: _text,
    Widget.TEXT: _text,
}


def _variant_spec(
    model: Model, name: str, schema: dict[str, Any], path: str, common: dict[str, Any], hint: MediaKind | None
) -> FieldSpec:
    siblings = meta_of(schema)
    branches = [dict(b) for b in schema.get("oneOf", schema.get("anyOf", [])) if isinstance(b, dict)]
    real = [b for b in branches if not is_null_branch(b)]
    has_null = len(real) < len(branches)
    if len(real) == 1:
        # anyOf [X, null]: X that may be left empty.
        spec = field_spec(model, name, {**siblings, **real[0]}, path=path, required=common["required"], media_hint=hint)
        return replace(spec, nullable=True, advanced=common["advanced"], help=spec.help or common["help"])
    if not real:
        return FieldSpec(widget=Widget.UNSUPPORTED, reason="no usable variant", **common)
    variants = []
    for branch in real:
        tag = tag_of(branch)
        branch_hint = tag if tag in MEDIA_KIND_NAMES else hint
        spec = field_spec(model, name, branch, path=path, required=True, media_hint=branch_hint)
        variants.append(replace(spec, label=variant_label(branch, spec, tag)))
    if has_null:
        variants.append(FieldSpec(name=name, path=path, label=NONE_LABEL, widget=Widget.CONST, options=(None,)))
    labels = [v.label for v in variants]
    variants = [
        replace(v, label=f"{v.label} ({i + 1})") if labels.count(v.label) > 1 else v for i, v in enumerate(variants)
    ]
    return FieldSpec(widget=Widget.VARIANT, variants=tuple(variants), nullable=has_null, **common)


def _children(model: Model, schema: dict[str, Any], path: str, hint: MediaKind | None = None) -> tuple[FieldSpec, ...]:
    required = set(schema.get("required", ()))
    return tuple(
        field_spec(model, name, child, path=f"{path}.{name}", required=name in required, media_hint=hint)
        for name, child in schema.get("properties", {}).items()
    )
