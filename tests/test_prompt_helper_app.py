"""The prompt helper under a video model's prompt, through AppTest on a real offline backend."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import Studio, jpeg_bytes
from tests.test_app import KEYS, PIXVERSE, VIDEO01, choose, upload
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
