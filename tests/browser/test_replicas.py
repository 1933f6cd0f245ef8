"""A team studio on one machine, started by ``scripts/team.sh``: two web replicas behind nginx, one follower apart,
one PostgreSQL history. The replicas share everything: jobs, videos, presets and drafts; losing one loses no job.

One layout serves the whole module (it is many processes on a small machine); the tests run in file order,
and the last two take a replica away and then stop everything.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import (
    VIDEO01,
    VIEWPORT,
    badge,
    card_ids,
    fill_video01,
    keyed,
    new_card,
    open_studio,
    pick_model,
    press_generate,
    settle,
    type_text,
    upload,
    video_facts,
    wait_done,
    wait_idle,
    wait_runs,
)
from tests.browser.team_layout import AFFINITY_COOKIE, Team, running_team
from tests.browser.test_presets import close_popover, open_popover
from videostudio.history.record import JobStatus
from videostudio.history.store import JobStore
from videostudio.storage.s3 import cache_folder

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.team]

RUNNING = re.compile(r"Sending|Queued|Generating")
DIALOG = "[data-testid='stDialog']"


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    with running_team(tmp_path_factory.mktemp("team")) as running:
        yield running


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A browser of its own for a test that opens several pages (its cookies are shared by them)."""
    made = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    made.set_default_timeout(30_000)
    yield made
    made.close()


# --------------------------------------------------------------------------------------------- helpers


def send_video01(page: Page, url: str, prompt: str) -> Locator:
    """Open the studio at ``url``, send a text-to-video job on video-01; returns its card once it is running."""
    open_studio(page, url, "?model=video-01")
    pick_model(page, "video-01")
    type_text(page, f"{VIDEO01}__prompt", prompt)
    before = card_ids(page)
    press_generate(page)
    card = new_card(page, before, timeout=60_000)
    expect(badge(card)).to_have_text(RUNNING)
    return card


def job_id_of(card: Locator) -> str:
    card_class = next(c for c in (card.get_attribute("class") or "").split() if c.startswith("st-key-card-"))
    return card_class.removeprefix("st-key-card-")


def backend_says_completed(team: Team, generation_id: str) -> bool:
    answer = requests.get(
        f"{team.layout['OFFLINE_URL']}/v2/video/generations",
        params={"generation_id": generation_id},
        headers={"Authorization": "Bearer any-key"},
        timeout=5,
    )
    return answer.ok and answer.json().get("status") == "completed"


def open_job(page: Page, url: str, job_id: str) -> Locator:
    """Open a job by its link; returns the dialog that shows it."""
    page.goto(f"{url}/history?job={job_id}")
    wait_idle(page)
    dialog = page.locator(DIALOG)
    expect(dialog).to_be_visible()
    return dialog


def wait_until(check: object, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout:.0f} s"
        time.sleep(0.2)


# --------------------------------------------------------------------------------------------- tests


def test_nginx_serves_the_page_its_websocket_and_an_upload(
    page: Page, team: Team, media_files: dict[str, Path]
) -> None:
    first = requests.get(team.address, timeout=10)
    assert first.ok and "<title>" in first.text
    assert first.cookies.get(AFFINITY_COOKIE), "nginx gives a new browser its sticky-session cookie"
    pinned = team.affinity_for(2)
    for _ in range(5):  # the same cookie, the same replica
        again = requests.get(f"{team.address}/", cookies={AFFINITY_COOKIE: pinned}, timeout=10)
        assert again.headers["X-Studio-Replica"] == team.url(2).removeprefix("http://")
        assert AFFINITY_COOKIE not in again.cookies  # kept, not replaced

    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    open_studio(page, team.address, "?model=video-01")  # connected
    assert sockets and all(url.startswith(team.address.replace("http", "ws", 1)) for url in sockets), sockets
    fill_video01(page, media_files["photo"], "A drone shot over the beach, through the proxy")
    expect(page.get_by_text(re.compile(r"\d+×\d+ px")).first).to_be_visible()  # the upload arrived and was read

    access = (team.logs / "nginx-access.log").read_text()  # a request is logged once it ends
    assert re.search(r'"PUT /_stcore/upload_file/\S+ HTTP/1.1" 20\d ', access), "the upload went through nginx"


def test_a_job_sent_through_one_replica_is_followed_apart_and_plays_through_the_other(
    context: BrowserContext, team: Team
) -> None:
    follower = team.pid("FOLLOWER")
    store = JobStore(team.database_url)
    first, second = context.new_page(), context.new_page()
    os.kill(follower, signal.SIGSTOP)  # only the follower follows: while it is paused, nothing moves
    try:
        card = send_video01(first, team.url(1), "A lighthouse in a storm, sent through replica 1")
        job_id = job_id_of(card)
        wait_until(lambda: store.get(job_id).generation_id, "the submit's answer")
        generation_id = str(store.get(job_id).generation_id)
        wait_until(lambda: backend_says_completed(team, generation_id), "the backend finishing the job")
        open_studio(second, team.url(2))
        dialog = open_job(second, team.url(2), job_id)
        wait_runs(first, 3)  # several ticks of both pages: the replicas see the job, and leave it running
        wait_runs(second, 3)
        expect(badge(card)).to_have_text(RUNNING)
        assert store.get(job_id).status.is_active  # the backend has finished it; nobody has noticed
    finally:
        os.kill(follower, signal.SIGCONT)
    wait_done(card)
    dialog = open_job(second, team.url(2), job_id)
    wait_done(dialog)
    facts = video_facts(dialog)
    assert facts["error"] is None and facts["duration"] > 1 and facts["advanced"] > 0

    # Replica 2 never had a copy of its own: the follower kept the video in the shared media.
    home = Path(team.layout["REPLICA2_HOME"])
    copies = list(home.rglob("*.mp4"))
    if team.layout["MEDIA"] == "s3":  # in the bucket; replica 2 played what it fetched from there into its cache
        assert f"{job_id}.mp4" in [p.name for p in (Path(team.layout["RUN_DIR"]) / "s3").rglob("*.mp4")]
        assert not list((home / "media").rglob("*.mp4"))
        assert copies and all(p.is_relative_to(cache_folder(home)) for p in copies), copies
    else:
        assert copies == []


def test_a_preset_saved_on_one_replica_is_offered_on_the_other(
    context: BrowserContext, team: Team, media_files: dict[str, Path]
) -> None:
    first = context.new_page()
    open_studio(first, team.url(1), "?model=video-01")
    fill_video01(first, media_files["photo"], "A kite festival on a windy beach")
    body = open_popover(first, "presets_save_open")
    type_text(first, "presets_name", "Kites for the team")
    keyed(first, "presets_save").locator("button").click()
    settle(first)
    expect(body).to_contain_text("Saved the preset “Kites for the team”.")
    close_popover(first)

    second = context.new_page()
    open_studio(second, team.url(2), "?model=video-01")
    keyed(second, f"presets_choice__{VIDEO01}").locator("[data-testid='stSelectbox']").click()
    expect(second.get_by_role("option", name="Kites for the team", exact=True)).to_be_visible()


def test_a_draft_left_on_one_replica_comes_back_on_the_other(
    context: BrowserContext, team: Team, media_files: dict[str, Path]
) -> None:
    first = context.new_page()
    open_studio(first, team.url(1), "?model=video-01")
    pick_model(first, "video-01")
    type_text(first, f"{VIDEO01}__prompt", "A half-written idea about paper boats")
    upload(first, f"{VIDEO01}__image_url", media_files["end_frame"])
    expect(first.get_by_text(re.compile(r"\d+×\d+ px")).first).to_be_visible()  # read and prepared: in the draft
    first.close()

    # The same browser (its drafts cookie) on the other replica, as when nginx sends it elsewhere.
    second = context.new_page()
    open_studio(second, team.url(2))
    expect(keyed(second, f"{VIDEO01}__prompt").locator("textarea")).to_have_value(
        "A half-written idea about paper boats"
    )
    expect(keyed(second, f"{VIDEO01}__image_url__remove")).to_be_visible()
    expect(second.get_by_text(media_files["end_frame"].name).first).to_be_visible()


def test_killing_a_replica_loses_no_job(context: BrowserContext, team: Team) -> None:
    pinned_to_2 = team.affinity_for(2)
    doomed = context.new_page()
    card = send_video01(doomed, team.url(2), "A paper boat on a pond, sent just before its replica died")
    job_id = job_id_of(card)
    os.kill(team.pid("REPLICA2"), signal.SIGKILL)
    doomed.close()

    # The same browser through nginx: its cookie named replica 2, and nginx sends it to the one left.
    context.add_cookies([{"name": AFFINITY_COOKIE, "value": pinned_to_2, "url": team.address}])
    page = context.new_page()
    dialog = open_job(page, team.address, job_id)
    wait_done(dialog)
    assert video_facts(dialog)["error"] is None
    answer = requests.get(team.address, cookies={AFFINITY_COOKIE: pinned_to_2}, timeout=10)
    # $upstream_addr lists every replica nginx tried, in order: a worker that had not yet seen replica 2 fail tries it
    # first, then passes the request on. The one that answered is the last.
    answered = answer.headers["X-Studio-Replica"].split(", ")[-1]
    assert answered == team.url(1).removeprefix("http://")
    assert JobStore(team.database_url).get(job_id).status is JobStatus.COMPLETED


def test_ctrl_c_stops_everything_it_started(page: Page, team: Team) -> None:
    pids = team.pids
    assert team.stop() == 130
    still_running = [name for name, pid in pids.items() if Path(f"/proc/{pid}").exists()]
    assert still_running == []
    with pytest.raises(PlaywrightError, match="ERR_CONNECTION_REFUSED"):
        page.goto(team.address)
    assert "stopped" in team.log.read_text()
