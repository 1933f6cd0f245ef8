"""The widget choice is a table of rules: every widget is reachable, the first rule that holds wins, nothing changed."""

from __future__ import annotations

from collections import Counter
from typing import Any

from videostudio.catalogue import Catalogue, Model
from videostudio.form import WIDGET_RULES, FieldSpec, Widget, field_spec, form_fields

KLING = "kling-video/v1/standard/image-to-video"  # has a start image, so masks and paths are drawn on it
URI = {"type": "string", "format": "uri"}
POINTS = {"type": "object", "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}}}

# One schema node per widget: (name, schema, required) -> the widget the table chooses for it.
EXAMPLES: dict[Widget, tuple[str, Any, bool]] = {
    Widget.SELECT: ("aspect_ratio", {"type": "string", "enum": ["16:9", "9:16"]}, False),
    Widget.SEGMENTED: ("duration", {"type": "integer", "enum": [5, 10]}, False),
    Widget.TOGGLE: ("generate_audio", {"type": "boolean"}, False),
    Widget.SLIDER: ("cfg_scale", {"type": "number", "minimum": 0, "maximum": 1}, False),
    Widget.NUMBER: ("steps", {"type": "integer", "minimum": 1}, False),
    Widget.SEED: ("seed", {"type": "integer", "minimum": 0, "maximum": 4294967295}, False),
    Widget.TEXT_AREA: ("prompt", {"type": "string"}, True),
    Widget.TEXT: ("style", {"type": "string"}, False),
    Widget.MEDIA: ("video_url", URI, True),
    Widget.MEDIA_LIST: ("image_urls", {"type": "array", "items": URI}, False),
    Widget.GROUP: ("camera", {"type": "object", "properties": {"zoom": {"type": "number"}}}, False),
    Widget.GROUP_LIST: ("shots", {"type": "array", "items": {"type": "object", "properties": {"text": {}}}}, False),
    Widget.TABLE: (
        "points",
        {"type": "array", "items": {"type": "object", "properties": {"t": {"type": "number"}}}},
        False,
    ),
    Widget.MASK: ("static_mask", URI, False),
    Widget.PATH: ("trajectory", {"type": "array", "items": POINTS}, False),
    Widget.LIST: ("negative_words", {"type": "array", "items": {"type": "string"}}, False),
    Widget.VARIANT: ("size", {"type": ["string", "integer"]}, False),
    Widget.CONST: ("mode", {"const": "pro"}, False),
    Widget.UNSUPPORTED: ("extra", {"type": "object"}, False),
}


def spec(model: Model, name: str, schema: Any, required: bool) -> FieldSpec:
    return field_spec(model, name, schema, path=name, required=bool(required))


def test_every_widget_is_chosen_by_a_rule_and_reached_by_an_example(catalogue: Catalogue) -> None:
    assert {rule.widget for rule in WIDGET_RULES} == set(Widget)
    assert set(EXAMPLES) == set(Widget)
    model = catalogue.get(KLING)
    chosen = {widget: spec(model, *example).widget for widget, example in EXAMPLES.items()}
    assert chosen == {widget: widget for widget in Widget}


def test_the_last_rule_takes_any_node(catalogue: Catalogue) -> None:
    assert WIDGET_RULES[-1].widget is Widget.TEXT
    assert spec(catalogue.get(KLING), "note", {"type": "string", "format": "date"}, False).widget is Widget.TEXT


def test_the_first_rule_that_holds_wins(catalogue: Catalogue) -> None:
    model = catalogue.get(KLING)
    # A bounded seed is a seed, not a slider; a one-choice required enum is fixed, not a select.
    assert spec(model, "seed", {"type": "integer", "minimum": 0, "maximum": 9}, False).widget is Widget.SEED
    assert spec(model, "mode", {"type": "string", "enum": ["pro"]}, True).widget is Widget.CONST
    assert spec(model, "mode", {"type": "string", "enum": ["pro"]}, False).widget is Widget.SELECT
    # Unresolved keywords are read no further, whatever else the node says.
    unsupported = spec(model, "x", {"$ref": "#/a", "type": ["string", "null"]}, False)
    assert (unsupported.widget, unsupported.reason, unsupported.nullable) == (Widget.UNSUPPORTED, "$ref", False)


def test_the_widgets_of_the_whole_catalogue_are_pinned(catalogue: Catalogue) -> None:
    def walk(specs: tuple[FieldSpec, ...] | list[FieldSpec]) -> list[Widget]:
        return [w for s in specs for w in (s.widget, *walk(s.children), *walk(s.variants))]

    counts = Counter(w for model in catalogue for w in walk(form_fields(model)))
    assert len(catalogue) == 143
    assert counts == PINNED


# Measured over every field of the 143 models when the if-chain became this table (unchanged by it).
PINNED = Counter(
    {
        Widget.SELECT: 272,
        Widget.TEXT_AREA: 203,
        Widget.MEDIA: 182,
        Widget.TOGGLE: 159,
        Widget.SLIDER: 116,
        Widget.SEGMENTED: 83,
        Widget.NUMBER: 62,
        Widget.SEED: 49,
        Widget.TEXT: 46,
        Widget.MEDIA_LIST: 42,
        Widget.GROUP: 42,
        Widget.CONST: 22,
        Widget.GROUP_LIST: 21,
        Widget.MASK: 18,
        Widget.PATH: 9,
        Widget.VARIANT: 9,
        Widget.LIST: 8,
    }
)
