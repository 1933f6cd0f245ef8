"""Demo day in Chromium: star and rate three takes and filter History by them; make a board of three in a chosen
order; its Showcase link, opened in a fresh browser, plays the three full screen one after another in order, the
arrow keys move, and nothing of the studio (prices, ids, Delete, settings) shows; the board's ZIP, unpacked and its
index.html opened from disk, plays the videos in order.

The takes are short finished offline videos written straight into the studio's history (tests/browser/test_compare.py
``add_finished``): the showcase is what is tested, not the generating.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Studio, css_key, keyed, open_studio, running_studio, settle, wait_idle
from tests.browser.test_compare import add_finished
from videostudio.boards.store import BoardStore
from videostudio.history.store import Job, JobStore, utcnow

pytestmark = pytest.mark.browser

TAKES = ["A red kite over the dunes", "A paper boat on a pond", "A fox running in fresh snow"]
SECONDS = 1.5
# The showcase player's state, read inside its shadow root: which take is current, is it playing, is it full screen.
SHOW_STATE = """
() => {
  for (const node of document.querySelectorAll('*')) {
    const box = node.shadowRoot && node.shadowRoot.querySelector('.vs-show');
    if (!box) continue;
    const video = box.querySelector('video.vs-current');
    return {current: Number(box.dataset.current), playing: !video.paused && !video.ended, time: video.currentTime,
            ended: video.ended, title: box.querySelector('.vs-title').textContent,
            note: box.querySelector('.vs-note').textContent, full: document.fullscreenElement !== null};
  }
  return null;
}
"""
# Every take that is started, in order (its slide title), and whether the page was full screen then.
RECORD_PLAYS = """
() => {
  window.__played = [];
  for (const node of document.querySelectorAll('*')) {
    const box = node.shadowRoot && node.shadowRoot.querySelector('.vs-show');
    if (!box) continue;
    for (const video of box.querySelectorAll('video')) {
      video.addEventListener('play', () => window.__played.push(
        [Number(video.dataset.index), box.querySelector('.vs-title').textContent,
         document.fullscreenElement !== null]));
    }
  }
}
"""


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    with running_studio(tmp_path_factory.mktemp("showcase-studio")) as running:
        yield running


@pytest.fixture(scope="module")
def takes(studio: Studio) -> list[Job]:
    now = utcnow()
    return add_finished(studio, [(p, SECONDS, {}, now - timedelta(minutes=10 - n)) for n, p in enumerate(TAKES)])


def mark(page: Page, studio: Studio, job: Job, *, star: bool, stars: int) -> None:
    """Open the take in History (its link) and star and rate it in its dialog."""
    open_studio(page, studio.url, f"history?job={job.id}")
    dialog = page.locator("[data-testid='stDialog']")
    expect(dialog).to_be_visible()
    if star:
        dialog.get_by_role("button", name="Star", exact=True).click()
        settle(page)
        expect(dialog.get_by_role("button", name="Starred")).to_be_visible()
    dialog.locator("." + css_key(f"rate-history-{job.id}-0")).locator("button").nth(stars - 1).click()
    settle(page)
    expect(dialog.locator("." + css_key(f"rate-history-{job.id}-{stars}"))).to_be_visible()


def gallery_titles(page: Page, takes: list[Job]) -> list[str]:
    wait_idle(page)
    return [job.prompt for job in takes if keyed(page, f"history_tile_{job.id}").count()]


def pick_take(page: Page, prompt: str) -> None:
    """Open the Boards page's "Add takes" list and choose the take with this prompt."""
    box = keyed(page, "board_add").locator("[data-testid='stMultiSelect'] input")
    option = page.get_by_role("option").filter(has_text=prompt)
    for _attempt in range(3):  # a rerun landing just as the list opens can close it again
        box.click()
        with contextlib.suppress(Exception):
            option.wait_for(state="visible", timeout=3_000)
            break
        page.keyboard.press("Escape")
        settle(page)
    option.click()
    page.keyboard.press("Escape")
    settle(page)


def test_mark_takes_make_a_board_and_present_it_full_screen(
    page: Page, browser: Browser, studio: Studio, takes: list[Job], tmp_path: Path
) -> None:
    kite, boat, fox = takes
    mark_and_filter_history(page, studio, takes)
    link = make_board(page, studio, order=[fox, kite, boat], moved_up=boat, noted=(fox, "Opens the pitch"))
    present(browser, link, takes, order=[fox, boat, kite], note="Opens the pitch")
    fits_a_phone(browser, link)
    zip_plays_from_disk(page, browser, tmp_path)


def mark_and_filter_history(page: Page, studio: Studio, takes: list[Job]) -> None:
    """Star and rate three takes in their History dialogs, then filter and look at History's gallery."""
    kite, boat, fox = takes
    wordy_prompt = "A long slow aerial shot over a misty valley at sunrise, the camera gliding past pines and a river"
    [wordy] = add_finished(studio, [(wordy_prompt, SECONDS, {}, utcnow() - timedelta(minutes=20))])
    mark(page, studio, kite, star=True, stars=5)
    mark(page, studio, boat, star=True, stars=3)
    mark(page, studio, fox, star=False, stars=4)
    open_studio(page, studio.url, "history")
    page.keyboard.press("Escape")
    page.get_by_text("Gallery", exact=False).first.click()
    settle(page)
    keyed(page, "history_filters").get_by_text("Filter and sort").click()
    assert gallery_titles(page, takes) == TAKES
    # An even grid: every tile the same height, whatever its prompt's length.
    tiles = [keyed(page, f"history_tile_{job.id}") for job in [*takes, wordy]]
    heights = {round(tile.bounding_box()["height"]) for tile in tiles}  # type: ignore[index]
    assert len(heights) == 1, heights
    keyed(page, "history_favourites").get_by_text("Favourites only").click()
    settle(page)
    expect(keyed(page, f"history_tile_{fox.id}")).to_have_count(0)
    assert gallery_titles(page, takes) == [kite.prompt, boat.prompt]
    keyed(page, "history_favourites").get_by_text("Favourites only").click()
    settle(page)
    keyed(page, "history_min_rating").locator("[data-testid='stSelectbox']").click()
    page.get_by_role("option", name="★★★★ 4 or more").click()
    settle(page)
    expect(keyed(page, f"history_tile_{boat.id}")).to_have_count(0)
    assert gallery_titles(page, takes) == [kite.prompt, fox.prompt]


def make_board(page: Page, studio: Studio, *, order: list[Job], moved_up: Job, noted: tuple[Job, str]) -> str:
    """On the Boards page: a new board, the takes added in ``order``, one moved up, a note; its showcase link."""
    open_studio(page, studio.url, "boards")
    keyed(page, "boards_new_title").locator("input").fill("Client pitch, 12 Dec")
    keyed(page, "boards_create").locator("button").click()
    settle(page)
    for take in order:
        pick_take(page, take.prompt)
    keyed(page, "board_add_button").locator("button").click()
    settle(page)
    keyed(page, f"board-up-{moved_up.id}").locator("button").click()
    settle(page)
    job, words = noted
    note = keyed(page, "board-note-" + _board_id(page) + f"-{job.id}").locator("input")
    note.fill(words)
    note.press("Enter")
    settle(page)
    expect(page.get_by_text("Anyone who can reach this studio can open this link.")).to_be_visible()
    return page.locator("[data-testid='stCode']").filter(has_text="/showcase?board=").inner_text().strip()


def present(browser: Browser, link: str, takes: list[Job], *, order: list[Job], note: str) -> None:
    """The showcase link in a fresh browser (no session of the studio), projector-sized: only the show; Play fills
    the screen and plays the takes one after another in ``order``; the arrow keys move."""
    audience = browser.new_context(viewport={"width": 1920, "height": 1080})
    show = audience.new_page()
    show.goto(link)
    wait_idle(show)
    expect(show.get_by_role("heading", name="Client pitch, 12 Dec")).to_be_visible()
    show.wait_for_function(f"() => ({SHOW_STATE})() !== null")
    assert_only_the_show(show, takes)
    assert show.evaluate(SHOW_STATE)["title"] == order[0].prompt
    assert show.evaluate(SHOW_STATE)["note"] == note

    show.evaluate(RECORD_PLAYS)
    show.get_by_role("button", name="Play full screen").click()
    for index in range(3):
        show.wait_for_function(
            f"() => {{ const s = ({SHOW_STATE})(); return s.current === {index} && s.playing && s.full; }}"
        )
    show.wait_for_function(f"() => {{ const s = ({SHOW_STATE})(); return s.current === 2 && s.ended; }}")
    played = show.evaluate("window.__played")
    assert [(i, title) for i, title, _full in played] == [(n, job.prompt) for n, job in enumerate(order)], played
    assert all(full for _i, _title, full in played), played

    show.keyboard.press("ArrowLeft")
    show.wait_for_function(f"() => ({SHOW_STATE})().current === 1")
    assert show.evaluate(SHOW_STATE)["title"] == order[1].prompt
    show.keyboard.press("ArrowLeft")
    show.wait_for_function(f"() => ({SHOW_STATE})().current === 0")
    show.keyboard.press("ArrowRight")
    show.wait_for_function(f"() => ({SHOW_STATE})().current === 1")
    audience.close()


def fits_a_phone(browser: Browser, link: str) -> None:
    """On a phone: the take fills the width, Previous, Play and Next are on screen."""
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    small = phone.new_page()
    small.goto(link)
    wait_idle(small)
    for name in ("Previous", "Play full screen", "Next"):
        button = small.get_by_role("button", name=name)
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (name, box)
    video = small.locator("video.vs-current").bounding_box()
    assert video and video["width"] > 300 and video["x"] + video["width"] <= 390, video
    phone.close()


def zip_plays_from_disk(page: Page, browser: Browser, tmp_path: Path) -> None:
    """The board page's ZIP: the videos in the board's order, and its index.html plays them in order from the disk."""
    with page.expect_download() as download:
        keyed(page, "board_actions").get_by_role("button", name="Download as ZIP").click()
    folder = tmp_path / "board"
    with zipfile.ZipFile(download.value.path()) as archive:
        archive.extractall(folder)
        names = archive.namelist()
    assert names == [
        "index.html",
        "01-video-01-a-fox-running-in-fresh.mp4",
        "02-video-01-a-paper-boat-on-a.mp4",
        "03-video-01-a-red-kite-over-the.mp4",
    ]
    offline = browser.new_context()
    local = offline.new_page()
    local.goto((folder / "index.html").as_uri())
    local.evaluate(
        "() => { window.__played = []; const v = document.getElementById('player');"
        " v.addEventListener('play', () => window.__played.push(v.getAttribute('src'))); }"
    )
    local.get_by_role("button", name="Play all").click()
    local.wait_for_function(
        "() => document.body.dataset.current === '2' && document.getElementById('player').ended", timeout=30_000
    )
    assert local.evaluate("window.__played") == names[1:]
    offline.close()


def _board_id(page: Page) -> str:
    """The board shown on the Boards page, read from its note fields' keys (``board-note-<board>-<job>``)."""
    found = page.evaluate(
        "() => [...document.querySelectorAll('[class*=\"st-key-board-note-\"]')].map(n => [...n.classList]"
        ".find(c => c.startsWith('st-key-board-note-')))[0]"
    )
    return str(found).removeprefix("st-key-board-note-")[:32]


def assert_only_the_show(show: Page, takes: list[Job]) -> None:
    """No price, id, Delete or settings: in the page's text, and in the accessible names of what can be pressed."""
    text = show.locator("body").inner_text()
    names = [
        (show.get_by_role(role).nth(n).get_attribute("aria-label") or show.get_by_role(role).nth(n).inner_text())
        for role in ("button", "link", "checkbox", "combobox", "textbox")
        for n in range(show.get_by_role(role).count())
    ]
    seen = "\n".join([text, *names])
    for word in ("$", "Delete", "Settings", "Cost", "Credits", "credits", "Deploy", "Generate"):
        assert word not in seen, (word, seen)
    for job in takes:
        assert job.id not in seen
    # Streamlit's own "Skip to main content" link (for keyboards and screen readers) is all there is besides the show.
    assert sorted(n.strip() for n in names) == ["Next", "Play full screen", "Previous", "Skip to main content"], names


def test_a_takes_add_to_board_opens_to_its_boards_and_makes_one(page: Page, studio: Studio) -> None:
    """History's dialog: "Add to board…" opens (its boards read only then) and makes a board holding the take."""
    [take] = add_finished(studio, [("A heron lifting off a lake", SECONDS, {}, utcnow() - timedelta(minutes=30))])
    open_studio(page, studio.url, f"history?job={take.id}")
    dialog = page.locator("[data-testid='stDialog']")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Add to board…").click()
    settle(page)  # its inside is drawn by the run that opening it starts (components/shell/folds.py)
    body = page.locator("[data-testid='stPopoverBody']").last
    body.get_by_label("New board").fill("Herons")
    body.get_by_label("New board").press("Enter")
    body.get_by_role("button", name="Make a board with this take").click()
    settle(page)
    store = JobStore(f"sqlite:///{studio.server.home / 'history.sqlite3'}")
    try:
        boards = {b.title: b for b in BoardStore(store).boards(None)}
        assert "Herons" in boards, list(boards)
        assert [item.job.id for item in BoardStore(store).items(boards["Herons"].id)] == [take.id]
    finally:
        store.close()
