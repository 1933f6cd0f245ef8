"""Chains in the browser: "Continue from here" sends the video's last frame; "Join clips" gives one MP4 whose length
is the sum of the clips', whatever their sizes and sounds, and says where the person is looking how it went."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import (
    PIXVERSE,
    Studio,
    card_ids,
    keyed,
    new_card,
    open_studio,
    pick_model,
    press_generate,
    running_studio,
    settle,
    type_text,
    video_facts,
    wait_done,
)
from videostudio.library.chain import last_frame
from videostudio.library.videos import probe_video
from videostudio.media import decode_data_uri

pytestmark = pytest.mark.browser

VEO = "google/veo-3.1-t2v"  # 1920×1080 with sound, as the offline backend renders it by default
SHORT_SCREEN = {"width": 1400, "height": 900}  # where the old message, below the table, was out of sight


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """A studio of its own: the joined item and the continued job are looked up in its history and media folder."""
    with running_studio(tmp_path_factory.mktemp("chain-studio"), speed=0.1) as studio:
        yield studio


def job_id_of(card: Locator) -> str:
    classes = (card.get_attribute("class") or "").split()
    return next(c for c in classes if c.startswith("st-key-card-")).removeprefix("st-key-card-")


def make_clip(page: Page, prompt: str, model: str = "video-01") -> str:
    """Generate a text-to-video clip (video-01: 1280×720, silent) and wait until it is done; its job id."""
    pick_model(page, model)
    type_text(page, f"{re.sub(r'[^A-Za-z0-9]+', '-', model).strip('-')}__prompt", prompt)  # the form's key
    before = card_ids(page)
    # A new prompt makes the button a plain Generate again (the last one pointed at the job it sent).
    generate = keyed(page, "generate").get_by_role("button", name="Generate", exact=True)
    expect(generate).to_be_enabled()
    generate.click()
    card = new_card(page, before)
    wait_done(card)
    return job_id_of(card)


def pick_clips(page: Page, prompts: list[str]) -> None:
    """On History, open Join clips and choose the clips whose labels hold ``prompts``, in that order."""
    page.locator("[data-testid='stSidebarNav']").get_by_text("History", exact=True).click()
    page.wait_for_selector("h1:has-text('History')")
    settle(page)
    keyed(page, "join_toggle").get_by_role("button", name="Join clips").click()
    settle(page)
    picker = keyed(page, "join_pick")
    for prompt in prompts:  # the order they should play
        picker.locator("input").click()
        page.get_by_role("option").filter(has_text=prompt).first.click()
        settle(page)
        page.keyboard.press("Escape")
    expect(keyed(page, "join_panel")).to_contain_text(re.compile(rf"{len(prompts)} clips · \d+\.\d s in all"))


def pixels(image: Image.Image, size: tuple[int, int]) -> np.ndarray:
    return np.asarray(image.convert("RGB").resize(size), dtype=float)


def test_continue_from_here_sends_the_last_frame(page: Page, studio: Studio) -> None:
    open_studio(page, studio.url)
    source = make_clip(page, "A paper boat drifts down a rainy street")
    settle(page)
    # The Latest jobs card's button (the same job's card under Generate has its own).
    keyed(page, f"continue-card-{source}").get_by_role("link", name="Continue from here").first.click()
    settle(page)
    note = keyed(page, "continue_note")
    expect(note).to_contain_text("Continuing from MiniMax video-01")
    # The browser opens on "Animate a picture"; any image-to-video model takes the frame.
    expect(page.locator("[data-testid='stMain']").get_by_text("Animate a picture").first).to_be_visible()
    pick_model(page, "pixverse/v5/image-to-video")
    expect(note).to_contain_text("its last frame is the start image of PixVerse")
    expect(keyed(page, f"{PIXVERSE}__prompt").locator("textarea")).to_have_value(
        "A paper boat drifts down a rainy street"
    )
    submits = studio.stats()["submits"]
    before = card_ids(page)
    press_generate(page)
    new_card(page, before)
    assert studio.stats()["submits"] == submits + 1

    sent = studio.backend.received()[-1]
    assert sent["model"] == "pixverse/v5/image-to-video"
    _mime, data = decode_data_uri(sent["payload"]["image_url"])
    frame = Image.open(io.BytesIO(last_frame(studio.server.media / f"{source}.mp4")))
    received = Image.open(io.BytesIO(data))
    size = (frame.width // 4, frame.height // 4)
    # The same picture, give or take the format the model is sent (the frame may be converted to JPEG).
    assert np.abs(pixels(received, size) - pixels(frame, size)).mean() < 6


def test_continue_from_an_opened_job_in_history(page: Page, studio: Studio) -> None:
    open_studio(page, studio.url)
    source = make_clip(page, "A kite over the dunes")
    open_studio(page, studio.url, f"history?job={source}")
    dialog = page.locator("[data-testid='stDialog']")
    dialog.get_by_role("link", name="Continue from here").first.click()
    expect(keyed(page, "continue_note")).to_contain_text("Continuing from MiniMax video-01")
    expect(page.locator("[data-testid='stMain']").get_by_text("Animate a picture").first).to_be_visible()


def test_join_gives_an_mp4_whose_duration_is_the_sum(page: Page, studio: Studio) -> None:
    open_studio(page, studio.url)
    first = make_clip(page, "First: a lighthouse at dusk")
    second = make_clip(page, "Second: waves against the rocks")
    pick_clips(page, ["First: a lighthouse", "Second: waves"])
    keyed(page, "join_run").get_by_role("button", name="Join").click()
    settle(page)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Joined 2 clips into one")
    expect(dialog).to_contain_text("streams copied")
    page.wait_for_url(re.compile(r"job=[0-9a-f]{32}"))
    joined_id = re.search(r"job=([0-9a-f]{32})", page.url).group(1)  # type: ignore[union-attr]

    media: Path = studio.server.media
    joined_seconds = probe_video(media / f"{joined_id}.mp4")[0]
    clips_seconds = probe_video(media / f"{first}.mp4")[0] + probe_video(media / f"{second}.mp4")[0]
    assert joined_seconds == pytest.approx(clips_seconds, abs=0.05)
    expect(dialog.locator("video")).to_have_count(1)


def test_join_a_clip_with_sound_and_a_clip_of_another_size(page: Page, studio: Studio) -> None:
    # The newcomer's case: Veo 3.1 (1080p, with sound), then a 720p clip. It failed ("returned 22"), and clips of
    # two sizes were refused in a message below the table, out of sight.
    page.set_viewport_size(SHORT_SCREEN)
    open_studio(page, studio.url)
    voiced = make_clip(page, "Voiced: a choir in a stone hall", model=VEO)
    small = make_clip(page, "Small: a candle flickers")
    pick_clips(page, ["Voiced: a choir", "Small: a candle"])
    keyed(page, "join_run").get_by_role("button", name="Join").click()
    dialog = page.get_by_role("dialog")
    # A re-encode of 14 s of 1080p takes a while on a busy machine: wait for the dialog, not a fixed time.
    message = dialog.get_by_text("Joined 2 clips into one")
    expect(message).to_be_visible(timeout=180_000)
    expect(message).to_be_in_viewport()
    expect(message).to_contain_text("re-encoded to 1920×1080, clip 2 scaled to fit")
    # The joined video's settings, in words.
    expect(dialog).to_contain_text("Joined from")
    expect(dialog).to_contain_text("Veo 3.1 Text-to-video (“Voiced: a choir in a stone hall”), then MiniMax video-01")
    expect(dialog).not_to_contain_text("Method")
    page.wait_for_url(re.compile(r"job=[0-9a-f]{32}"))
    joined_id = re.search(r"job=([0-9a-f]{32})", page.url).group(1)  # type: ignore[union-attr]

    media: Path = studio.server.media
    clips_seconds = probe_video(media / f"{voiced}.mp4")[0] + probe_video(media / f"{small}.mp4")[0]
    facts = video_facts(dialog)
    assert facts["error"] is None and facts["advanced"] > 0  # it plays
    assert (facts["width"], facts["height"]) == (1920, 1080)
    assert facts["duration"] == pytest.approx(clips_seconds, abs=0.1)
    with av.open(str(media / f"{joined_id}.mp4")) as container:
        sound = container.streams.audio[0]
        assert float(sound.duration * sound.time_base) == pytest.approx(clips_seconds, abs=0.1)  # sound all along


def test_a_join_that_fails_says_so_beside_the_join_button(page: Page, studio: Studio) -> None:
    page.set_viewport_size(SHORT_SCREEN)
    open_studio(page, studio.url)
    make_clip(page, "Kept: a fox in the snow")
    broken = make_clip(page, "Broken: a fox in the rain")
    (studio.server.media / f"{broken}.mp4").write_bytes(b"no longer a video")  # damaged on disk meanwhile
    pick_clips(page, ["Kept: a fox", "Broken: a fox"])
    join = keyed(page, "join_run").get_by_role("button", name="Join")
    join.click()
    settle(page)
    error = keyed(page, "join_panel").locator("[data-testid='stAlertContentError']")
    expect(error).to_contain_text("The clips were not joined. Clip 2 is not a video the studio can read.")
    expect(error).to_be_in_viewport()
    # Right under the button, where the person just pressed: not below the list of jobs.
    button_box, error_box = join.bounding_box(), error.bounding_box()
    assert button_box is not None and error_box is not None
    assert 0 <= error_box["y"] - (button_box["y"] + button_box["height"]) < 80
    expect(page.locator("[data-testid='stMain']")).not_to_contain_text("InvalidData")
