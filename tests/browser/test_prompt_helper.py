"""The prompt helper in a real browser: Improve, edit, Use this prompt, and Generate sends the accepted prompt."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    VIDEO01,
    Studio,
    card_ids,
    fill_video01,
    keyed,
    new_card,
    open_studio,
    press_generate,
    running_studio,
    settle,
    type_text,
)
from videostudio.offline.assist.seeing import DESCRIPTION_MARK, REWRITE_MARK

pytestmark = pytest.mark.browser

PROMPT = "A paper boat drifts down a gutter after the rain"
EDITED = "A paper boat drifts down a rainy gutter, low angle, neon reflections, the camera follows it"
HELPER = f"{VIDEO01}__helper"


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    with running_studio(tmp_path_factory.mktemp("prompt-helper-studio")) as running:
        yield running


def press(page: Page, key: str) -> None:
    keyed(page, key).locator("button").first.click()
    settle(page)


def test_improve_edit_use_then_generate_sends_the_accepted_prompt(
    page: Page, studio: Studio, media_files: dict[str, Path]
) -> None:
    open_studio(page, studio.url)
    fill_video01(page, media_files["photo"], PROMPT)
    expect(keyed(page, f"{HELPER}_describe")).to_be_visible()  # the form has a start picture

    press(page, f"{HELPER}_improve")
    proposal = keyed(page, f"{HELPER}_text").locator("textarea")
    expect(proposal).to_be_visible()
    assert proposal.input_value().startswith(PROMPT + ". ") and proposal.input_value().endswith(REWRITE_MARK)
    prompt = keyed(page, f"{VIDEO01}__prompt").locator("textarea")
    expect(prompt).to_have_value(PROMPT)  # both shown; nothing changed yet
    expect(keyed(page, f"{HELPER}_mine").locator("textarea")).to_have_value(PROMPT)

    type_text(page, f"{HELPER}_text", EDITED)
    press(page, f"{HELPER}_use")
    expect(prompt).to_have_value(EDITED)
    expect(keyed(page, f"{HELPER}_text")).to_have_count(0)

    before, submits = card_ids(page), studio.stats()["submits"]
    press_generate(page)
    new_card(page, before)  # the job the press sent
    assert studio.stats()["submits"] == submits + 1
    assert studio.backend.received()[-1]["payload"]["prompt"] == EDITED


def test_describe_my_picture_writes_a_prompt_from_the_start_picture(
    page: Page, studio: Studio, media_files: dict[str, Path]
) -> None:
    open_studio(page, studio.url)
    fill_video01(page, media_files["photo"], PROMPT)
    press(page, f"{HELPER}_describe")
    proposal = keyed(page, f"{HELPER}_text").locator("textarea")
    expect(proposal).to_be_visible()
    assert "picture (" in proposal.input_value() and proposal.input_value().endswith(DESCRIPTION_MARK)
    press(page, f"{HELPER}_keep")
    expect(keyed(page, f"{VIDEO01}__prompt").locator("textarea")).to_have_value(PROMPT)
