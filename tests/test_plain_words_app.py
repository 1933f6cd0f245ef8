"""Plain words and nothing sent that was not meant (issue 10 §2 and §6b), on the pages through AppTest."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.form.schema_form import ADVANCED_OPEN
from components.shell.sidebar import DEVELOPER_ENDPOINTS
from tests.apptest import open_fold
from tests.conftest import Studio
from tests.test_app import KEYS, PIXVERSE, VIDEO01, choose, generate, open_studio, submitted_payloads, wait_for_video

pytestmark = pytest.mark.apptest

V01 = KEYS[VIDEO01]
PIX = KEYS[PIXVERSE]
VEO = "google/veo-3.1-t2v"
VEO_KEY = "google-veo-3-1-t2v"


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def _keys_inside(node: Any) -> set[str]:
    """The widget keys drawn inside ``node`` (an expander), at any depth."""
    keys: set[str] = set()
    for child in getattr(node, "children", {}).values():
        key = getattr(child, "key", None)
        if key:
            keys.add(key)
        keys |= _keys_inside(child)
    return keys


def test_a_prompt_longer_than_the_limit_is_kept_and_blocks_generate(studio: Studio) -> None:
    at = open_studio()
    choose(at, VIDEO01)
    at.text_area(key=f"{V01}__prompt").input("x" * 10_000).run()
    # Kept as pasted, not cut (max_chars would drop it and then say the field is required).
    assert len(at.text_area(key=f"{V01}__prompt").value) == 10_000
    assert "Too long: 10,000 characters, at most 2,000." in _errors(at)
    assert any("10,000 / 2,000 characters" in c.value and ":red[" in c.value for c in at.caption)
    generate(at)
    assert submitted_payloads(studio) == []
    assert any("Nothing was sent" in e for e in _errors(at))


def test_a_prompt_past_what_any_model_takes_is_counted_and_refused_on_a_model_without_a_maximum(
    studio: Studio,
) -> None:
    # Veo's schema sets no maximum; the longest prompt any model of the catalogue takes is 7,000 characters.
    at = open_studio()
    choose(at, VEO)
    assert "0 characters" in [c.value for c in at.caption]  # a counter, although the schema names no limit
    at.text_area(key=f"{VEO_KEY}__prompt").input(("a fox in snow " * 3800)[:-1] + ".").run()  # 53,200 characters
    assert len(at.text_area(key=f"{VEO_KEY}__prompt").value) == 53_200
    assert ":red[**53,200 characters**]: more than any model takes (7,000)" in [c.value for c in at.caption]
    refusal = "Too long: 53,200 characters. No model takes more than 7,000"
    assert any(e.startswith(refusal) for e in _errors(at))
    generate(at)
    assert submitted_payloads(studio) == []
    assert any("Nothing was sent" in e for e in _errors(at))
    # Shortened to what a model can take, the warning goes and the counter is plain again.
    at.text_area(key=f"{VEO_KEY}__prompt").input(("a fox in snow " * 400)[:-1] + ".").run()
    assert "5,600 characters" in [c.value for c in at.caption]
    assert not any(e.startswith("Too long") for e in _errors(at))


def test_a_prompt_is_shown_on_its_card_exactly_as_typed(studio: Studio) -> None:
    prompt = "**bold** :red[hot] [a link](https://example.com) <b>tag</b>"
    at = open_studio()
    choose(at, VIDEO01)
    at.text_area(key=f"{V01}__prompt").input(prompt).run()
    generate(at)
    wait_for_video(at)
    assert prompt in [t.value for t in at.text]
    assert not [m.value for m in at.markdown if "bold" in m.value]


def test_a_private_web_address_is_refused_and_nothing_is_sent(studio: Studio) -> None:
    at = open_studio()
    choose(at, VIDEO01)
    at.text_area(key=f"{V01}__prompt").input("A cat").run()
    at.get_by_key(f"{V01}__image_url__source").set_value("Web address").run()
    at.text_input(key=f"{V01}__image_url__url").input("http://169.254.169.254/latest/meta-data/").run()
    assert any("private or local network (169.254.169.254)" in e for e in _errors(at))
    generate(at)
    assert submitted_payloads(studio) == []


def test_a_voice_list_offers_auto_once(studio: Studio) -> None:
    at = open_studio()
    choose(at, PIXVERSE)
    speaker = at.selectbox(key=f"{PIX}__lip_sync_tts_speaker")
    assert "Auto" not in speaker.options and len(speaker.options) == 14
    assert speaker.value is None
    assert speaker.proto.placeholder == "Auto: the model decides"


def test_pixverse_style_is_on_the_main_form(studio: Studio) -> None:
    at = open_studio()
    choose(at, PIXVERSE)
    style = at.selectbox(key=f"{PIX}__style")
    assert style.label == "Style"
    open_fold(at, ADVANCED_OPEN)  # a shut panel draws nothing inside: open it to see what it holds
    advanced = next(e for e in at.expander if e.label == "Advanced")
    inside = _keys_inside(advanced)
    assert f"{PIX}__style" not in inside
    assert f"{PIX}__negative_prompt" in inside  # the check can see what Advanced holds


def test_the_endpoint_choice_is_a_developer_option_off_by_default(studio: Studio) -> None:
    at = open_studio()
    choose(at, PIXVERSE)
    assert not [t for t in at.toggle if t.key == f"{PIX}__legacy"]
    assert not [e for e in at.expander if e.label == "Endpoint"]
    open_fold(at, "sidebar_developer_panel")
    assert at.toggle(key=DEVELOPER_ENDPOINTS).value is False
    at.toggle(key=DEVELOPER_ENDPOINTS).set_value(True).run()
    assert at.toggle(key=f"{PIX}__legacy").value is False
    at.toggle(key=DEVELOPER_ENDPOINTS).set_value(False).run()
    assert not [t for t in at.toggle if t.key == f"{PIX}__legacy"]


def _refuse_submits_with(monkeypatch: Any, body: dict[str, Any]) -> None:
    from videostudio.api.client import VideoClient
    from videostudio.api.http_errors import error_from_response

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise error_from_response(400, body)

    # The API's answer, at the client: every send, single or batch, goes through it.
    monkeypatch.setattr(VideoClient, "submit", refuse)


def test_a_refusal_that_names_a_field_highlights_it(studio: Studio, monkeypatch: Any) -> None:
    _refuse_submits_with(monkeypatch, {"message": "Body validation error! prompt: Contains a banned word"})
    at = open_studio()
    choose(at, VIDEO01)
    at.text_area(key=f"{V01}__prompt").input("A cat").run()
    generate(at)
    errors = _errors(at)
    assert any("Check the highlighted setting" in e for e in errors)
    assert "The AI/ML API refused this setting: Body validation error! prompt: Contains a banned word" in errors
    # Changing the field takes the mark away.
    at.text_area(key=f"{V01}__prompt").input("A dog").run()
    assert not [e for e in _errors(at) if "refused this setting" in e]


def test_a_refusal_that_names_no_field_promises_no_highlight(studio: Studio, monkeypatch: Any) -> None:
    _refuse_submits_with(monkeypatch, {"message": "Body validation error! Something is off"})
    at = open_studio()
    choose(at, VIDEO01)
    at.text_area(key=f"{V01}__prompt").input("A cat").run()
    generate(at)
    errors = _errors(at)
    assert any("Something is off" in e for e in errors)
    assert not [e for e in errors if "highlighted" in e]


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'


def test_a_refused_file_in_an_optional_list_blocks_generate(studio: Studio) -> None:
    model_id, key = "alibaba/wan-2-7-r2v", "alibaba-wan-2-7-r2v"
    at = open_studio()
    choose(at, model_id)
    at.text_area(key=f"{key}__prompt").input("A cat").run()
    uploader = next(w for w in at.get("file_uploader") if w.key == f"{key}__image_urls__files")
    uploader.upload("logo.svg", SVG, "image/svg+xml").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("logo.svg: This file is not an image" in e for e in _errors(at))
    generate(at)
    assert submitted_payloads(studio) == []
    # The formats are named in a few words; the full list is on the hover.
    formats = next(c for c in at.caption if c.value == "JPG, PNG, WebP and other photos")
    assert "JFIF" in formats.proto.help


def test_an_svg_on_video01s_optional_first_frame_blocks_generate(studio: Studio) -> None:
    at = open_studio()
    choose(at, VIDEO01)
    at.text_area(key=f"{V01}__prompt").input("A cat").run()
    uploader = next(w for w in at.get("file_uploader") if w.key == f"{V01}__image_url__file")
    uploader.upload("logo.svg", SVG, "image/svg+xml").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("not an image" in e for e in _errors(at))  # under the field, in the studio's words
    generate(at)
    assert submitted_payloads(studio) == []  # not a text-only job: the person meant to send a picture
    assert any("Nothing was sent" in e for e in _errors(at))
    formats = next(c for c in at.caption if c.value == "JPG, PNG, WebP and other photos")
    assert "JFIF" in formats.proto.help
