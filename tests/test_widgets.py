"""The widget registry: one object per widget kind that draws, restores and describes it; each new
construct drawn in a real (AppTest) form, and every kind put back by "Use these settings"."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest

from components.form.media_list_input import limits_text
from components.form.widgets import WIDGETS, describe_field
from components.form.widgets.choice import UNSUPPORTED_MESSAGE, UNSUPPORTED_REQUIRED
from tests.conftest import jpeg_bytes, studio_media
from tests.formtest import MODEL_ID, by_key, form_test, key
from tests.test_form import synthetic
from videostudio.form.fields import Widget, form_fields

pytestmark = pytest.mark.apptest

TAGGED_CHARACTER = {
    "description": "The character to animate.",
    "oneOf": [
        {
            "type": "object",
            "properties": {"type": {"type": "string", "enum": ["video"]}, "url": {"type": "string", "format": "uri"}},
            "required": ["type", "url"],
        },
        {
            "type": "object",
            "properties": {"type": {"type": "string", "enum": ["image"]}, "url": {"type": "string", "format": "uri"}},
            "required": ["type", "url"],
        },
    ],
}
ONE_OR_SEVERAL_IMAGES = {
    "anyOf": [
        {"type": "string", "format": "uri"},
        {"type": "array", "items": {"type": "string", "format": "uri"}, "maxItems": 2},
    ]
}

# A model with a field of every kind the studio draws.
EVERYTHING: dict[str, Any] = {
    "prompt": {"type": "string", "maxLength": 500},
    "style": {"type": "string", "enum": ["calm", "bold", "noir"]},
    "duration": {"type": "integer", "enum": [5, 10]},
    "loop": {"type": "boolean"},
    "strength": {"type": "number", "minimum": 0, "maximum": 1},
    "guidance": {"type": "number", "exclusiveMinimum": 0, "multipleOf": 0.5},
    "seed": {"type": "integer"},
    "code": {"type": "string", "pattern": "^[a-z]+$"},
    "image_url": {"type": "string", "format": "uri"},
    "image_urls": {"type": "array", "items": {"type": "string", "format": "uri"}, "maxItems": 3},
    "camera": {"type": "object", "properties": {"zoom": {"type": "number", "minimum": -10, "maximum": 10}}},
    "shots": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"prompt": {"type": "string"}, "duration": {"type": "integer", "enum": [1, 2]}},
            "required": ["prompt"],
        },
    },
    "path": {
        "type": "array",
        "items": {"type": "object", "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}}},
    },
    "curve": {
        "type": "array",
        "items": {"type": "object", "properties": {"t": {"type": "number"}, "value": {"type": "number"}}},
    },
    "static_mask": {"type": "string", "format": "uri"},
    "multi_prompt": {"type": "array", "items": {"type": "string"}},
    "character": TAGGED_CHARACTER,
    "version": {"const": "v2"},
    "extra": {"type": "object"},
}
SAVED: dict[str, Any] = {
    "prompt": "A fox in the snow",
    "style": "noir",
    "duration": 10,
    "loop": True,
    "strength": 0.25,
    "guidance": 2.5,
    "seed": 42,
    "code": "abc",
    "image_url": "https://example.com/a.jpg",
    "image_urls": ["https://example.com/1.jpg", "https://example.com/2.jpg"],
    "camera": {"zoom": 2.0},
    "shots": [{"prompt": "one", "duration": 2}],
    "static_mask": "https://example.com/mask.png",
    "multi_prompt": ["first shot", "second shot"],
    "character": {"type": "image", "url": "https://example.com/c.jpg"},
    "version": "v2",
}


# --- The registry ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(Widget))
def test_every_kind_has_one_object_that_draws_holds_restores_and_describes(kind: Widget) -> None:
    widget = WIDGETS[kind]
    for method in ("draw", "held", "restore", "describe"):
        assert callable(getattr(widget, method, None)), f"{kind}: no {method}"
    assert list(inspect.signature(widget.restore).parameters) == ["spec", "model", "path", "value", "saved"]


def test_the_everything_model_has_a_field_of_every_kind() -> None:
    # What makes the restore round trip below cover every kind.
    kinds = {spec.widget for spec in form_fields(synthetic(EVERYTHING))}
    assert kinds == set(Widget)


def test_every_kind_describes_itself_in_words() -> None:
    described = {spec.name: describe_field(spec) for spec in form_fields(synthetic(EVERYTHING))}
    assert described["style"] == "calm, bold, noir"
    assert described["duration"] == "5 s, 10 s"
    assert described["strength"] == "0 to 1"
    assert described["guidance"] == "more than 0, in steps of 0.5"
    assert described["image_urls"] == "up to 3 images: uploaded or from web addresses"
    assert described["character"].startswith("one of: Video (")
    assert described["version"] == "always v2"
    assert described["extra"].startswith("not editable in the studio")
    assert all(described.values())


def test_use_these_settings_puts_back_every_kind(tmp_path: Path) -> None:
    saved = {**SAVED, "path": [{"x": 1, "y": 2}], "curve": [{"t": 0, "value": 1}], "extra": {"anything": 1}}
    at = form_test(EVERYTHING, saved={"params": saved})
    assert at.session_state["payload"] == {"model": MODEL_ID, **SAVED}
    notes = at.session_state["restore_notes"]
    # The kinds that cannot be set from code say so rather than dropping the value silently.
    assert any(n.startswith("Path: draw the path again (1 point was") for n in notes)
    assert any(n.startswith("Curve: enter the rows again") for n in notes)
    assert any(n.startswith("Extra: can't be edited here") for n in notes)


def test_a_job_that_set_nothing_restores_an_empty_form() -> None:
    at = form_test(EVERYTHING, saved={"params": {}})
    # A switch always sends what it shows; everything else left unset is left out.
    assert at.session_state["payload"] == {"model": MODEL_ID, "loop": False, "version": "v2"}
    assert at.session_state["restore_notes"] == []


# --- Numbers --------------------------------------------------------------------------------------------------------


def test_a_whole_number_default_on_a_number_field_draws_and_sends_a_float() -> None:
    # The wan2.2 documents: "type": "number", "default": 30 crashed with StreamlitMixedNumericTypesError.
    at = form_test({"guidance_scale": {"type": "number", "default": 5}, "shift": {"type": "number", "default": 5}})
    box = by_key(at, "number_input", key("guidance_scale"))
    assert box.value == 5.0 and isinstance(box.value, float)
    box.set_value(7.5).run()
    assert at.session_state["payload"]["guidance_scale"] == 7.5


def test_one_sided_and_exclusive_bounds_and_multiple_of_reach_the_number_box() -> None:
    at = form_test(
        {
            "frames": {"type": "integer", "minimum": 8},
            "scale": {"type": "number", "exclusiveMinimum": 0, "multipleOf": 0.25},
            "ratio": {"type": "number", "exclusiveMaximum": 2, "minimum": 1},
        }
    )
    frames = by_key(at, "number_input", key("frames"))
    assert (frames.min, frames.max, frames.step) == (8, None, 1)
    scale = by_key(at, "number_input", key("scale"))
    assert (scale.min, scale.step) == (0.25, 0.25)
    by_key(at, "toggle", key("ratio__set")).set_value(True).run()
    ratio = by_key(at, "slider", key("ratio"))
    # An exclusive bound is one step inside: 2 itself is not offered.
    assert (ratio.min, ratio.max, ratio.step) == (1.0, 1.95, 0.05)
    scale.set_value(0.75).run()
    assert at.session_state["payload"]["scale"] == 0.75


def test_a_float_enum_is_a_row_of_float_choices() -> None:
    at = form_test({"cfg": {"type": "number", "enum": [0.5, 1.0, 1.5], "default": 1}})
    buttons = by_key(at, "button_group", key("cfg"))
    assert buttons.options and at.session_state["payload"]["cfg"] == 1
    buttons.set_value(1.5).run()
    assert at.session_state["payload"]["cfg"] == 1.5


# --- Variants -------------------------------------------------------------------------------------------------------


def test_a_tagged_variant_sends_the_chosen_type_with_its_upload() -> None:
    at = form_test({"character": TAGGED_CHARACTER}, required=("character",))
    choice = by_key(at, "button_group", key("character__variant"))
    assert choice.options == ["Video", "Image"]
    choice.set_value(1).run()
    uploader = by_key(at, "file_uploader", key("character~1.url__file"))
    uploader.upload("face.jpg", jpeg_bytes(), "image/jpeg").run()
    assert not at.exception
    payload = at.session_state["payload"]
    assert payload["character"]["type"] == "image"
    assert payload["character"]["url"].startswith("data:image/jpeg;base64,")
    assert at.session_state["upload_names"] == {"character.url": "face.jpg"}
    assert at.session_state["problems"] == {}


def test_a_tagged_variant_without_its_file_says_what_is_missing_under_the_field() -> None:
    at = form_test({"character": TAGGED_CHARACTER}, required=("character",))
    problems = at.session_state["problems"]
    assert problems == {"character.url": "A video is required: upload one or give its web address."}
    assert any("A video is required" in e.value for e in at.error)


def test_one_image_or_several_images() -> None:
    at = form_test({"image_url": ONE_OR_SEVERAL_IMAGES}, required=("image_url",))
    choice = by_key(at, "button_group", key("image_url__variant"))
    assert choice.options == ["One image", "Several images"]
    choice.set_value(1).run()
    uploader = by_key(at, "file_uploader", key("image_url~1__files"))
    uploader.set_value([("b.jpg", jpeg_bytes(color=(0, 0, 255)), "image/jpeg"), ("a.jpg", jpeg_bytes(), "image/jpeg")])
    at.run()
    payload = at.session_state["payload"]
    assert len(payload["image_url"]) == 2 and all(v.startswith("data:image/jpeg") for v in payload["image_url"])
    # The order given is the order sent.
    assert at.session_state["upload_names"] == {"image_url.0": "b.jpg", "image_url.1": "a.jpg"}


def test_a_null_variant_is_offered_as_none_and_sends_nothing() -> None:
    frame = {
        "anyOf": [
            TAGGED_CHARACTER["oneOf"][1],
            {
                "type": "object",
                "properties": {"type": {"enum": ["generation"]}, "id": {"type": "string"}},
                "required": ["type", "id"],
            },
            {"nullable": True},
        ]
    }
    at = form_test({"keyframes": {"type": "object", "properties": {"frame0": frame}}}, required=("keyframes",))
    choice = by_key(at, "button_group", key("keyframes.frame0__variant"))
    assert choice.value == 2  # "None" is where an optional variant starts
    assert "keyframes" not in at.session_state["payload"]
    choice.set_value(0).run()
    by_key(at, "button_group", key("keyframes.frame0~0.url__source")).set_value("Web address").run()
    by_key(at, "text_input", key("keyframes.frame0~0.url__url")).input("https://example.com/f.jpg").run()
    assert at.session_state["payload"]["keyframes"] == {"frame0": {"type": "image", "url": "https://example.com/f.jpg"}}


def test_a_type_list_of_two_kinds_is_a_variant() -> None:
    at = form_test({"size": {"type": ["string", "integer", "null"]}})
    choice = by_key(at, "button_group", key("size__variant"))
    choice.set_value(1).run()
    by_key(at, "number_input", key("size~1")).set_value(3).run()
    assert at.session_state["payload"]["size"] == 3


# --- Lists ----------------------------------------------------------------------------------------------------------


def test_media_list_says_its_limits_and_refuses_too_many() -> None:
    at = form_test(
        {"image_urls": {"type": "array", "items": {"type": "string", "format": "uri"}, "minItems": 1, "maxItems": 2}},
        required=("image_urls",),
    )
    assert any("Give 1 to 2 images" in c.value for c in at.caption)
    uploader = by_key(at, "file_uploader", key("image_urls__files"))
    uploader.set_value([(f"{i}.jpg", jpeg_bytes(), "image/jpeg") for i in range(3)])
    at.run()
    assert at.session_state["input_errors"] == {"image_urls": "At most 2 images: you gave 3. Remove 1."}
    assert "image_urls" not in at.session_state["payload"]
    assert len(at.image) == 3  # a preview of each


def test_media_list_by_web_address_one_per_line() -> None:
    at = form_test({"video_urls": {"type": "array", "items": {"type": "string", "format": "uri"}}})
    # Video lists take uploads too now; switched to web addresses, one per line.
    by_key(at, "segmented_control", key("video_urls__source")).set_value("Web addresses").run()
    by_key(at, "text_area", key("video_urls__urls")).input(
        "https://example.com/1.mp4\n\n https://example.com/2.mp4 "
    ).run()
    assert at.session_state["payload"]["video_urls"] == ["https://example.com/1.mp4", "https://example.com/2.mp4"]


def test_uploaded_media_list_is_put_back_from_the_kept_files(tmp_path: Path) -> None:
    from videostudio.library.kept_inputs import keep_inputs

    first = form_test({"image_urls": {"type": "array", "items": {"type": "string", "format": "uri"}}})
    by_key(first, "file_uploader", key("image_urls__files")).set_value(
        [("one.jpg", jpeg_bytes(color=(255, 0, 0)), "image/jpeg"), ("two.jpg", jpeg_bytes(), "image/jpeg")]
    )
    first.run()
    sent = first.session_state["payload"]
    inputs_dir = keep_inputs(sent, first.session_state["upload_names"], studio_media())
    params = {"image_urls": ["kept", "kept"]}
    again = form_test(
        {"image_urls": {"type": "array", "items": {"type": "string", "format": "uri"}}},
        saved={"params": params, "inputs_dir": inputs_dir},
    )
    assert again.session_state["payload"]["image_urls"] == sent["image_urls"]
    assert again.session_state["upload_names"] == {"image_urls.0": "one.jpg", "image_urls.1": "two.jpg"}


def test_strings_list_is_one_per_line() -> None:
    at = form_test({"multi_prompt": {"type": "array", "items": {"type": "string"}}})
    by_key(at, "text_area", key("multi_prompt")).input("a cat\n\nthe cat jumps").run()
    assert at.session_state["payload"]["multi_prompt"] == ["a cat", "the cat jumps"]


def test_media_list_nested_in_repeated_groups() -> None:
    elements = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "reference_image_urls": {"type": "array", "items": {"type": "string", "format": "uri"}, "maxItems": 4},
                "frontal_image_url": {"type": "string", "format": "uri"},
            },
            "required": ["reference_image_urls", "frontal_image_url"],
        },
    }
    at = form_test({"elements": elements})
    by_key(at, "number_input", key("elements__count")).set_value(1).run()
    by_key(at, "file_uploader", key("elements.0.reference_image_urls__files")).set_value(
        [("side.jpg", jpeg_bytes(), "image/jpeg")]
    )
    by_key(at, "file_uploader", key("elements.0.frontal_image_url__file")).upload(
        "front.jpg", jpeg_bytes(), "image/jpeg"
    )
    at.run()
    element = at.session_state["payload"]["elements"][0]
    assert len(element["reference_image_urls"]) == 1 and element["frontal_image_url"].startswith("data:image/")
    assert set(at.session_state["upload_names"]) == {
        "elements.0.reference_image_urls.0",
        "elements.0.frontal_image_url",
    }


# --- Fixed values, patterns, what cannot be drawn --------------------------------------------------------------------


def test_a_const_is_shown_read_only_and_always_sent() -> None:
    at = form_test({"mode": {"const": "pro"}}, required=("mode",))
    assert not at.text_input and not at.text_area
    assert any("`pro`" in m.value for m in at.markdown)
    assert at.session_state["payload"]["mode"] == "pro"


def test_a_pattern_is_checked_with_a_plain_message() -> None:
    at = form_test({"code": {"type": "string", "pattern": "^[a-z]+$"}})
    by_key(at, "text_input", key("code")).input("ABC 1").run()
    assert at.session_state["problems"]["code"].startswith("Not in the form this field expects")
    by_key(at, "text_input", key("code")).input("abc").run()
    assert at.session_state["problems"] == {}


@pytest.mark.parametrize(
    "odd",
    [
        {"type": "array", "items": [{"type": "string"}]},
        {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
        {"type": "object", "additionalProperties": {"type": "string"}},
        {"not": {"type": "string"}},
    ],
)
def test_what_cannot_be_drawn_says_so_on_the_field_and_never_raises(odd: dict[str, Any]) -> None:
    at = form_test({"prompt": {"type": "string"}, "odd_setting": odd}, ui={"advanced": []})
    assert [i.value for i in at.info] == [UNSUPPORTED_MESSAGE]
    by_key(at, "text_area", key("prompt")).input("a fox").run()
    assert at.session_state["payload"] == {"model": MODEL_ID, "prompt": "a fox"}


def test_a_required_setting_that_cannot_be_drawn_says_the_model_cannot_be_sent_yet() -> None:
    at = form_test({"odd_setting": {"not": {"type": "string"}}}, required=("odd_setting",))
    assert [i.value for i in at.info] == [UNSUPPORTED_REQUIRED]
    assert at.session_state["problems"] == {"odd_setting": "This field is required."}


def test_limits_text_says_the_item_limits() -> None:
    model = synthetic(
        {"image_urls": {"type": "array", "items": {"type": "string", "format": "uri"}, "minItems": 2, "maxItems": 2}}
    )
    assert limits_text(form_fields(model)[0]) == "exactly 2 images"
