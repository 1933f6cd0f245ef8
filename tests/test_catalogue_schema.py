"""The schema normalizer beyond the official documents: any valid JSON Schema a model's document may use."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from videostudio.catalogue import infer_media, normalize_schema


def obj(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


DOCUMENT = {
    "components": {
        "schemas": {
            "Base": {"type": "object", "properties": {"model": {"type": "string", "enum": ["acme/a"]}}},
            "Duration": {"type": "integer", "enum": [5, 10], "default": "5"},
            "Prompt": {"$ref": "#/components/schemas/Text"},  # a reference to a reference
            "Text": {"type": "string", "maxLength": 100},
            "Node": obj(name={"type": "string"}, child={"$ref": "#/components/schemas/Node"}),
            "a/b": {"type": "boolean"},
        }
    }
}


def test_refs_into_components_are_resolved_with_quirks_absorbed() -> None:
    schema = normalize_schema(
        obj(duration={"$ref": "#/components/schemas/Duration"}, prompt={"$ref": "#/components/schemas/Prompt"}),
        root=DOCUMENT,
    )
    assert schema["properties"]["duration"] == {"type": "integer", "enum": [5, 10], "default": 5}
    assert schema["properties"]["prompt"] == {"type": "string", "maxLength": 100}
    assert "$ref" not in json.dumps(schema)


def test_ref_siblings_win_and_escaped_pointers_are_read() -> None:
    schema = normalize_schema(
        obj(
            d={"$ref": "#/components/schemas/Duration", "default": "10", "description": "Seconds"},
            flag={"$ref": "#/components/schemas/a~1b"},
        ),
        root=DOCUMENT,
    )
    assert schema["properties"]["d"]["default"] == 10
    assert schema["properties"]["d"]["description"] == "Seconds"
    assert schema["properties"]["flag"] == {"type": "boolean"}


def test_a_reference_cycle_is_cut_not_followed_forever() -> None:
    schema = normalize_schema({"$ref": "#/components/schemas/Node"}, root=DOCUMENT)
    assert schema["properties"]["name"] == {"type": "string"}
    assert schema["properties"]["child"] == {}  # the second visit of Node is cut: it accepts anything
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("ref", ["#/components/schemas/Missing", "other.json#/Foo", "#/components/schemas/Text/x"])
def test_a_reference_to_nothing_or_elsewhere_is_an_error(ref: str) -> None:
    with pytest.raises(ValueError, match="reference"):
        normalize_schema(obj(x={"$ref": ref}), root=DOCUMENT)


def test_all_of_is_merged() -> None:
    schema = normalize_schema(
        {
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"type": "object", "properties": {"prompt": {"type": "string"}}, "required": ["prompt"]},
                {"properties": {"seconds": {"type": "integer", "minimum": 2, "maximum": 20}}},
                {"properties": {"seconds": {"minimum": 4, "maximum": 10}}, "required": ["model", "prompt"]},
            ],
            "description": "own words win",
        },
        root=DOCUMENT,
    )
    assert "allOf" not in schema
    assert schema["type"] == "object"
    assert set(schema["properties"]) == {"model", "prompt", "seconds"}
    assert schema["required"] == ["prompt", "model"]
    assert schema["properties"]["seconds"] == {"type": "integer", "minimum": 4, "maximum": 10}
    assert schema["description"] == "own words win"


def test_all_of_enums_are_intersected() -> None:
    schema = normalize_schema({"allOf": [{"enum": ["a", "b", "c"]}, {"enum": ["b", "c", "d"]}]})
    assert schema["enum"] == ["b", "c"]
    assert schema["type"] == "string"


def test_const_becomes_a_one_value_enum_and_keeps_const() -> None:
    schema = normalize_schema(obj(model={"const": "acme/a"}, n={"type": "integer", "const": 3}))
    assert schema["properties"]["model"] == {"const": "acme/a", "enum": ["acme/a"], "type": "string"}
    assert schema["properties"]["n"]["enum"] == [3]
    validator = Draft202012Validator(schema)
    assert validator.is_valid({"model": "acme/a", "n": 3})
    assert not validator.is_valid({"model": "acme/b"})


def test_constraints_are_kept_as_written() -> None:
    raw = obj(
        code={"type": "string", "pattern": "^[a-z]+$", "minLength": 2},
        scale={"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "multipleOf": 0.25},
        images={"type": "array", "items": {"type": "string", "format": "uri"}, "minItems": 1, "maxItems": 3},
        note={"type": ["string", "null"]},
    )
    schema = normalize_schema(raw)
    assert schema == raw
    validator = Draft202012Validator(schema)
    assert validator.is_valid({"code": "ab", "scale": 0.5, "images": ["https://x.test/a"], "note": None})
    assert not validator.is_valid({"code": "A1"})
    assert not validator.is_valid({"scale": 1})
    assert not validator.is_valid({"scale": 0.3})
    assert not validator.is_valid({"images": []})


def test_openapi_boolean_exclusive_bounds_become_numbers() -> None:
    schema = normalize_schema(
        obj(
            a={"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 1, "exclusiveMaximum": False},
        )
    )
    assert schema["properties"]["a"] == {"type": "number", "exclusiveMinimum": 0, "maximum": 1}
    Draft202012Validator.check_schema(schema)


def test_nullable_on_a_type_list_and_a_bare_nullable_branch() -> None:
    schema = normalize_schema(
        obj(
            a={"type": ["string", "integer"], "nullable": True},
            frame={"anyOf": [obj(url={"type": "string", "format": "uri"}), {"nullable": True}]},
        )
    )
    assert schema["properties"]["a"]["type"] == ["string", "integer", "null"]
    assert schema["properties"]["frame"]["anyOf"][1] == {"type": "null"}
    validator = Draft202012Validator(schema)
    assert validator.is_valid({"frame": None})
    assert not validator.is_valid({"frame": "text"})


def test_string_default_on_a_nullable_integer_is_coerced() -> None:
    schema = normalize_schema(obj(d={"type": "integer", "nullable": True, "default": "8"}))
    assert schema["properties"]["d"] == {"type": ["integer", "null"], "default": 8}


def test_enum_of_mixed_values_gets_a_type_list() -> None:
    schema = normalize_schema(obj(x={"enum": ["auto", 5, None]}))
    assert schema["properties"]["x"]["type"] == ["string", "integer", "null"]


def test_boolean_schemas_and_one_of_branches_are_normalized() -> None:
    schema = normalize_schema(
        {
            "type": "object",
            "properties": {"any": True, "c": {"oneOf": [{"enum": [1]}, {"type": "string"}]}},
            "additionalProperties": False,
        }
    )
    assert schema["properties"]["any"] == {}
    assert schema["additionalProperties"] is False
    assert not Draft202012Validator(schema).is_valid({"other": 1})
    assert schema["properties"]["c"]["oneOf"][0] == {"enum": [1], "type": "integer"}


def test_normalizing_with_refs_leaves_the_document_unchanged() -> None:
    before = json.dumps(DOCUMENT, sort_keys=True)
    normalize_schema({"allOf": [{"$ref": "#/components/schemas/Base"}]}, root=DOCUMENT)
    normalize_schema(obj(d={"$ref": "#/components/schemas/Duration"}), root=DOCUMENT)
    assert json.dumps(DOCUMENT, sort_keys=True) == before


# --- Media found in any shape ----------------------------------------------------------------------------------------


def test_media_in_tagged_objects_arrays_and_branches() -> None:
    schema = normalize_schema(
        obj(
            character={
                "oneOf": [
                    obj(type={"type": "string", "enum": ["image"]}, url={"type": "string"}),
                    obj(type={"type": "string", "enum": ["video"]}, url={"type": "string"}),
                ]
            },
            references={"type": "array", "items": obj(type={"enum": ["video"]}, url={"type": "string"})},
            clips={"type": "array", "items": {"type": "string", "format": "uri"}},
            alpha_url={"type": "string", "format": "uri"},
            music_audio_url={"type": "string"},
            style={"type": "string", "enum": ["a_url"]},
        )
    )
    assert infer_media(schema) == {
        "character.url": "image",  # the first branch's kind
        "references.url": "video",
        "clips": "image",
        "alpha_url": "image",
        "music_audio_url": "audio",
    }
