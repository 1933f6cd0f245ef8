"""Copy as code in a real browser: the popover under Generate opens on three tabs of code, and sends nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PIXVERSE, Studio, fill_pixverse, keyed, open_studio, screenshot, settle

pytestmark = pytest.mark.browser


def test_copy_as_code_opens_on_three_tabs(page: Page, shared_studio: Studio, media_files: dict[str, Path]) -> None:
    open_studio(page, shared_studio.url)
    fill_pixverse(page, media_files["photo"])
    submits = shared_studio.stats()["submits"]

    main = page.locator("[data-testid='stMain']")
    main.locator("[data-testid='stPopover'] button").filter(has_text="Copy as code").first.click()
    settle(page)  # the code is built by the run that opening the panel starts
    block = keyed(page, f"copy-code-form-{PIXVERSE}")
    expect(block).to_be_visible()
    tabs = block.locator("[role='tab']")
    expect(tabs).to_have_text(["cURL", "Python", "JavaScript"])
    expect(block.locator("[data-testid='stCode']").first).to_contain_text("base64 < 'beach.jpg'")
    tabs.nth(1).click()
    python = block.locator("[data-testid='stCode']").filter(has_text="import requests")
    expect(python).to_contain_text('data_uri("beach.jpg", "image/jpeg")')
    screenshot(page, "copy-as-code.png")
    assert shared_studio.stats()["submits"] == submits
