"""One model for each thing a person can make, end to end in the browser: open it by link, fill it, watch it play.

The sample covers every task of the model browser (videostudio.catalogue.Task), so each kind of input a
form can ask for (none, a picture, two frames, a list of pictures, a video, audio) is given as a person
gives it: typed, or uploaded through the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from playwright.sync_api import Page, expect

from components.form.schema_form import field_key
from tests.browser.conftest import (
    Studio,
    card_ids,
    keyed,
    new_card,
    open_studio,
    press_generate,
    settle,
    type_text,
    upload,
    video_facts,
    wait_done,
    write_photo,
)
from videostudio.catalogue import Task, load_catalogue

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Case:
    task: Task
    model_id: str
    prompt: str | None
    uploads: dict[str, str]  # field path → media file name (a key of task_media)
    lists: dict[str, list[str]]  # list field path → media file names, in order

    def sent(self, payload: dict[str, Any]) -> bool:
        """The request carries each upload as a data URI of its kind, lists in the order given."""
        for path, name in self.uploads.items():
            if not str(payload.get(path, "")).startswith(f"data:{KINDS[name]}/"):
                return False
        for path, names in self.lists.items():
            values = payload.get(path) or []
            if len(values) != len(names) or not all(str(v).startswith("data:image/") for v in values):
                return False
        return self.prompt is None or payload.get("prompt") == self.prompt


KINDS = {"photo": "image", "end": "image", "second": "image", "clip": "video", "voice": "audio"}

CASES = [
    Case(Task.TEXT, "google/veo-3.1-t2v", "A paper boat drifting down a rainy street", {}, {}),
    Case(Task.IMAGE, "openai/sora-2-i2v", "The hills sway gently in the wind", {"image_url": "photo"}, {}),
    Case(
        Task.FIRST_LAST,
        "google/veo-3.1-first-last-image-to-video",
        "Day turns to dusk over the hills",
        {"image_url": "photo", "last_image_url": "end"},
        {},
    ),
    Case(
        Task.REFERENCE,
        "google/veo-3.1-reference-to-video",
        "A walk through these landscapes",
        {},
        {"image_urls": ["photo", "second"]},
    ),
    Case(Task.EDIT, "runway/gen4_aleph", "Make it look like a watercolour", {"video_url": "clip"}, {}),
    Case(Task.EXTEND, "google/veo3-1-extend-video", "The camera keeps rising", {"video_url": "clip"}, {}),
    Case(Task.AVATAR, "bytedance/omnihuman", None, {"image_url": "photo", "audio_url": "voice"}, {}),
    Case(
        Task.MOTION,
        "klingai/video-v2-6-motion-control",
        None,
        {"image_url": "photo", "video_url": "clip"},
        {},
    ),
    Case(Task.SOUND, "tencent/hunyuan-video-foley", "Rain on a tin roof", {"video_url": "clip"}, {}),
]


def write_clip(path: Path, seconds: float = 2.0, size: tuple[int, int] = (320, 240)) -> Path:
    """A short H.264 MP4: a colour sweep, as a phone clip would be, only smaller."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=12)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        stream.codec_context.time_base = Fraction(1, 12)
        for index in range(int(seconds * 12)):
            pixels = np.zeros((size[1], size[0], 3), dtype=np.uint8)
            pixels[..., 0] = 40 + index * 8
            pixels[..., 2] = 200 - index * 6
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


@pytest.fixture(scope="module")
def task_media(tmp_path_factory: pytest.TempPathFactory, media_files: dict[str, Path]) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("task-inputs")
    return {
        "photo": write_photo(folder / "hills.jpg", (1280, 720)),
        "end": write_photo(folder / "dusk.jpg", (1280, 720), evening=True),
        "second": write_photo(folder / "valley.jpg", (1280, 720), evening=True),
        "clip": write_clip(folder / "clip.mp4"),
        "voice": media_files["voice"],
    }


def upload_many(page: Page, key: str, paths: list[Path]) -> None:
    """Give a list field several files at once, in order, and wait for the studio to read them."""
    field_box = keyed(page, f"{key}__files")
    field_box.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files([str(p) for p in paths])
    for path in paths:
        expect(field_box.locator("[data-testid='stFileChipName']").filter(has_text=path.name).first).to_be_visible()
    settle(page)


def test_the_sample_covers_every_task() -> None:
    catalogue = load_catalogue()
    assert {case.task for case in CASES} == set(Task)
    for case in CASES:
        assert case.task in catalogue.get(case.model_id).tasks, case.model_id


@pytest.mark.parametrize("case", CASES, ids=[c.task.name.lower() for c in CASES])
def test_each_task_end_to_end(page: Page, shared_studio: Studio, task_media: dict[str, Path], case: Case) -> None:
    model = load_catalogue().get(case.model_id)
    key: Callable[[str], str] = lambda path: field_key(model, path)  # noqa: E731
    open_studio(page, shared_studio.url, f"?model={case.model_id}")
    expect(page.get_by_text(model.name).first).to_be_visible()

    if case.prompt is not None:
        type_text(page, key("prompt"), case.prompt)
    for path, name in case.uploads.items():
        upload(page, key(path), task_media[name])
    for path, names in case.lists.items():
        upload_many(page, key(path), [task_media[n] for n in names])
    assert page.locator("[data-testid='stAlertContentError']").count() == 0, "the filled form shows a problem"

    before = card_ids(page)
    posts = shared_studio.stats()["submits"]
    press_generate(page)
    card = new_card(page, before)
    request = shared_studio.backend.received()[-1]
    assert request["model"] == case.model_id
    assert case.sent(request["payload"]), {k: str(v)[:40] for k, v in request["payload"].items()}
    assert shared_studio.stats()["submits"] == posts + 1

    wait_done(card, timeout=120_000)
    facts = video_facts(card, timeout=60_000)
    assert facts["error"] is None and facts["advanced"] > 0, f"the video does not play: {facts}"
    assert facts["width"] > 0 and facts["height"] > 0, facts
