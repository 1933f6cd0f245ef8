"""The pages, driven through Streamlit's AppTest against a real offline backend."""

from __future__ import annotations

import base64
import io
import json
import time
from pathlib import Path
from typing import Any

import av
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from components.form.schema_form import ADVANCED_OPEN
from tests.apptest import choose_model_in_browser, open_fold
from tests.conftest import REPO, Studio, jpeg_bytes, kept_file, wav_bytes

pytestmark = pytest.mark.apptest

APP = REPO / "app.py"

PIXVERSE = "pixverse/v5/image-to-video"
KLING = "kling-video/v1/standard/image-to-video"
FABRIC = "veed/fabric-1.0"
VIDEO01 = "video-01"
LIVE2D = "video-01-live2d"
KEYS = {
    PIXVERSE: "pixverse-v5-image-to-video",
    KLING: "kling-video-v1-standard-image-to-video",
    FABRIC: "veed-fabric-1-0",
    VIDEO01: "video-01",
    LIVE2D: "video-01-live2d",
}


def open_studio() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def choose(at: AppTest, model_id: str) -> None:
    choose_model_in_browser(at, model_id)
    assert not at.exception, [e.value for e in at.exception]


def upload(at: AppTest, model_id: str, path: str, name: str, data: bytes, mime: str) -> None:
    key = f"{KEYS[model_id]}__{path}__file"
    uploader = next(w for w in at.get("file_uploader") if w.key == key)
    uploader.upload(name, data, mime).run()
    assert not at.exception, [e.value for e in at.exception]


def generate(at: AppTest) -> None:
    at.button(key="generate").click().run()
    assert not at.exception, [e.value for e in at.exception]


def submitted_payloads(studio: Studio) -> list[dict[str, Any]]:
    jobs_dir = Path(studio.backend.jobs_dir)
    return [json.loads(p.read_text())["payload"] for p in sorted(jobs_dir.glob("*.json"))]


def wait_for_video(at: AppTest, seconds: float = 60) -> str:
    """Step the polling (AppTest never fires run_every timers) until a video shows; its media URL."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        videos = at.get("video")
        if videos:
            return videos[0].proto.url
        time.sleep(0.2)
    raise AssertionError(f"no video after {seconds} s; errors: {[e.value for e in at.error]}")


def image_of(data_uri: str) -> Image.Image:
    header, encoded = data_uri.split(",", 1)
    assert header.endswith(";base64")
    return Image.open(io.BytesIO(base64.b64decode(encoded)))


# --- each model: the form renders and sample inputs produce the expected payload ---------------------------


def test_pixverse_form_sends_prompt_image_voice_and_choices(studio: Studio) -> None:
    at = open_studio()
    choose(at, PIXVERSE)
    upload(at, PIXVERSE, "image_url", "cat.jpg", jpeg_bytes((800, 600)), "image/jpeg")
    at.text_area(key=f"{KEYS[PIXVERSE]}__prompt").input("  A cat surfing a wave  ").run()
    at.selectbox(key=f"{KEYS[PIXVERSE]}__resolution").select("360p").run()
    at.text_area(key=f"{KEYS[PIXVERSE]}__lip_sync_tts_content").input("Hello from the sea").run()
    speaker = at.selectbox(key=f"{KEYS[PIXVERSE]}__lip_sync_tts_speaker")
    assert len(speaker.options) == 14 and "Chloe" in speaker.options  # 15 voices; "Auto" is the empty choice
    speaker.select("Chloe").run()
    generate(at)

    [payload] = submitted_payloads(studio)
    image = payload.pop("image_url")
    assert image_of(image).size == (800, 600)
    assert payload == {
        "model": PIXVERSE,
        "prompt": "A cat surfing a wave",
        "resolution": "360p",
        "duration": 5,
        "lip_sync_tts_content": "Hello from the sea",
        "lip_sync_tts_speaker": "Chloe",
    }


def fill_kling_sunrise(at: AppTest) -> None:
    """Kling with a blue first frame, a red end frame, 10 s and a simple camera zooming in (4.5)."""
    choose(at, KLING)
    upload(at, KLING, "image_url", "first.jpg", jpeg_bytes((640, 360), (10, 10, 200)), "image/jpeg")
    upload(at, KLING, "tail_image_url", "last.jpg", jpeg_bytes((640, 360), (200, 10, 10)), "image/jpeg")
    at.text_area(key=f"{KEYS[KLING]}__prompt").input("A sunrise").run()
    at.get_by_key(f"{KEYS[KLING]}__duration").set_value(10).run()
    at.toggle(key=f"{KEYS[KLING]}__camera_control__on").set_value(True).run()
    at.selectbox(key=f"{KEYS[KLING]}__camera_control.type").select("simple").run()
    at.slider(key=f"{KEYS[KLING]}__camera_control.config.zoom").set_value(4.5).run()


def test_kling_form_sends_end_frame_and_camera_control(studio: Studio) -> None:
    at = open_studio()
    fill_kling_sunrise(at)
    generate(at)

    [payload] = submitted_payloads(studio)
    assert image_of(payload.pop("image_url")).getpixel((5, 5))[2] > 150
    assert image_of(payload.pop("tail_image_url")).getpixel((5, 5))[0] > 150
    assert payload == {
        "model": KLING,
        "prompt": "A sunrise",
        "duration": 10,
        "camera_control": {
            "type": "simple",
            "config": {"horizontal": 0.0, "vertical": 0.0, "pan": 0.0, "tilt": 0.0, "roll": 0.0, "zoom": 4.5},
        },
    }


def test_fabric_form_sends_image_and_uploaded_audio(studio: Studio) -> None:
    at = open_studio()
    choose(at, FABRIC)
    upload(at, FABRIC, "image_url", "face.jpg", jpeg_bytes(), "image/jpeg")
    audio = wav_bytes(1.5)
    upload(at, FABRIC, "audio_url", "voice.wav", audio, "audio/wav")
    at.selectbox(key=f"{KEYS[FABRIC]}__resolution").select("720p").run()
    generate(at)

    [payload] = submitted_payloads(studio)
    assert payload["model"] == FABRIC and payload["resolution"] == "720p"
    header, encoded = payload["audio_url"].split(",", 1)
    assert header.startswith("data:audio/") and base64.b64decode(encoded) == audio
    assert payload["image_url"].startswith("data:image/jpeg;base64,")


def test_fabric_accepts_audio_by_web_address(studio: Studio) -> None:
    at = open_studio()
    choose(at, FABRIC)
    upload(at, FABRIC, "image_url", "face.jpg", jpeg_bytes(), "image/jpeg")
    at.get_by_key(f"{KEYS[FABRIC]}__audio_url__source").set_value("Web address").run()
    at.text_input(key=f"{KEYS[FABRIC]}__audio_url__url").input("https://example.com/voice.mp3").run()
    generate(at)
    [payload] = submitted_payloads(studio)
    assert payload["audio_url"] == "https://example.com/voice.mp3"


@pytest.mark.parametrize("model_id", [VIDEO01, LIVE2D])
def test_minimax_forms_send_prompt_image_and_enhance_switch(studio: Studio, model_id: str) -> None:
    at = open_studio()
    choose(at, model_id)
    upload(at, model_id, "image_url", "scene.png", jpeg_bytes((1000, 500)), "image/jpeg")
    at.text_area(key=f"{KEYS[model_id]}__prompt").input("Rain on a window").run()
    open_fold(at, ADVANCED_OPEN)
    at.toggle(key=f"{KEYS[model_id]}__enhance_prompt").set_value(False).run()
    generate(at)
    [payload] = submitted_payloads(studio)
    assert image_of(payload.pop("image_url")).size == (1000, 500)
    assert payload == {"model": model_id, "prompt": "Rain on a window", "enhance_prompt": False}


def test_video01_needs_no_image(studio: Studio) -> None:
    at = open_studio()
    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input("A quiet forest").run()
    generate(at)
    assert submitted_payloads(studio) == [{"model": VIDEO01, "prompt": "A quiet forest", "enhance_prompt": True}]


# --- invalid input sends nothing --------------------------------------------------------------------------


def test_empty_required_fields_show_messages_and_send_nothing(studio: Studio) -> None:
    at = open_studio()
    choose(at, PIXVERSE)
    generate(at)
    errors = [e.value for e in at.error]
    assert "This field is required." in errors
    assert any("An image is required" in e for e in errors)
    assert any("Nothing was sent" in e for e in errors)
    assert studio.backend_stats()["submits"] == 0


def test_text_file_as_image_is_refused_with_a_message(studio: Studio) -> None:
    at = open_studio()
    choose(at, LIVE2D)
    upload(at, LIVE2D, "image_url", "notes.jpg", b"just some text, not a picture", "image/jpeg")
    assert any("image" in e.value.lower() for e in at.error)
    at.text_area(key=f"{KEYS[LIVE2D]}__prompt").input("Wave hello").run()
    generate(at)
    assert studio.backend_stats()["submits"] == 0


def test_image_too_small_for_minimax_is_refused(studio: Studio) -> None:
    at = open_studio()
    choose(at, LIVE2D)
    upload(at, LIVE2D, "image_url", "tiny.jpg", jpeg_bytes((200, 150)), "image/jpeg")
    assert any("300" in e.value for e in at.error), [e.value for e in at.error]
    at.text_area(key=f"{KEYS[LIVE2D]}__prompt").input("Wave hello").run()
    generate(at)
    assert studio.backend_stats()["submits"] == 0


def test_pixverse_1080p_at_8_seconds_is_refused_before_sending(studio: Studio) -> None:
    at = open_studio()
    choose(at, PIXVERSE)
    upload(at, PIXVERSE, "image_url", "cat.jpg", jpeg_bytes(), "image/jpeg")
    at.text_area(key=f"{KEYS[PIXVERSE]}__prompt").input("A cat").run()
    at.selectbox(key=f"{KEYS[PIXVERSE]}__resolution").select("1080p").run()
    at.get_by_key(f"{KEYS[PIXVERSE]}__duration").set_value(8).run()
    assert any("1080p" in e.value for e in at.error)
    generate(at)
    assert studio.backend_stats()["submits"] == 0


# --- one press, one job -----------------------------------------------------------------------------------


def test_double_click_submits_once(studio: Studio) -> None:
    at = open_studio()
    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input("Fireworks").run()
    generate(at)
    with pytest.raises(Exception, match="disabled"):
        generate(at)  # the second half of a double click meets a button that now points at the job
    assert studio.backend_stats()["submits"] == 1


def test_generate_on_an_unchanged_form_points_at_the_running_job(studio: Studio) -> None:
    studio.backend.speed = 1000  # the job keeps running while the test presses again
    at = open_studio()
    choose(at, VIDEO01)
    prompt = at.text_area(key=f"{KEYS[VIDEO01]}__prompt")
    prompt.input("Fireworks over a harbour").run()
    generate(at)
    assert studio.backend_stats()["submits"] == 1

    # However late it comes, a press on the unchanged form is the same intention: the button shows the job.
    button = at.button(key="generate")
    assert button.disabled and button.label.startswith("Generating…")
    with pytest.raises(Exception, match="disabled"):
        button.click().run()
    # A press that reached the server before the button was redrawn disabled is dropped there too.
    at.session_state["generate_requested"] = (KEYS[VIDEO01], None)
    at.run()
    assert studio.backend_stats()["submits"] == 1

    # The same settings again take a deliberate, labelled press: exactly one more job.
    at.button(key="generate_another").click().run()
    assert studio.backend_stats()["submits"] == 2
    assert at.button(key="generate").disabled
    # The second half of a double click on "Generate another" was drawn under the job it replaced.
    newer, older = (job.id for job in _store_jobs())  # newest first
    at.session_state["generate_requested"] = (KEYS[VIDEO01], older)
    at.run()
    assert studio.backend_stats()["submits"] == 2

    # Changing any field makes Generate a plain Generate again, and it sends.
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input("Fireworks over a lake").run()
    assert at.button(key="generate").label == "Generate" and not at.button(key="generate").disabled
    assert not any(b.key == "generate_another" for b in at.button)
    generate(at)
    assert studio.backend_stats()["submits"] == 3
    assert [p["prompt"] for p in submitted_payloads(studio)].count("Fireworks over a harbour") == 2


def test_a_claim_left_by_a_stopped_run_is_given_back_and_the_button_works(studio: Studio) -> None:
    # A run stopped before its finally (a rerun asked for mid-run) leaves the claim with no request behind it: the
    # next run gives it back, so the button is not greyed out for good, and the next press sends once.
    at = open_studio()
    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input("Fireworks").run()
    at.session_state["submitting"] = True
    at.run()
    assert not at.session_state["submitting"]
    assert not at.button(key="generate").disabled
    generate(at)
    assert studio.backend_stats()["submits"] == 1


def test_a_press_that_meets_a_claim_is_dropped(studio: Studio) -> None:
    # The second half of a double click reaches the server while the first is being sent: its callback finds the
    # claim and drops it (generate_controls.claim_send), so nothing more is sent.
    at = open_studio()
    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input("Fireworks").run()
    at.session_state["submitting"] = True
    at.button(key="generate").click().run()
    assert studio.backend_stats()["submits"] == 0


# --- the whole flow -------------------------------------------------------------------------------------


def test_generated_video_plays_and_downloads(studio: Studio) -> None:
    at = open_studio()
    choose(at, PIXVERSE)
    upload(at, PIXVERSE, "image_url", "cat.jpg", jpeg_bytes((640, 480)), "image/jpeg")
    at.text_area(key=f"{KEYS[PIXVERSE]}__prompt").input("A cat surfing at dawn").run()
    at.selectbox(key=f"{KEYS[PIXVERSE]}__resolution").select("360p").run()
    generate(at)
    assert wait_for_video(at)

    # The finished job plays once, in Latest jobs: the card under the Generate button goes when the job ends.
    downloads = [d for d in at.get("download_button") if d.proto.label == "Download"]  # not Copy as code's files
    assert [d.key for d in downloads] == [f"card-download-{_store_jobs()[0].id}"]
    [job] = _store_jobs()
    assert job.local_path and kept_file(job.local_path).exists()
    with av.open(kept_file(job.local_path)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (480, 360)
        assert float(stream.duration * stream.time_base) == pytest.approx(5, abs=0.1)


def test_a_failed_generation_shows_what_happened_and_what_to_do(studio: Studio, monkeypatch) -> None:
    import streamlit as st

    from videostudio.offline.faults import FaultConfig

    studio.backend.faults = FaultConfig(fail=True)
    st.cache_resource.clear()
    at = open_studio()
    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input("Fireworks").run()
    generate(at)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any("failed" in b.value.lower() for b in at.markdown):
        at.run()
        time.sleep(0.2)
    [job] = _store_jobs()
    assert job.status == "failed" and job.error
    assert any(job.error in e.value for e in at.error)


# --- values persist; history survives a new session --------------------------------------------------------


def test_fields_keep_their_values_when_switching_models(studio: Studio) -> None:
    at = open_studio()
    choose(at, PIXVERSE)
    upload(at, PIXVERSE, "image_url", "cat.jpg", jpeg_bytes(), "image/jpeg")
    at.text_area(key=f"{KEYS[PIXVERSE]}__prompt").input("Keep me").run()
    choose(at, VIDEO01)
    choose(at, PIXVERSE)
    assert at.text_area(key=f"{KEYS[PIXVERSE]}__prompt").value == "Keep me"
    # The uploaded image is kept too, and can be removed.
    assert any("cat.jpg" in c.value for c in at.caption)
    generate(at)
    assert studio.backend_stats()["submits"] == 1


def test_history_survives_a_new_session(studio: Studio) -> None:
    at = open_studio()
    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input("A lighthouse in fog").run()
    generate(at)
    wait_for_video(at)

    fresh = AppTest.from_file(str(APP), default_timeout=60).run()  # a reload: a new, empty session
    fresh.switch_page("pages/history.py").run()
    assert not fresh.exception
    table = fresh.dataframe[0].value
    assert list(table["prompt"]) == ["A lighthouse in fog"]
    assert list(table["status"]) == ["Done"]


def test_models_page_lists_every_model_with_limits(studio: Studio) -> None:
    from components.models.model_browser import PAGE_SIZE
    from components.shell import services

    at = open_studio()
    at.switch_page("pages/models.py").run()
    assert not at.exception
    assert len(at.subheader) == min(len(services.catalogue()), PAGE_SIZE)  # a page of model sheets
    for model_id, limit in ((LIVE2D, "over 300 px"), (PIXVERSE, "1080p")):
        at.text_input(key="models_search").input(model_id).run()
        assert services.catalogue().get(model_id).name in [h.value for h in at.subheader]
        assert limit in " ".join(m.value for m in at.markdown)


def _store_jobs():
    from components.shell import services

    return services.job_service().store.list()


# --- every model, end to end: a real MP4 whose decoded duration and resolution match the request ---------


def _fill_fabric(at: AppTest) -> None:
    upload(at, FABRIC, "image_url", "face.jpg", jpeg_bytes((600, 800)), "image/jpeg")
    upload(at, FABRIC, "audio_url", "voice.wav", wav_bytes(3.0), "audio/wav")


def _fill_pixverse(at: AppTest) -> None:
    upload(at, PIXVERSE, "image_url", "cat.jpg", jpeg_bytes((640, 480)), "image/jpeg")
    at.text_area(key=f"{KEYS[PIXVERSE]}__prompt").input("A cat on a skateboard").run()
    at.selectbox(key=f"{KEYS[PIXVERSE]}__resolution").select("540p").run()
    at.get_by_key(f"{KEYS[PIXVERSE]}__duration").set_value(8).run()


def _fill_kling(at: AppTest) -> None:
    upload(at, KLING, "image_url", "first.jpg", jpeg_bytes((1280, 720)), "image/jpeg")
    upload(at, KLING, "tail_image_url", "last.jpg", jpeg_bytes((1280, 720), (20, 200, 20)), "image/jpeg")
    at.text_area(key=f"{KEYS[KLING]}__prompt").input("Day turns to night").run()


def _fill_minimax(model_id: str) -> Any:
    def fill(at: AppTest) -> None:
        upload(at, model_id, "image_url", "scene.jpg", jpeg_bytes((900, 600)), "image/jpeg")
        at.text_area(key=f"{KEYS[model_id]}__prompt").input("Leaves falling").run()

    return fill


# model, how to fill its form, expected (width, height), expected seconds
END_TO_END = [
    (FABRIC, _fill_fabric, (480, 640), 3.0),  # 480p portrait; as long as the audio
    (PIXVERSE, _fill_pixverse, (720, 540), 8.0),
    (KLING, _fill_kling, (1280, 720), 5.0),
    (VIDEO01, _fill_minimax(VIDEO01), (1080, 720), 6.0),
    (LIVE2D, _fill_minimax(LIVE2D), (1080, 720), 6.0),
]


@pytest.mark.parametrize(("model_id", "fill", "size", "seconds"), END_TO_END, ids=[m[0] for m in END_TO_END])
def test_every_model_gives_a_real_video_matching_the_request(
    studio: Studio, model_id: str, fill: Any, size: tuple[int, int], seconds: float
) -> None:
    at = open_studio()
    choose(at, model_id)
    fill(at)
    generate(at)
    wait_for_video(at)
    [job] = _store_jobs()
    assert job.status == "completed" and job.local_path
    with av.open(kept_file(job.local_path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.codec_context.width, stream.codec_context.height) == size
        frames = sum(1 for _ in container.decode(video=0))
        assert frames / float(stream.average_rate) == pytest.approx(seconds, abs=0.05)
        if model_id == FABRIC:
            assert container.streams.audio, "fabric carries the uploaded audio"
