"""The model catalogue: the five seed models and their hints, the schema quirks the loader absorbs, drop-in documents.

The whole bundled catalogue (every official document) is tested in test_catalogue_bundle.py, the loader's rules in
test_catalogue_loader.py, the schema normalizer in test_catalogue_schema.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from videostudio.catalogue import (
    MODELS_DIR,
    Catalogue,
    CatalogueError,
    Model,
    humanize,
    load_catalogue,
    load_model,
    model_from_studio_file,
    normalize_schema,
)

REFERENCE_OPENAPI = Path("/work/shared/reference/openapi")
MODEL_FILES = sorted(p.name for p in MODELS_DIR.glob("*.json"))

KLING = "kling-video/v1/standard/image-to-video"
PIXVERSE = "pixverse/v5/image-to-video"
VIDEO_01 = "video-01"
LIVE2D = "video-01-live2d"
FABRIC = "veed/fabric-1.0"


def official_request_schema(document: dict[str, Any]) -> dict[str, Any]:
    """The request schema of the universal submit operation, read without the studio's helper."""
    post = document["paths"]["/v2/video/generations"]["post"]
    return post["requestBody"]["content"]["application/json"]["schema"]


def minimal_openapi(schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    """An OpenAPI 3.0 document shaped like the official ones, with only what a loader could need."""
    return {
        "openapi": "3.0.0",
        "info": {"title": "AIML API", "version": "1.0.0", "description": description},
        "paths": {
            "/v2/video/generations": {
                "post": {
                    "operationId": "_v2_video_generations",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }


# --- The shipped catalogue -------------------------------------------------------------------------------------------


SEEDS = {
    KLING: "kling-video-v1-standard-image-to-video.json",
    PIXVERSE: "pixverse-v5-image-to-video.json",
    VIDEO_01: "minimax-video-01.json",
    LIVE2D: "minimax-video-01-live2d.json",
    FABRIC: "veed-fabric-1.0.json",
}


def test_the_five_seeds_are_present_with_their_hand_written_hints(catalogue: Catalogue) -> None:
    assert set(SEEDS) <= set(catalogue.ids())
    for model_id, file_name in SEEDS.items():
        model = catalogue.get(model_id)
        studio_file = json.loads((MODELS_DIR / file_name).read_text(encoding="utf-8"))
        # The studio file wins over the official documents for its id: its words and hints, not inferred ones.
        assert model.source == f"models/{file_name}"
        assert (model.name, model.vendor, model.summary) == (
            studio_file["name"],
            studio_file["vendor"],
            studio_file["summary"],
        )
        assert model.typical_seconds == studio_file["typical_seconds"]
        assert model.legacy_endpoint == studio_file["legacy_endpoint"]
        assert model.endpoint == "/v2/video/generations"
        assert list(model.order) == studio_file["ui"]["order"]
        assert model.advanced == frozenset(studio_file["ui"]["advanced"])
        assert not model.deprecated
        # The model enum in the schema names the same model the studio files it under.
        assert model.properties["model"]["enum"] == [model_id]


def test_catalogue_sorted_by_vendor_then_name(catalogue: Catalogue) -> None:
    keys = [(m.vendor.lower(), m.name.lower()) for m in catalogue]
    assert keys == sorted(keys)
    vendors = [m.vendor for m in catalogue]
    assert vendors[0] == "Alibaba"
    assert vendors.index("Kling AI") < vendors.index("MiniMax") < vendors.index("PixVerse") < vendors.index("VEED")


def test_unknown_model_is_a_catalogue_error(catalogue: Catalogue) -> None:
    assert "nope/model" not in catalogue
    with pytest.raises(CatalogueError, match="nope/model"):
        catalogue.get("nope/model")


@pytest.mark.parametrize(
    ("model_id", "required"),
    [
        (KLING, {"model", "image_url"}),
        (PIXVERSE, {"model", "prompt", "image_url"}),
        (VIDEO_01, {"model", "prompt"}),
        (LIVE2D, {"model", "prompt", "image_url"}),
        (FABRIC, {"model", "image_url", "audio_url"}),
    ],
)
def test_required_fields(catalogue: Catalogue, model_id: str, required: set[str]) -> None:
    assert catalogue.get(model_id).required == frozenset(required)


def test_string_defaults_on_integer_enums_are_coerced(catalogue: Catalogue) -> None:
    for model_id in (KLING, PIXVERSE):
        duration = catalogue.get(model_id).properties["duration"]
        assert duration["type"] == "integer"
        assert duration["default"] == 5
        assert type(duration["default"]) is int
        assert duration["default"] in duration["enum"]
    # String enums keep string defaults untouched.
    assert catalogue.get(PIXVERSE).defaults["resolution"] == "720p"
    assert catalogue.get(FABRIC).defaults == {"resolution": "480p"}
    assert catalogue.get(VIDEO_01).defaults == {"enhance_prompt": True}


def test_defaults_property_holds_only_fields_with_a_default(catalogue: Catalogue) -> None:
    assert catalogue.get(PIXVERSE).defaults == {"resolution": "720p", "duration": 5}
    assert catalogue.get(KLING).defaults == {"duration": 5}


@pytest.mark.parametrize("file_name", MODEL_FILES)
def test_model_file_schema_equals_the_official_request_schema(file_name: str) -> None:
    official_path = REFERENCE_OPENAPI / file_name
    if not official_path.is_file():
        pytest.skip(f"reference OpenAPI document {official_path} is not present on this machine")
    studio_file = json.loads((MODELS_DIR / file_name).read_text(encoding="utf-8"))
    official = json.loads(official_path.read_text(encoding="utf-8"))
    # Exactly as published: the loader, not the file, absorbs the quirks.
    assert studio_file["schema"] == official_request_schema(official)


def test_five_studio_files_are_shipped() -> None:
    assert sorted(SEEDS.values()) == MODEL_FILES


@pytest.mark.parametrize("file_name", MODEL_FILES)
def test_normalized_schema_is_valid_json_schema(file_name: str) -> None:
    model = load_model(MODELS_DIR / file_name)
    Draft202012Validator.check_schema(model.schema)


def test_normalizing_does_not_change_the_input() -> None:
    raw = {"type": "object", "properties": {"d": {"type": "integer", "enum": [5, 10], "default": "5"}}}
    before = json.dumps(raw, sort_keys=True)
    normalized = normalize_schema(raw)
    assert json.dumps(raw, sort_keys=True) == before
    assert normalized["properties"]["d"]["default"] == 5


# --- Quirks ----------------------------------------------------------------------------------------------------------


def test_live2d_property_level_required_moves_into_the_required_list(catalogue: Catalogue) -> None:
    raw = json.loads((MODELS_DIR / "minimax-video-01-live2d.json").read_text(encoding="utf-8"))
    assert raw["schema"]["properties"]["image_url"]["required"] is True  # the quirk is really in the file
    live2d = catalogue.get(LIVE2D)
    assert "required" not in live2d.properties["image_url"]
    assert "image_url" in live2d.schema["required"]
    assert live2d.schema["required"].count("image_url") == 1


def test_property_level_required_added_when_not_already_listed() -> None:
    schema = normalize_schema(
        {
            "type": "object",
            "properties": {"a": {"type": "string", "required": True}, "b": {"type": "string"}},
            "required": ["b"],
        }
    )
    assert schema["required"] == ["b", "a"]
    assert "required" not in schema["properties"]["a"]
    Draft202012Validator.check_schema(schema)


def test_property_level_required_false_is_not_made_required() -> None:
    schema = normalize_schema({"type": "object", "properties": {"a": {"type": "string", "required": False}}})
    assert "a" not in schema.get("required", [])


@pytest.mark.parametrize(
    ("enum", "expected_type"),
    [
        (["legacy/model-a", "legacy/model-b"], "string"),
        ([5, 10], "integer"),
        ([0.5, 1.0], "number"),
        ([True], "boolean"),
    ],
)
def test_enum_without_type_gets_the_type_of_its_values(enum: list[Any], expected_type: str) -> None:
    schema = normalize_schema({"type": "object", "properties": {"x": {"enum": enum}}})
    assert schema["properties"]["x"]["type"] == expected_type
    assert Draft202012Validator(schema).is_valid({"x": enum[0]})


def test_legacy_model_enum_without_type_still_gives_an_id() -> None:
    model = model_from_studio_file(
        {"schema": {"type": "object", "properties": {"model": {"enum": ["kling-video/v1/pro/image-to-video"]}}}}
    )
    assert model.id == "kling-video/v1/pro/image-to-video"
    assert model.properties["model"]["type"] == "string"
    assert model.vendor == "Kling AI"  # from the id's prefix, by the vendor table


def test_nullable_becomes_a_type_list() -> None:
    schema = normalize_schema(
        {
            "type": "object",
            "properties": {
                "multi_prompt": {"type": "array", "nullable": True, "items": {"type": "string"}},
                "plain": {"type": "string", "nullable": False},
            },
        }
    )
    assert schema["properties"]["multi_prompt"]["type"] == ["array", "null"]
    assert "nullable" not in schema["properties"]["multi_prompt"]
    assert schema["properties"]["plain"]["type"] == "string"
    assert "nullable" not in schema["properties"]["plain"]
    validator = Draft202012Validator(schema)
    assert validator.is_valid({"multi_prompt": None})
    assert validator.is_valid({"multi_prompt": ["a", "b"]})
    assert not validator.is_valid({"plain": None})


def test_quirks_inside_nested_objects_array_items_and_anyof() -> None:
    schema = normalize_schema(
        {
            "type": "object",
            "properties": {
                "multi_prompt": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"duration": {"type": "integer", "enum": [5, 10], "default": "10"}},
                    },
                },
                "keyframes": {
                    "type": "object",
                    "properties": {"frame0": {"anyOf": [{"type": "object", "nullable": True}, {"enum": ["x"]}]}},
                },
            },
        }
    )
    assert schema["properties"]["multi_prompt"]["items"]["properties"]["duration"]["default"] == 10
    branches = schema["properties"]["keyframes"]["properties"]["frame0"]["anyOf"]
    assert branches[0]["type"] == ["object", "null"]
    assert branches[1]["type"] == "string"


def test_number_defaults_coerced_and_unreadable_ones_left_alone() -> None:
    schema = normalize_schema(
        {
            "type": "object",
            "properties": {
                "scale": {"type": "number", "default": "0.5"},
                "max_resolution": {"type": "integer", "default": "1080"},
                "odd": {"type": "integer", "default": "five"},
            },
        }
    )
    assert schema["properties"]["scale"]["default"] == 0.5
    assert schema["properties"]["max_resolution"]["default"] == 1080
    assert type(schema["properties"]["max_resolution"]["default"]) is int
    assert schema["properties"]["odd"]["default"] == "five"


# --- Drop-in OpenAPI documents ---------------------------------------------------------------------------------------


def test_inline_openapi_document_loads_with_inferred_hints(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {
            "model": {"type": "string", "enum": ["acme/talker-1"]},
            "prompt": {"type": "string"},
            "image_url": {"type": "string", "format": "uri", "required": True},
            "audio_url": {"type": "string", "format": "uri"},
            "duration": {"type": "integer", "enum": [5, 10], "default": "5"},
            "seed": {"type": "integer"},
        },
        "required": ["model", "audio_url"],
        "title": "acme/talker-1",
    }
    (tmp_path / "acme-talker-1.json").write_text(json.dumps(minimal_openapi(schema, "Talks.")), encoding="utf-8")

    catalogue = load_catalogue(tmp_path)

    assert catalogue.ids() == ["acme/talker-1"]
    model = catalogue.get("acme/talker-1")
    assert model.inputs() == {"image_url": "image", "audio_url": "audio"}
    assert model.required == frozenset({"model", "audio_url", "image_url"})
    assert model.defaults == {"duration": 5}
    assert model.summary == "Talks."
    assert model.vendor == "acme"  # a prefix the vendor table does not know is shown as it is
    # Optional settings that are neither media nor the prompt are tucked away as advanced.
    assert model.advanced == frozenset({"duration", "seed"})
    Draft202012Validator.check_schema(model.schema)


@pytest.mark.parametrize(
    ("file_name", "model_id", "inputs"),
    [
        ("veed-fabric-1.0.json", FABRIC, {"image_url": "image", "audio_url": "audio"}),
        ("minimax-video-01-live2d.json", LIVE2D, {"image_url": "image"}),
        ("kling-video-v1-standard-image-to-video.json", KLING, {"image_url": "image", "tail_image_url": "image"}),
    ],
)
def test_unchanged_official_document_loads_as_a_model(
    tmp_path: Path, file_name: str, model_id: str, inputs: dict[str, str]
) -> None:
    source = REFERENCE_OPENAPI / file_name
    if not source.is_file():
        pytest.skip(f"reference OpenAPI document {source} is not present on this machine")
    shutil.copy(source, tmp_path / file_name)

    catalogue = load_catalogue(tmp_path)

    assert catalogue.ids() == [model_id]
    model = catalogue.get(model_id)
    assert model.source == file_name
    assert model.name != "AIML API"  # the documents' title is the API's, so the name is made from the id
    for name, kind in inputs.items():
        assert model.media_kind(name) == kind
    Draft202012Validator.check_schema(model.schema)
    if model_id == LIVE2D:
        assert "image_url" in model.required
        assert "required" not in model.properties["image_url"]
    if model_id == KLING:
        assert model.media_kind("dynamic_masks.mask") == "image"
        assert model.media_kind("static_mask") == "image"
        assert model.defaults["duration"] == 5


def test_the_fetch_only_document_is_skipped_and_named(tmp_path: Path) -> None:
    document = {
        "openapi": "3.0.0",
        "info": {"title": "AIML API", "version": "1.0.0"},
        "paths": {"/v2/video/generations": {"get": {"parameters": [{"name": "generation_id", "in": "query"}]}}},
    }
    path = tmp_path / "universal-video-fetch.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CatalogueError, match="universal-video-fetch.json"):
        load_model(path)
    catalogue = load_catalogue(tmp_path)
    assert len(catalogue) == 0
    assert catalogue.problems == [
        ("universal-video-fetch.json", "not a model file (ValueError: no POST operation with a JSON request body).")
    ]


def test_broken_json_file_is_skipped_and_named(tmp_path: Path) -> None:
    (tmp_path / "broken-model.json").write_text('{"id": "x", "schema": {', encoding="utf-8")
    with pytest.raises(CatalogueError, match="broken-model.json"):
        load_model(tmp_path / "broken-model.json")
    ((name, reason),) = load_catalogue(tmp_path).problems
    assert name == "broken-model.json"
    assert reason.startswith("not a readable JSON file")


@pytest.mark.parametrize("content", ["{}", "[1, 2]", '"just text"', '{"id": "x"}'])
def test_json_that_is_not_a_model_raises_with_its_name(tmp_path: Path, content: str) -> None:
    path = tmp_path / "not-a-model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CatalogueError, match="not-a-model.json"):
        load_model(path)


def test_malformed_properties_raise_a_catalogue_error_with_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "odd-model.json"
    path.write_text('{"id": "x", "schema": {"type": "object", "properties": []}}', encoding="utf-8")
    with pytest.raises(CatalogueError, match="odd-model.json"):
        load_model(path)


def test_non_json_files_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# notes", encoding="utf-8")
    assert len(load_catalogue(tmp_path)) == 0


# --- Hints -----------------------------------------------------------------------------------------------------------


def test_media_hints(catalogue: Catalogue) -> None:
    kling = catalogue.get(KLING)
    assert kling.media_kind("dynamic_masks.mask") == "image"  # the mask has no uri format: only its name says so
    assert kling.media_kind("static_mask") == "image"
    assert kling.media_kind("dynamic_masks.trajectories") is None
    assert kling.media_kind("prompt") is None
    # Nested media are not top-level inputs.
    assert kling.inputs() == {"image_url": "image", "tail_image_url": "image", "static_mask": "image"}
    assert catalogue.get(FABRIC).inputs() == {"image_url": "image", "audio_url": "audio"}
    assert catalogue.get(PIXVERSE).inputs() == {"image_url": "image"}


def test_media_inside_a_nullable_array_are_found() -> None:
    model = model_from_studio_file(
        {
            "schema": {
                "type": "object",
                "properties": {
                    "model": {"type": "string", "enum": ["test/elements"]},
                    "elements": {
                        "type": "array",
                        "nullable": True,
                        "items": {
                            "type": "object",
                            "properties": {"frontal_image_url": {"type": "string", "format": "uri"}},
                        },
                    },
                },
            }
        }
    )
    assert model.media_kind("elements.frontal_image_url") == "image"


def test_pixverse_has_fifteen_voices_including_auto(catalogue: Catalogue) -> None:
    voices = catalogue.get(PIXVERSE).properties["lip_sync_tts_speaker"]["enum"]
    assert len(voices) == 15
    assert len(set(voices)) == 15
    assert "Auto" in voices
    assert {"Harper", "Chloe", "Ethan"} <= set(voices)


def test_kling_camera_control_config_has_six_bounded_fields(catalogue: Catalogue) -> None:
    camera = catalogue.get(KLING).properties["camera_control"]
    config = camera["properties"]["config"]["properties"]
    assert set(config) == {"horizontal", "vertical", "pan", "tilt", "roll", "zoom"}
    for name, prop in config.items():
        assert (prop["type"], prop["minimum"], prop["maximum"]) == ("number", -10, 10), name
    assert "simple" in camera["properties"]["type"]["enum"]


def test_labels_from_hints_and_humanized_names(catalogue: Catalogue) -> None:
    kling = catalogue.get(KLING)
    assert kling.label("tail_image_url") == "End frame"
    assert kling.label("cfg_scale") == "How closely to follow the prompt"
    assert kling.label("negative_prompt") == "Things to avoid"
    assert catalogue.get(PIXVERSE).label("lip_sync_tts_speaker") == "Voice"
    assert humanize("image_url") == "Image"
    assert humanize("reference_image_urls") == "Reference image"
    assert humanize("lip_sync_tts_speaker") == "Lip sync tts speaker"


def test_field_names_follow_ui_order_and_leave_out_model(catalogue: Catalogue) -> None:
    assert catalogue.get(LIVE2D).field_names() == ["image_url", "prompt", "enhance_prompt"]
    assert catalogue.get(VIDEO_01).field_names() == ["prompt", "image_url", "enhance_prompt"]
    # Fields the order does not name follow in schema order.
    model = model_from_studio_file(
        {
            "id": "t/x",
            "ui": {"order": ["c", "missing"]},
            "schema": {"type": "object", "properties": {"model": {"enum": ["t/x"]}, "a": {}, "b": {}, "c": {}}},
        }
    )
    assert model.field_names() == ["c", "a", "b"]


def test_image_and_audio_rules_are_loaded(catalogue: Catalogue) -> None:
    rules = catalogue.get(LIVE2D).image_rules
    assert rules is not None
    assert rules.formats == ("JPEG", "PNG")
    assert (rules.min_short_side, rules.min_aspect, rules.max_aspect, rules.max_bytes) == (301, 0.4, 2.5, 20_000_000)
    assert "Image aspect ratio between 2:5 and 5:2" in rules.describe()
    assert "Image shorter side over 300 px" in rules.describe()
    audio = catalogue.get(FABRIC).audio_rules
    assert audio is not None and audio.max_seconds == 30
    assert catalogue.get(KLING).image_rules is None


def test_pixverse_cross_field_rule_is_loaded(catalogue: Catalogue) -> None:
    (rule,) = catalogue.get(PIXVERSE).rules
    assert rule.when == {"resolution": "1080p"}
    assert rule.forbid == {"duration": 8}
    assert "1080p" in rule.message


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (250, "about 4 min 10 s"),
        (60, "about 1 min"),
        (110, "about 1 min 50 s"),
        (45, "about 45 s"),
        (180, "about 3 min"),
    ],
)
def test_typical_run_time_text(seconds: int, text: str) -> None:
    model = Model(id="t/x", name="x", vendor="t", summary="", schema={}, typical_seconds=seconds)
    assert model.typical_run_time() == text


def test_shipped_typical_run_times(catalogue: Catalogue) -> None:
    assert catalogue.get(KLING).typical_run_time() == "about 4 min 10 s"
    assert catalogue.get(FABRIC).typical_run_time() == "about 1 min 50 s"
    assert catalogue.get(LIVE2D).typical_run_time() == "about 3 min"
