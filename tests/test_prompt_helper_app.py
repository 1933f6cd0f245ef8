"""The prompt helper under a video model's prompt, through AppTest on a real offline backend."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.conftest import Studio, jpeg_bytes
from tests.test_app import KEYS, PIXVERSE, VIDEO01, choose, generate, submitted_payloads, upload
from tests.test_attention import open_as
from videostudio.offline.assist.seeing import DESCRIPTION_MARK, REWRITE_MARK
from videostudio.workflows.drafts import new_draft_id

pytestmark = pytest.mark.apptest

PROMPT = "A lighthouse keeper climbs the stairs at night"
HELPER = f"{KEYS[VIDEO01]}__helper"


def chat_calls(studio: Studio) -> list[dict]:
    rows = studio.backend.logs.query({"period": ["24h"]})["data"]
    return [r for r in rows if (r["client_request_id"] or "").startswith("helper-")]


def with_prompt(studio: Studio) -> AppTest:
    at = open_as(new_draft_id())
    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input(PROMPT).run()
    return at


def improve(at: AppTest) -> None:
    at.button(key=f"{HELPER}_improve").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_improve_shows_the_proposal_beside_the_prompt_priced_before_and_after(studio: Studio) -> None:
    at = with_prompt(studio)
    assert any(c.value.startswith("About $") and "tokens in" in c.value for c in at.caption)
    assert not any(b.key == f"{HELPER}_describe" for b in at.button)  # no start picture on this form
    improve(at)
    proposal = at.text_area(key=f"{HELPER}_text").value
    assert proposal.startswith(PROMPT + ". ") and proposal.endswith(REWRITE_MARK)
    assert at.text_area(key=f"{HELPER}_mine").value == PROMPT  # both visible
    assert at.text_area(key=f"{KEYS[VIDEO01]}__prompt").value == PROMPT  # nothing changed without the accept
    assert any(c.value.startswith("Written by gpt-4o-mini: $") for c in at.caption)
    assert len(chat_calls(studio)) == 1
    at.run()
    at.run()
    assert len(chat_calls(studio)) == 1  # a rerun sends nothing


def test_use_this_prompt_puts_the_edited_proposal_in_the_prompt(studio: Studio) -> None:
    at = with_prompt(studio)
    improve(at)
    at.text_area(key=f"{HELPER}_text").input("A keeper climbs, lantern in hand, slow crane up").run()
    at.button(key=f"{HELPER}_use").click().run()
    assert not at.exception
    assert at.text_area(key=f"{KEYS[VIDEO01]}__prompt").value == "A keeper climbs, lantern in hand, slow crane up"
    assert not any(t.key == f"{HELPER}_text" for t in at.text_area)  # the proposal is gone
    assert len(chat_calls(studio)) == 1


def test_keep_mine_leaves_the_prompt_as_it_was(studio: Studio) -> None:
    at = with_prompt(studio)
    improve(at)
    at.button(key=f"{HELPER}_keep").click().run()
    assert at.text_area(key=f"{KEYS[VIDEO01]}__prompt").value == PROMPT
    assert not any(t.key == f"{HELPER}_text" for t in at.text_area)
    assert any(b.key == f"{HELPER}_improve" for b in at.button)


def test_a_second_press_while_a_proposal_is_shown_sends_nothing(studio: Studio) -> None:
    at = with_prompt(studio)
    improve(at)
    shown = at.text_area(key=f"{HELPER}_text").value
    # What a double click's second press records, arriving from the page drawn before the proposal.
    at.session_state[f"{HELPER}_ask"] = ("improve", "helper-second")
    at.run()
    assert len(chat_calls(studio)) == 1
    assert at.text_area(key=f"{HELPER}_text").value == shown


def test_describe_my_picture_writes_a_prompt_from_the_start_image(studio: Studio) -> None:
    at = open_as(new_draft_id())
    choose(at, PIXVERSE)
    upload(at, PIXVERSE, "image_url", "portrait.jpg", jpeg_bytes((480, 640), (230, 210, 60)), "image/jpeg")
    helper = f"{KEYS[PIXVERSE]}__helper"
    at.button(key=f"{helper}_describe").click().run()
    assert not at.exception, [e.value for e in at.exception]
    proposal = at.text_area(key=f"{helper}_text").value
    assert "portrait picture" in proposal and "yellow" in proposal and proposal.endswith(DESCRIPTION_MARK)


# --- Make a picture ---------------------------------------------------------------------------------------------------

PIX = KEYS[PIXVERSE]
FIELD = f"{PIX}__image_url"


def still_calls(studio: Studio) -> list[dict]:
    rows = studio.backend.logs.query({"period": ["24h"]})["data"]
    return [r for r in rows if (r["client_request_id"] or "").startswith("still-")]


def make_a_picture(at: AppTest, description: str) -> None:
    at.segmented_control(key=f"{FIELD}__source").set_value("Make a picture").run()
    at.text_area(key=f"{FIELD}__still_prompt").input(description).run()
    at.button(key=f"{FIELD}__still_make").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_a_made_picture_is_shown_priced_and_sent_as_the_start_image(studio: Studio) -> None:
    at = open_as(new_draft_id())
    choose(at, PIXVERSE)
    at.segmented_control(key=f"{FIELD}__source").set_value("Make a picture").run()
    assert at.selectbox(key=f"{FIELD}__still_model").value == "flux/schnell"
    assert any(c.value.startswith("Price: $") and "one picture" in c.value for c in at.caption)
    make_a_picture(at, "A red lighthouse on a cliff at dawn")
    [shown] = [img.proto.imgs[0].url for img in at.get("image")]
    assert Image.open(io.BytesIO(base64.b64decode(shown.split(",", 1)[1]))).size == (320, 180)  # the picture, seen
    assert any("made by flux/schnell: $" in c.value for c in at.caption)
    assert at.button(key=f"{FIELD}__still_make").label == "Make another picture"
    assert len(still_calls(studio)) == 1
    at.run()
    assert len(still_calls(studio)) == 1  # a rerun makes nothing
    at.text_area(key=f"{PIX}__prompt").input("The lighthouse beam sweeps the sea").run()
    generate(at)
    [payload] = submitted_payloads(studio)
    assert payload["image_url"].startswith("data:image/")
    sent = Image.open(io.BytesIO(base64.b64decode(payload["image_url"].split(",", 1)[1])))
    assert sent.width > sent.height  # the landscape picture the image model made


def test_a_press_from_a_page_drawn_before_the_picture_makes_nothing_more(studio: Studio) -> None:
    at = open_as(new_draft_id())
    choose(at, PIXVERSE)
    make_a_picture(at, "A red lighthouse")
    # What the button's callback records for a press on the page drawn before the picture was made.
    at.session_state[f"{FIELD}__still_ask"] = ("still-second", 0)
    at.run()
    assert len(still_calls(studio)) == 1


def test_a_made_picture_comes_back_with_the_draft_as_an_upload(studio: Studio) -> None:
    browser = new_draft_id()
    at = open_as(browser)
    choose(at, PIXVERSE)
    make_a_picture(at, "A red lighthouse")
    again = open_as(browser)  # a reload of the same browser
    assert again.segmented_control(key=f"{FIELD}__source").value == "Upload"
    assert any(b.key == f"{FIELD}__remove" for b in again.button)  # a kept upload's preview
    assert len(still_calls(studio)) == 1
