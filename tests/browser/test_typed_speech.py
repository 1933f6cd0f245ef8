"""Type what they say, in Chromium: a Fabric job made from typed words ends in a video whose sound lasts as long as
the speech. The offline backend speaks with espeak-ng where it is installed (scripts/test.sh installs it), else with
its synthetic voice; either way the length follows the words."""

from __future__ import annotations

import re
from pathlib import Path

import av
import pytest
import requests
from playwright.sync_api import Page, expect

from components.form.schema_form import field_key
from tests.browser.conftest import (
    Studio,
    card_ids,
    keyed,
    new_card,
    open_studio,
    press_generate,
    running_studio,
    settle,
    type_text,
    upload,
    wait_done,
)
from videostudio.catalogue import load_catalogue

pytestmark = pytest.mark.browser

FABRIC = "veed/fabric-1.0"
TTS = "openai/gpt-4o-mini-tts"
WORDS = "Hello! I am the voice of this picture. Thank you for typing what I should say, it sounds lovely."


def _speech_calls(studio: Studio) -> int:
    """The speech calls the studio's offline backend logged (its usage logs, as the API's)."""
    answer = requests.get(
        f"{studio.backend.url}/v2/logs", params={"period": "24h"}, headers={"Authorization": "Bearer k"}, timeout=10
    )
    return sum(1 for row in answer.json()["data"] if row["model"] == TTS)


def _audio_seconds(path: Path) -> float:
    """The length of a file's first audio stream, counted from its decoded samples (PyAV)."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
        return samples / stream.rate


def test_a_fabric_job_from_typed_speech_has_the_speechs_sound(
    page: Page, shared_studio: Studio, media_files: dict[str, Path]
) -> None:
    model = load_catalogue().get(FABRIC)
    audio = field_key(model, "audio_url")
    open_studio(page, shared_studio.url, f"?model={FABRIC}")
    upload(page, field_key(model, "image_url"), media_files["photo"])

    keyed(page, f"{audio}__source").get_by_text("Type what they say", exact=True).click()
    settle(page)
    type_text(page, f"{audio}__speech_text", WORDS)
    # Before anything is sent: about how long, what it costs, and the most Fabric takes.
    panel = page.locator("[data-testid='stCaptionContainer']").filter(has_text="Fabric 1.0 takes audio up to 30 s")
    expect(panel).to_contain_text(re.compile(r"About \d+(\.\d)? s · \$0\.\d+ · [\d,]+ credits to make"))

    calls = _speech_calls(shared_studio)
    make = keyed(page, f"{audio}__speech_make").get_by_role("button", name=re.compile("Make"))
    make.dblclick()  # a double click makes one speech
    player = page.locator("[data-testid='stAudio']")
    expect(player).to_have_count(1, timeout=60_000)
    settle(page)
    expect(make).to_have_text(re.compile("Make it again"))
    assert _speech_calls(shared_studio) == calls + 1
    expect(page.get_by_text("already spent making the speech")).to_be_visible()

    before = card_ids(page)
    press_generate(page)
    card = new_card(page, before)
    request = shared_studio.backend.received()[-1]
    assert request["model"] == FABRIC and request["payload"]["audio_url"].startswith("data:audio/wav;base64,")
    wait_done(card, timeout=180_000)

    job_id = next(c for c in (card.get_attribute("class") or "").split() if c.startswith("st-key-card-"))
    job_id = job_id.removeprefix("st-key-card-")
    kept_speech = max((shared_studio.server.media / "speech").glob("*.wav"), key=lambda p: p.stat().st_mtime)
    speech_seconds = _audio_seconds(kept_speech)
    assert 4.0 < speech_seconds < 12.0  # about 20 words at about 150 a minute
    assert _audio_seconds(shared_studio.server.media / f"{job_id}.mp4") == pytest.approx(speech_seconds, abs=0.15)


def test_words_edited_while_the_speech_is_made_keep_the_speech_made_once(
    page: Page, tmp_path: Path, media_files: dict[str, Path]
) -> None:
    """A person who edits the words while the speech is being made still gets the speech, paid once.

    The backend answers slowly, so the edit lands while the call is under way and stops that run at its next call
    into Streamlit. The speech reaches the page all the same (components/shell/paid_answers.py), in the run the edit
    asked for, which starts only once the stopped one has ended (``runner.fastReruns = false``).
    """
    with running_studio(tmp_path / "studio", faults="slow=800") as studio:
        model = load_catalogue().get(FABRIC)
        audio = field_key(model, "audio_url")
        open_studio(page, studio.url, f"?model={FABRIC}")
        keyed(page, f"{audio}__source").get_by_text("Type what they say", exact=True).click()
        settle(page)
        type_text(page, f"{audio}__speech_text", WORDS)
        calls = _speech_calls(studio)

        keyed(page, f"{audio}__speech_make").get_by_role("button", name=re.compile("Make")).click()
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']")
        box = keyed(page, f"{audio}__speech_text").locator("textarea")
        box.fill(WORDS + " And one more line.")
        box.blur()

        expect(page.locator("[data-testid='stAudio']")).to_have_count(1, timeout=60_000)
        settle(page)
        expect(page.get_by_text("The words, model or voice changed since it was made")).to_be_visible()
        assert _speech_calls(studio) == calls + 1
