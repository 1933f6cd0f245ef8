"""Parsing of submit/poll answers into Generation: every status word, video shape, error shape and usage key."""

from __future__ import annotations

import dataclasses

import pytest

from videostudio.api.errors import ResponseFormatError
from videostudio.api.generation import Generation, Status, Usage, classify_status, error_text

PIXVERSE_ID = "8ac142d3-5b6e-4c1a-9f3e-0c2d7e9a1b44:pixverse/v5/image-to-video"
CDN_URL = "https://cdn.aimlapi.com/eagle/files/output.mp4"


# --- Status ----------------------------------------------------------------------------------------------------------


def test_status_values_and_terminality() -> None:
    assert [s.value for s in Status] == ["queued", "generating", "completed", "failed"]
    assert Status.COMPLETED.is_terminal and Status.FAILED.is_terminal
    assert not Status.QUEUED.is_terminal and not Status.GENERATING.is_terminal
    assert Status("queued") is Status.QUEUED
    assert f"{Status.GENERATING}" == "generating"  # StrEnum: usable directly as text in the UI


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # documented enum
        ("queued", Status.QUEUED),
        ("generating", Status.GENERATING),
        ("completed", Status.COMPLETED),
        ("error", Status.FAILED),
        # seen in real answers and official polling loops
        ("succeeded", Status.COMPLETED),
        ("success", Status.COMPLETED),
        ("waiting", Status.QUEUED),
        ("active", Status.GENERATING),
        # upstream webhook words
        ("processing", Status.GENERATING),
        ("preparing", Status.QUEUED),
        ("queueing", Status.QUEUED),
        ("running", Status.GENERATING),
        ("failed", Status.FAILED),
        ("cancelled", Status.FAILED),
        ("canceled", Status.FAILED),
        ("expired", Status.FAILED),
        ("rejected", Status.FAILED),
        ("ERROR", Status.FAILED),
        # placeholders and unknowns
        ("text", Status.QUEUED),
        (None, Status.QUEUED),
        ("", Status.QUEUED),
        ("something_new", Status.GENERATING),
        ("  Completed ", Status.COMPLETED),
    ],
)
def test_classify_status_words(raw: str | None, expected: Status) -> None:
    assert classify_status(raw, has_video=False, has_error=False) is expected


@pytest.mark.parametrize("raw", ["queued", "generating", "text", None, "something_new", "error"])
def test_any_video_url_means_completed(raw: str | None) -> None:
    assert classify_status(raw, has_video=True, has_error=False) is Status.COMPLETED
    assert classify_status(raw, has_video=True, has_error=True) is Status.COMPLETED


@pytest.mark.parametrize("raw", ["queued", "generating", "completed", None, "weird"])
def test_error_without_video_means_failed(raw: str | None) -> None:
    assert classify_status(raw, has_video=False, has_error=True) is Status.FAILED


# --- ids -------------------------------------------------------------------------------------------------------------


def test_id_from_id() -> None:
    gen = Generation.from_response({"id": PIXVERSE_ID, "status": "queued"})
    assert gen.id == PIXVERSE_ID
    assert gen.status is Status.QUEUED and gen.raw_status == "queued"


def test_id_from_generation_id_legacy_minimax_submit() -> None:
    gen = Generation.from_response({"generation_id": "234954179076239"})
    assert gen.id == "234954179076239"
    assert gen.status is Status.QUEUED  # no status on legacy submit answers
    assert gen.raw_status is None


def test_legacy_placeholder_status_text() -> None:
    gen = Generation.from_response({"generation_id": "222226666699999", "status": "text"})
    assert gen.status is Status.QUEUED and gen.raw_status == "text"


def test_id_prefers_id_over_generation_id() -> None:
    assert Generation.from_response({"id": "a", "generation_id": "b"}).id == "a"


def test_numeric_id_becomes_text() -> None:
    assert Generation.from_response({"generation_id": 234954179076239, "status": "queued"}).id == "234954179076239"


def test_fallback_id_when_answer_has_none() -> None:
    gen = Generation.from_response({"status": "generating"}, fallback_id="nJ8Xcj0YCh8jZL1noqiZH")
    assert gen.id == "nJ8Xcj0YCh8jZL1noqiZH"
    assert gen.status is Status.GENERATING


def test_answer_id_wins_over_fallback() -> None:
    assert Generation.from_response({"id": "server"}, fallback_id="polled").id == "server"


@pytest.mark.parametrize("body", [{}, {"status": "queued"}, {"id": "", "generation_id": None}, {"id": "   "}])
def test_missing_id_raises_response_format_error(body: dict) -> None:
    with pytest.raises(ResponseFormatError) as info:
        Generation.from_response(body)
    assert "no generation id" in str(info.value)
    assert info.value.hint  # tells the user what to do next


def test_non_object_raises_response_format_error() -> None:
    with pytest.raises(ResponseFormatError):
        Generation.from_response(["not", "an", "object"])  # type: ignore[arg-type]


# --- video shapes ----------------------------------------------------------------------------------------------------


def test_video_object() -> None:
    gen = Generation.from_response({"id": "x", "status": "completed", "video": {"url": CDN_URL}})
    assert gen.status is Status.COMPLETED
    assert gen.video_urls == (CDN_URL,) and gen.video_url == CDN_URL


def test_video_object_with_file_fields() -> None:
    video = {"url": CDN_URL, "content_type": "video/mp4", "file_name": "output.mp4", "file_size": 4259218}
    assert Generation.from_response({"id": "x", "status": "completed", "video": video}).video_urls == (CDN_URL,)


def test_video_list_of_objects() -> None:
    body = {"id": "x", "status": "completed", "video": [{"url": "https://a/1.mp4"}, {"url": "https://a/2.mp4"}]}
    gen = Generation.from_response(body)
    assert gen.video_urls == ("https://a/1.mp4", "https://a/2.mp4")
    assert gen.video_url == "https://a/1.mp4"


def test_video_list_of_strings_runway() -> None:
    body = {"id": "x", "status": "succeeded", "video": ["https://cdn.aimlapi.com/r.mp4?_jwt=abc"]}
    assert Generation.from_response(body).video_urls == ("https://cdn.aimlapi.com/r.mp4?_jwt=abc",)


def test_video_bare_string() -> None:
    assert Generation.from_response({"id": "x", "video": "https://a/v.mp4"}).video_urls == ("https://a/v.mp4",)


@pytest.mark.parametrize("video", [None, {}, {"url": None}, {"url": ""}, [], [None, {}], [{"url": 3}]])
def test_no_usable_video(video: object) -> None:
    gen = Generation.from_response({"id": "x", "status": "generating", "video": video})
    assert gen.video_urls == () and gen.video_url is None
    assert gen.status is Status.GENERATING


def test_duplicate_video_urls_collapse() -> None:
    body = {"id": "x", "video": [{"url": "https://a/1.mp4"}, "https://a/1.mp4"]}
    assert Generation.from_response(body).video_urls == ("https://a/1.mp4",)


def test_video_url_with_unknown_status_is_completed() -> None:
    gen = Generation.from_response({"id": "x", "status": "finished_ok", "video": {"url": CDN_URL}})
    assert gen.status is Status.COMPLETED and gen.raw_status == "finished_ok"


def test_succeeded_pixverse_example() -> None:
    body = {"id": "3yFHGAkECD5RPnpL11mHe", "status": "succeeded", "video": {"url": "https://cdn.aimlapi.com/p.mp4"}}
    gen = Generation.from_response(body)
    assert gen.status is Status.COMPLETED and gen.raw_status == "succeeded"


def test_completed_without_video_is_still_completed() -> None:
    gen = Generation.from_response({"id": "x", "status": "completed"})
    assert gen.status is Status.COMPLETED and gen.video_url is None


# --- error shapes ----------------------------------------------------------------------------------------------------


def test_error_name_message() -> None:
    body = {"id": "x", "status": "error", "error": {"name": "GenerationError", "message": "Prompt was blocked"}}
    gen = Generation.from_response(body)
    assert gen.status is Status.FAILED
    assert gen.error == "Prompt was blocked"


def test_error_detail_list_real_example() -> None:
    error = {
        "detail": [
            {
                "loc": ["body", "image_url"],
                "msg": "Could not detect face in the image",
                "type": "face_detection_error",
                "input": "https://example.com/cat.png",
            }
        ]
    }
    gen = Generation.from_response({"id": "x", "status": "error", "error": error})
    assert gen.status is Status.FAILED
    assert gen.error == "image_url: Could not detect face in the image"


def test_error_plain_string() -> None:
    gen = Generation.from_response({"id": "x", "status": "failed", "error": "Content moderation"})
    assert gen.status is Status.FAILED and gen.error == "Content moderation"


def test_error_object_without_status_word_fails() -> None:
    gen = Generation.from_response({"id": "x", "status": "generating", "error": {"name": "E", "message": "boom"}})
    assert gen.status is Status.FAILED and gen.error == "boom"


@pytest.mark.parametrize("error", [None, {}, "", []])
def test_empty_error_is_no_error(error: object) -> None:
    gen = Generation.from_response({"id": "x", "status": "generating", "error": error})
    assert gen.status is Status.GENERATING and gen.error is None


def test_failed_status_without_error_object() -> None:
    gen = Generation.from_response({"id": "x", "status": "error"})
    assert gen.status is Status.FAILED and gen.error is None


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ({"name": "ValidationError", "message": "Bad prompt"}, "Bad prompt"),
        ({"name": "OnlyName"}, "OnlyName"),
        ({"detail": [{"loc": ["body", "image_url"], "msg": "Could not detect face in the image"}]},
         "image_url: Could not detect face in the image"),
        ({"detail": [{"loc": ["body", "dynamic_masks", 0, "mask"], "msg": "required"}, {"msg": "too long"}]},
         "dynamic_masks[0].mask: required; too long"),
        ({"detail": "Generation cancelled by provider"}, "Generation cancelled by provider"),
        ("Plain failure", "Plain failure"),
        ("  spaced\n  out  ", "spaced out"),
        ({"code": 17}, '{"code": 17}'),  # unknown shape: shown rather than hidden
        (None, None),
        ({}, None),
    ],
)  # fmt: skip
def test_error_text_shapes(error: object, expected: str | None) -> None:
    assert error_text(error) == expected


def test_error_text_is_shortened() -> None:
    text = error_text("word " * 500)
    assert text is not None and len(text) <= 500 and text.endswith("…")


# --- usage -----------------------------------------------------------------------------------------------------------


def test_usage_credits_used() -> None:
    gen = Generation.from_response({"id": "x", "status": "queued", "meta": {"usage": {"credits_used": 2000000}}})
    assert gen.usage == Usage(credits=2000000.0, usd=None)


def test_usage_tokens_used_legacy() -> None:
    gen = Generation.from_response({"id": "x", "status": "queued", "meta": {"usage": {"tokens_used": 3150000}}})
    assert gen.usage == Usage(credits=3150000.0)


def test_usage_usd_spent() -> None:
    body = {"id": "x", "meta": {"usage": {"credits_used": 120000, "usd_spent": 0.063}}}
    assert Generation.from_response(body).usage == Usage(credits=120000.0, usd=0.063)


def test_usage_credits_used_wins_over_tokens_used() -> None:
    body = {"id": "x", "meta": {"usage": {"credits_used": 5, "tokens_used": 9}}}
    assert Generation.from_response(body).usage == Usage(credits=5.0)


def test_usage_top_level() -> None:
    assert Generation.from_response({"id": "x", "usage": {"credits_used": 7}}).usage == Usage(credits=7.0)


def test_usage_numeric_strings() -> None:
    body = {"id": "x", "meta": {"usage": {"credits_used": "42", "usd_spent": "0.5"}}}
    assert Generation.from_response(body).usage == Usage(credits=42.0, usd=0.5)


@pytest.mark.parametrize(
    "body",
    [
        {"id": "x"},
        {"id": "x", "meta": None},
        {"id": "x", "meta": {"usage": None}},
        {"id": "x", "meta": {"usage": {}}},
        {"id": "x", "meta": {"usage": {"credits_used": "n/a", "usd_spent": True}}},
    ],
)
def test_no_usage(body: dict) -> None:
    assert Generation.from_response(body).usage is None


# --- whole examples from the docs ------------------------------------------------------------------------------------


def test_minimax_final_poll_example() -> None:
    url = "https://cdn.aimlapi.com/whale/output.mp4?Expires=1738947643&OSSAccessKeyId=x&Signature=y"
    gen = Generation.from_response({"id": "234954179076239", "status": "completed", "video": {"url": url}})
    assert gen == Generation(id="234954179076239", status=Status.COMPLETED, raw_status="completed", video_urls=(url,))


def test_generation_is_frozen() -> None:
    gen = Generation.from_response({"id": "x"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        gen.id = "y"  # type: ignore[misc]
