"""Nothing sent twice, nothing sent wrong: one press is one job; a form with a problem sends nothing."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import (
    LIVE2D,
    PIXVERSE,
    VIDEO01,
    Studio,
    card_ids,
    fill_pixverse,
    job_cards,
    keyed,
    new_card,
    open_studio,
    pick_model,
    press_generate,
    settle,
    type_text,
    upload,
    wait_done,
)

pytestmark = pytest.mark.browser

NOTHING_SENT = "Nothing was sent."


@pytest.fixture
def studio(shared_studio: Studio) -> Studio:
    """The shared studio: these tests compare the backend's submit counter before and after."""
    return shared_studio


def field_error(page: Page, key: str, next_key: str) -> Locator:
    """The error shown between the field ``key`` and the field after it, ``next_key`` (i.e. under ``key``)."""
    top = keyed(page, key).bounding_box()
    bottom = keyed(page, next_key).bounding_box()
    assert top and bottom
    errors = page.locator("[data-testid='stMain'] [data-testid='stAlertContentError']")
    between = [
        e
        for e in errors.all()
        if (box := e.bounding_box()) and top["y"] + top["height"] <= box["y"] + 1 and box["y"] < bottom["y"]
    ]
    assert between, f"no error shown between {key} and {next_key}"
    return between[0]


def generate_refused(page: Page, studio: Studio, submits_before: int) -> None:
    """Press Generate on a form with a problem: the studio says nothing was sent, and it was not."""
    before = card_ids(page)
    press_generate(page)
    settle(page)
    expect(page.get_by_text(NOTHING_SENT)).to_be_visible()
    assert card_ids(page) == before
    assert studio.stats()["submits"] == submits_before


def test_text_file_given_as_image(page: Page, studio: Studio, media_files: dict[str, Path]) -> None:
    submits = studio.stats()["submits"]
    open_studio(page, studio.url)
    pick_model(page, "pixverse/v5/image-to-video")
    type_text(page, f"{PIXVERSE}__prompt", "A cat surfing")
    # A .txt file reaches the studio's own checks (the uploader takes any file), which say what is wrong.
    upload(page, f"{PIXVERSE}__image_url", media_files["notes_txt"])
    error = field_error(page, f"{PIXVERSE}__image_url__file", f"{PIXVERSE}__prompt")
    expect(error).to_contain_text(re.compile(r"not an image|not a picture|cannot be read|image", re.I))
    generate_refused(page, studio, submits)
    # A text file named like a picture gets past the uploader; the studio reads it and says what is wrong.
    upload(page, f"{PIXVERSE}__image_url", media_files["notes_jpg"])
    error = field_error(page, f"{PIXVERSE}__image_url__file", f"{PIXVERSE}__prompt")
    expect(error).to_contain_text(re.compile(r"not an image|not a picture|cannot be read|image", re.I))
    generate_refused(page, studio, submits)


def test_image_too_small_for_minimax(page: Page, studio: Studio, media_files: dict[str, Path]) -> None:
    submits = studio.stats()["submits"]
    open_studio(page, studio.url)
    pick_model(page, "video-01-live2d")
    upload(page, f"{LIVE2D}__image_url", media_files["tiny"])
    type_text(page, f"{LIVE2D}__prompt", "The clouds drift")
    error = field_error(page, f"{LIVE2D}__image_url__file", f"{LIVE2D}__prompt")
    expect(error).to_contain_text("300 px")
    expect(error).to_contain_text("200×150")
    generate_refused(page, studio, submits)


def test_empty_required_prompt(page: Page, studio: Studio) -> None:
    submits = studio.stats()["submits"]
    open_studio(page, studio.url)
    pick_model(page, "video-01")
    # Nothing is flagged before the person tries to generate.
    expect(page.get_by_text("This field is required.")).to_have_count(0)
    generate_refused(page, studio, submits)
    error = field_error(page, f"{VIDEO01}__prompt", f"{VIDEO01}__image_url__source")
    expect(error).to_contain_text("This field is required.")


def test_double_click_sends_one_job(page: Page, studio: Studio, media_files: dict[str, Path]) -> None:
    submits = studio.stats()["submits"]
    open_studio(page, studio.url)
    fill_pixverse(page, media_files["photo"], prompt="One press, one job")
    before = card_ids(page)
    keyed(page, "generate").locator("button").dblclick()
    card = new_card(page, before)
    wait_done(card)  # by now a second submit, had the double click sent one, would have its card too
    assert len(set(card_ids(page)) - set(before)) == 1
    expect(job_cards(page).filter(has_text="One press, one job")).to_have_count(1)
    assert studio.stats()["submits"] == submits + 1


def test_clicks_spread_over_three_seconds_send_one_job(page: Page, studio: Studio) -> None:
    """A person pressing again and again while nothing seems to happen: one job, and the button says why."""
    submits = studio.stats()["submits"]
    open_studio(page, studio.url)
    pick_model(page, "video-01")
    type_text(page, f"{VIDEO01}__prompt", "Twenty presses, one job")
    before = card_ids(page)
    box = keyed(page, "generate").locator("button").bounding_box()
    assert box
    # Where the button is, like a person's mouse: a disabled button takes the click without acting on it.
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    for _ in range(20):
        page.mouse.click(x, y)
        time.sleep(0.15)
    new_card(page, before)
    settle(page)
    generate = keyed(page, "generate").locator("button").first
    expect(generate).to_contain_text(re.compile(r"Generating…|Done"))
    expect(generate).to_be_disabled()
    expect(keyed(page, "generate_another").locator("button").first).to_be_enabled()
    assert studio.stats()["submits"] == submits + 1
    expect(job_cards(page).filter(has_text="Twenty presses, one job")).to_have_count(1)
