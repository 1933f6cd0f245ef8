"""Compare in a real browser: three finished videos from a /compare link play, scrub and pause together; a batch's
Compare keeps its address; two takes of one batch can be picked together; a press sent before the browser learned
of a pick does not undo it.

The jobs are written straight into the studio's history with real H.264 videos (the offline renderer) as their
local copies, as the follower leaves a finished job: the comparison is what is tested, not the generating.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import (
    HeldAnswers,
    Studio,
    keyed,
    open_studio,
    running_studio,
    settle,
    wait_idle,
    wait_runs,
)
from videostudio.history.store import Job, JobStore, utcnow
from videostudio.library.videos import poster_frame
from videostudio.offline.render.video import RenderRequest, render_video

pytestmark = pytest.mark.browser

# How far apart (seconds) the videos may be when read in one go: the player corrects beyond 0.15 s, and a read
# can fall between a drift and its correction.
IN_STEP = 0.3
VIDEOS = "[data-testid='stMain'] video"
TIMES = "videos => videos.map(v => ({time: v.currentTime, paused: v.paused, ready: v.readyState, length: v.duration}))"
BAR_AND_TIMES = """() => {
  const root = [...document.querySelectorAll('*')].map(n => n.shadowRoot).find(r => r && r.querySelector('.vs-scrub'));
  return {bar: Number(root.querySelector('.vs-scrub').value),
          times: [...root.querySelectorAll('video')].map(v => v.currentTime)};
}"""


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    with running_studio(tmp_path_factory.mktemp("compare-studio")) as running:
        yield running


def finished_jobs(studio: Studio) -> list[Job]:
    """Three finished offline jobs, kept on this computer as the follower keeps them: 5 s, 5 s and 4 s long."""
    takes = [
        ("A red kite over the dunes", 5.0, {"resolution": "768P"}),
        ("A red kite over the dunes", 5.0, {"resolution": "1080P"}),
        ("A blue kite at dusk", 4.0, {"resolution": "768P"}),
    ]
    return add_finished(
        studio,
        [
            (prompt, seconds, params, utcnow() - timedelta(minutes=10 - n))
            for n, (prompt, seconds, params) in enumerate(takes)
        ],
    )


def finished_batch(studio: Studio, prompt: str) -> list[Job]:
    """Three finished takes of one press of Generate: one model, one prompt, one minute, seeds 42, 43 and 44."""
    sent = utcnow().replace(microsecond=0)
    takes = [(prompt, 3.0, {"seed": 42 + n}, sent + timedelta(milliseconds=n)) for n in range(3)]
    return add_finished(studio, takes, batch_id=uuid.uuid4().hex)


def add_finished(
    studio: Studio, takes: list[tuple[str, float, dict[str, Any], datetime]], batch_id: str | None = None
) -> list[Job]:
    """Each (prompt, seconds, settings, sent) as a finished job with its video and poster in the media folder."""
    store = JobStore(f"sqlite:///{studio.server.home / 'history.sqlite3'}")
    jobs = []
    try:
        for prompt, seconds, params, created in takes:
            job_id = uuid.uuid4().hex
            video = studio.server.media / f"{job_id}.mp4"
            render_video(RenderRequest(width=320, height=180, duration=seconds, scene=prompt), video)
            poster = poster_frame(video, studio.server.media / f"{job_id}.jpg")
            job = Job(
                id=job_id,
                model_id="video-01",
                backend="offline",
                status="completed",
                prompt=prompt,
                params={"prompt": prompt, **params},
                local_path=str(video),
                poster_path=str(poster),
                video_seconds=seconds,
                batch_id=batch_id,
                created_at=created,
                updated_at=created,
                finished_at=created + timedelta(seconds=40),
            )
            jobs.append(store.add(job))
    finally:
        store.close()
    return jobs


def videos_now(page: Page) -> list[dict[str, Any]]:
    """Every video's time, paused flag and readiness, read in one go (inside the player's shadow root)."""
    return list(page.locator(VIDEOS).evaluate_all(TIMES))


def assert_in_step(states: list[dict[str, Any]]) -> None:
    """Each video is where the longest-running one is, or at its own end if it is shorter (the 4 s take stops
    at 4 s while the 5 s ones go on, which is in step)."""
    lead = max(s["time"] for s in states)
    behind = [abs(s["time"] - min(lead, s["length"])) for s in states]
    assert max(behind) <= IN_STEP, states


def wait_playing_past(page: Page, seconds: float) -> None:
    page.wait_for_function(
        f"() => [...document.querySelectorAll('*')].some(n => n.shadowRoot && "
        f"[...n.shadowRoot.querySelectorAll('video')].length === 3 && "
        f"[...n.shadowRoot.querySelectorAll('video')].every(v => !v.paused && v.currentTime > {seconds}))"
    )


def test_three_videos_play_scrub_and_pause_together(page: Page, studio: Studio) -> None:
    jobs = finished_jobs(studio)
    open_studio(page, studio.url, "compare?jobs=" + ",".join(job.id for job in jobs))
    videos = page.locator(VIDEOS)
    expect(videos).to_have_count(3)
    page.wait_for_function(
        "() => [...document.querySelectorAll('*')].filter(n => n.shadowRoot)"
        ".flatMap(n => [...n.shadowRoot.querySelectorAll('video')]).every(v => v.readyState >= 2)"
    )
    # Each video's settings are written under it, the differing one marked.
    expect(page.locator("[data-testid='stMain'] dd.vs-diff").filter(has_text="1080P")).to_be_visible()
    assert all(s["paused"] for s in videos_now(page))
    # Fetched from Streamlit's media endpoint (with range requests), not inlined into the page.
    sources = videos.evaluate_all("videos => videos.map(v => v.currentSrc)")
    assert all(re.fullmatch(rf"{re.escape(studio.url)}/media/[0-9a-f]+\.mp4", src) for src in sources), sources

    page.get_by_role("button", name="Play all").click()
    wait_playing_past(page, 1.0)
    playing = videos_now(page)
    assert not any(s["paused"] for s in playing), playing
    assert_in_step(playing)

    # One falls behind (as a video does when it stalls): the player puts it back in step with the others.
    videos.nth(2).evaluate("v => { v.currentTime = Math.max(v.currentTime - 0.8, 0); }")
    page.wait_for_function(
        f"() => {{ const v = [...document.querySelectorAll('*')].filter(n => n.shadowRoot)"
        f".flatMap(n => [...n.shadowRoot.querySelectorAll('video')]).map(v => v.currentTime);"
        f" return v.length === 3 && Math.max(...v) - Math.min(...v) <= {IN_STEP}; }}"
    )
    assert not any(s["paused"] for s in videos_now(page))

    scrub: Locator = page.get_by_role("slider", name="Position in all videos")
    box = scrub.bounding_box()
    assert box
    before = videos_now(page)
    page.mouse.click(box["x"] + box["width"] * 0.7, box["y"] + box["height"] / 2)
    # The bar and the videos read in one go: they move on as they play, so two reads apart drift apart.
    moved = page.evaluate(BAR_AND_TIMES)
    target = moved["bar"]
    assert target > 2.5, moved
    for was, now in zip(before, moved["times"], strict=True):
        assert now - was["time"] > 1.0, (before, moved)
        assert abs(now - target) <= IN_STEP, moved
    assert_in_step(videos_now(page))

    page.get_by_role("button", name="Pause all").click()
    expect(page.get_by_role("button", name="Play all")).to_be_visible()
    paused = videos_now(page)
    assert all(s["paused"] for s in paused), paused
    assert_in_step(paused)


def test_a_phone_shows_two_videos_a_row(page: Page, studio: Studio) -> None:
    jobs = finished_jobs(studio)
    page.set_viewport_size({"width": 390, "height": 844})
    open_studio(page, studio.url, "compare?jobs=" + ",".join(job.id for job in jobs))
    videos = page.locator(VIDEOS)
    expect(videos).to_have_count(3)
    boxes = [videos.nth(i).bounding_box() for i in range(3)]
    assert all(boxes)
    first, second, third = boxes
    assert first and second and third
    assert abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"]  # side by side
    assert third["y"] > first["y"] + first["height"] / 2  # on the next row


def test_compare_with_from_history_opens_compare_with_that_job(page: Page, studio: Studio) -> None:
    job = finished_jobs(studio)[0]
    open_studio(page, studio.url, f"history?job={job.id}")
    dialog = page.locator("[data-testid='stDialog']")
    dialog.get_by_role("link", name="Compare with…").click()
    page.wait_for_url(f"**/compare?jobs={job.id}")
    expect(page.get_by_text("Pick at least 2 videos")).to_be_visible()


def compared(url: str) -> list[str]:
    """The job ids a Compare address names, as written (``%2C`` or ``,`` between them); [] for another page."""
    parts = urlsplit(url)
    if not parts.path.endswith("/compare"):
        return []
    return ",".join(parse_qs(parts.query).get("jobs", [])).split(",")


def test_compare_from_a_batch_keeps_its_address(page: Page, studio: Studio) -> None:
    takes = finished_batch(studio, "A kite on the beach, three takes")
    ids = [job.id for job in takes]
    open_studio(page, studio.url)  # Generate: Latest jobs shows the batch, with its Compare
    keyed(page, f"batch-card-{takes[0].batch_id}").get_by_role("link", name="Compare").click()
    page.wait_for_url(lambda url: compared(url) == ids)
    expect(page.locator(VIDEOS)).to_have_count(3)
    # The person's few seconds on the page: any run of the page in that time read the picker back as one job
    # (the takes' labels were alike) and wrote it three times into the address.
    wait_runs(page, 3)
    copied = page.url
    assert compared(copied) == ids, copied

    fresh = page.context.new_page()  # the copied address, opened again: a new session
    fresh.goto(copied)
    wait_idle(fresh)
    expect(fresh.locator(VIDEOS)).to_have_count(3)
    expect(fresh.get_by_text("Pick at least 2 videos")).to_have_count(0)
    assert compared(fresh.url) == ids, fresh.url
    fresh.close()


def pick(page: Page, option: Locator) -> None:
    """Open Compare's picker and choose ``option`` in its list."""
    box = keyed(page, "compare_pick").locator("[data-testid='stMultiSelect'] input")  # not a chosen one's tag
    for _attempt in range(3):  # a rerun landing just as the list opens can close it again
        box.click()
        with contextlib.suppress(Exception):
            option.wait_for(state="visible", timeout=3_000)
            break
        page.keyboard.press("Escape")
        settle(page)
    option.click()
    page.keyboard.press("Escape")  # close the list, so the choice is sent
    settle(page)


def test_two_takes_of_one_batch_can_be_picked_together(page: Page, studio: Studio) -> None:
    prompt = "A paper boat on a pond"
    takes = finished_batch(studio, prompt)
    open_studio(page, studio.url, "compare")
    takes_listed = page.get_by_role("option").filter(has_text=prompt)
    pick(page, takes_listed.filter(has_text="1 of 3 · seed 42"))
    pick(page, takes_listed.filter(has_text="2 of 3 · seed 43"))
    expect(page.locator(VIDEOS)).to_have_count(2)
    page.wait_for_url(lambda url: compared(url) == [takes[0].id, takes[1].id])
    # Both stay chosen, each read as the take it is.
    chosen = keyed(page, "compare_pick").locator("[data-tag]")
    expect(chosen).to_have_count(2)
    expect(chosen.filter(has_text="2 of 3 · seed 43")).to_have_count(1)


def test_a_press_sent_before_the_browser_learns_of_a_pick_does_not_undo_it(page: Page, studio: Studio) -> None:
    prompt = "Three lanterns over a river"
    takes = finished_batch(studio, prompt)
    answers = HeldAnswers(page)
    open_studio(page, studio.url, f"compare?jobs={takes[0].id},{takes[1].id}")
    expect(page.locator(VIDEOS)).to_have_count(2)
    answers.held = True  # the pick's run writes the third job into the address; the browser does not hear of it yet
    box = keyed(page, "compare_pick").locator("[data-testid='stMultiSelect'] input")
    box.click()
    page.get_by_role("option").filter(has_text=prompt).filter(has_text="3 of 3 · seed 44").click()
    page.keyboard.press("Escape")  # the list closes and the pick is sent
    page.wait_for_timeout(1_000)
    page.get_by_text("Only show differences").click()  # so this press still carries the two jobs' address
    page.wait_for_timeout(1_000)
    answers.release()
    settle(page)
    expect(page.locator(VIDEOS)).to_have_count(3)
    page.wait_for_url(lambda url: compared(url) == [job.id for job in takes])
