"""Building the request body from form values, and every problem validation reports before a submit."""

from __future__ import annotations

from typing import Any

import pytest

from videostudio.catalogue import Catalogue, Model, model_from_studio_file
from videostudio.form.payload import Problem, build_payload, validate_payload

KLING = "kling-video/v1/standard/image-to-video"
PIXVERSE = "pixverse/v5/image-to-video"
VIDEO_01 = "video-01"
LIVE2D = "video-01-live2d"
FABRIC = "veed/fabric-1.0"


def problems_by_field(problems: list[Problem]) -> dict[str, str]:
    return {p.path: p.message for p in problems}


IMAGE = "https://example.com/cat.jpg"
# A 1x1 PNG: a real data URI as the studio's uploads produce.
PNG_URI = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="module")
def kling(catalogue: Catalogue) -> Model:
    return catalogue.get(KLING)


@pytest.fixture(scope="module")
def pixverse(catalogue: Catalogue) -> Model:
    return catalogue.get(PIXVERSE)


def paths(problems: list[Problem]) -> list[str]:
    return [p.path for p in problems]


def mask(points: int) -> dict[str, Any]:
    return {"mask": IMAGE, "trajectories": [{"x": i, "y": i} for i in range(points)]}


# --- build_payload ---------------------------------------------------------------------------------------------------


def test_payload_starts_with_the_model(kling: Model) -> None:
    assert build_payload(kling, {}) == {"model": KLING}


def test_unset_and_empty_values_are_left_out(kling: Model) -> None:
    payload = build_payload(
        kling,
        {
            "image_url": IMAGE,
            "prompt": "",
            "negative_prompt": "   ",
            "tail_image_url": None,
            "dynamic_masks": [],
            "camera_control": {},
        },
    )
    assert payload == {"model": KLING, "image_url": IMAGE}


def test_strings_are_stripped(kling: Model) -> None:
    payload = build_payload(kling, {"image_url": f"  {IMAGE}\n", "prompt": "  a cat surfing \t"})
    assert payload["image_url"] == IMAGE
    assert payload["prompt"] == "a cat surfing"


def test_falsy_but_set_values_are_kept(catalogue: Catalogue, kling: Model) -> None:
    # Off and zero are choices, not "unset".
    minimax = build_payload(catalogue.get(VIDEO_01), {"prompt": "x", "enhance_prompt": False})
    assert minimax["enhance_prompt"] is False
    assert build_payload(kling, {"cfg_scale": 0})["cfg_scale"] == 0
    assert build_payload(kling, {"camera_control": {"config": {"zoom": 0}}})["camera_control"] == {
        "config": {"zoom": 0}
    }


def test_empty_nested_groups_are_pruned(kling: Model) -> None:
    payload = build_payload(
        kling,
        {
            "image_url": IMAGE,
            "camera_control": {"type": "", "config": {"zoom": None, "pan": None}},
            "dynamic_masks": [{"mask": "", "trajectories": []}, {"mask": None, "trajectories": [{"x": None}]}],
        },
    )
    assert "camera_control" not in payload
    assert "dynamic_masks" not in payload


def test_partly_filled_nested_groups_keep_only_what_is_set(kling: Model) -> None:
    payload = build_payload(
        kling,
        {
            "camera_control": {"type": "simple", "config": {"zoom": 3, "pan": None, "tilt": ""}},
            "dynamic_masks": [mask(2), {"mask": "", "trajectories": []}],
        },
    )
    assert payload["camera_control"] == {"type": "simple", "config": {"zoom": 3}}
    assert payload["dynamic_masks"] == [mask(2)]


def test_values_for_unknown_fields_are_not_sent(kling: Model) -> None:
    payload = build_payload(kling, {"image_url": IMAGE, "aspect_ratio": "16:9", "model": "someone/else"})
    assert payload == {"model": KLING, "image_url": IMAGE}


def test_defaults_are_not_filled_in(pixverse: Model) -> None:
    payload = build_payload(pixverse, {"prompt": "x", "image_url": IMAGE})
    assert "resolution" not in payload and "duration" not in payload


# --- validate_payload: required --------------------------------------------------------------------------------------


def test_missing_required_fields_are_flagged_as_missing(pixverse: Model) -> None:
    problems = validate_payload(pixverse, {"model": PIXVERSE})
    assert paths(problems) == ["image_url", "prompt"]  # form order: the image comes first on this model
    assert all(p.missing for p in problems)
    by_path = problems_by_field(problems)
    assert "image" in by_path["image_url"].lower()
    assert by_path["prompt"] == "This field is required."


def test_missing_media_messages_name_the_kind(catalogue: Catalogue) -> None:
    problems = problems_by_field(validate_payload(catalogue.get(FABRIC), {"model": FABRIC}))
    assert set(problems) == {"image_url", "audio_url"}
    assert "image is required" in problems["image_url"]
    assert "audio clip is required" in problems["audio_url"]


def test_live2d_image_is_required_after_the_quirk_fix(catalogue: Catalogue) -> None:
    problems = validate_payload(catalogue.get(LIVE2D), {"model": LIVE2D, "prompt": "a wave"})
    assert [(p.path, p.missing) for p in problems] == [("image_url", True)]
    assert validate_payload(catalogue.get(VIDEO_01), {"model": VIDEO_01, "prompt": "a wave"}) == []


def test_a_wrong_value_is_not_flagged_as_missing(kling: Model) -> None:
    (problem,) = validate_payload(kling, {"model": KLING, "image_url": IMAGE, "duration": 7})
    assert problem.path == "duration"
    assert not problem.missing


# --- validate_payload: values ----------------------------------------------------------------------------------------


def test_enum(pixverse: Model) -> None:
    payload = {"model": PIXVERSE, "prompt": "x", "image_url": IMAGE, "lip_sync_tts_speaker": "Bob"}
    (problem,) = validate_payload(pixverse, payload)
    assert problem.path == "lip_sync_tts_speaker"
    assert problem.message.startswith("Pick one of:")
    assert "Auto" in problem.message and "Harper" in problem.message


def test_max_length(catalogue: Catalogue) -> None:
    model = catalogue.get(VIDEO_01)
    assert validate_payload(model, {"model": VIDEO_01, "prompt": "x" * 2000}) == []
    (problem,) = validate_payload(model, {"model": VIDEO_01, "prompt": "x" * 2001})
    assert problem.path == "prompt"
    assert problem.message == "Too long: 2,001 characters, at most 2,000."


@pytest.mark.parametrize(
    ("value", "message"),
    [(0, None), (1, None), (0.5, None), (1.5, "Must be at most 1."), (-0.1, "Must be at least 0.")],
)
def test_cfg_scale_range(kling: Model, value: float, message: str | None) -> None:
    problems = validate_payload(kling, {"model": KLING, "image_url": IMAGE, "cfg_scale": value})
    expected = {} if message is None else {"cfg_scale": message}
    assert problems_by_field(problems) == expected


def test_nested_camera_zoom_out_of_range_has_the_nested_path(kling: Model) -> None:
    payload = {"model": KLING, "image_url": IMAGE, "camera_control": {"type": "simple", "config": {"zoom": 11}}}
    (problem,) = validate_payload(kling, payload)
    assert problem.path == "camera_control.config.zoom"
    assert problem.message == "Must be at most 10."
    payload["camera_control"]["config"]["zoom"] = -10
    assert validate_payload(kling, payload) == []


def test_trajectories_need_two_points(kling: Model) -> None:
    (problem,) = validate_payload(kling, {"model": KLING, "image_url": IMAGE, "dynamic_masks": [mask(1)]})
    assert problem.path == "dynamic_masks.0.trajectories"
    assert "2" in problem.message
    assert validate_payload(kling, {"model": KLING, "image_url": IMAGE, "dynamic_masks": [mask(2)]}) == []


def test_second_mask_problem_points_at_the_second_mask(kling: Model) -> None:
    (problem,) = validate_payload(kling, {"model": KLING, "image_url": IMAGE, "dynamic_masks": [mask(2), mask(78)]})
    assert problem.path == "dynamic_masks.1.trajectories"


def test_at_most_six_masks(kling: Model) -> None:
    assert validate_payload(kling, {"model": KLING, "image_url": IMAGE, "dynamic_masks": [mask(2)] * 6}) == []
    (problem,) = validate_payload(kling, {"model": KLING, "image_url": IMAGE, "dynamic_masks": [mask(2)] * 7})
    assert problem.path == "dynamic_masks"
    assert "6" in problem.message


def test_a_mask_without_its_image_is_a_missing_image(kling: Model) -> None:
    payload = {"model": KLING, "image_url": IMAGE, "dynamic_masks": [{"trajectories": mask(2)["trajectories"]}]}
    (problem,) = validate_payload(kling, payload)
    assert problem.path == "dynamic_masks.0.mask"
    assert problem.missing
    assert "image" in problem.message.lower()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("duration", "5", "Must be a whole number."),
        ("duration", 5.5, "Must be a whole number."),
        ("cfg_scale", "0.5", "Must be a number."),
        ("prompt", 42, "Must be text."),
        ("camera_control", "simple", "Must be a group of settings."),
        ("dynamic_masks", {"mask": IMAGE}, "Must be a list."),
    ],
)
def test_wrong_types(kling: Model, field: str, value: Any, message: str) -> None:
    problems = validate_payload(kling, {"model": KLING, "image_url": IMAGE, field: value})
    assert paths(problems) == [field]
    assert problems[0].message == message


def test_boolean_is_not_a_number(catalogue: Catalogue) -> None:
    problems = validate_payload(catalogue.get(VIDEO_01), {"model": VIDEO_01, "prompt": "x", "enhance_prompt": "yes"})
    assert problems_by_field(problems) == {"enhance_prompt": "Must be on or off."}


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/cat.jpg",
        "http://8.8.4.4:8000/a.png?sig=1&x=2",
        PNG_URI,
        "data:audio/mpeg;base64,SUQzBAAAAAAA",
    ],
)
def test_web_addresses_and_data_uris_are_accepted(kling: Model, url: str) -> None:
    assert validate_payload(kling, {"model": KLING, "image_url": url, "tail_image_url": url}) == []


@pytest.mark.parametrize("url", ["ftp://x", "not a url", "https://", "file:///etc/passwd", "data:", "cat.jpg"])
def test_other_strings_are_refused_for_uri_fields(kling: Model, url: str) -> None:
    problems = validate_payload(kling, {"model": KLING, "image_url": url})
    assert paths(problems) == ["image_url"]
    assert not problems[0].missing
    assert "web address" in problems[0].message


def test_the_model_field_itself_is_checked(kling: Model) -> None:
    problems = validate_payload(kling, {"model": "someone/else", "image_url": IMAGE})
    assert paths(problems) == ["model"]


# --- The PixVerse cross-field rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "refused"),
    [
        ({"resolution": "1080p", "duration": 8}, True),
        ({"resolution": "1080p", "duration": 5}, False),
        ({"resolution": "720p", "duration": 8}, False),
        ({"resolution": "1080p"}, False),  # the default duration is 5
        ({"duration": 8}, False),  # the default resolution is 720p
    ],
)
def test_pixverse_1080p_cannot_be_8_seconds(pixverse: Model, settings: dict[str, Any], refused: bool) -> None:
    payload = {"model": PIXVERSE, "prompt": "x", "image_url": IMAGE, **settings}
    problems = validate_payload(pixverse, payload)
    if refused:
        assert paths(problems) == ["duration"]
        assert "1080p" in problems[0].message
        assert not problems[0].missing
    else:
        assert problems == []


def rule_model(resolution_default: str, duration_default: str) -> Model:
    return model_from_studio_file(
        {
            "id": "test/rule",
            "ui": {"rules": [{"if": {"resolution": "1080p"}, "then_not": {"duration": 8}, "message": "No."}]},
            "schema": {
                "type": "object",
                "properties": {
                    "model": {"type": "string", "enum": ["test/rule"]},
                    "resolution": {"type": "string", "enum": ["720p", "1080p"], "default": resolution_default},
                    "duration": {"type": "integer", "enum": [5, 8], "default": duration_default},
                },
            },
        }
    )


def test_rule_uses_schema_defaults_for_omitted_fields() -> None:
    # The rule only sees 1080p + 8 s through the defaults, so this proves they are consulted, coerced ("8" -> 8).
    model = rule_model("1080p", "8")
    assert problems_by_field(validate_payload(model, {"model": "test/rule"})) == {"duration": "No."}
    assert validate_payload(model, {"model": "test/rule", "resolution": "720p"}) == []
    assert validate_payload(model, {"model": "test/rule", "duration": 5}) == []


# --- Valid payloads and ordering -------------------------------------------------------------------------------------


VALID = {
    KLING: {
        "image_url": IMAGE,
        "prompt": "a cat surfing",
        "tail_image_url": PNG_URI,
        "duration": 10,
        "negative_prompt": "blur",
        "cfg_scale": 0.5,
        "camera_control": {"type": "simple", "config": {"zoom": -10, "pan": 10, "roll": 0.5}},
        "static_mask": IMAGE,
        "dynamic_masks": [mask(2), mask(77)],
    },
    PIXVERSE: {
        "image_url": PNG_URI,
        "prompt": "a cat surfing",
        "resolution": "1080p",
        "duration": 5,
        "negative_prompt": "blur",
        "style": "clay",
        "seed": 123456789,
        "lip_sync_tts_content": "Hello there",
        "lip_sync_tts_speaker": "Auto",
    },
    VIDEO_01: {"prompt": "a cat surfing", "image_url": IMAGE, "enhance_prompt": False},
    LIVE2D: {"prompt": "a cat waving", "image_url": PNG_URI, "enhance_prompt": True},
    FABRIC: {"image_url": IMAGE, "audio_url": "data:audio/mpeg;base64,SUQzBAAAAAAA", "resolution": "720p"},
}


@pytest.mark.parametrize("model_id", sorted(VALID))
def test_a_valid_payload_for_each_model_has_no_problems(catalogue: Catalogue, model_id: str) -> None:
    model = catalogue.get(model_id)
    payload = build_payload(model, VALID[model_id])
    assert payload == {"model": model_id, **VALID[model_id]}
    assert validate_payload(model, payload) == []


def test_every_seed_model_field_is_covered_by_the_valid_payloads(catalogue: Catalogue) -> None:
    # The five hand-written seed models; the whole catalogue is covered by tests/test_every_model_form.py.
    seeds = [model for model in catalogue if model.source.startswith("models/")]
    assert {model.id for model in seeds} == set(VALID)
    for model in seeds:
        assert set(VALID[model.id]) == set(model.field_names()), model.id


def test_problems_come_in_form_order(kling: Model) -> None:
    payload = {
        "model": KLING,
        "dynamic_masks": [mask(1)],
        "cfg_scale": 3,
        "duration": 7,
        "camera_control": {"config": {"zoom": 11}},
        "tail_image_url": "nope",
    }
    problems = validate_payload(kling, payload)
    # ui.order: image_url, prompt, tail_image_url, duration, negative_prompt, cfg_scale, camera_control, ...
    assert paths(problems) == [
        "image_url",
        "tail_image_url",
        "duration",
        "cfg_scale",
        "camera_control.config.zoom",
        "dynamic_masks.0.trajectories",
    ]
    assert [p.missing for p in problems] == [True, False, False, False, False, False]


def test_one_problem_per_field() -> None:
    model = model_from_studio_file(
        {
            "id": "test/one",
            "schema": {
                "type": "object",
                "properties": {
                    "model": {"type": "string", "enum": ["test/one"]},
                    "code": {"type": "string", "maxLength": 2, "enum": ["a", "b"]},
                },
            },
        }
    )
    problems = validate_payload(model, {"model": "test/one", "code": "long"})
    assert paths(problems) == ["code"]


def test_leaves_and_map_leaves_name_nested_values_by_the_same_paths() -> None:
    from videostudio.form.payload import leaves, map_leaves

    payload = {"image_url": "a", "dynamic_masks": [{"mask": "m", "trajectories": [{"x": 1, "y": 2}]}], "seed": 7}
    assert dict(leaves(payload)) == {
        "image_url": "a",
        "dynamic_masks.0.mask": "m",
        "dynamic_masks.0.trajectories.0.x": 1,
        "dynamic_masks.0.trajectories.0.y": 2,
        "seed": 7,
    }
    renamed = map_leaves(payload, lambda path, value: path if path.endswith("mask") else value)
    assert renamed["dynamic_masks"][0]["mask"] == "dynamic_masks.0.mask"
    assert renamed["dynamic_masks"][0]["trajectories"] == [{"x": 1, "y": 2}]
    assert payload["dynamic_masks"][0]["mask"] == "m"  # a copy: the payload itself is untouched


# --- Beyond the seed models: fixed values, patterns, exclusive bounds, steps, variants --------------------------------

TAGGED = {
    "oneOf": [
        {
            "type": "object",
            "properties": {"type": {"type": "string", "enum": [kind]}, "url": {"type": "string", "format": "uri"}},
            "required": ["type", "url"],
        }
        for kind in ("video", "image")
    ]
}
ONE_OR_SEVERAL = {
    "anyOf": [{"type": "string", "format": "uri"}, {"type": "array", "items": {"type": "string", "format": "uri"}}]
}


def constructs() -> Model:
    schema = {
        "type": "object",
        "properties": {
            "model": {"type": "string", "enum": ["test/constructs"]},
            "mode": {"const": "pro"},
            "code": {"type": "string", "pattern": "^[a-z]+$"},
            "scale": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10, "multipleOf": 0.5},
            "character": TAGGED,
            "image_url": ONE_OR_SEVERAL,
            "size": {"type": ["string", "null"]},
        },
        "required": ["model"],
    }
    return model_from_studio_file({"id": "test/constructs", "schema": schema})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mode", "lite", "Must be pro."),
        ("code", "ABC", "Not in the form this field expects (it must match `^[a-z]+$`)."),
        ("scale", 0, "Must be more than 0."),
        ("scale", 10, "Must be less than 10."),
        ("scale", 2.25, "Must be a multiple of 0.5."),
        ("size", 3, "Must be text."),
        ("image_url", 3, "Pick one of the choices and fill it in."),
        ("image_url", "not an address", "Give a web address (https://…) or upload the image."),
    ],
)
def test_constructs_are_explained_in_plain_words_under_their_field(field: str, value: Any, message: str) -> None:
    model = constructs()
    problems = validate_payload(model, {"model": model.id, field: value})
    assert problems_by_field(problems) == {field: message}


def test_valid_constructs_pass() -> None:
    model = constructs()
    payload = build_payload(
        model,
        {
            "mode": "pro",
            "code": "abc",
            "scale": 2.5,
            "character": {"type": "image", "url": IMAGE},
            "image_url": [IMAGE, PNG_URI],
            "size": None,
        },
    )
    assert "size" not in payload
    assert validate_payload(model, payload) == []


def test_a_variant_missing_its_file_names_the_nested_field_and_the_media() -> None:
    model = constructs()
    problems = validate_payload(model, build_payload(model, {"character": {"type": "video", "url": ""}}))
    assert problems == [
        Problem("character.url", "A video is required: upload one or give its web address.", missing=True)
    ]


def test_a_variant_with_a_bad_address_is_explained_in_the_variant_it_is_of() -> None:
    model = constructs()
    problems = validate_payload(model, {"model": model.id, "character": {"type": "image", "url": "nope"}})
    assert problems_by_field(problems) == {"character.url": "Give a web address (https://…) or upload the image."}


def test_media_list_limits_say_what_to_add_or_remove() -> None:
    schema = {
        "type": "object",
        "properties": {
            "model": {"type": "string", "enum": ["test/list"]},
            "image_urls": {"type": "array", "items": {"type": "string", "format": "uri"}, "minItems": 2, "maxItems": 3},
        },
    }
    model = model_from_studio_file({"id": "test/list", "schema": schema})
    few = validate_payload(model, {"model": model.id, "image_urls": [IMAGE]})
    many = validate_payload(model, {"model": model.id, "image_urls": [IMAGE] * 4})
    assert problems_by_field(few) == {"image_urls": "Add at least 2 images."}
    assert problems_by_field(many) == {"image_urls": "At most 3 images allowed."}
