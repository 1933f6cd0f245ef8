"""A prompt whose schema sets no maximum is still held to the longest prompt any model of the catalogue takes."""

from __future__ import annotations

import dataclasses
from typing import Any

from videostudio.catalogue import Catalogue, load_catalogue
from videostudio.form.fields import form_fields
from videostudio.form.payload import validate_payload

CATALOGUE = load_catalogue()
VEO = CATALOGUE.get("google/veo-3.1-t2v")  # its prompt has no maxLength
VIDEO01 = CATALOGUE.get("video-01")  # its prompt has maxLength 2000


def _prompt_max_lengths(schema: Any) -> list[int]:
    """Every maxLength a prompt text of ``schema`` sets, read straight from the schema (branches too)."""
    found = []
    for name, prop in (schema.get("properties") or {}).items():
        if "prompt" in name and isinstance(prop, dict):
            for node in [prop, *(prop.get("anyOf") or ()), *(prop.get("oneOf") or ())]:
                if isinstance(node, dict) and isinstance(node.get("maxLength"), int):
                    found.append(node["maxLength"])
    return found


def test_the_studio_wide_limit_is_the_largest_prompt_maximum_of_the_whole_catalogue() -> None:
    largest = max(limit for model in CATALOGUE for limit in _prompt_max_lengths(model.schema))
    assert largest == 7000  # MiniMax H3's prompt, today the longest any video model states
    assert {model.longest_prompt for model in CATALOGUE} == {largest}
    assert VEO.unbounded_prompts() == ["prompt", "negative_prompt"] and VEO.prompt_max_length("prompt") is None
    assert "prompt" not in VIDEO01.unbounded_prompts() and VIDEO01.prompt_max_length("prompt") == 2000


def test_the_limit_follows_the_catalogue_it_is_computed_from() -> None:
    roomy = dataclasses.replace(VIDEO01, id="roomy", schema=_with_prompt_max(VIDEO01.schema, 9000))
    catalogue = Catalogue([VEO, VIDEO01, roomy])
    assert {m.longest_prompt for m in catalogue} == {9000}
    assert Catalogue([VEO]).get(VEO.id).longest_prompt is None  # nothing states a limit: none is invented


def test_a_prompt_over_the_limit_is_refused_in_plain_words_and_one_at_it_is_not() -> None:
    problems = validate_payload(VEO, {"model": VEO.id, "prompt": "x" * 53_200})
    assert [(p.path, p.message) for p in problems] == [
        (
            "prompt",
            "Too long: 53,200 characters. No model takes more than 7,000, and this one does not say its own limit: "
            "shorten it before sending.",
        )
    ]
    assert validate_payload(VEO, {"model": VEO.id, "prompt": "x" * 7000}) == []
    over_avoid = validate_payload(VEO, {"model": VEO.id, "prompt": "a fox", "negative_prompt": "x" * 7001})
    assert [p.path for p in over_avoid] == ["negative_prompt"]


def test_a_model_with_its_own_maximum_keeps_its_own_message() -> None:
    [problem] = validate_payload(VIDEO01, {"model": VIDEO01.id, "prompt": "x" * 10_000})
    assert problem.message == "Too long: 10,000 characters, at most 2,000."


def test_the_form_carries_the_limit_only_where_the_schema_sets_none() -> None:
    veo = {spec.name: spec for spec in form_fields(VEO)}
    assert (veo["prompt"].max_length, veo["prompt"].longest_anywhere) == (None, 7000)
    video01 = {spec.name: spec for spec in form_fields(VIDEO01)}
    assert (video01["prompt"].max_length, video01["prompt"].longest_anywhere) == (2000, None)


def _with_prompt_max(schema: dict[str, Any], limit: int) -> dict[str, Any]:
    properties = {**schema["properties"], "prompt": {**schema["properties"]["prompt"], "maxLength": limit}}
    return {**schema, "properties": properties}
