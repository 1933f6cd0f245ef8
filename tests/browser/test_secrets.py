"""A key typed in the sidebar is used, and never shows up again: not in the page, the database, the log or files."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    API_KEY,
    VIDEO01,
    Studio,
    card_ids,
    go_to,
    keyed,
    new_card,
    open_studio,
    pick_model,
    press_generate,
    settle,
    type_text,
    wait_done,
)

pytestmark = pytest.mark.browser

SECRET = API_KEY


@pytest.fixture
def studio(shared_studio: Studio) -> Studio:
    """The shared studio: its "AI/ML API" accepts only SECRET, so a finished job there proves the key was sent."""
    return shared_studio


def files_containing(folder: Path, needle: bytes) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


def type_key_in_sidebar(page: Page) -> None:
    """Expand "API key" in the sidebar, type the key into the password field and press Enter."""
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.locator("[data-testid='stExpander']").filter(has_text="API key").locator("summary").click()
    settle(page)  # the field is drawn by the run that opening the panel starts
    key_box = keyed(page, "sidebar_api_key").locator("input")
    expect(key_box).to_have_attribute("type", "password")
    key_box.fill(SECRET)
    key_box.press("Enter")
    settle(page)
    expect(sidebar.get_by_text("API key: set")).to_be_visible()


def test_sidebar_key_is_used_and_never_stored(page: Page, studio: Studio) -> None:
    api_submits, demo_submits = studio.api_backend.stats()["submits"], studio.backend.stats()["submits"]
    open_studio(page, studio.url)
    type_key_in_sidebar(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    keyed(page, "backend_choice").get_by_text("AI/ML API", exact=True).click()
    settle(page)
    expect(sidebar.get_by_text("AI/ML API: real generations, billed")).to_be_visible()

    pick_model(page, "video-01")
    type_text(page, f"{VIDEO01}__prompt", "A paper boat on a puddle")
    before = card_ids(page)
    press_generate(page)
    wait_done(new_card(page, before))
    # The job went to the "AI/ML API" with the typed key (that backend refuses any other), none to the demo.
    assert studio.api_backend.stats()["submits"] == api_submits + 1
    assert studio.backend.stats()["submits"] == demo_submits

    assert SECRET not in page.url
    go_to(page, "History")
    assert SECRET not in page.url
    assert SECRET not in page.locator("[data-testid='stMain']").inner_html(), "the key is in the History page"
    needle = SECRET.encode()
    assert files_containing(studio.server.home, needle) == [], "the key was written under the studio's home"
    assert files_containing(studio.server.media, needle) == [], "the key was written to the media folder"
    assert files_containing(studio.backend.state_dir, needle) == []
    assert files_containing(studio.api_backend.state_dir, needle) == []
    assert needle not in studio.server.log_path.read_bytes(), "the key is in the studio's log"

    # A new session (a reload) starts without the key.
    page.reload()
    open_studio(page, studio.url)
    expect(page.locator("[data-testid='stSidebar']").get_by_text("API key: not set")).to_be_visible()
    assert SECRET not in page.content()


def test_sidebar_key_is_not_in_the_page_html(page: Page, studio: Studio) -> None:
    open_studio(page, studio.url)
    type_key_in_sidebar(page)
    keyed(page, "sidebar_api_key").locator("input").blur()  # the person moves on
    settle(page)
    for title in ("History", "Models", "Generate"):
        go_to(page, title)
        assert SECRET not in page.content(), f"the key is in the {title} page's HTML"
