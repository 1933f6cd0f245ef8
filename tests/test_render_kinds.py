"""Every kind of model renders from its payload: text, video, image lists, first/last frame, extend, audio, foley.

Each test plans the render from a payload exactly as the backend does, writes the MP4, and decodes it with PyAV.
"""

from __future__ import annotations

import base64
import io
import math
import wave
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from tests.offline_payloads import WEB_VIDEO, make_model, minimal_payload
from videostudio.catalogue import Model, Task, load_catalogue
from videostudio.offline.plan import plan_render, validate
from videostudio.offline.render.footage import Footage
from videostudio.offline.render.video import RenderRequest, render_video

RED, GREEN, BLUE, TEAL = (220, 30, 30), (30, 200, 40), (30, 40, 220), (20, 160, 170)
URI = {"type": "string", "format": "uri"}
URIS = {"type": "array", "items": URI}
SMALL = {"resolution": {"type": "string", "enum": ["360p", "720p"], "default": "360p"}}


def png_uri(colour: tuple[int, int, int], size: tuple[int, int] = (64, 36)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def wav_uri(seconds: float, rate: int = 16000) -> str:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        t = np.arange(round(seconds * rate)) / rate
        out.writeframes((8000 * np.sin(2 * math.pi * 220 * t)).astype("<i2").tobytes())
    return "data:audio/wav;base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture(scope="module")
def clip_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A 2-second, solid teal 160x90 MP4 as a data URI: the input video."""
    path = tmp_path_factory.mktemp("clip") / "teal.mp4"
    buffer = io.BytesIO()
    Image.new("RGB", (160, 90), TEAL).save(buffer, "PNG")
    render_video(RenderRequest(width=160, height=90, duration=2.0, image=buffer.getvalue()), path)
    return "data:video/mp4;base64," + base64.b64encode(path.read_bytes()).decode()


def rendered(model: Model, payload: dict, tmp_path: Path) -> dict:
    """Plan and render the payload; the MP4's duration, size, audio and frames (RGB, caption band cut off)."""
    assert validate(model, payload) == []
    path = tmp_path / "out.mp4"
    render_video(plan_render(model, payload), path)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        size = (stream.codec_context.width, stream.codec_context.height)
        duration = container.duration / av.time_base
        audio = len(container.streams.audio)
        frames = [f.to_ndarray(format="rgb24")[: size[1] * 2 // 3] for f in container.decode(stream)]
    return {"duration": duration, "size": size, "audio": audio, "frames": frames}


def mean(frame: np.ndarray) -> np.ndarray:
    return frame.reshape(-1, 3).mean(axis=0)


def spread(frame: np.ndarray) -> float:
    """How much the picture varies: the largest per-channel standard deviation (0 for a flat colour)."""
    return float(frame.reshape(-1, 3).std(axis=0).max())


def near(frame: np.ndarray, colour: tuple[int, int, int], tolerance: float = 40) -> bool:
    return float(np.abs(mean(frame) - np.array(colour)).max()) < tolerance


def test_text_to_video_draws_a_scene_from_the_prompt(tmp_path: Path) -> None:
    model = make_model("acme/t2v", {"prompt": {"type": "string"}, "aspect_ratio": {"enum": ["16:9", "9:16"]}, **SMALL})
    payload = {"model": model.id, "prompt": "A lighthouse in a storm", "aspect_ratio": "9:16"}
    plan = plan_render(model, payload)
    assert plan.image is None and plan.video is None and plan.scene == "A lighthouse in a storm"
    video = rendered(model, payload, tmp_path)
    assert video["size"] == (360, 640) and video["duration"] == pytest.approx(5.0, abs=0.05)
    first = video["frames"][0]
    assert spread(first) > 12  # shapes on a gradient, not a flat colour
    other = rendered(model, {**payload, "prompt": "A desert at noon"}, tmp_path)["frames"][0]
    assert np.abs(mean(first) - mean(other)).max() > 5  # another prompt, another scene


@pytest.mark.parametrize(
    ("properties", "shape"),
    [
        ({"video_url": URI}, lambda uri: {"video_url": uri}),
        ({"video_urls": URIS}, lambda uri: {"video_urls": [uri]}),
        (
            {"reference": {"type": "object", "properties": {"type": {"enum": ["video"]}, "url": URI}}},
            lambda uri: {"reference": {"type": "video", "url": uri}},
        ),
    ],
    ids=["video_url", "video_urls", "type-video-object"],
)
def test_video_inputs_are_replayed_with_the_input_showing_through(
    properties: dict, shape, clip_uri: str, tmp_path: Path
) -> None:
    model = make_model("acme/edit", {"prompt": {"type": "string"}, **properties, **SMALL})
    video = rendered(model, {"model": model.id, "prompt": "Make it dusk", **shape(clip_uri)}, tmp_path)
    assert video["duration"] == pytest.approx(2.0, abs=0.05)  # an edit keeps the input's length
    assert video["size"] == (640, 360)  # the input's 16:9 at the asked resolution
    assert all(near(frame, TEAL) for frame in video["frames"][::8])


def test_an_edit_asked_to_run_longer_loops_its_input(clip_uri: str, tmp_path: Path) -> None:
    model = make_model("acme/edit", {"video_url": URI, "duration": {"type": "integer"}, **SMALL})
    video = rendered(model, {"model": model.id, "video_url": clip_uri, "duration": 3}, tmp_path)
    assert video["duration"] == pytest.approx(3.0, abs=0.05)
    assert near(video["frames"][-1], TEAL)


@pytest.mark.parametrize("field", ["image_urls", "image_list", "reference_image_urls"])
def test_image_lists_cross_fade_from_one_image_to_the_next(field: str, tmp_path: Path) -> None:
    model = make_model("acme/refs", {"prompt": {"type": "string"}, field: URIS, **SMALL})
    payload = {"model": model.id, "prompt": "", field: [png_uri(RED), png_uri(GREEN), png_uri(BLUE)]}
    frames = rendered(model, payload, tmp_path)["frames"]
    assert near(frames[0], RED) and near(frames[len(frames) // 2], GREEN) and near(frames[-1], BLUE)


def test_elements_frontal_images_cross_fade_too(tmp_path: Path) -> None:
    element = {"type": "object", "properties": {"frontal_image_url": URI}}
    model = make_model("acme/elements", {"elements": {"type": "array", "items": element}, **SMALL})
    payload = {
        "model": model.id,
        "elements": [{"frontal_image_url": png_uri(RED)}, {"frontal_image_url": png_uri(BLUE)}],
    }
    frames = rendered(model, payload, tmp_path)["frames"]
    assert near(frames[0], RED) and near(frames[-1], BLUE)


@pytest.mark.parametrize("end_field", ["last_image_url", "tail_image_url"])
def test_first_and_last_frame_blend_from_one_to_the_other(end_field: str, tmp_path: Path) -> None:
    model = make_model("acme/flf", {"image_url": URI, end_field: URI, "duration": {"type": "integer"}, **SMALL})
    payload = {"model": model.id, "image_url": png_uri(RED), end_field: png_uri(BLUE), "duration": 2}
    video = rendered(model, payload, tmp_path)
    assert video["duration"] == pytest.approx(2.0, abs=0.05)
    frames = video["frames"]
    assert near(frames[0], RED) and near(frames[-1], BLUE) and not near(frames[len(frames) // 2], RED)


def test_luma_style_keyframes_blend_too(tmp_path: Path) -> None:
    frame = {"type": "object", "properties": {"type": {"enum": ["image"]}, "url": URI}}
    model = make_model("acme/ray", {"keyframes": {"type": "object", "properties": {"frame0": frame, "frame1": frame}}})
    keyframes = {"frame0": {"type": "image", "url": png_uri(GREEN)}, "frame1": {"type": "image", "url": png_uri(RED)}}
    plan = plan_render(model, {"model": model.id, "keyframes": keyframes})
    assert plan.image is not None and plan.end_image is not None and plan.keyframes == ()


def test_extend_plays_the_input_then_new_frames(clip_uri: str, tmp_path: Path) -> None:
    model = make_model("acme/extend-video", {"prompt": {"type": "string"}, "video_url": URI, **SMALL})
    video = rendered(model, {"model": model.id, "prompt": "Fly away", "video_url": clip_uri}, tmp_path)
    assert video["duration"] == pytest.approx(2.0 + 5.0, abs=0.05)  # the input, then the default 5 s
    frames = video["frames"]
    assert near(frames[0], TEAL, 12) and near(frames[40], TEAL, 12)  # the input itself, untinted
    assert spread(frames[0]) < 3 and spread(frames[-1]) > 8  # the new part: the prompt's scene fades in


def test_extend_is_read_from_the_task_or_the_fields_words_too(clip_uri: str) -> None:
    by_task = make_model("acme/v2v", {"video_url": URI}, tasks=frozenset({Task.EXTEND}))
    by_words = make_model("acme/v2v", {"video_url": {**URI, "description": "The video to continue."}})
    edit = make_model("acme/v2v", {"video_url": URI})
    for model, extends in ((by_task, True), (by_words, True), (edit, False)):
        assert plan_render(model, {"model": model.id, "video_url": clip_uri}).extend is extends


def test_audio_is_carried_and_sets_the_length(tmp_path: Path) -> None:
    model = make_model("acme/avatar", {"image_url": URI, "audio_url": URI, **SMALL})
    payload = {"model": model.id, "image_url": png_uri(GREEN), "audio_url": wav_uri(1.5)}
    video = rendered(model, payload, tmp_path)
    assert video["audio"] == 1 and video["duration"] == pytest.approx(1.5, abs=0.06)
    assert near(video["frames"][0], GREEN)


def test_foley_puts_a_sound_track_on_the_input_video(clip_uri: str, tmp_path: Path) -> None:
    model = make_model("acme/sounds", {"video_url": URI, "prompt": {"type": "string"}}, tasks=frozenset({Task.SOUND}))
    plan = plan_render(model, {"model": model.id, "video_url": clip_uri})
    assert plan.ambience and plan.audio is None
    video = rendered(model, {"model": model.id, "video_url": clip_uri, "prompt": "Footsteps"}, tmp_path)
    assert video["audio"] == 1 and video["duration"] == pytest.approx(2.0, abs=0.05)
    assert video["size"] == (160, 90)  # no size asked: the input's
    assert near(video["frames"][10], TEAL)


def test_generate_audio_gives_a_sound_track(tmp_path: Path) -> None:
    model = make_model("acme/veo", {"prompt": {"type": "string"}, "generate_audio": {"type": "boolean"}, **SMALL})
    assert plan_render(model, {"model": model.id, "prompt": "Rain", "generate_audio": True}).ambience
    assert not plan_render(model, {"model": model.id, "prompt": "Rain", "generate_audio": False}).ambience


@pytest.mark.parametrize(
    ("fields", "size"),
    [
        ({"resolution": "1080P", "aspect_ratio": "16:9"}, (1920, 1080)),
        ({"resolution": "768P"}, (1366, 768)),
        ({"resolution": "hd", "aspect_ratio": "9:16"}, (720, 1280)),
        ({"resolution": "fhd", "aspect_ratio": "1:1"}, (1080, 1080)),
        ({"resolution": "2K"}, (2560, 1440)),
        ({"resolution": "4k"}, (3840, 2160)),
        ({"resolution": "720p", "ratio": "4:3"}, (960, 720)),
        ({"frame_size": "1280:720"}, (1280, 720)),
        ({"frame_size": "832:1104"}, (832, 1104)),
        ({"aspect_ratio": "auto"}, (1280, 720)),
    ],
)
def test_size_follows_the_resolution_and_aspect_words(fields: dict, size: tuple[int, int]) -> None:
    model = make_model("acme/any", {name: {"type": "string"} for name in fields})
    plan = plan_render(model, {"model": model.id, **fields})
    assert (plan.width, plan.height) == size


def test_duration_follows_the_payload_or_the_schemas_default() -> None:
    model = make_model("acme/d", {"duration": {"type": "string", "enum": ["4", "8"], "default": "8"}})
    assert plan_render(model, {"model": model.id}).duration == 8
    assert plan_render(model, {"model": model.id, "duration": "4"}).duration == 4
    assert plan_render(model, {"model": model.id, "duration": "6s"}).duration == 6


def test_web_addresses_are_never_fetched_a_placeholder_stands_in() -> None:
    model = make_model("acme/edit", {"video_url": URI})
    plan = plan_render(model, {"model": model.id, "video_url": WEB_VIDEO})
    assert plan.video is None and plan.placeholder_title == "Video from example.com (not fetched offline)"


def test_every_catalogue_model_accepts_a_minimal_payload_and_plans_a_render() -> None:
    catalogue = load_catalogue()
    for model in catalogue:
        payload = minimal_payload(model)
        assert validate(model, payload) == [], model.id
        plan = plan_render(model, payload)
        assert plan.width >= 16 and plan.height >= 16 and plan.duration > 0, model.id


def test_an_input_clip_is_decoded_only_as_far_as_it_is_shown(clip_uri: str) -> None:
    footage = Footage(base64.b64decode(clip_uri.split(",", 1)[1]), 160, 90)
    assert footage.duration == pytest.approx(2.0, abs=0.05)
    for index in range(12):  # the first half second of a 2-second, 24 fps clip
        footage.at(index / 24)
    footage.close()
    assert footage.frames_read <= 13
