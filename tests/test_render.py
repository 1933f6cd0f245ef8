"""Tests for the offline renderer: real MP4s decoded back with PyAV."""

from __future__ import annotations

import functools
import http.server
import io
import math
import os
import shutil
import stat
import struct
import threading
import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import av
import numpy as np
import pytest
from PIL import Image

from videostudio.offline.render.text import font_for, wrap
from videostudio.offline.render.video import (
    RenderRequest,
    RenderResult,
    audio_duration,
    frame_size,
    image_aspect,
    render_video,
)

if TYPE_CHECKING:
    from playwright.sync_api import Playwright

W, H = 320, 180  # small frames keep the suite fast; 720p is exercised by bench/render_speed.py


# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------


def png(size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "PNG")
    return buf.getvalue()


def gradient_jpeg(size: tuple[int, int]) -> bytes:
    """A horizontal+vertical gradient: any motion changes the frame visibly."""
    w, h = size
    xs = np.linspace(0, 255, w, dtype=np.float32)[None, :]
    ys = np.linspace(0, 255, h, dtype=np.float32)[:, None]
    pixels = np.stack([np.broadcast_to(xs, (h, w)), np.broadcast_to(ys, (h, w)), np.full((h, w), 90.0)], axis=-1)
    buf = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint8), "RGB").save(buf, "JPEG", quality=95)
    return buf.getvalue()


def wav(seconds: float, channels: int = 1, rate: int = 22_050, freq: float = 440.0) -> bytes:
    t = np.arange(round(seconds * rate)) / rate
    samples = (0.3 * 32767 * np.sin(2 * math.pi * freq * t)).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.repeat(samples, channels).tobytes())
    return buf.getvalue()


def top_level_boxes(path: Path) -> list[str]:
    """The MP4's top-level box types in file order (parsed, not substring-searched)."""
    data = path.read_bytes()
    boxes, pos = [], 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if size == 1:  # 64-bit size follows the type
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
        elif size == 0:  # box runs to end of file
            size = len(data) - pos
        boxes.append(kind.decode("latin-1"))
        pos += size
    return boxes


def probe(path: Path) -> dict:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        info = {
            "codec": video.codec_context.name,
            "pix_fmt": video.codec_context.pix_fmt,
            "width": video.codec_context.width,
            "height": video.codec_context.height,
            "fps": float(video.average_rate),
            "frames": video.frames,
            "video_duration": float(video.duration * video.time_base),
            "audio": None,
        }
        if container.streams.audio:
            audio = container.streams.audio[0]
            info["audio"] = {
                "codec": audio.codec_context.name,
                "duration": float(audio.duration * audio.time_base),
                "channels": audio.codec_context.layout.nb_channels,
                "rate": audio.codec_context.sample_rate,
            }
        return info


def decoded_frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def decoded_audio(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.concatenate([frame.to_ndarray() for frame in container.decode(audio=0)], axis=1)


def assert_valid_mp4(path: Path, width: int, height: int, duration: float, fps: int = 24) -> dict:
    info = probe(path)
    assert info["codec"] == "h264"
    assert info["pix_fmt"] == "yuv420p"
    assert (info["width"], info["height"]) == (width, height)
    assert info["frames"] == round(duration * fps)
    assert abs(info["video_duration"] - duration) <= 1 / fps + 1e-6
    boxes = top_level_boxes(path)
    assert boxes.index("moov") < boxes.index("mdat"), f"not faststart: {boxes}"
    return info


# ------------------------------------------------------------------------------------------------
# frame_size / image_aspect / audio_duration
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("short", "aspect", "expected"),
    [
        (720, 16 / 9, (1280, 720)),
        (720, 9 / 16, (720, 1280)),
        (720, 1.0, (720, 720)),
        (480, 4 / 3, (640, 480)),
        (1080, 16 / 9, (1920, 1080)),
        (720, 2.35, (1692, 720)),
        (721, 1.0, (722, 722)),  # odd short side rounded to even
    ],
)
def test_frame_size(short: int, aspect: float, expected: tuple[int, int]) -> None:
    assert frame_size(short, aspect) == expected


def test_frame_size_always_even() -> None:
    for aspect in np.linspace(0.3, 3.0, 57):
        w, h = frame_size(480, float(aspect))
        assert w % 2 == 0 and h % 2 == 0
        assert min(w, h) == 480


@pytest.mark.parametrize("bad", [(0, 1.0), (720, 0.0), (720, -1.0), (720, float("nan"))])
def test_frame_size_rejects_nonsense(bad: tuple[int, float]) -> None:
    with pytest.raises(ValueError):
        frame_size(*bad)


def test_image_aspect() -> None:
    assert image_aspect(png((400, 300), (0, 0, 0))) == pytest.approx(4 / 3)
    assert image_aspect(png((300, 600), (0, 0, 0))) == pytest.approx(0.5)
    assert image_aspect(None) == pytest.approx(16 / 9)
    assert image_aspect(b"") == pytest.approx(16 / 9)
    assert image_aspect(b"definitely not an image") == pytest.approx(16 / 9)


def test_image_aspect_applies_exif_rotation() -> None:
    # A phone photo stored landscape with "rotate 90" in EXIF is really portrait.
    img = Image.new("RGB", (400, 300), (10, 200, 10))
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    assert image_aspect(buf.getvalue()) == pytest.approx(0.75)


def test_audio_duration() -> None:
    assert audio_duration(wav(1.5)) == pytest.approx(1.5, abs=0.01)
    assert audio_duration(wav(0.25, channels=2, rate=44_100)) == pytest.approx(0.25, abs=0.01)
    assert audio_duration(b"not audio at all") is None
    assert audio_duration(b"") is None
    assert audio_duration(png((8, 8), (0, 0, 0))) is None


# ------------------------------------------------------------------------------------------------
# render_video: container, codec, timing
# ------------------------------------------------------------------------------------------------


def test_render_basic_video(tmp_path: Path) -> None:
    dest = tmp_path / "clip.mp4"
    result = render_video(
        RenderRequest(width=W, height=H, duration=2.0, caption="A fox in the snow", image=gradient_jpeg((640, 360))),
        dest,
    )
    assert isinstance(result, RenderResult)
    assert result.path == dest
    assert (result.width, result.height) == (W, H)
    assert result.duration == pytest.approx(2.0)
    assert result.has_audio is False
    assert result.size_bytes == dest.stat().st_size > 0
    info = assert_valid_mp4(dest, W, H, 2.0)
    assert info["fps"] == pytest.approx(24)
    assert info["audio"] is None


@pytest.mark.parametrize(("duration", "fps"), [(1.3, 24), (1.0, 30), (0.5, 25), (0.05, 24)])
def test_frame_count_is_exact(tmp_path: Path, duration: float, fps: int) -> None:
    dest = tmp_path / "clip.mp4"
    result = render_video(RenderRequest(W, H, duration, image=gradient_jpeg((320, 180)), fps=fps), dest)
    n = round(duration * fps)
    assert result.duration == pytest.approx(n / fps)
    assert_valid_mp4(dest, W, H, duration, fps=fps)
    assert len(decoded_frames(dest)) == n


def test_720p_output_size(tmp_path: Path) -> None:
    dest = tmp_path / "hd.mp4"
    render_video(RenderRequest(1280, 720, 0.5, caption="HD", image=gradient_jpeg((1920, 1080))), dest)
    assert_valid_mp4(dest, 1280, 720, 0.5)


# ------------------------------------------------------------------------------------------------
# Audio
# ------------------------------------------------------------------------------------------------


def test_audio_is_trimmed_to_video(tmp_path: Path) -> None:
    dest = tmp_path / "talk.mp4"
    result = render_video(RenderRequest(W, H, 1.5, image=gradient_jpeg((320, 180)), audio=wav(3.0)), dest)
    assert result.has_audio is True
    info = assert_valid_mp4(dest, W, H, 1.5)
    assert info["audio"]["codec"] == "aac"
    assert info["audio"]["duration"] == pytest.approx(1.5, abs=1 / 24)
    assert info["audio"]["channels"] == 1  # mono speech stays mono
    # The tone made it through: clearly audible signal.
    pcm = decoded_audio(dest)
    assert np.sqrt(np.mean(pcm**2)) > 0.1


def test_short_audio_is_padded_with_silence(tmp_path: Path) -> None:
    dest = tmp_path / "short.mp4"
    render_video(RenderRequest(W, H, 2.0, image=gradient_jpeg((320, 180)), audio=wav(0.5, channels=2)), dest)
    info = assert_valid_mp4(dest, W, H, 2.0)
    assert info["audio"]["duration"] == pytest.approx(2.0, abs=1 / 24)
    assert info["audio"]["channels"] == 2
    pcm = decoded_audio(dest)
    rate = info["audio"]["rate"]
    head, tail = pcm[:, int(0.1 * rate) : int(0.4 * rate)], pcm[:, int(0.8 * rate) :]
    assert np.sqrt(np.mean(head**2)) > 0.1
    assert np.abs(tail).max() < 0.01


def test_tone_track(tmp_path: Path) -> None:
    dest = tmp_path / "tone.mp4"
    result = render_video(RenderRequest(W, H, 2.0, placeholder_title="lip sync", tone=True), dest)
    assert result.has_audio is True
    info = assert_valid_mp4(dest, W, H, 2.0)
    assert info["audio"]["codec"] == "aac"
    assert info["audio"]["duration"] == pytest.approx(2.0, abs=1 / 24)
    pcm = decoded_audio(dest)[0]
    rate = info["audio"]["rate"]
    # Audible but soft, and bursty like syllables: some 20 ms windows loud, some near-silent.
    assert 0.01 < np.abs(pcm).max() < 0.9
    window = rate // 50
    energy = np.sqrt(np.mean(pcm[: len(pcm) // window * window].reshape(-1, window) ** 2, axis=1))
    assert (energy > 0.02).mean() > 0.3
    assert (energy < 0.005).mean() > 0.05
    # Voiced pitch in the 180-220 Hz band (before the slight falling inflection).
    spectrum = np.abs(np.fft.rfft(pcm))
    freqs = np.fft.rfftfreq(len(pcm), 1 / rate)
    assert 150 <= freqs[np.argmax(spectrum)] <= 230


def test_no_audio_stream_without_audio_or_tone(tmp_path: Path) -> None:
    dest = tmp_path / "silent.mp4"
    render_video(RenderRequest(W, H, 1.0, image=gradient_jpeg((320, 180))), dest)
    assert probe(dest)["audio"] is None


def test_given_audio_wins_over_tone(tmp_path: Path) -> None:
    dest = tmp_path / "both.mp4"
    render_video(RenderRequest(W, H, 1.0, audio=wav(1.0, freq=1000.0), tone=True), dest)
    pcm = decoded_audio(dest)[0]
    freqs = np.fft.rfftfreq(len(pcm), 1 / probe(dest)["audio"]["rate"])
    assert freqs[np.argmax(np.abs(np.fft.rfft(pcm)))] == pytest.approx(1000, abs=10)


# ------------------------------------------------------------------------------------------------
# Picture content
# ------------------------------------------------------------------------------------------------


def test_first_frame_resembles_image(tmp_path: Path) -> None:
    dest = tmp_path / "red.mp4"
    render_video(RenderRequest(W, H, 1.0, image=png((400, 300), (220, 30, 30))), dest)
    first = decoded_frames(dest)[0].reshape(-1, 3).mean(axis=0)
    # BT.709 in, BT.709 tagged: the colour survives the round trip closely.
    assert first == pytest.approx([220, 30, 30], abs=10)


def test_end_image_cross_fade(tmp_path: Path) -> None:
    dest = tmp_path / "fade.mp4"
    red, blue = png((400, 300), (220, 30, 30)), png((300, 400), (30, 40, 220))
    render_video(RenderRequest(W, H, 2.0, image=red, end_image=blue), dest)
    frames = [f.reshape(-1, 3).mean(axis=0) for f in decoded_frames(dest)]
    assert frames[0] == pytest.approx([220, 30, 30], abs=12)
    assert frames[-1] == pytest.approx([30, 40, 220], abs=12)
    middle = frames[len(frames) // 2]
    assert 70 < middle[0] < 180 and 70 < middle[2] < 180  # a genuine mix half way
    reds = [f[0] for f in frames]
    assert all(a >= b - 2 for a, b in zip(reds, reds[1:], strict=False))  # monotonic fade


@pytest.mark.parametrize("motion", ["zoom", "pan"])
def test_motion_moves_the_picture(tmp_path: Path, motion: str) -> None:
    dest = tmp_path / f"{motion}.mp4"
    render_video(RenderRequest(W, H, 1.0, image=gradient_jpeg((640, 360)), motion=motion), dest)
    frames = decoded_frames(dest)
    first, last = frames[0].astype(np.int16), frames[-1].astype(np.int16)
    assert np.abs(first - last).mean() > 2  # the picture moved
    # ... but slowly: consecutive frames stay close.
    assert max(np.abs(a.astype(np.int16) - b).mean() for a, b in zip(frames, frames[1:], strict=False)) < 3


def test_caption_band_is_drawn(tmp_path: Path) -> None:
    plain, captioned = tmp_path / "plain.mp4", tmp_path / "captioned.mp4"
    image = png((400, 300), (200, 200, 200))
    render_video(RenderRequest(W, H, 0.5, image=image), plain)
    render_video(RenderRequest(W, H, 0.5, image=image, caption="Hello caption"), captioned)
    a, b = decoded_frames(plain)[0].astype(float), decoded_frames(captioned)[0].astype(float)
    # Top of the frame untouched, bottom darkened by the translucent band (with bright text in it).
    assert np.abs(a[:60] - b[:60]).mean() < 2
    bottom = b[-20:]
    assert bottom.mean() < a[-20:].mean() - 40
    assert bottom.max() > 220


def test_placeholder_without_image(tmp_path: Path) -> None:
    dest = tmp_path / "placeholder.mp4"
    result = render_video(RenderRequest(W, H, 1.0, placeholder_title="Kling v2.1 — image to video"), dest)
    assert result.has_audio is False
    assert_valid_mp4(dest, W, H, 1.0)
    frame = decoded_frames(dest)[0].astype(float)
    assert frame.std() > 10  # a gradient with a title, not a flat fill
    centre = frame[H // 2 - 20 : H // 2 + 20, W // 4 : 3 * W // 4]
    assert centre.max() > 200  # white title text in the middle


def test_placeholder_without_title(tmp_path: Path) -> None:
    dest = tmp_path / "blank.mp4"
    render_video(RenderRequest(W, H, 0.5), dest)
    assert_valid_mp4(dest, W, H, 0.5)


def test_portrait_image_gives_portrait_video(tmp_path: Path) -> None:
    image = gradient_jpeg((360, 640))
    width, height = frame_size(180, image_aspect(image))
    assert (width, height) == (180, 320)
    dest = tmp_path / "portrait.mp4"
    render_video(RenderRequest(width, height, 1.0, caption="tall " * 30, image=image, motion="pan"), dest)
    assert_valid_mp4(dest, 180, 320, 1.0)


def test_exif_rotated_photo_is_shown_upright(tmp_path: Path) -> None:
    # Stored landscape: left half red, right half blue. EXIF 6 = rotate 90 degrees clockwise to display,
    # so the viewer sees a portrait picture with red on top.
    stored = Image.new("RGB", (400, 300), (30, 40, 220))
    stored.paste((220, 30, 30), (0, 0, 200, 300))
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    stored.save(buf, "JPEG", exif=exif, quality=95)
    width, height = frame_size(180, image_aspect(buf.getvalue()))
    assert (width, height) == (180, 240)
    dest = tmp_path / "upright.mp4"
    render_video(RenderRequest(width, height, 0.25, image=buf.getvalue()), dest)
    frame = decoded_frames(dest)[0].astype(float)
    top, bottom = frame[: height // 3].reshape(-1, 3).mean(axis=0), frame[-height // 3 :].reshape(-1, 3).mean(axis=0)
    assert top[0] > 150 > top[2]
    assert bottom[2] > 150 > bottom[0]


def test_sixteen_bit_greyscale_is_not_blown_out(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.fromarray(np.full((90, 160), 32768, dtype=np.uint16)).save(buf, "PNG")  # 50% grey, 16-bit
    dest = tmp_path / "grey16.mp4"
    render_video(RenderRequest(W, H, 0.25, image=buf.getvalue()), dest)
    assert decoded_frames(dest)[0].mean() == pytest.approx(128, abs=10)


def test_transparent_and_palette_images(tmp_path: Path) -> None:
    rgba = Image.new("RGBA", (200, 100), (0, 255, 0, 0))
    rgba.paste((0, 200, 0, 255), (50, 25, 150, 75))
    for i, img in enumerate([rgba, rgba.convert("P"), Image.new("L", (100, 100), 128)]):
        buf = io.BytesIO()
        img.save(buf, "PNG")
        dest = tmp_path / f"t{i}.mp4"
        render_video(RenderRequest(W, H, 0.25, image=buf.getvalue()), dest)
        assert_valid_mp4(dest, W, H, 0.25)


# ------------------------------------------------------------------------------------------------
# Atomic writes and validation
# ------------------------------------------------------------------------------------------------


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    dest = tmp_path / "out" / "clip.mp4"
    render_video(RenderRequest(W, H, 0.5, image=gradient_jpeg((320, 180)), tone=True), dest)
    render_video(RenderRequest(W, H, 0.5, caption="again"), dest)  # overwrite in place
    assert sorted(p.name for p in dest.parent.iterdir()) == ["clip.mp4"]
    assert_valid_mp4(dest, W, H, 0.5)


def test_output_permissions_follow_umask(tmp_path: Path) -> None:
    # A temp file from mkstemp would be 0600; the served video should get ordinary permissions.
    dest = tmp_path / "clip.mp4"
    render_video(RenderRequest(W, H, 0.25), dest)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o666 & ~umask


def test_concurrent_renders(tmp_path: Path) -> None:
    # The server may render several jobs at once in threads; shared font caches must cope.
    def job(i: int) -> RenderResult:
        caption = f"job {i} caf\u00e9 \u2014 " * 5
        request = RenderRequest(W, H, 0.5, caption=caption, placeholder_title=f"title {i}")
        return render_video(request, tmp_path / f"{i}.mp4")

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(job, range(6)))
    for result in results:
        assert_valid_mp4(result.path, W, H, 0.5)


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"image": b"not an image"},
        {"end_image": b"not an image"},
        {"audio": b"not audio"},
    ],
)
def test_failed_render_keeps_old_file_and_cleans_up(tmp_path: Path, request_kwargs: dict) -> None:
    dest = tmp_path / "clip.mp4"
    dest.write_bytes(b"previous video")
    with pytest.raises(ValueError):
        render_video(RenderRequest(W, H, 0.5, **request_kwargs), dest)
    assert dest.read_bytes() == b"previous video"
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"width": 321},
        {"height": 0},
        {"duration": 0.0},
        {"duration": float("inf")},
        {"duration": 0.001},
        {"fps": 0},
        {"motion": "spin"},
    ],
)
def test_invalid_requests(tmp_path: Path, kwargs: dict) -> None:
    params = {"width": W, "height": H, "duration": 1.0, **kwargs}
    with pytest.raises(ValueError):
        render_video(RenderRequest(**params), tmp_path / "x.mp4")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------------------
# Caption text layout
# ------------------------------------------------------------------------------------------------


def test_wrap_limits_lines_and_adds_ellipsis() -> None:
    font, text = font_for("word " * 200, 20)
    lines = wrap(text.strip(), font, 300, 2)
    assert len(lines) == 2
    assert lines[-1].endswith("\u2026")
    assert all(font.getlength(line) <= 300 for line in lines)


def test_wrap_short_text_untouched() -> None:
    font, text = font_for("A fox", 20)
    assert wrap(text, font, 300, 2) == ["A fox"]


def test_wrap_breaks_overlong_words() -> None:
    font, _ = font_for("x", 20)
    lines = wrap("https://example.com/" + "a" * 300, font, 200, 2)
    assert len(lines) == 2
    assert all(font.getlength(line) <= 200 for line in lines)


# ------------------------------------------------------------------------------------------------
# Browser playback
# ------------------------------------------------------------------------------------------------


def _system_chromium() -> str | None:
    # Playwright's own Chromium build ships without H.264/AAC, so only a system Chrome/Chromium
    # (which has the proprietary codecs) can answer "does it play in Chrome".
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if path := shutil.which(name):
            return path
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


_PLAY_AND_SAMPLE = """() => new Promise((resolve) => {
  const video = document.getElementById("v");
  video.onerror = () => resolve({ error: video.error && video.error.message });
  video.onended = () => {
    video.onseeked = () => { try {
      const canvas = document.createElement("canvas");
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const ctx = canvas.getContext("2d");
      ctx.drawImage(video, 0, 0);
      resolve({
        width: video.videoWidth,
        height: video.videoHeight,
        duration: video.duration,
        frames: video.getVideoPlaybackQuality().totalVideoFrames,
        audioBytes: video.webkitAudioDecodedByteCount,
        pixel: Array.from(ctx.getImageData(canvas.width / 2, canvas.height / 4, 1, 1).data),
      });
    } catch (e) { resolve({ error: String(e) }); } };
    video.currentTime = 0.2;
  };
  video.play().catch((e) => resolve({ error: String(e) }));
  // Never hang the suite: report where playback got stuck instead.
  setTimeout(() => resolve({ error: "timeout", readyState: video.readyState, time: video.currentTime }), 15000);
})"""


@pytest.mark.browser
def test_plays_in_chromium(tmp_path: Path, playwright: Playwright) -> None:
    executable = _system_chromium()
    if executable is None:
        pytest.skip("no system Chrome/Chromium with H.264 support")
    render_video(
        RenderRequest(640, 360, 1.0, caption="in the browser", image=png((64, 36), (40, 180, 90)), tone=True),
        tmp_path / "clip.mp4",
    )
    (tmp_path / "index.html").write_text('<video id="v" src="clip.mp4" muted playsinline></video>')
    # Served over HTTP, like the real backend: a file:// page would taint the canvas we sample.
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_port}/index.html")
        result = page.evaluate(_PLAY_AND_SAMPLE)
    finally:
        browser.close()
        server.shutdown()
        server.server_close()
    assert "error" not in result, result
    assert (result["width"], result["height"]) == (640, 360)
    assert result["duration"] == pytest.approx(1.0, abs=1 / 24)
    assert result["frames"] >= 20
    assert result["audioBytes"] > 0
    # Colour as drawn: the BT.709 conversion and tags agree with how Chrome decodes.
    assert result["pixel"][:3] == pytest.approx([40, 180, 90], abs=8)
