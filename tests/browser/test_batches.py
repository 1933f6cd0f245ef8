"""A batch in a real browser: How many = 3 sends 3 requests with 3 different seeds, a double click sends the batch
once, and the three show as one group in Latest jobs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import (
    Studio,
    fill_pixverse,
    keyed,
    open_studio,
    sent_with,
    set_how_many,
    settle,
    wait_done,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def studio(shared_studio: Studio) -> Studio:
    """The shared studio: these tests compare the backend's submit counter before and after."""
    return shared_studio


def batch_groups(page: Page) -> Locator:
    """The batch groups of Latest jobs (``batch-card-<batch id>``)."""
    return page.locator("div[class*='st-key-batch-card-']")


def test_a_batch_of_3_gives_3_posts_with_3_different_seeds(
    page: Page, studio: Studio, media_files: dict[str, Path]
) -> None:
    prompt = "Three takes of one wave"
    submits = studio.stats()["submits"]
    open_studio(page, studio.url)
    fill_pixverse(page, media_files["photo"], prompt=prompt)
    set_how_many(page, 3)
    expect(keyed(page, "price_tag")).to_contain_text("Price of these 3 runs: 3 ×")

    keyed(page, "generate").locator("button").click()

    group = batch_groups(page).filter(has_text="Batch of 3 · PixVerse").filter(has_text=prompt).first
    expect(group).to_be_visible(timeout=20_000)
    assert studio.stats()["submits"] == submits + 3
    payloads = sent_with(studio, prompt)
    assert len(payloads) == 3
    assert len({p["seed"] for p in payloads}) == 3
    cards = group.locator("div[class*='st-key-card-']:not([class*='st-key-card-download-'])")
    expect(cards).to_have_count(3)
    for index in range(3):
        wait_done(cards.nth(index))
    # All three finished: Compare opens them side by side.
    compare = group.get_by_role("link", name="Compare")
    compare.click()
    page.wait_for_url(re.compile(r"/compare\?jobs=\w+(,|%2C)\w+(,|%2C)\w+$"))
    expect(page.locator("[data-testid='stMain'] video")).to_have_count(3)


def test_a_double_click_with_how_many_3_sends_exactly_3(
    page: Page, studio: Studio, media_files: dict[str, Path]
) -> None:
    prompt = "One double click, one batch"
    submits = studio.stats()["submits"]
    open_studio(page, studio.url)
    fill_pixverse(page, media_files["photo"], prompt=prompt)
    set_how_many(page, 3)

    keyed(page, "generate").locator("button").dblclick()

    group = batch_groups(page).filter(has_text="Batch of 3 · PixVerse").filter(has_text=prompt).first
    expect(group).to_be_visible(timeout=20_000)
    cards = group.locator("div[class*='st-key-card-']:not([class*='st-key-card-download-'])")
    expect(cards).to_have_count(3)
    for index in range(3):
        wait_done(cards.nth(index))  # by now a second batch, had the double click sent one, would be there too
    settle(page)
    assert len(sent_with(studio, prompt)) == 3
    assert studio.stats()["submits"] == submits + 3
    expect(batch_groups(page).filter(has_text=prompt)).to_have_count(1)
