"""The form a schema asks for: one widget per JSON Schema construct, with labels, limits and flags."""

from __future__ import annotations

from typing import Any

import pytest

from videostudio.catalogue import Catalogue, Model, model_from_studio_file
from videostudio.form.fields import SEGMENTED_MAX_OPTIONS, FieldSpec, Widget, form_fields

KLING = "kling-video/v1/standard/image-to-video"
PIXVERSE = "pixverse/v5/image-to-video"


def synthetic(properties: dict[str, Any], *, required: tuple[str, ...] = (), ui: dict[str, Any] | None = None) -> Model:
    """A model with just these properties (plus ``model``), loaded the way studio files are."""
    schema = {
        "type": "object",
        "properties": {"model": {"type": "string", "enum": ["test/synthetic"]}, **properties},
        "required": ["model", *required],
    }
    return model_from_studio_file({"id": "test/synthetic", "schema": schema, "ui": ui or {}})


def spec_of(model: Model, name: str) -> FieldSpec:
    return {f.name: f for f in form_fields(model)}[name]


def only(properties: dict[str, Any], **kwargs: Any) -> FieldSpec:
    (name,) = properties
    return spec_of(synthetic(properties, **kwargs), name)


# --- One widget per construct (synthetic schemas) --------------------------------------------------------------------


def test_string_enum_is_a_select() -> None:
    spec = only({"aspect_ratio": {"type": "string", "enum": ["16:9", "9:16"], "default": "16:9"}})
    assert spec.widget is Widget.SELECT
    assert spec.options == ("16:9", "9:16")
    assert spec.default == "16:9"
    assert not spec.integer


def test_small_integer_enum_is_segmented_with_coerced_default() -> None:
    spec = only({"duration": {"type": "integer", "enum": [5, 10], "default": "10"}})
    assert spec.widget is Widget.SEGMENTED
    assert spec.options == (5, 10)
    assert spec.default == 10
    assert spec.integer
    assert spec.step == 1


def test_integer_enum_up_to_the_limit_is_segmented_and_past_it_a_select() -> None:
    at_limit = list(range(1, SEGMENTED_MAX_OPTIONS + 1))
    past_limit = list(range(1, SEGMENTED_MAX_OPTIONS + 2))
    assert only({"n": {"type": "integer", "enum": at_limit}}).widget is Widget.SEGMENTED
    assert only({"n": {"type": "integer", "enum": past_limit}}).widget is Widget.SELECT


def test_number_enum_without_type_is_typed_and_segmented() -> None:
    spec = only({"duration": {"enum": [4, 8]}})
    assert spec.widget is Widget.SEGMENTED
    assert spec.integer


def test_boolean_is_a_toggle() -> None:
    spec = only({"generate_audio": {"type": "boolean", "default": False}})
    assert spec.widget is Widget.TOGGLE
    assert spec.default is False


def test_bounded_number_is_a_slider_with_its_bounds() -> None:
    spec = only({"strength": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5}})
    assert spec.widget is Widget.SLIDER
    assert (spec.minimum, spec.maximum) == (0, 1)
    assert not spec.integer
    assert spec.step == 0.05


def test_bounded_integer_is_an_integer_slider() -> None:
    spec = only({"num_frames": {"type": "integer", "minimum": 17, "maximum": 241}})
    assert spec.widget is Widget.SLIDER
    assert spec.integer and spec.step == 1


def test_half_bounded_number_is_a_plain_number() -> None:
    spec = only({"alpha_keyframe_index": {"type": "integer", "minimum": 0}})
    assert spec.widget is Widget.NUMBER
    assert spec.minimum == 0 and spec.maximum is None


def test_free_integer_named_seed_is_a_seed() -> None:
    spec = only({"seed": {"type": "integer"}})
    assert spec.widget is Widget.SEED
    assert spec.integer


def test_unbounded_numbers_are_numbers() -> None:
    assert only({"guidance_scale": {"type": "number"}}).widget is Widget.NUMBER
    # Only a field named seed gets the "random" choice.
    assert only({"num_inference_steps": {"type": "integer"}}).widget is Widget.NUMBER


def test_prompt_with_max_length_is_a_text_area_with_a_counter() -> None:
    spec = only({"prompt": {"type": "string", "maxLength": 2500}})
    assert spec.widget is Widget.TEXT_AREA
    assert spec.max_length == 2500


def test_prose_names_and_max_length_give_text_areas_other_strings_text() -> None:
    assert only({"negative_prompt": {"type": "string"}}).widget is Widget.TEXT_AREA
    assert only({"lip_sync_tts_content": {"type": "string"}}).widget is Widget.TEXT_AREA
    assert only({"caption": {"type": "string", "maxLength": 100}}).widget is Widget.TEXT_AREA
    plain = only({"provider": {"type": "string"}})
    assert plain.widget is Widget.TEXT
    assert plain.max_length is None


@pytest.mark.parametrize(
    ("name", "kind"),
    [("first_frame", "image"), ("driving_video_url", "video"), ("voice_audio_url", "audio")],
)
def test_uri_string_is_media_with_its_kind(name: str, kind: str) -> None:
    spec = only({name: {"type": "string", "format": "uri"}})
    assert spec.widget is Widget.MEDIA
    assert spec.media_kind == kind


def test_media_hint_overrides_the_inferred_kind() -> None:
    spec = only({"reference": {"type": "string", "format": "uri"}}, ui={"media": {"reference": "video"}})
    assert spec.widget is Widget.MEDIA
    assert spec.media_kind == "video"


def test_object_is_a_group_with_children() -> None:
    spec = only(
        {
            "advanced_camera_control": {
                "type": "object",
                "properties": {
                    "movement": {"type": "string", "enum": ["pan", "tilt"]},
                    "speed": {"type": "number", "minimum": -1, "maximum": 1},
                },
                "required": ["movement"],
            }
        }
    )
    assert spec.widget is Widget.GROUP
    assert [(c.name, c.widget, c.path) for c in spec.children] == [
        ("movement", Widget.SELECT, "advanced_camera_control.movement"),
        ("speed", Widget.SLIDER, "advanced_camera_control.speed"),
    ]
    assert [c.required for c in spec.children] == [True, False]


def test_array_of_mixed_objects_is_a_group_list() -> None:
    spec = only(
        {
            "multi_prompt": {
                "type": "array",
                "maxItems": 4,
                "items": {
                    "type": "object",
                    "properties": {"prompt": {"type": "string"}, "duration": {"type": "integer", "enum": [5, 10]}},
                },
            }
        }
    )
    assert spec.widget is Widget.GROUP_LIST
    assert [(c.name, c.widget) for c in spec.children] == [("prompt", Widget.TEXT_AREA), ("duration", Widget.SEGMENTED)]
    assert (spec.min_items, spec.max_items) == (0, 4)


def test_array_of_flat_number_objects_is_a_table() -> None:
    spec = only(
        {
            "points": {
                "type": "array",
                "minItems": 2,
                "maxItems": 10,
                "items": {
                    "type": "object",
                    "properties": {"x": {"type": "integer"}, "t": {"type": "number", "minimum": 0, "maximum": 1}},
                },
            }
        }
    )
    assert spec.widget is Widget.TABLE
    assert (spec.min_items, spec.max_items) == (2, 10)
    assert [c.name for c in spec.children] == ["x", "t"]


def test_array_of_objects_without_properties_is_not_a_table_but_unsupported() -> None:
    # Free-form objects have no fields to draw: the field says so instead of drawing empty groups.
    spec = only({"things": {"type": "array", "items": {"type": "object"}}})
    assert spec.widget is Widget.UNSUPPORTED
    assert spec.children == ()


def test_array_of_strings_is_a_list_with_limits() -> None:
    spec = only({"tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3}})
    assert spec.widget is Widget.LIST
    assert (spec.min_items, spec.max_items) == (1, 3)


def test_array_of_media_keeps_its_item_limits() -> None:
    spec = only(
        {
            "reference_image_urls": {
                "type": "array",
                "items": {"type": "string", "format": "uri"},
                "minItems": 1,
                "maxItems": 3,
            }
        }
    )
    # Several uploads or web addresses, not a single upload: the item limits must reach the form.
    assert spec.widget is Widget.MEDIA_LIST
    assert spec.media_kind == "image"
    assert (spec.min_items, spec.max_items) == (1, 3)


@pytest.mark.parametrize(
    ("schema", "widget"),
    [
        ({"type": "integer", "nullable": True, "minimum": 0, "maximum": 10}, Widget.SLIDER),
        ({"type": "array", "nullable": True, "items": {"type": "string"}}, Widget.LIST),
        ({"type": "boolean", "nullable": True}, Widget.TOGGLE),
    ],
)
def test_nullable_fields_keep_their_widget(schema: dict[str, Any], widget: Widget) -> None:
    # The catalogue turns OpenAPI's nullable into a type list; the widget must not fall back to text.
    spec = only({"setting": schema})
    assert spec.widget is widget
    assert spec.integer is (schema["type"] == "integer")


# --- Flags and labels ------------------------------------------------------------------------------------------------


def test_required_and_inferred_advanced_flags() -> None:
    model = synthetic(
        {
            "prompt": {"type": "string"},
            "image_url": {"type": "string", "format": "uri"},
            "seed": {"type": "integer"},
            "must": {"type": "string"},
        },
        required=("must",),
    )
    flags = {f.name: (f.required, f.advanced) for f in form_fields(model)}
    # Without an "advanced" hint, optional settings that are not media or the prompt are advanced.
    assert flags == {
        "prompt": (False, False),
        "image_url": (False, False),
        "seed": (False, True),
        "must": (True, False),
    }


def test_a_required_field_is_never_hidden_as_advanced() -> None:
    model = synthetic({"prompt": {"type": "string"}}, required=("prompt",), ui={"advanced": ["prompt"]})
    spec = spec_of(model, "prompt")
    assert spec.required and not spec.advanced


def test_labels_come_from_hints_else_from_the_name() -> None:
    model = synthetic(
        {"tail_image_url": {"type": "string", "format": "uri"}, "cfg_scale": {"type": "number"}},
        ui={"labels": {"cfg_scale": "Prompt adherence"}},
    )
    assert spec_of(model, "cfg_scale").label == "Prompt adherence"
    assert spec_of(model, "tail_image_url").label == "End image"


def test_help_comes_from_the_description() -> None:
    spec = only({"style": {"type": "string", "enum": ["anime"], "description": "The style of the video."}})
    assert spec.help == "The style of the video."


def test_display_order_follows_ui_order() -> None:
    properties = {"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}}
    model = synthetic(properties, ui={"order": ["c", "a"]})
    assert [f.name for f in form_fields(model)] == ["c", "a", "b"]
    assert "model" not in [f.name for f in form_fields(synthetic(properties))]


# --- The real models -------------------------------------------------------------------------------------------------


def test_kling_form(catalogue: Catalogue) -> None:
    kling = catalogue.get(KLING)
    fields = form_fields(kling)
    assert [f.name for f in fields] == [
        "image_url",
        "prompt",
        "tail_image_url",
        "duration",
        "negative_prompt",
        "cfg_scale",
        "camera_control",
        "static_mask",
        "dynamic_masks",
    ]
    by_name = {f.name: f for f in fields}
    assert by_name["image_url"].widget is Widget.MEDIA and by_name["image_url"].required
    assert by_name["image_url"].label == "First frame"
    assert by_name["tail_image_url"].label == "End frame"
    assert by_name["duration"].widget is Widget.SEGMENTED and by_name["duration"].default == 5
    assert by_name["cfg_scale"].widget is Widget.SLIDER and (
        by_name["cfg_scale"].minimum,
        by_name["cfg_scale"].maximum,
    ) == (
        0,
        1,
    )
    # Painted on the start image (the first frame).
    assert by_name["static_mask"].widget is Widget.MASK and by_name["static_mask"].canvas_of == "image_url"
    advanced = {f.name for f in fields if f.advanced}
    assert advanced == {"negative_prompt", "cfg_scale", "camera_control", "static_mask", "dynamic_masks"}


def test_kling_camera_control_is_a_nested_group(catalogue: Catalogue) -> None:
    camera = spec_of(catalogue.get(KLING), "camera_control")
    assert camera.widget is Widget.GROUP
    camera_type, config = camera.children
    assert camera_type.widget is Widget.SELECT and camera_type.path == "camera_control.type"
    assert config.widget is Widget.GROUP
    assert [c.name for c in config.children] == ["horizontal", "vertical", "pan", "tilt", "roll", "zoom"]
    for child in config.children:
        assert child.widget is Widget.SLIDER
        assert (child.minimum, child.maximum) == (-10, 10)
        assert child.path == f"camera_control.config.{child.name}"
        assert not child.required
    # The six sliders belong to the custom move ("simple"), not beside a preset one.
    assert config.shown_when == ("type", "simple") and camera_type.shown_when is None


def test_kling_dynamic_masks_are_groups_with_a_mask_and_a_trajectory_table(catalogue: Catalogue) -> None:
    masks = spec_of(catalogue.get(KLING), "dynamic_masks")
    assert masks.widget is Widget.GROUP_LIST
    assert masks.max_items == 6
    mask, trajectories = masks.children
    assert (mask.widget, mask.media_kind, mask.path, mask.required, mask.canvas_of) == (
        Widget.MASK,
        "image",
        "dynamic_masks.mask",
        True,
        "image_url",
    )
    assert trajectories.widget is Widget.PATH and trajectories.canvas_of == "image_url"
    assert (trajectories.min_items, trajectories.max_items) == (2, 77)
    assert trajectories.required
    assert [(c.name, c.widget, c.integer, c.required) for c in trajectories.children] == [
        ("x", Widget.NUMBER, True, True),
        ("y", Widget.NUMBER, True, True),
    ]


def test_pixverse_form(catalogue: Catalogue) -> None:
    by_name = {f.name: f for f in form_fields(catalogue.get(PIXVERSE))}
    assert by_name["lip_sync_tts_speaker"].widget is Widget.SELECT
    assert len(by_name["lip_sync_tts_speaker"].options) == 15
    assert by_name["lip_sync_tts_speaker"].label == "Voice"
    assert by_name["lip_sync_tts_content"].widget is Widget.TEXT_AREA
    assert by_name["lip_sync_tts_content"].label == "Lip-sync text"
    assert by_name["resolution"].widget is Widget.SELECT and by_name["resolution"].default == "720p"
    assert by_name["duration"].widget is Widget.SEGMENTED and by_name["duration"].options == (5, 8)
    assert by_name["seed"].widget is Widget.SEED and by_name["seed"].advanced
    assert by_name["prompt"].required and by_name["image_url"].required


def test_minimax_forms(catalogue: Catalogue) -> None:
    for model_id, image_required in (("video-01", False), ("video-01-live2d", True)):
        by_name = {f.name: f for f in form_fields(catalogue.get(model_id))}
        assert by_name["prompt"].widget is Widget.TEXT_AREA and by_name["prompt"].max_length == 2000
        assert by_name["enhance_prompt"].widget is Widget.TOGGLE and by_name["enhance_prompt"].default is True
        assert by_name["image_url"].widget is Widget.MEDIA
        assert by_name["image_url"].required is image_required


def test_fabric_form(catalogue: Catalogue) -> None:
    fields = form_fields(catalogue.get("veed/fabric-1.0"))
    assert [(f.name, f.widget, f.media_kind, f.required) for f in fields] == [
        ("image_url", Widget.MEDIA, "image", True),
        ("audio_url", Widget.MEDIA, "audio", True),
        ("resolution", Widget.SELECT, None, False),
    ]


def test_nullable_integer_enum_stays_segmented() -> None:
    spec = only({"duration": {"type": "integer", "enum": [5, 10], "nullable": True, "default": "5"}})
    assert spec.widget is Widget.SEGMENTED
    assert spec.integer and spec.default == 5


# --- Numbers: one numeric type, one-sided and exclusive bounds, steps ------------------------------------------------


def test_whole_number_default_on_a_number_field_becomes_a_float() -> None:
    # The wan2.2 documents: a number field with "default": 30 and no bounds (Streamlit refused the mix).
    spec = only({"guidance_scale": {"type": "number", "default": 30}})
    assert spec.widget is Widget.NUMBER
    assert spec.default == 30.0 and isinstance(spec.default, float)
    assert isinstance(spec.step, float)


def test_multiple_of_is_the_step_in_the_fields_type() -> None:
    assert only({"frames": {"type": "integer", "multipleOf": 4, "minimum": 8, "maximum": 80}}).step == 4
    spec = only({"scale": {"type": "number", "multipleOf": 0.25}})
    assert spec.step == 0.25 and spec.multiple_of == 0.25


def test_one_sided_bound_is_a_number_with_that_bound() -> None:
    spec = only({"frames": {"type": "integer", "minimum": 8}})
    assert spec.widget is Widget.NUMBER
    assert (spec.low, spec.high) == (8, None)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "number", "exclusiveMinimum": 0, "maximum": 1},  # JSON Schema: the bound itself
        {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 1},  # OpenAPI 3.0: a flag
    ],
)
def test_exclusive_minimum_starts_one_step_above_the_bound(schema: dict[str, Any]) -> None:
    spec = only({"strength": schema})
    assert spec.widget is Widget.SLIDER
    assert (spec.minimum, spec.exclusive_minimum) == (0, True)
    assert spec.low == 0.05 and spec.high == 1.0


def test_number_enum_of_floats_is_segmented_floats() -> None:
    spec = only({"cfg": {"type": "number", "enum": [0.5, 1.0, 1.5]}})
    assert spec.widget is Widget.SEGMENTED
    assert spec.options == (0.5, 1.0, 1.5) and not spec.integer


def test_nullable_number_is_a_nullable_number() -> None:
    spec = only({"shift": {"type": "number", "nullable": True}})
    assert spec.widget is Widget.NUMBER and spec.nullable


# --- Variants (anyOf / oneOf, type lists) ----------------------------------------------------------------------------


def test_string_or_array_of_uris_is_one_image_or_several() -> None:
    spec = only(
        {
            "image_url": {
                "anyOf": [
                    {"type": "string", "format": "uri"},
                    {"type": "array", "items": {"type": "string", "format": "uri"}},
                ]
            }
        }
    )
    assert spec.widget is Widget.VARIANT
    assert [v.label for v in spec.variants] == ["One image", "Several images"]
    assert [(v.widget, v.media_kind) for v in spec.variants] == [(Widget.MEDIA, "image"), (Widget.MEDIA_LIST, "image")]


def test_tagged_objects_are_labelled_by_their_type_and_their_url_is_that_media() -> None:
    tagged = [
        {
            "type": "object",
            "properties": {"type": {"type": "string", "enum": [kind]}, "url": {"type": "string", "format": "uri"}},
            "required": ["type", "url"],
        }
        for kind in ("video", "image")
    ]
    spec = only({"character": {"oneOf": tagged}})
    assert [v.label for v in spec.variants] == ["Video", "Image"]
    for variant, kind in zip(spec.variants, ("video", "image"), strict=True):
        tag, url = variant.children
        assert (tag.widget, tag.const) == (Widget.CONST, kind)
        assert (url.widget, url.media_kind, url.path) == (Widget.MEDIA, kind, "character.url")


def test_a_null_branch_is_the_variant_none() -> None:
    spec = only({"frame0": {"anyOf": [{"type": "string", "format": "uri"}, {"type": "integer"}, {"nullable": True}]}})
    assert [v.label for v in spec.variants] == ["One image", "A number", "None"]
    assert spec.nullable and spec.variants[-1].const is None


def test_one_branch_and_null_is_that_branch_left_optional() -> None:
    spec = only({"seed_image": {"anyOf": [{"type": "string", "format": "uri"}, {"type": "null"}]}})
    assert (spec.widget, spec.media_kind, spec.nullable) == (Widget.MEDIA, "image", True)


def test_type_list_of_two_kinds_is_a_variant_and_with_null_a_nullable_field() -> None:
    spec = only({"size": {"type": ["string", "integer"]}})
    assert [v.label for v in spec.variants] == ["Text", "A number"]
    text = only({"note": {"type": ["string", "null"]}})
    assert (text.widget, text.nullable) == (Widget.TEXT, True)


def test_the_official_documents_variants() -> None:
    from pathlib import Path

    from videostudio.catalogue import load_model

    root = Path("/work/shared/reference/openapi/video-models")
    if not root.is_dir():
        pytest.skip("the reference documents are not on this machine")
    act_two = load_model(root / "runway/act_two.json")
    ray = load_model(root / "luma-ai/ray-1-6.json")
    character = spec_of(act_two, "character")
    assert character.widget is Widget.VARIANT and [v.label for v in character.variants] == ["Video", "Image"]
    frame0 = spec_of(ray, "keyframes").children[0]
    assert [v.label for v in frame0.variants] == ["Image", "Generation", "None"]


# --- Fixed values, patterns, nested lists, and what cannot be drawn ---------------------------------------------------


def test_const_and_a_required_single_choice_are_fixed_values() -> None:
    assert only({"mode": {"const": "pro"}}).widget is Widget.CONST
    fixed = only({"kind": {"type": "string", "enum": ["video"]}}, required=("kind",))
    assert (fixed.widget, fixed.const) == (Widget.CONST, "video")
    # An optional single choice may still be left out: a select.
    assert only({"kind": {"type": "string", "enum": ["video"]}}).widget is Widget.SELECT


def test_pattern_reaches_the_text_field() -> None:
    spec = only({"code": {"type": "string", "pattern": "^[a-z]+$"}})
    assert (spec.widget, spec.pattern) == (Widget.TEXT, "^[a-z]+$")


def test_array_of_media_inside_repeated_groups_is_a_media_list() -> None:
    spec = only(
        {
            "elements": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "reference_image_urls": {
                            "type": "array",
                            "items": {"type": "string", "format": "uri"},
                            "maxItems": 4,
                        }
                    },
                },
            }
        }
    )
    (child,) = spec.children
    assert (spec.widget, child.widget, child.media_kind, child.max_items) == (
        Widget.GROUP_LIST,
        Widget.MEDIA_LIST,
        "image",
        4,
    )


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
        {"type": "array", "items": [{"type": "string"}, {"type": "integer"}]},
        {"type": "object", "additionalProperties": True},
        {"type": "file"},
        {"description": "no type at all"},
    ],
)
def test_what_the_studio_cannot_draw_is_unsupported(schema: dict[str, Any]) -> None:
    spec = only({"odd": schema})
    assert spec.widget is Widget.UNSUPPORTED and spec.reason


@pytest.mark.parametrize(
    "schema",
    [{"$ref": "#/components/schemas/Elsewhere"}, {"allOf": [{"type": "string"}, {"maxLength": 3}]}],
)
def test_references_and_merges_left_unresolved_are_unsupported(schema: dict[str, Any]) -> None:
    # The loader resolves and merges these; a schema that reaches the form without that still draws.
    model = Model(
        id="test/raw", name="Raw", vendor="test", summary="", schema={"type": "object", "properties": {"odd": schema}}
    )
    (spec,) = form_fields(model)
    assert spec.widget is Widget.UNSUPPORTED
