"""Video uploads (videostudio.media.video): probing, refusing, repackaging, converting, posters, limits read from
prose, and the one dispatcher for every upload; plus the Generate page showing a video upload's preview."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import av
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.apptest import choose_model_in_browser
from tests.conftest import REPO, Studio, jpeg_bytes, wav_bytes
from tests.media_samples import VIDEO_MODEL_ID, VIDEO_MODEL_KEY, rotated, video_bytes
from videostudio.catalogue import load_catalogue
from videostudio.media import (
    MediaError,
    PreparedAudio,
    PreparedImage,
    PreparedVideo,
    VideoRules,
    decode_data_uri,
    prepare_upload,
    prepare_video,
    probe_video,
    upload_extensions,
    video_rules_from_text,
)
from videostudio.media import video as video_module


def sent(result: PreparedVideo) -> av.container.InputContainer:
    """The video the API would receive, opened."""
    return av.open(io.BytesIO(decode_data_uri(result.data_uri)[1]))


def poster(result: PreparedVideo) -> Image.Image:
    mime, data = decode_data_uri(result.thumbnail_data_uri)
    assert mime == "image/jpeg"
    return Image.open(io.BytesIO(data))


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (64, 64), color) for color in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------------------------
# Probe


def test_probe_reads_container_codec_size_length_and_frames() -> None:
    probe = probe_video(video_bytes(seconds=2.0, size=(320, 240)), "clip.mp4")
    assert (probe.container, probe.codec, probe.width, probe.height) == ("MP4", "h264", 320, 240)
    assert probe.duration == pytest.approx(2.0, abs=0.1) and probe.frames == 60


def test_probe_tells_mov_from_mp4_and_webm_from_mkv() -> None:
    assert probe_video(video_bytes("mov"), "clip.mov").container == "MOV"
    assert probe_video(video_bytes("webm", "libvpx-vp9"), "clip.webm").container == "WEBM"
    assert probe_video(video_bytes("matroska"), "clip.mkv").container == "MKV"


# ---------------------------------------------------------------------------------------------------------------------
# Accepted as they are


def test_h264_mp4_is_sent_byte_for_byte_with_a_poster() -> None:
    data = video_bytes(seconds=2.0, size=(640, 360), audio="aac")
    result = prepare_video(data, "clip.mp4", model_name="Test")
    assert decode_data_uri(result.data_uri) == ("video/mp4", data)
    assert (result.size_bytes, result.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert (result.width, result.height, result.codec, result.notes) == (640, 360, "H.264", ())
    assert result.duration_seconds == pytest.approx(2.0, abs=0.1)
    picture = poster(result)
    assert picture.size == (320, 180)  # longest side at most 320
    top, bottom = picture.getpixel((160, 40)), picture.getpixel((160, 140))
    assert top[1] > 200 and bottom[1] < 60  # the frame's green top half, upright
    assert bottom[0] > 40  # a frame a little into the clip (it reddens over time), not the black first one


@pytest.mark.parametrize(("degrees", "green_side"), [(-90, "right"), (90, "left")])
def test_a_phone_video_turned_by_its_display_matrix_is_shown_upright(degrees: int, green_side: str) -> None:
    # Stored landscape with a green top half; the file says "turn it" (as phones record portrait video).
    data = rotated(video_bytes(size=(320, 240)), degrees)
    result = prepare_video(data, "portrait.mp4", model_name="Test")
    assert decode_data_uri(result.data_uri)[1] == data  # sent as it is: every reader honours the matrix
    assert (result.width, result.height) == (240, 320)
    picture = poster(result)
    assert picture.size == (240, 320)
    left, right = picture.getpixel((10, 160)), picture.getpixel((230, 160))
    assert (left if green_side == "left" else right)[1] > 200 and (right if green_side == "left" else left)[1] < 60


def test_a_turned_video_that_must_be_converted_has_its_pixels_turned() -> None:
    data = rotated(video_bytes(size=(320, 240)), -90)
    result = prepare_video(data, "portrait.mp4", VideoRules(max_pixels=240 * 320 // 4), model_name="Test")
    assert (result.width, result.height) == (120, 160)
    with sent(result) as box:
        frame = next(box.decode(video=0))
        assert (frame.width, frame.height, frame.rotation) == (120, 160, 0)
        pixels = frame.to_image()
    assert pixels.getpixel((110, 80))[1] > 200 and pixels.getpixel((10, 80))[1] < 60  # green turned to the right


def test_mov_is_sent_as_quicktime() -> None:
    result = prepare_video(video_bytes("mov"), "clip.mov", model_name="Test")
    assert result.mime == "video/quicktime" and result.notes == ()


# ---------------------------------------------------------------------------------------------------------------------
# Fixed


def test_h264_in_mkv_is_repackaged_as_mp4_with_aac_sound() -> None:
    data = video_bytes("matroska", seconds=1.0, audio="pcm_s16le")
    result = prepare_video(data, "clip.mkv", model_name="Test")
    assert result.mime == "video/mp4" and result.codec == "H.264"
    assert result.notes == ("Repackaged from MKV to MP4 (same picture, no quality lost) so Test can read it.",)
    with sent(result) as box:
        assert box.format.name.startswith("mov,mp4")
        assert [(s.type, s.codec_context.name) for s in box.streams] == [("video", "h264"), ("audio", "aac")]
        assert sum(1 for _ in box.decode(video=0)) == 30  # every frame kept


def test_faststart_puts_the_index_first() -> None:
    result = prepare_video(video_bytes("matroska"), "clip.mkv", model_name="Test")
    data = decode_data_uri(result.data_uri)[1]
    assert data.find(b"moov") < data.find(b"mdat")


@pytest.mark.parametrize(
    ("fmt", "codec", "name", "said"),
    [
        ("webm", "libvpx-vp9", "clip.webm", "WebM (VP9)"),
        ("avi", "mpeg4", "clip.avi", "AVI (MPEG-4)"),
        ("mpegts", "mpeg2video", "clip.ts", "MPEG-TS (MPEG-2)"),  # its clock starts 1/30 s in: sent from 0
    ],
)
def test_other_codecs_are_converted_to_h264(fmt: str, codec: str, name: str, said: str) -> None:
    result = prepare_video(video_bytes(fmt, codec, seconds=1.0), name, model_name="Test")
    assert result.notes == (f"Converted from {said} to MP4 (H.264) so Test can read it.",)
    assert (result.mime, result.codec, result.width, result.height) == ("video/mp4", "H.264", 320, 240)
    with sent(result) as box:
        assert box.streams.video[0].codec_context.name == "h264" and box.streams.video[0].start_time == 0
        assert sum(1 for _ in box.decode(video=0)) == 30
    assert poster(result).getpixel((160, 20))[1] > 200


def test_too_many_pixels_is_made_smaller() -> None:
    rules = VideoRules(max_pixels=100_000)
    result = prepare_video(video_bytes(size=(640, 360)), "big.mp4", rules, model_name="Test")
    assert result.width * result.height <= 100_000 and result.width % 2 == result.height % 2 == 0
    assert result.width / result.height == pytest.approx(640 / 360, rel=0.02)
    size = f"{result.width}×{result.height}"
    assert result.notes == (f"Made smaller from 640×360 to {size} px to fit Test's frame-size limit.",)
    with sent(result) as box:
        assert (box.streams.video[0].width, box.streams.video[0].height) == (result.width, result.height)


def test_a_large_upload_gets_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(video_module, "_LARGE_UPLOAD", 1000)
    result = prepare_video(video_bytes(), "clip.mp4", model_name="Test")
    assert len(result.notes) == 1 and "web address" in result.notes[0]


# ---------------------------------------------------------------------------------------------------------------------
# Refused


def test_too_long_is_refused_not_cut() -> None:
    with pytest.raises(MediaError, match=r"This video is 3 s long; Test takes at most 2 s\. Trim it to 2 s or less"):
        prepare_video(video_bytes(seconds=3.0), "long.mp4", VideoRules(max_seconds=2), model_name="Test")


def test_too_short_is_refused() -> None:
    with pytest.raises(MediaError, match="needs at least 2 s"):
        prepare_video(video_bytes(seconds=1.0), "short.mp4", VideoRules(min_seconds=2), model_name="Test")


def test_too_many_frames_is_refused_with_the_time_to_trim_to() -> None:
    trim = r"60 frames; Test takes at most 24\. Trim it \(at 30 frames a second, to 0.8 s\)"
    with pytest.raises(MediaError, match=trim):
        prepare_video(video_bytes(seconds=2.0), "clip.mp4", VideoRules(max_frames=24), model_name="Test")


def test_too_big_a_file_is_refused() -> None:
    with pytest.raises(MediaError, match="accepts at most 1 KB.*web address"):
        prepare_video(video_bytes(), "clip.mp4", VideoRules(max_bytes=1000), model_name="Test")


def test_too_small_a_frame_is_refused() -> None:
    with pytest.raises(MediaError, match="320×240 px; Test needs at least 409,600 pixels"):
        prepare_video(video_bytes(), "clip.mp4", VideoRules(min_pixels=409_600), model_name="Test")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "x.mp4", "empty"),
        (b"just some notes\n" * 50, "notes.mp4", "not a video we can read"),
        (jpeg_bytes(), "photo.mp4", "picture, not a video"),
        (wav_bytes(1.0), "voice.wav", "sound but no picture"),
        (animated_gif(), "dance.gif", "picture, not a video"),
        (video_bytes("h264"), "clip.h264", r"This kind of video file \(raw H.264 video\) can't be read here"),
    ],
)
def test_what_is_not_a_video_is_refused_in_plain_words(data: bytes, name: str, message: str) -> None:
    with pytest.raises(MediaError, match=message):
        prepare_video(data, name, model_name="Test")


def test_a_cut_off_video_is_refused() -> None:
    data = video_bytes(seconds=1.0)
    with pytest.raises(MediaError):
        prepare_video(data[: len(data) // 3], "cut.mp4", model_name="Test")


def test_a_conversion_too_long_to_wait_for_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(video_module, "_MAX_CONVERT_WORK", 1000)
    with pytest.raises(MediaError, match="Export it as MP4 \\(H.264\\)"):
        prepare_video(video_bytes("webm", "libvpx-vp9"), "clip.webm", model_name="Test")


# ---------------------------------------------------------------------------------------------------------------------
# Limits read from a field's description


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "URL of the source video to recomposite. Allowed formats: MP4, MOV (H.264 or HEVC), up to 240 frames. "
            "Source must not exceed 2,770,000 total pixels.",
            {"formats": ("MP4", "MOV"), "codecs": ("h264", "hevc"), "max_frames": 240, "max_pixels": 2_770_000},
        ),
        (
            "Supported formats: MP4, MOV. Each video must be between ~480p (640x640) and ~720p (834x1112) in "
            "resolution.",
            {"formats": ("MP4", "MOV"), "min_pixels": 640 * 640, "max_pixels": 834 * 1112},
        ),
        (
            "- image: the reference video duration should not exceed 10 seconds;\n"
            "- video: the reference video duration should not exceed 30 seconds",
            {"max_seconds": 30.0},  # one limit per mode: the loosest is kept, the API has the last word
        ),
        ("MP4/MOV, duration 2–10 s, up to 50MB", {"formats": ("MP4", "MOV"), "min_seconds": 2.0, "max_seconds": 10.0}),
        ("between 3 and 10 seconds long, at least 720p", {"min_seconds": 3.0, "max_seconds": 10.0, "min_side": 720}),
        ("A HTTPS URL pointing to a video or a data URI containing a video.", {}),
        ("Up to 1920x1080, at most 30 s.", {"max_side": 1920, "max_pixels": 1920 * 1080, "max_seconds": 30.0}),
        (
            "If the input video is longer than 15 seconds, only the first 15 seconds are used.",
            {},  # a condition, not a limit on the upload
        ),
    ],
)
def test_video_rules_from_text(text: str, expected: dict) -> None:
    rules = video_rules_from_text(text)
    assert {k: v for k, v in vars(rules).items() if v and k != "source"} == expected | (
        {"max_bytes": 50_000_000} if "50MB" in text else {}
    )


def test_rules_describe_themselves() -> None:
    rules = video_rules_from_text("MP4/MOV, duration 2–10 s, up to 50MB")
    assert rules.describe() == ["Video format: MP4, MOV", "Video length: 2–10 s", "Video file at most 50 MB"]
    assert VideoRules(min_side=720, max_pixels=2_770_000).describe() == [
        "Video shorter side at least 720 px",
        "Video frame at most 2,770,000 pixels",
    ]


# ---------------------------------------------------------------------------------------------------------------------
# One door for every upload


def test_prepare_upload_picks_the_preparation_and_the_rules() -> None:
    minimax = load_catalogue().get("video-01")
    assert isinstance(prepare_upload("image", jpeg_bytes((640, 480)), "a.jpg", minimax), PreparedImage)
    assert isinstance(prepare_upload("audio", wav_bytes(1.0), "a.wav", minimax), PreparedAudio)
    assert isinstance(prepare_upload("video", video_bytes(), "a.mp4", minimax), PreparedVideo)
    with pytest.raises(MediaError, match="MiniMax video-01 needs the shorter side"):
        prepare_upload("image", jpeg_bytes((200, 150)), "small.jpg", minimax)  # the model's image rules
    with pytest.raises(MediaError, match="takes at most 0.5 s"):
        prepare_upload("video", video_bytes(), "a.mp4", minimax, "Clips of up to 0.5 seconds.")  # the field's prose


def test_video_endings_come_from_what_pyav_reads() -> None:
    endings = upload_extensions("video")
    assert {"mp4", "mov", "webm", "mkv", "avi", "m4v"} <= set(endings)
    with pytest.raises(ValueError):
        upload_extensions("hologram")


# ---------------------------------------------------------------------------------------------------------------------
# The Generate page


def open_video_model() -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    choose_model_in_browser(at, VIDEO_MODEL_ID)
    return at


@pytest.mark.apptest
def test_a_video_upload_shows_its_poster_and_details(studio: Studio) -> None:
    at = open_video_model()
    uploader = next(w for w in at.get("file_uploader") if w.key == f"{VIDEO_MODEL_KEY}__video_url__file")
    uploader.upload("clip.mkv", video_bytes("matroska", seconds=2.0), "video/x-matroska").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    prepared = at.session_state[f"{VIDEO_MODEL_KEY}__video_url__prepared"]
    assert isinstance(prepared, PreparedVideo)
    captions = [c.value for c in at.caption]
    assert any("clip.mkv" in c and "2.0 s" in c and "320×240 px" in c and "H.264" in c for c in captions)
    assert any("Repackaged from MKV to MP4" in c for c in captions)
    assert not at.get("video")  # the poster stands in for a player
    images = at.get("image")
    assert any(img.proto.imgs[0].url == prepared.thumbnail_data_uri for img in images)
    at.run()  # a rerun keeps the preview without preparing again, and the uploader no longer holds the file
    assert at.session_state[f"{VIDEO_MODEL_KEY}__video_url__prepared"] is prepared
    uploader = next(w for w in at.get("file_uploader") if w.key == f"{VIDEO_MODEL_KEY}__video_url__file")
    assert uploader.value is None
    assert any("clip.mkv" in c.value for c in at.caption)
    assert any(b.label == "Remove" for b in at.button)

    # A new file dropped on the freed uploader replaces the first one.
    uploader.upload("second.mp4", video_bytes(seconds=1.0), "video/mp4").run()
    assert not at.exception and not at.error
    replaced = at.session_state[f"{VIDEO_MODEL_KEY}__video_url__prepared"]
    assert replaced is not prepared and replaced.notes == ()
    assert any("second.mp4" in c.value and "1.0 s" in c.value for c in at.caption)


@pytest.mark.apptest
def test_an_image_upload_is_previewed_by_its_thumbnail(studio: Studio) -> None:
    at = open_video_model()
    uploader = next(w for w in at.get("file_uploader") if w.key == f"{VIDEO_MODEL_KEY}__image_url__file")
    uploader.upload("photo.jpg", jpeg_bytes((1600, 1200)), "image/jpeg").run()
    assert not at.exception and not at.error
    prepared = at.session_state[f"{VIDEO_MODEL_KEY}__image_url__prepared"]
    # The page gets the few-KB thumbnail, not the full picture decoded again on every rerun.
    assert [img.proto.imgs[0].url for img in at.get("image")] == [prepared.thumbnail_data_uri]
    assert len(prepared.thumbnail_data_uri) < len(prepared.data_uri) // 10


@pytest.mark.apptest
def test_a_video_upload_is_sent_as_an_mp4_data_uri(studio: Studio) -> None:
    at = open_video_model()
    for field, name, data, mime in (
        ("image_url", "dancer.jpg", jpeg_bytes((720, 1280)), "image/jpeg"),
        ("video_url", "moves.webm", video_bytes("webm", "libvpx-vp9", seconds=2.0), "video/webm"),
    ):
        uploader = next(w for w in at.get("file_uploader") if w.key == f"{VIDEO_MODEL_KEY}__{field}__file")
        uploader.upload(name, data, mime).run()
    at.button(key="generate").click().run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    payloads = [json.loads(p.read_text())["payload"] for p in sorted(Path(studio.backend.jobs_dir).glob("*.json"))]
    assert len(payloads) == 1 and payloads[0]["model"] == VIDEO_MODEL_ID
    mime, video = decode_data_uri(payloads[0]["video_url"])
    assert mime == "video/mp4"
    with av.open(io.BytesIO(video)) as box:
        assert box.streams.video[0].codec_context.name == "h264"  # the WebM (VP9) was converted


def test_only_the_uploader_drawn_now_can_remove_a_prepared_file(monkeypatch: pytest.MonkeyPatch) -> None:
    # After a file is prepared the uploader is drawn afresh, and the browser may still report the old one as
    # cleared a moment later (seen in browser tests after a quick upload and prompt): that keeps the file.
    from types import SimpleNamespace

    from components.form import media_input

    prepared = object()
    state = {"k__uploads": 1, "k__prepared": prepared, "k__name": "a.jpg", "k__file_id": "f1", "k__file": None}
    monkeypatch.setattr(media_input, "st", SimpleNamespace(session_state=state))
    media_input._forget_if_cleared("k", 0)  # the uploader drawn before the file was prepared
    assert state["k__prepared"] is prepared
    media_input._forget_if_cleared("k", 1)  # the one on the page now, emptied by the person
    assert "k__prepared" not in state and "k__name" not in state
