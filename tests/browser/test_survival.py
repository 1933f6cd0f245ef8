"""Jobs survive what people do: reloading the page, restarting the studio; History keeps every job."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import (
    VIDEO01,
    VIEWPORT,
    Studio,
    badge,
    card_ids,
    fill_kling,
    go_to,
    new_card,
    open_studio,
    pick_model,
    press_generate,
    running_studio,
    type_text,
    video_facts,
    wait_done,
    wait_idle,
)
from tests.browser.test_submits import expect_the_sent_job_on_the_button, press_where_generate_is
from videostudio.store import Job, JobStore, utcnow

pytestmark = pytest.mark.browser

RUNNING = re.compile(r"Sending|Queued|Generating")
NAV_TITLES = ["Generate", "History", "Models"]


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """A studio of its own (it gets restarted), with a backend slow enough that a job is caught running."""
    with running_studio(tmp_path_factory.mktemp("survival-studio"), speed=1.0) as running:
        yield running


def sent_prompts(studio: Studio) -> list[str]:
    """The prompts of every job the studio sent (as the backend received them)."""
    return [r["payload"].get("prompt", "") for r in studio.backend.received()]


def start_kling_job(page: Page, studio: Studio, media_files: dict[str, Path], prompt: str) -> str:
    """Fill Kling's form and press Generate; returns the new card's CSS class, once it shows the job running."""
    open_studio(page, studio.url)
    fill_kling(page, media_files["photo"], prompt=prompt, camera=None)
    before = card_ids(page)
    press_generate(page)
    card = new_card(page, before, timeout=60_000)  # the first job of a fresh server (a loaded CI machine)
    expect(badge(card)).to_have_text(RUNNING)
    return next(c for c in (card.get_attribute("class") or "").split() if c.startswith("st-key-card-"))


def card_by_class(page: Page, card_class: str) -> Locator:
    return page.locator(f"div.{card_class}")


def expect_studio_chrome(page: Page, timeout: float = 20_000) -> None:
    """The app's own frame is there: titled navigation and the backend badge (both drawn by app.py)."""
    nav = page.locator("[data-testid='stSidebarNav']")
    for title in NAV_TITLES:
        expect(nav.get_by_text(title, exact=True)).to_be_visible(timeout=timeout)
    expect(page.locator("[data-testid='stSidebar']").get_by_text("Offline demo").first).to_be_visible(timeout=timeout)


def test_reload_while_a_job_runs(page: Page, studio: Studio, media_files: dict[str, Path]) -> None:
    card_class = start_kling_job(page, studio, media_files, "Reloaded while it ran")
    page.reload()
    card = card_by_class(page, card_class)
    expect(badge(card)).to_be_visible()
    wait_done(card)
    assert video_facts(card)["duration"] == pytest.approx(5.0, abs=0.3)


@dataclass
class RestartScene:
    """What a person sees when the studio restarts while a job runs (played once, looked at by three tests)."""

    open_tab_has_studio_chrome: bool  # the tab left open reconnects to the studio as it was
    bookmark_has_studio_chrome: bool  # /history, the first page opened after the restart, is the studio's
    finished_card: Locator  # the job's card, in a tab opened at / after the restart, once Done


def has_studio_chrome(page: Page) -> bool:
    try:
        expect_studio_chrome(page, timeout=3_000)
    except AssertionError:
        return False
    return True


@pytest.fixture(scope="module")
def restart_scene(browser: Browser, studio: Studio, media_files: dict[str, Path]) -> Iterator[RestartScene]:
    open_tab = browser.new_page(viewport=VIEWPORT)
    other_tab = browser.new_page(viewport=VIEWPORT)
    try:
        card_class = start_kling_job(open_tab, studio, media_files, "Restarted while it ran")
        studio.server.restart()
        # The open tab notices the server went away, reconnects by itself and reruns its page.
        open_tab.wait_for_timeout(1_000)
        wait_idle(open_tab, timeout=60_000)
        open_tab_ok = has_studio_chrome(open_tab)
        # Someone opens a bookmark to History before anyone opens the studio's front page.
        open_studio(other_tab, studio.url, "history")
        bookmark_ok = has_studio_chrome(other_tab)
        # The front page: the job that ran through the restart is there and finishes.
        open_studio(other_tab, studio.url)
        card = card_by_class(other_tab, card_class)
        yield RestartScene(open_tab_ok, bookmark_ok, card)
    finally:
        open_tab.close()
        other_tab.close()


def test_studio_restart_while_a_job_runs(restart_scene: RestartScene, studio: Studio) -> None:
    card = restart_scene.finished_card
    expect_studio_chrome(card.page)
    expect(badge(card)).to_be_visible()
    wait_done(card)
    assert video_facts(card)["duration"] == pytest.approx(5.0, abs=0.3)
    assert "Traceback" not in studio.server.log_path.read_text(errors="replace")


def test_open_tab_reconnects_after_restart(restart_scene: RestartScene) -> None:
    """The person leaves the tab open while the studio restarts: it comes back as the studio it was."""
    assert restart_scene.open_tab_has_studio_chrome, "the reconnected tab lost the studio's sidebar and navigation"


def test_bookmarked_page_on_a_fresh_server(restart_scene: RestartScene) -> None:
    """A link straight to History, opened first after the studio starts, shows the studio as usual."""
    assert restart_scene.bookmark_has_studio_chrome, "History, opened first, lacks the studio's sidebar and navigation"


def test_history_lists_every_job_after_reload(page: Page, studio: Studio, media_files: dict[str, Path]) -> None:
    if not sent_prompts(studio):  # run on its own: make one first
        card_class = start_kling_job(page, studio, media_files, "Listed in the history")
        wait_done(card_by_class(page, card_class))
    prompts = sent_prompts(studio)
    open_studio(page, studio.url)
    page.reload()
    wait_idle(page)
    go_to(page, "History")
    expect(page.get_by_text(re.compile(rf"\b{len(prompts)} jobs?\b"))).to_be_visible()
    grid = page.locator("[data-testid='stDataFrame'] [role='grid']")
    expect(grid).to_have_attribute("aria-rowcount", str(len(prompts) + 1))  # a header row, then one per job
    rows = grid.locator("[role='row']:not([aria-rowindex='1'])")
    expect(rows).to_have_count(len(prompts))
    for prompt in prompts:
        # Jobs still running when this page opened are followed here too, and finish.
        expect(rows.filter(has_text=prompt)).to_contain_text("Done", timeout=60_000)


def test_a_job_finished_elsewhere_updates_the_open_tab(page: Page, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Another tab, or a teammate's studio on the same database, finishes a job: this tab shows it too.

    This session has no API key, so it cannot poll the job itself; only the shared store says it is done.
    """
    with running_studio(tmp_path_factory.mktemp("elsewhere")) as studio:
        store = JobStore(f"sqlite:///{studio.server.home / 'history.sqlite3'}")
        job = store.add(
            Job(
                model_id="video-01",
                backend="aimlapi",
                generation_id="g-elsewhere",
                status="generating",
                prompt="Finished by a teammate",
            )
        )
        open_studio(page, studio.url)
        card = page.locator(f"div.st-key-card-{job.id}")
        expect(badge(card)).to_contain_text("Generating")
        store.update(job.id, status="completed", finished_at=utcnow())
        expect(badge(card)).to_contain_text("Done", timeout=15_000)
        store.close()


def test_after_a_restart_a_press_on_the_sent_form_sends_nothing(page: Page, studio: Studio) -> None:
    """The press is known from the history and this browser's cookie: a restart of the studio forgets none."""
    prompt = "Pressed before a restart"
    open_studio(page, studio.url)
    pick_model(page, "video-01")
    type_text(page, f"{VIDEO01}__prompt", prompt)
    before = card_ids(page)
    press_generate(page)
    new_card(page, before, timeout=60_000)
    submits = studio.stats()["submits"]

    studio.server.restart()
    open_studio(page, studio.url)  # the same browser (its cookies), a fresh studio process
    wait_idle(page, timeout=60_000)
    expect_the_sent_job_on_the_button(page, prompt)
    press_where_generate_is(page, 3)
    assert studio.stats()["submits"] == submits
