"""The price before Generate matches the catalogue's pricing (one model of each kind), and the balance shows with a key.

The prices come from the offline backend's own /v1/models, read here as the studio reads them, and are worked out
in this test by hand (rate × seconds), not with the studio's code.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import (
    API_KEY,
    FABRIC,
    PIXVERSE,
    VIDEO01,
    Studio,
    card_ids,
    choose,
    keyed,
    new_card,
    open_studio,
    press_generate,
    running_studio,
    settle,
    type_text,
    upload,
    wait_done,
)
from tests.browser.test_secrets import type_key_in_sidebar

pytestmark = pytest.mark.browser

CREDITS_PER_USD = 2_000_000


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """A studio of its own: the estimate for a variable price depends on this history only."""
    with running_studio(tmp_path_factory.mktemp("prices"), api_required_key=API_KEY) as running:
        yield running


def pricing(studio: Studio, model_id: str) -> dict[str, Any]:
    """The model's pricing as the offline demo's /v1/models lists it."""
    answer = requests.get(f"{studio.backend.url}/v1/models", params={"include": "pricing"}, timeout=10).json()
    [item] = [m for m in answer["data"] if m["id"] == model_id]
    return item["pricing"]


def money_text(usd: float) -> str:
    """Dollars then credits, as a person reads them: "$0.65 · 1,300,000 credits"."""
    cents = f"{usd:.4f}".rstrip("0")
    whole, _, fraction = cents.partition(".")
    return f"${whole}.{fraction.ljust(2, '0')} · {round(usd * CREDITS_PER_USD):,} credits"


def choose_model(page: Page, model_id: str, words: str) -> None:
    """Search the model browser for ``words`` and press the model's own Choose button (by its key)."""
    toggle = keyed(page, "model_browser_toggle").locator("button")
    if "Change" in toggle.inner_text():
        toggle.click()
        settle(page)
    search = keyed(page, "browser_search").locator("input")
    search.fill(words)
    search.press("Enter")
    settle(page)
    button = keyed(page, f"model_browser_choose__{model_id}").locator("button")
    if button.is_enabled():  # "Chosen" (disabled) when it already is the model
        button.click()
        settle(page)


def price_tag(page: Page) -> Locator:
    return keyed(page, "price_tag")


def test_the_price_before_generate_matches_the_pricing_of_each_kind(
    page: Page, studio: Studio, media_files: dict[str, Path]
) -> None:
    open_studio(page, studio.url)

    # fixed: one rate per second of video; video-01 has no duration field and makes 6-second videos.
    fixed = pricing(studio, "video-01")
    assert fixed["kind"] == "fixed"
    [unit] = fixed["units"]
    choose_model(page, "video-01", "video-01")
    expect(price_tag(page)).to_contain_text(f"Price of this run: {money_text(unit['price'] / unit['per'] * 6)}")
    expect(price_tag(page)).to_contain_text("Simulated")

    # variants: by resolution; PixVerse v5 defaults to 720p and 5 s.
    variants = pricing(studio, "pixverse/v5/image-to-video")
    assert variants["kind"] == "variants" and "resolution" in variants["dimensions"]

    def rate(resolution: str) -> float:
        [match] = [v for v in variants["variants"] if v["when"] == {"resolution": resolution}]
        return match["price"] / match["per"]

    choose_model(page, "pixverse/v5/image-to-video", "PixVerse v5")
    expect(price_tag(page)).to_contain_text(money_text(rate("720p") * 5))
    keyed(page, f"{PIXVERSE}__duration").get_by_text("8 s", exact=True).click()
    settle(page)
    expect(price_tag(page)).to_contain_text(money_text(rate("720p") * 8))
    choose(page, f"{PIXVERSE}__resolution", "1080p")
    expect(price_tag(page)).to_contain_text(money_text(rate("1080p") * 8))

    # variable: Fabric's video lasts as long as its recording. Priced after the run, then estimated from it.
    assert pricing(studio, "veed/fabric-1.0")["kind"] == "variable"
    choose_model(page, "veed/fabric-1.0", "Fabric 1.0")
    upload(page, f"{FABRIC}__image_url", media_files["photo"])
    upload(page, f"{FABRIC}__audio_url", media_files["voice"])
    expect(price_tag(page)).to_contain_text("Priced after the run")
    before = card_ids(page)
    press_generate(page)
    wait_done(new_card(page, before))
    [job] = [r for r in studio.backend.received() if r["model"] == "veed/fabric-1.0"]
    expect(price_tag(page)).to_contain_text(f"Estimated price: about {money_text(job['credits'] / CREDITS_PER_USD)}")
    expect(price_tag(page)).to_contain_text("estimate from your past job")


def test_the_sidebar_shows_the_balance_with_a_key_and_after_a_job(page: Page, studio: Studio) -> None:
    open_studio(page, studio.url)
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_text("Balance:")).to_have_count(0)  # the offline demo, no key: no account
    type_key_in_sidebar(page)
    keyed(page, "backend_choice").get_by_text("AI/ML API", exact=True).click()
    settle(page)
    # The "AI/ML API" here is an offline backend: a simulated account that starts at $100.
    expect(sidebar).to_contain_text(f"Balance: {money_text(100.0)}")

    choose_model(page, "video-01", "video-01")
    type_text(page, f"{VIDEO01}__prompt", "A paper boat on a puddle")
    expect(price_tag(page)).not_to_contain_text("Simulated")  # a billed backend: a real price
    before = card_ids(page)
    press_generate(page)
    wait_done(new_card(page, before))
    [job] = studio.api_backend.received()
    expect(sidebar).to_contain_text(f"Balance: {money_text(100.0 - job['credits'] / CREDITS_PER_USD)}")
