"""All five models end to end, as a person uses them: fill the form, Generate, watch, play, download."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    VIDEO01,
    Studio,
    badges_seen,
    card_ids,
    download_video,
    fill_fabric,
    fill_kling,
    fill_live2d,
    fill_pixverse,
    fill_video01,
    go_to,
    keyed,
    new_card,
    open_studio,
    pick_model,
    press_generate,
    screenshot,
    settle,
    type_text,
    video_facts,
    wait_done,
    watch_badges,
)

pytestmark = pytest.mark.browser

SEED_IDS = [
    "veed/fabric-1.0",
    "pixverse/v5/image-to-video",
    "kling-video/v1/standard/image-to-video",
    "video-01",
    "video-01-live2d",
]
VOICE_SECONDS = 3.0  # the length of media_files["voice"]; Fabric's video lasts as long as its audio


@dataclass(frozen=True)
class Case:
    model_id: str
    fill: Callable[[Page, dict[str, Path]], None]
    seconds: float  # the video length the request asks for
    file_prefix: str  # how the downloaded file's name starts
    sent: Callable[[dict[str, Any]], bool]  # what the request must carry, given the form that was filled


def is_data(value: object, kind: str) -> bool:
    return isinstance(value, str) and value.startswith(f"data:{kind}/")


CASES = [
    Case(
        "veed/fabric-1.0",
        lambda p, m: fill_fabric(p, m["photo"], m["voice"]),
        VOICE_SECONDS,
        "veed-fabric-1-0-",
        lambda r: is_data(r.get("image_url"), "image") and is_data(r.get("audio_url"), "audio"),
    ),
    Case(
        "pixverse/v5/image-to-video",
        lambda p, m: fill_pixverse(p, m["photo"]),
        5.0,
        "pixverse-v5-",
        lambda r: bool(r.get("lip_sync_tts_content")) and r.get("lip_sync_tts_speaker") == "Ava",
    ),
    Case(
        "kling-video/v1/standard/image-to-video",
        lambda p, m: fill_kling(p, m["photo"], m["end_frame"]),
        5.0,
        "kling-video-v1-standard-",
        lambda r: is_data(r.get("tail_image_url"), "image") and r.get("camera_control", {}).get("type") == "forward_up",
    ),
    Case(
        "video-01",
        lambda p, m: fill_video01(p, m["photo"]),
        6.0,
        "video-01-",
        lambda r: is_data(r.get("image_url"), "image") and bool(r.get("prompt")),
    ),
    Case(
        "video-01-live2d",
        lambda p, m: fill_live2d(p, m["photo"]),
        6.0,
        "video-01-live2d-",
        lambda r: is_data(r.get("image_url"), "image") and bool(r.get("prompt")),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.model_id for c in CASES])
def test_model_end_to_end(
    page: Page, shared_studio: Studio, media_files: dict[str, Path], tmp_path: Path, case: Case
) -> None:
    open_studio(page, shared_studio.url)
    case.fill(page, media_files)
    assert page.locator("[data-testid='stAlertContentError']").count() == 0, "the filled form shows a problem"
    if case.model_id.startswith("pixverse"):
        screenshot(page, "generate.png")

    before = card_ids(page)
    watch_badges(page)
    press_generate(page)
    card = new_card(page, before)
    expect(page.get_by_text("Started:")).to_be_visible()
    request = shared_studio.backend.received()[-1]
    assert request["model"] == case.model_id
    assert case.sent(request["payload"]), {k: str(v)[:60] for k, v in request["payload"].items()}

    wait_done(card)
    seen = badges_seen(page, card)
    assert seen[-1] == "Done", seen
    assert {"Queued", "Generating"} & set(seen[:-1]), f"no progress shown before Done: {seen}"
    expect(card.locator("[data-testid='stException']")).to_have_count(0)

    facts = video_facts(card)
    assert facts["readyState"] >= 2, facts
    assert facts["error"] is None, facts
    assert facts["advanced"] > 0, f"the video does not play: {facts}"
    assert facts["width"] > 0 and facts["height"] > 0, facts
    assert facts["duration"] == pytest.approx(case.seconds, abs=0.3), facts
    if case.model_id.startswith("pixverse"):
        screenshot(card, "video.png")

    saved = download_video(page, card, tmp_path)
    assert saved.name.startswith(case.file_prefix) and saved.suffix == ".mp4", saved.name
    data = saved.read_bytes()
    assert data[4:8] == b"ftyp", data[:16]
    assert len(data) > 2000


def test_history_and_models_screens(page: Page, shared_studio: Studio) -> None:
    """History lists the jobs with their status; Models finds each of the five seed models."""
    open_studio(page, shared_studio.url)
    go_to(page, "History")
    if page.get_by_text("No jobs yet").count():  # run on its own: make one job first
        go_to(page, "Generate")
        pick_model(page, "video-01")
        type_text(page, f"{VIDEO01}__prompt", "Waves rolling onto an empty beach")
        before = card_ids(page)
        press_generate(page)
        wait_done(new_card(page, before))
        go_to(page, "History")
    rows = page.locator("[data-testid='stDataFrame'] [role='row']:not([aria-rowindex='1'])")
    expect(rows.filter(has_text="Done")).not_to_have_count(0)  # the grid's accessible rows are hidden
    screenshot(page, "history.png")

    go_to(page, "Models")
    search = keyed(page, "models_search").locator("input")
    for model_id in SEED_IDS:  # found by a search, as a person looks one up among all the models
        search.fill(model_id)
        search.press("Enter")
        settle(page)
        expect(keyed(page, f"model_entry__{model_id}")).to_be_visible()
    search.fill("")
    search.press("Enter")
    settle(page)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    screenshot(page, "models.png")
