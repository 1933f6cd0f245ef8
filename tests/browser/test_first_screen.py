"""The first screen of a fresh studio at 1440×900: the prompt and an enabled Generate without scrolling, one price
from the very first load on, and nothing fetched from outside the studio.

Every request that would leave 127.0.0.1 is blocked and recorded (as with no network), from the first visit
after the server starts.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from components.form.widgets import model_key
from tests.browser.conftest import (
    Studio,
    keyed,
    open_expander,
    open_studio,
    running_studio,
    sent_with,
    settle,
    toggle,
    type_text,
    wait_idle,
)
from videostudio.catalogue import load_catalogue
from videostudio.catalogue.default_model import DEFAULT_MODEL

pytestmark = pytest.mark.browser

SCREEN = {"width": 1440, "height": 900}
PROMPT = f"{model_key(load_catalogue().get(DEFAULT_MODEL))}__prompt"
# Every text the price next to Generate shows, as it changes (a rerun can replace it faster than a test polls).
WATCH_PRICE = """
() => {
  window.__vsPrices = [];
  const record = () => {
    const tag = document.querySelector('.st-key-price_tag');
    const text = tag && tag.innerText.trim();
    if (text && window.__vsPrices[window.__vsPrices.length - 1] !== text) window.__vsPrices.push(text);
  };
  new MutationObserver(record).observe(document, {subtree: true, childList: true, characterData: true});
  record();
}
"""


@pytest.fixture(scope="module")
def fresh_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """A studio of its own, never opened before the first test: its first load is the very first."""
    with running_studio(tmp_path_factory.mktemp("first-screen")) as studio:
        yield studio


class Visit:
    """One visit in a fresh browser context of 1440×900, with requests outside 127.0.0.1 blocked and recorded."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.context = browser.new_context(viewport=SCREEN)
        self.outside: list[str] = []
        self.context.route("**/*", self._only_local)
        self.page: Page = self.context.new_page()
        self.page.add_init_script(f"({WATCH_PRICE})()")
        self.page.goto(url)
        wait_idle(self.page)

    def _only_local(self, route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("data", "blob") or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def settled_price(self) -> str:
        """The price once the page shows an amount (it says "Price loading…" until the live list is in)."""
        tag = keyed(self.page, "price_tag")
        expect(tag).to_contain_text("Price of this run: $")
        return tag.inner_text()

    def prices_seen(self) -> list[str]:
        return list(self.page.evaluate("window.__vsPrices"))


def in_view(page: Page, key: str) -> bool:
    box = keyed(page, key).bounding_box()
    assert box is not None, key
    return box["y"] >= 0 and box["y"] + box["height"] <= SCREEN["height"]


def test_the_first_screen_has_the_prompt_and_generate_one_price_and_nothing_from_outside(
    browser: Browser, fresh_studio: Studio
) -> None:
    first = Visit(browser, fresh_studio.url)
    page = first.page
    expect(keyed(page, PROMPT).locator("textarea")).to_be_visible()
    assert page.evaluate("window.scrollY") == 0
    assert in_view(page, PROMPT), "the prompt is below the first screen"
    generate = keyed(page, "generate").locator("button")
    expect(generate).to_be_enabled()
    assert in_view(page, "generate"), "Generate is below the first screen"
    expect(keyed(page, "model_browser_toggle").locator("button")).to_contain_text("Change")  # the browser is folded

    price = first.settled_price()
    assert not [text for text in first.prices_seen() if "after the run" in text], first.prices_seen()
    first.context.close()

    second = Visit(browser, fresh_studio.url)
    assert second.settled_price() == price  # the same model, the same price, on the next load
    assert not [text for text in second.prices_seen() if "after the run" in text]
    icon = second.page.locator("link[rel*='icon']").first.get_attribute("href") or ""
    assert not urlsplit(icon).hostname or urlsplit(icon).hostname == "127.0.0.1", icon
    second.context.close()

    assert first.outside == [] and second.outside == [], first.outside + second.outside


def test_a_setting_changed_under_advanced_is_sent_once_the_panel_is_shut(page: Page, shared_studio: Studio) -> None:
    # Advanced is folded: its fields are drawn only while it is open, and keep their values while it is shut.
    key = PROMPT.removesuffix("__prompt")
    prompt = "A lighthouse in the fog, seed fixed"
    open_studio(page, shared_studio.url)
    watermark = keyed(page, f"{key}__watermark")
    expect(watermark).to_have_count(0)
    open_expander(page, "Advanced")
    toggle(page, f"{key}__watermark")
    toggle(page, f"{key}__seed__random")
    type_text(page, f"{key}__seed", "1234")
    page.locator("[data-testid='stMain'] [data-testid='stExpander'] summary").filter(has_text="Advanced").click()
    settle(page)
    expect(watermark).to_have_count(0)
    type_text(page, PROMPT, prompt)
    keyed(page, "generate").locator("button").click()
    settle(page)
    expect(keyed(page, "generate").get_by_role("button").first).to_contain_text("Done (sent at", timeout=60_000)
    page.screenshot(path="/tmp/fs/after.png")
    sent = sent_with(shared_studio, prompt)
    assert len(sent) == 1
    assert sent[0]["seed"] == 1234 and sent[0]["watermark"] is True and sent[0]["resolution"] == "720P"
