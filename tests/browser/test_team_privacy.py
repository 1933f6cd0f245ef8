"""No page shows one member's work to another: a second member walks every page of a studio with sign-in (a real
OIDC provider, tests/oidc.py) and finds none of the first member's prompts, ids, prices or media URLs in its HTML.

Ana's jobs are written into the studio's history with ``owner=`` (one private, one shared with the team), with their
videos and posters in its media folder; Ben has one of his own. Ana's own browser first opens her private job, so
the walk knows the media URLs her video and poster are served at.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Studio, go_to, wait_idle
from tests.media_samples import video_bytes
from tests.oidc import OidcProvider, add_member, sign_in
from videostudio.history.store import Job, JobStore, utcnow
from videostudio.library.videos import poster_jpeg, poster_key, video_key

pytestmark = pytest.mark.browser

NOT_SHARED = "This job isn't shared with you"


def media_urls(html: str) -> set[str]:
    return set(re.findall(r"/media/[0-9a-f]{20,}\.\w+", html))


def kept_job(store: JobStore, media: Path, prompt: str, seconds: float, **fields: object) -> Job:
    """A finished job with its video and poster kept in the studio's media folder (each clip its own length, so
    each file, and each media URL, its own)."""
    job_id = uuid.uuid4().hex
    video = media / video_key(job_id)
    video.write_bytes(video_bytes(seconds=seconds))
    poster = media / poster_key(job_id)
    poster.parent.mkdir(parents=True, exist_ok=True)
    poster.write_bytes(poster_jpeg(video))
    created = utcnow() - timedelta(minutes=30)
    return store.add(
        Job(
            id=job_id,
            model_id="video-01",
            backend="offline",
            status="completed",
            prompt=prompt,
            params={"prompt": prompt},
            local_path=video_key(job_id),
            poster_path=poster_key(job_id),
            video_seconds=seconds,
            created_at=created,
            updated_at=created,
            finished_at=created + timedelta(seconds=40),
            **fields,  # type: ignore[arg-type]
        )
    )


@pytest.fixture
def team(team_studio: Studio, oidc_provider: OidcProvider) -> Iterator[dict[str, object]]:
    tag = uuid.uuid4().hex[:8]
    ana, ben = f"ana.{tag}@example.com", f"ben.{tag}@example.com"
    add_member(team_studio, ana, "creator", provider=oidc_provider)
    add_member(team_studio, ben, "creator", provider=oidc_provider)
    store = JobStore(f"sqlite:///{team_studio.server.home / 'history.sqlite3'}")
    media = team_studio.server.media
    try:
        yield {
            "ana": ana,
            "ben": ben,
            "private": kept_job(store, media, f"Ana private fox {tag}", 1.0, owner=ana, credits=1_130_000, usd=0.57),
            "shared": kept_job(store, media, f"Ana shared lighthouse {tag}", 1.5, owner=ana, shared=True, usd=0.63),
            "bens": kept_job(store, media, f"Ben whale {tag}", 2.0, owner=ben, usd=0.21),
        }
    finally:
        store.close()


def opened_media(page: Page) -> set[str]:
    """The media URLs of the opened job's dialog (its video and poster), once they have loaded."""
    dialog = page.get_by_role("dialog")
    expect(dialog.locator("video").first).to_be_visible()
    return media_urls(dialog.inner_html())


def test_a_second_member_finds_nothing_of_the_first_members_private_job_on_any_page(
    page: Page, browser: Browser, team_studio: Studio, team: dict[str, object]
) -> None:
    private, shared = team["private"], team["shared"]
    assert isinstance(private, Job) and isinstance(shared, Job)

    # Ana's own browser: where her private video is served.
    ana_context = browser.new_context()
    try:
        ana_page = ana_context.new_page()
        sign_in(ana_page, team_studio.url, str(team["ana"]))
        ana_page.goto(f"{team_studio.url}/history?job={private.id}")
        private_media = opened_media(ana_page)
    finally:
        ana_context.close()
    assert private_media, "Ana's opened job shows its video"
    secrets = {private.prompt, private.id, "$0.57", "1,130,000", *private_media}

    seen: dict[str, str] = {}
    sign_in(page, team_studio.url, str(team["ben"]))
    expect(page.locator("h1").filter(has_text="Generate")).to_be_visible()
    page.get_by_role("button", name="Change").click()  # the model browser, with Recently used
    wait_idle(page)
    seen["Generate, Latest jobs and the model browser"] = page.content()

    go_to(page, "History")
    expect(page.get_by_text(shared.prompt).first).to_be_attached()  # a cell of the table's grid
    seen["History table"] = page.content()
    page.get_by_text("Gallery", exact=True).click()
    wait_idle(page)
    seen["History gallery"] = page.content()
    tile = page.locator(f".st-key-history_tile_{shared.id}")
    tile.get_by_role("button", name="Open").click()
    shared_media = opened_media(page)
    seen["History, the shared job opened"] = page.content()
    expect(page.get_by_role("dialog").get_by_text("Shared with the team")).to_be_visible()
    expect(page.get_by_role("dialog").get_by_role("button", name="Delete")).to_have_count(0)
    page.keyboard.press("Escape")
    wait_idle(page)
    page.get_by_text("Spending", exact=True).click()
    wait_idle(page)
    seen["History spending"] = page.content()

    go_to(page, "Models")
    seen["Models"] = page.content()
    go_to(page, "Compare")
    seen["Compare"] = page.content()

    for name, path in {
        "the private job's link": f"history?job={private.id}",
        "a Compare link naming it": f"compare?jobs={private.id},{shared.id}",
        "Continue from it": f"?continue={private.id}",
    }.items():
        page.goto(f"{team_studio.url}/{path}")
        wait_idle(page)
        if "continue" not in path:
            expect(page.get_by_text(NOT_SHARED).first).to_be_visible()
        seen[name] = page.content()

    assert shared.prompt in seen["History table"] and str(team["bens"].prompt) in seen["History table"]  # type: ignore[attr-defined]
    assert shared_media and not shared_media & private_media  # the walk did see media: the shared job's own
    leaks = sorted((where, secret) for where, html in seen.items() for secret in secrets if secret in html)
    assert leaks == []
