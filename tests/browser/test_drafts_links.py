"""Work that is never lost, links that open what they name, attention where the action is, and the phone layout.

One studio whose every generation fails at the provider (so a failed card is always at hand for Try again);
drafts, links and the History dialog do not care how the jobs end.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import (
    VIDEO01,
    VIEWPORT,
    HeldAnswers,
    Studio,
    badge,
    card_ids,
    go_to,
    keyed,
    new_card,
    open_studio,
    pick_model,
    press_generate,
    running_studio,
    screenshot,
    settle,
    type_text,
    upload,
    wait_idle,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# A phone's browser: Streamlit folds the sidebar after navigating only on a mobile device (by its user agent).
PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
DIALOG = "[data-testid='stDialog']"


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    with running_studio(tmp_path_factory.mktemp("drafts-links-studio"), faults="fail") as running:
        yield running


def failed_job(page: Page, studio: Studio, prompt: str) -> Locator:
    """Generate a text-to-video job on video-01 and wait for its card to show Failed."""
    open_studio(page, studio.url)
    pick_model(page, "video-01")
    type_text(page, f"{VIDEO01}__prompt", prompt)
    before = card_ids(page)
    press_generate(page)
    card = new_card(page, before)
    expect(badge(card)).to_contain_text("Failed", timeout=30_000)
    return card


def job_link(page: Page, card: Locator) -> str:
    """Open the card's "Copy link" and read the link it offers."""
    card.get_by_role("button", name=re.compile("Copy link")).click()
    code = page.locator("[data-testid='stPopoverBody'] code").filter(has_text="history?job=").first
    expect(code).to_be_visible()
    link = code.inner_text().strip()
    page.keyboard.press("Escape")
    return link


def test_reload_and_restart_keep_the_draft_uploads_included(
    page: Page, studio: Studio, media_files: dict[str, Path]
) -> None:
    open_studio(page, studio.url)
    pick_model(page, "video-01")
    type_text(page, f"{VIDEO01}__prompt", "A drone shot over a quiet beach")
    upload(page, f"{VIDEO01}__image_url", media_files["photo"])
    expect(page.get_by_text(re.compile(r"\d+×\d+ px")).first).to_be_visible()  # read and prepared: in the draft

    for step in ("reload", "restart"):
        if step == "restart":
            studio.server.restart()
        page.goto(studio.url)  # the bare address: the model this browser last had comes back too
        wait_idle(page)
        prompt = keyed(page, f"{VIDEO01}__prompt").locator("textarea")
        expect(prompt).to_have_value("A drone shot over a quiet beach")
        preview = keyed(page, f"{VIDEO01}__image_url__remove")
        expect(preview).to_be_visible()  # the kept upload's preview, with its Remove button
        expect(page.get_by_text("beach.jpg").first).to_be_visible()
    assert "draft" not in page.url


def test_links_open_the_model_and_the_job_they_name(page: Page, studio: Studio) -> None:
    open_studio(page, studio.url, "?model=veed/fabric-1.0")
    expect(keyed(page, "model_header")).to_contain_text("Fabric")
    # The header's button keeps its whole label beside a long summary (it was once cut to "Ch…").
    toggle = keyed(page, "model_browser_toggle").locator("button")
    cut = toggle.evaluate("b => [...b.querySelectorAll('*')].some(n => n.scrollWidth > n.clientWidth + 1)")
    assert not cut, toggle.inner_text()

    card = failed_job(page, studio, "A lighthouse the link should open")
    link = job_link(page, card)
    assert link.startswith(studio.url + "/history?job=")
    page.goto(link)
    wait_idle(page)
    dialog = page.locator(DIALOG)
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("A lighthouse the link should open")


def test_a_press_sent_before_the_browser_learns_a_choice_does_not_undo_it(page: Page, studio: Studio) -> None:
    answers = HeldAnswers(page)
    open_studio(page, studio.url, f"?model={VIDEO01}")
    keyed(page, "model_browser_toggle").locator("button").click()
    settle(page)
    type_text(page, "browser_search", "fabric")
    answers.held = True  # Choose's run writes ?model=veed/fabric-1.0; the browser does not hear of it yet
    keyed(page, "model_browser_choose__veed/fabric-1.0").locator("button").click()
    page.wait_for_timeout(1_000)
    keyed(page, "model_browser_toggle").locator("button").click()  # so this press still carries ?model=video-01
    page.wait_for_timeout(1_000)
    answers.release()
    settle(page)
    expect(keyed(page, "model_header")).to_contain_text("Fabric")
    expect(page).to_have_url(re.compile(r"model=veed%2Ffabric-1\.0"))


def test_back_and_forward_return_to_the_models_chosen_before(page: Page, studio: Studio) -> None:
    open_studio(page, studio.url, "?model=veed/fabric-1.0")
    pick_model(page, VIDEO01)
    expect(keyed(page, "model_header")).to_contain_text("MiniMax")
    expect(page).to_have_url(re.compile(r"model=video-01"))
    page.go_back()
    expect(keyed(page, "model_header")).to_contain_text("Fabric")
    wait_idle(page)
    page.go_forward()
    expect(keyed(page, "model_header")).to_contain_text("MiniMax")
    expect(page).to_have_url(re.compile(r"model=video-01"))


def test_history_opens_a_job_and_its_delete_confirmation_in_a_dialog(page: Page, studio: Studio) -> None:
    failed_job(page, studio, "A job to open in History")
    go_to(page, "History")
    page.get_by_text("Gallery").click()
    settle(page)
    page.get_by_role("button", name="Open", exact=True).first.click()
    dialog = page.locator(DIALOG)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Use these settings")).to_be_visible()
    dialog.get_by_role("button", name="Delete", exact=True).click()
    expect(dialog.get_by_role("button", name="Delete for good")).to_be_visible()
    dialog.get_by_role("button", name="Keep it").click()
    expect(dialog.get_by_role("button", name="Delete for good")).to_have_count(0)
    settle(page)  # an Escape that lands during the rerun "Keep it" started is lost, as it would be for a person
    for _attempt in range(3):
        page.keyboard.press("Escape")
        with contextlib.suppress(AssertionError):
            expect(page.locator(DIALOG)).to_have_count(0, timeout=5_000)
            break
    expect(page.locator(DIALOG)).to_have_count(0)
    expect(page).not_to_have_url(re.compile("job="))  # closed: the address no longer names it


def test_try_again_on_a_failed_job_sends_it_once_more(page: Page, studio: Studio) -> None:
    card = failed_job(page, studio, "Fireworks over the harbour")
    submits = studio.stats()["submits"]
    before = card_ids(page)
    card.get_by_role("button", name="Try again").click()
    again = new_card(page, before)
    expect(again).to_contain_text("Fireworks over the harbour")
    # The new job is shown right under the Generate button too.
    expect(page.locator("[class*='st-key-started_job']")).to_contain_text("Fireworks over the harbour")
    time.sleep(2)  # nothing more is sent on its own, whatever the page does meanwhile
    assert studio.stats()["submits"] == submits + 1


def test_phone_layout(browser: Browser, page: Page, studio: Studio) -> None:
    failed_job(page, studio, "A job for the phone's History")  # History has something to show
    phone_context = browser.new_context(viewport=PHONE, user_agent=PHONE_AGENT, is_mobile=True, has_touch=True)
    phone = phone_context.new_page()
    try:
        open_studio(phone, studio.url)
        status = keyed(phone, "status_line")
        expect(status).to_be_visible()
        expect(status).to_contain_text(re.compile("offline", re.I))
        screenshot(phone, "phone-generate.png")
        sidebar = phone.locator("[data-testid='stSidebar']")
        expect(sidebar).to_have_attribute("data-collapsed", "true")

        phone.locator("[data-testid='stExpandSidebarButton']").click()
        expect(sidebar).to_have_attribute("data-collapsed", "false")
        go_to(phone, "History")
        expect(sidebar).to_have_attribute("data-collapsed", "true")  # closed after navigating
        expect(keyed(phone, "status_line")).to_be_visible()
        table = phone.locator("[data-testid='stDataFrame']")
        expect(table).to_be_in_viewport()  # results first: the filters are folded
        filters = keyed(phone, "history_filters")
        expect(filters.locator("details")).not_to_have_attribute("open", "")
        box = table.bounding_box()
        assert box and box["y"] < PHONE["height"] and box["x"] + box["width"] <= PHONE["width"]
        screenshot(phone, "phone-history.png")
    finally:
        phone_context.close()
    wide = browser.new_page(viewport=VIEWPORT)
    try:
        open_studio(wide, studio.url)
        expect(keyed(wide, "status_line")).to_be_hidden()  # the sidebar shows the same on a wide screen
    finally:
        wide.close()
