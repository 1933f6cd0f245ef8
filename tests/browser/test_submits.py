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
    how_many_button,
    job_cards,
    keyed,
    new_card,
    open_studio,
    pick_model,
    press_generate,
    set_how_many,
    settle,
    type_text,
    upload,
    wait_done,
    wait_idle,
)
from tests.browser.test_chain import make_clip

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
    # A person scrolls to the button first; a click outside the window reaches nothing.
    keyed(page, "generate").locator("button").first.scroll_into_view_if_needed()
    box = keyed(page, "generate").locator("button").first.bounding_box()
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


def press_where_generate_is(page: Page, times: int) -> None:
    """Press ``times`` where the Generate button is, like a person's mouse (a disabled button ignores the click)."""
    keyed(page, "generate").locator("button").first.scroll_into_view_if_needed()
    box = keyed(page, "generate").locator("button").first.bounding_box()
    assert box
    for _ in range(times):
        page.mouse.click(box["x"] + 20, box["y"] + box["height"] / 2)
        settle(page)


def expect_the_sent_job_on_the_button(page: Page, prompt: str) -> None:
    """The form as it was sent (put back by the browser's draft), and Generate pointing at the job it started."""
    expect(keyed(page, f"{VIDEO01}__prompt").locator("textarea")).to_have_value(prompt)
    generate = keyed(page, "generate").locator("button").first
    expect(generate).to_contain_text(re.compile(r"Generating…|Done|Failed"))
    expect(generate).to_be_disabled()
    expect(keyed(page, "generate_another").locator("button").first).to_be_enabled()


def test_a_reload_or_a_second_tab_does_not_send_the_same_request_again(page: Page, studio: Studio) -> None:
    """The press is known from the history and this browser's cookie, not from one tab's memory."""
    prompt = "One press, even after a reload"
    open_studio(page, studio.url)
    pick_model(page, "video-01")
    type_text(page, f"{VIDEO01}__prompt", prompt)
    before = card_ids(page)
    press_generate(page)
    card = new_card(page, before)
    submits = studio.stats()["submits"]

    page.reload()
    wait_idle(page)
    expect_the_sent_job_on_the_button(page, prompt)
    press_where_generate_is(page, 3)
    assert studio.stats()["submits"] == submits

    # A second tab of the same browser (the same cookies) on the same form.
    second = page.context.new_page()
    open_studio(second, studio.url)
    expect_the_sent_job_on_the_button(second, prompt)
    press_where_generate_is(second, 3)
    assert studio.stats()["submits"] == submits
    wait_done(card)
    second.reload()
    wait_idle(second)
    expect_the_sent_job_on_the_button(second, prompt)
    expect(job_cards(second).filter(has_text=prompt)).to_have_count(1)
    assert studio.stats()["submits"] == submits
    second.close()


def test_a_job_that_ended_shows_once_on_generate(page: Page, studio: Studio) -> None:
    prompt = "Shown once when done"
    open_studio(page, studio.url)
    pick_model(page, "video-01")
    type_text(page, f"{VIDEO01}__prompt", prompt)
    before = card_ids(page)
    press_generate(page)
    wait_done(new_card(page, before))
    settle(page)
    # Its card in Latest jobs, and no second one under the button; the button says where the result is.
    expect(job_cards(page).filter(has_text=prompt)).to_have_count(1)
    expect(page.locator("[class*='st-key-started_job']")).to_have_count(0)
    expect(page.get_by_text("the result is in Latest jobs")).to_be_visible()


def test_how_many_is_back_to_1_after_continue_from_here(page: Page, studio: Studio) -> None:
    prompt = "A kite above the dunes"
    open_studio(page, studio.url)
    source = make_clip(page, prompt)
    set_how_many(page, 3)
    expect(keyed(page, "price_tag")).to_contain_text("Price of these 3 runs")
    keyed(page, f"continue-card-{source}").get_by_role("link", name="Continue from here").first.click()
    # As a person does, wait for Generate to show the continuation before choosing a model: on a loaded machine
    # the link's run can start after settle() has already looked, and the choice then lands on the page it left.
    expect(keyed(page, "continue_note")).to_contain_text("Continuing from MiniMax video-01")
    settle(page)
    pick_model(page, "pixverse/v5/image-to-video")
    expect(keyed(page, "continue_note")).to_contain_text("its last frame is the start image of PixVerse")
    expect(how_many_button(page)).to_contain_text("How many: 1")
    expect(keyed(page, "price_tag")).to_contain_text("Price of this run")
    expect(keyed(page, "price_tag")).not_to_contain_text("runs")
