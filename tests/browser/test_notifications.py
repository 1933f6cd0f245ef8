"""Notifications in Chromium, with the browser's Notification API stubbed to record calls and give an answer."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    VIDEO01,
    Studio,
    card_ids,
    new_card,
    open_studio,
    pick_model,
    press_generate,
    settle,
    type_text,
    wait_done,
)

pytestmark = pytest.mark.browser

# Stands in for window.Notification before the studio's scripts run: records what the studio asks for.
FAKE_NOTIFICATION = """
window.__notes = [];
window.__asked = 0;
class FakeNotification {
  constructor(title, options) { window.__notes.push({title, body: (options || {}).body}); }
  close() {}
  static requestPermission() {
    window.__asked += 1;
    FakeNotification.permission = "%s";
    return Promise.resolve(FakeNotification.permission);
  }
}
FakeNotification.permission = "default";
window.Notification = FakeNotification;
"""
PROMPT = "A lighthouse blinking through sea fog at dusk, waves below"


@pytest.fixture
def studio(shared_studio: Studio) -> Studio:
    return shared_studio


def opt_in(page: Page) -> None:
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.locator("[data-testid='stExpander']").filter(has_text="Notifications").locator("summary").click()
    settle(page)  # its switches are drawn by the run that opening it starts
    sidebar.get_by_text("Notify me when a job ends").click()
    settle(page)


def run_a_job(page: Page) -> None:
    pick_model(page, "video-01")
    type_text(page, f"{VIDEO01}__prompt", PROMPT)
    before = card_ids(page)
    press_generate(page)
    wait_done(new_card(page, before))


def test_a_granted_permission_gives_one_notification_per_ended_job(page: Page, studio: Studio) -> None:
    page.add_init_script(FAKE_NOTIFICATION % "granted")
    open_studio(page, studio.url)
    opt_in(page)
    page.wait_for_function("() => window.__asked === 1")
    run_a_job(page)
    page.wait_for_function("() => window.__notes.length > 0")
    settle(page)
    notes = page.evaluate("() => window.__notes")
    assert notes == [
        {"title": "MiniMax video-01: your video is ready", "body": "A lighthouse blinking through sea fog at dusk,…"}
    ]
    assert page.evaluate("() => window.__asked") == 1  # asked once, on the opt-in


def test_a_refused_permission_is_said_once_and_jobs_end_with_a_toast(page: Page, studio: Studio) -> None:
    page.add_init_script(FAKE_NOTIFICATION % "denied")
    open_studio(page, studio.url)
    opt_in(page)
    toasts = page.locator("[data-testid='stToast']")
    expect(toasts.filter(has_text="does not allow the studio's notifications")).to_have_count(1)
    expect(page.get_by_text("Not allowed by this browser")).to_be_visible()
    run_a_job(page)
    expect(toasts.filter(has_text="MiniMax video-01: your video is ready")).to_have_count(1)
    assert page.evaluate("() => window.__notes") == []
    assert page.evaluate("() => window.__asked") == 1
    # Said once: other runs of the page do not repeat it.
    expect(toasts.filter(has_text="does not allow")).to_have_count(0, timeout=15_000)
