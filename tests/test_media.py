"""Tests for videostudio.media: every input is made in memory, nothing touches the network or the disk."""

from __future__ import annotations

import base64
import hashlib
import io
import math
import random
import struct
import wave
import zlib

import av
import numpy as np
import pytest
from PIL import Image

from videostudio.catalogue import AudioRules, ImageRules
from videostudio.media import (
    MediaError,
    data_uri_mime,
    decode_data_uri,
    file_extension,
    image_codec,
    is_data_uri,
    prepare_audio,
    prepare_image,
    thumbnail_data_uri,
    to_data_uri,
)

MINIMAX = ImageRules(formats=("JPEG", "PNG"), min_short_side=301, min_aspect=0.4, max_aspect=2.5, max_bytes=20_000_000)
RED, BLUE, GREEN = (255, 0, 0), (0, 0, 255), (0, 255, 0)


# ---------------------------------------------------------------------------------------------------------------------
# Fixtures: media made in memory


def make_image(
    size: tuple[int, int] = (640, 480), fmt: str = "JPEG", mode: str = "RGB", color: object = RED, **save
) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format=fmt, **save)
    return out.getvalue()


def noise_png(size: tuple[int, int]) -> bytes:
    # Random pixels do not compress, so the file is as big as the image: handy for size-limit tests.
    rng = random.Random(7)
    im = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    out = io.BytesIO()
    im.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def opened(uri: str) -> Image.Image:
    """The image a data URI carries, decoded, so tests check what the API would receive."""
    mime, data = decode_data_uri(uri)
    im = Image.open(io.BytesIO(data))
    im.load()
    assert Image.MIME[im.format] == mime
    return im


def near(pixel: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


def wav_bytes(seconds: float, rate: int = 8000, freq: float = 440.0) -> bytes:
    frames = b"".join(
        struct.pack("<h", int(12000 * math.sin(2 * math.pi * freq * i / rate))) for i in range(int(seconds * rate))
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return out.getvalue()


def encoded_audio(container: str, codec: str, seconds: float = 1.0, rate: int = 22050) -> bytes:
    samples = (np.sin(2 * np.pi * 440 * np.arange(int(seconds * rate)) / rate) * 12000).astype(np.int16)
    out = io.BytesIO()
    with av.open(out, "w", format=container) as box:
        stream = box.add_stream(codec, rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples[None, :], format="s16", layout="mono")
        frame.sample_rate = rate
        frame.pts = 0
        # PyAV's encoder resamples to the codec's own sample format and frame size.
        for packet in stream.encode(frame):
            box.mux(packet)
        for packet in stream.encode(None):
            box.mux(packet)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------------------------
# Images: accepted as they are


def test_plain_jpeg_is_sent_byte_for_byte() -> None:
    data = make_image((640, 480), "JPEG")
    result = prepare_image(data, "photo.jpg", MINIMAX)
    assert decode_data_uri(result.data_uri) == ("image/jpeg", data)
    assert (result.mime, result.width, result.height, result.size_bytes) == ("image/jpeg", 640, 480, len(data))
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.notes == ()
    thumb = opened(result.thumbnail_data_uri)
    assert thumb.format == "JPEG" and max(thumb.size) <= 160 and thumb.size == (160, 120)


def test_png_with_alpha_is_kept_as_png() -> None:
    data = make_image((400, 400), "PNG", "RGBA", (0, 255, 0, 100))
    result = prepare_image(data, rules=MINIMAX)
    assert decode_data_uri(result.data_uri)[1] == data
    assert result.mime == "image/png" and result.notes == ()


def test_webp_accepted_without_rules() -> None:
    data = make_image((320, 240), "WEBP")
    result = prepare_image(data, "a.webp")
    assert decode_data_uri(result.data_uri) == ("image/webp", data)
    assert result.notes == ()


# ---------------------------------------------------------------------------------------------------------------------
# Images: converted


def test_webp_converted_to_jpeg_for_minimax() -> None:
    result = prepare_image(make_image((640, 480), "WEBP"), "a.webp", MINIMAX, model_name="MiniMax")
    im = opened(result.data_uri)
    assert (im.format, im.size, result.mime) == ("JPEG", (640, 480), "image/jpeg")
    assert near(im.getpixel((10, 10)), RED)
    assert result.notes == ("Converted from WEBP to JPG because MiniMax accepts only JPG or PNG.",)


def test_transparent_webp_converted_to_png() -> None:
    data = make_image((400, 400), "WEBP", "RGBA", (0, 0, 255, 0), lossless=True)
    im = opened(prepare_image(data, rules=MINIMAX).data_uri)
    assert im.format == "PNG" and im.mode == "RGBA" and im.getpixel((5, 5))[3] == 0


def test_opaque_rgba_webp_becomes_jpeg() -> None:
    # An alpha channel that hides nothing is no reason for a big PNG.
    data = make_image((400, 400), "WEBP", "RGBA", (0, 0, 255, 255), lossless=True)
    assert opened(prepare_image(data, rules=MINIMAX).data_uri).format == "JPEG"


def test_bmp_converted_without_rules() -> None:
    result = prepare_image(make_image((300, 200), "BMP", color=BLUE))
    im = opened(result.data_uri)
    assert im.format == "JPEG" and near(im.getpixel((0, 0)), BLUE)
    assert result.notes == ("Converted from BMP to JPG so the video service can read it.",)


def test_animated_gif_uses_first_frame() -> None:
    frames = [Image.new("RGB", (320, 320), c) for c in (GREEN, BLUE, RED)]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    result = prepare_image(out.getvalue(), "anim.gif", MINIMAX)
    im = opened(result.data_uri)
    assert im.format == "JPEG" and getattr(im, "n_frames", 1) == 1
    assert near(im.getpixel((100, 100)), GREEN)
    assert any("first frame" in n for n in result.notes)
    assert any("Converted from GIF to JPG" in n for n in result.notes)


def test_cmyk_jpeg_becomes_rgb() -> None:
    data = make_image((400, 400), "JPEG", "CMYK", (0, 255, 255, 0))  # pure red ink
    result = prepare_image(data, rules=MINIMAX)
    im = opened(result.data_uri)
    assert im.format == "JPEG" and im.mode == "RGB"
    assert near(im.getpixel((50, 50)), RED, tolerance=40)
    assert "Converted the colours from print (CMYK) to screen (RGB)." in result.notes


def test_palette_png_with_transparency_flattened_to_white_for_jpeg_only() -> None:
    im = Image.new("P", (320, 320), 0)
    im.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    im.paste(1, (0, 0, 160, 320))
    out = io.BytesIO()
    im.save(out, format="PNG", transparency=0)  # the red half is see-through
    result = prepare_image(out.getvalue(), rules=ImageRules(formats=("JPEG",)))
    sent = opened(result.data_uri)
    assert sent.format == "JPEG" and sent.mode == "RGB"
    assert near(sent.getpixel((40, 160)), BLUE) and near(sent.getpixel((280, 160)), (255, 255, 255))
    assert any("filled with white" in n for n in result.notes)


def test_la_png_flattened_for_jpeg_only() -> None:
    data = make_image((320, 320), "PNG", "LA", (0, 0))
    sent = opened(prepare_image(data, rules=ImageRules(formats=("JPEG",))).data_uri)
    assert sent.format == "JPEG" and near(sent.getpixel((10, 10)), (255, 255, 255))


def test_16_bit_grey_png_keeps_its_tones_as_jpeg() -> None:
    data = make_image((320, 320), "PNG", "I;16", 32768)
    sent = opened(prepare_image(data, rules=ImageRules(formats=("JPEG",))).data_uri)
    assert sent.format == "JPEG" and abs(sent.getpixel((5, 5)) - 128) <= 3


def test_exif_orientation_is_applied() -> None:
    # Stored sideways (wide), red on the left; orientation 6 says "turn 90° clockwise to view".
    im = Image.new("RGB", (800, 400), BLUE)
    im.paste(RED, (0, 0, 400, 400))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    im.save(out, format="JPEG", exif=exif)
    result = prepare_image(out.getvalue(), rules=MINIMAX)
    sent = opened(result.data_uri)
    assert sent.size == (400, 800) and (result.width, result.height) == (400, 800)
    assert near(sent.getpixel((200, 100)), RED) and near(sent.getpixel((200, 700)), BLUE)
    assert sent.getexif().get(0x0112, 1) == 1  # not rotated twice by the receiver
    assert "Rotated upright using the photo's orientation data." in result.notes
    assert opened(thumbnail_data_uri(out.getvalue())).size == (80, 160)
    assert result.notes == ("Rotated upright using the photo's orientation data.",)


def test_large_image_downscaled() -> None:
    result = prepare_image(make_image((3000, 1500), "PNG"), max_side=1000)
    sent = opened(result.data_uri)
    assert sent.format == "PNG" and sent.size == (1000, 500)
    assert result.notes == ("Made smaller from 3000×1500 to 1000×500 px (longest side at most 1000 px).",)


def test_downscale_never_goes_below_the_minimum_short_side() -> None:
    result = prepare_image(make_image((3000, 400), "JPEG"), rules=ImageRules(min_short_side=301), max_side=1000)
    assert min(result.width, result.height) >= 301


# ---------------------------------------------------------------------------------------------------------------------
# Images: MiniMax rules


def test_too_small_refused_with_sizes() -> None:
    with pytest.raises(MediaError, match="200×150 px; MiniMax needs the shorter side to be over 300 px"):
        prepare_image(make_image((200, 150)), rules=MINIMAX, model_name="MiniMax")


def test_too_wide_is_centre_cropped() -> None:
    im = Image.new("RGB", (3000, 800), RED)
    im.paste(GREEN, (500, 0, 2500, 800))  # the centre that should survive
    out = io.BytesIO()
    im.save(out, format="JPEG")
    result = prepare_image(out.getvalue(), rules=MINIMAX, model_name="MiniMax")
    sent = opened(result.data_uri)
    assert sent.size == (2000, 800) and sent.width / sent.height <= 2.5
    assert near(sent.getpixel((5, 400)), GREEN) and near(sent.getpixel((1994, 400)), GREEN)
    assert result.notes == ("Cropped from 3000×800 to 2000×800 px to fit MiniMax's 5:2 aspect-ratio limit.",)


def test_too_tall_is_cropped_to_two_by_five() -> None:
    result = prepare_image(make_image((400, 2000), "PNG"), rules=MINIMAX)
    assert (result.width, result.height) == (400, 1000)
    assert "2:5" in result.notes[0]


def test_crop_then_downscale_keeps_ratio_inside_limits() -> None:
    result = prepare_image(make_image((5003, 1000), "JPEG"), rules=MINIMAX, max_side=2048)
    assert result.width <= 2048 and result.width / result.height <= 2.5 and result.height >= 301
    assert len(result.notes) == 2


def test_crop_that_would_break_the_minimum_is_refused() -> None:
    rules = ImageRules(min_short_side=301, min_aspect=1.5, max_aspect=2.5)
    with pytest.raises(MediaError, match="400×400 px.*400×266 px"):
        prepare_image(make_image((400, 400)), rules=rules)


def test_oversize_file_reencoded_to_fit() -> None:
    data = noise_png((600, 400))
    rules = ImageRules(formats=("JPEG", "PNG"), min_short_side=301, max_bytes=120_000)
    assert len(data) > rules.max_bytes
    result = prepare_image(data, rules=rules)
    sent = opened(result.data_uri)
    assert sent.format == "JPEG" and result.size_bytes <= 120_000 and min(sent.size) >= 301
    assert result.size_bytes == len(decode_data_uri(result.data_uri)[1])
    assert any(n.startswith("Compressed from") and n.endswith("to fit the 120 KB limit.") for n in result.notes)


def test_oversize_shrinks_pixels_when_quality_is_not_enough() -> None:
    result = prepare_image(noise_png((800, 800)), rules=ImageRules(max_bytes=40_000))
    assert result.size_bytes <= 40_000 and result.width < 800
    assert any("Made smaller to" in n for n in result.notes)


def test_size_limit_that_cannot_be_met_is_refused() -> None:
    with pytest.raises(MediaError, match="can't be made smaller than 1 KB"):
        prepare_image(noise_png((400, 400)), rules=ImageRules(min_short_side=301, max_bytes=1000))


# ---------------------------------------------------------------------------------------------------------------------
# Images: refused


def test_text_file_refused() -> None:
    with pytest.raises(MediaError, match="not an image we can read"):
        prepare_image(b"just some notes\n" * 20, "notes.txt")


def test_empty_file_refused() -> None:
    with pytest.raises(MediaError, match="empty"):
        prepare_image(b"")


def test_truncated_jpeg_refused() -> None:
    data = noise_png((300, 300))
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).save(out, format="JPEG")
    with pytest.raises(MediaError, match="damaged or incomplete"):
        prepare_image(out.getvalue()[: len(out.getvalue()) // 2], "cut.jpg")


def test_heic_gets_a_specific_hint() -> None:
    with pytest.raises(MediaError, match="HEIC"):
        prepare_image(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100, "IMG_0001.HEIC")


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a size far beyond its (tiny, 1-bit) data: the classic decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


def test_decompression_bomb_header_refused() -> None:
    with pytest.raises(MediaError) as refused:
        prepare_image(png_claiming(100_000, 100_000), "bomb.png")
    assert "50 megapixels the studio can safely open" in str(refused.value)
    assert "more we can" not in str(refused.value)


def test_real_image_over_the_pixel_cap_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(image_codec, "MAX_PIXELS", 100_000)
    data = make_image((500, 400), "PNG", "1", 0)
    with pytest.raises(MediaError, match="500×400 px"):
        prepare_image(data)
    assert thumbnail_data_uri(data) is None


def test_thumbnail_of_non_image_is_none() -> None:
    assert thumbnail_data_uri(b"not an image") is None
    assert opened(thumbnail_data_uri(make_image((1000, 500), "PNG", "RGBA", (0, 0, 0, 0)))).size == (160, 80)


# ---------------------------------------------------------------------------------------------------------------------
# Data URIs


def test_data_uri_round_trip() -> None:
    uri = to_data_uri(b"\x00\xffabc", "image/png")
    assert uri == "data:image/png;base64," + base64.b64encode(b"\x00\xffabc").decode()
    assert is_data_uri(uri) and decode_data_uri(uri) == ("image/png", b"\x00\xffabc")


def test_data_uri_variants() -> None:
    assert decode_data_uri("data:,hello%20world") == ("text/plain", b"hello world")
    assert decode_data_uri("data:Image/PNG;BASE64,AAEC\nAw==") == ("image/png", b"\x00\x01\x02\x03")
    assert not is_data_uri("https://example.com/a.png")
    assert not is_data_uri("data:image/png;base64")


def test_a_data_uri_type_is_read_from_its_head_and_gives_the_file_ending() -> None:
    assert data_uri_mime(" data:Image/JPEG;base64," + "A" * 1000) == "image/jpeg"
    assert data_uri_mime("data:;base64,AAAA") == ""  # declares none: the caller picks the fallback
    assert data_uri_mime("https://example.com/a.png") == ""
    assert [file_extension(m) for m in ("image/jpeg", "audio/x-wav", "audio/mp4", "image/gif")] == [
        ".jpg",
        ".wav",
        ".m4a",
        ".gif",
    ]
    assert file_extension("application/x-not-a-type") == ".bin"


@pytest.mark.parametrize("bad", ["data:image/png;base64,@@@", "https://example.com/x.png", "data:image/png"])
def test_malformed_data_uri_refused(bad: str) -> None:
    with pytest.raises(MediaError, match="damaged"):
        decode_data_uri(bad)


# ---------------------------------------------------------------------------------------------------------------------
# Audio


def test_wav_detected_by_content_not_name() -> None:
    data = wav_bytes(1.0)
    result = prepare_audio(data, "clip.mp3")
    assert result.mime == "audio/wav" and result.notes == ()
    assert result.duration_seconds == pytest.approx(1.0, abs=0.01)
    assert decode_data_uri(result.data_uri) == ("audio/wav", data)
    assert result.size_bytes == len(data) and result.sha256 == hashlib.sha256(data).hexdigest()


def test_mp3_encoded_with_pyav() -> None:
    result = prepare_audio(encoded_audio("mp3", "libmp3lame", 1.0))
    assert result.mime == "audio/mpeg"
    assert result.duration_seconds == pytest.approx(1.0, abs=0.15)


def test_aac_and_m4a() -> None:
    assert prepare_audio(encoded_audio("adts", "aac", 1.0)).mime == "audio/aac"
    m4a = prepare_audio(encoded_audio("ipod", "aac", 1.0), "voice.m4a")
    assert m4a.mime == "audio/mp4" and m4a.duration_seconds == pytest.approx(1.0, abs=0.1)


def test_long_clip_gets_a_warning_not_an_error() -> None:
    result = prepare_audio(wav_bytes(3.0), rules=AudioRules(max_seconds=2), model_name="Fabric")
    assert result.duration_seconds == pytest.approx(3.0, abs=0.01)
    assert len(result.notes) == 1 and result.notes[0].startswith("Fabric wants audio under 2 s; this clip is 3 s.")


def test_format_outside_the_models_list_is_warned() -> None:
    rules = AudioRules(formats=("mp3", "wav", "m4a", "aac", "ogg"))
    result = prepare_audio(encoded_audio("flac", "flac", 0.5), rules=rules)
    assert result.mime == "audio/flac" and "this file is FLAC" in result.notes[0]
    assert prepare_audio(wav_bytes(0.5), rules=rules).notes == ()


@pytest.mark.parametrize("data", [b"just some notes\n" * 20, make_image((64, 64), "PNG")])
def test_non_audio_refused(data: bytes) -> None:
    with pytest.raises(MediaError, match="not audio we can read"):
        prepare_audio(data, "song.mp3")


def test_empty_audio_refused() -> None:
    with pytest.raises(MediaError, match="empty"):
        prepare_audio(b"")


def test_video_file_refused_as_audio() -> None:
    rate = 22050
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as box:
        video = box.add_stream("mpeg4", rate=10)
        video.width, video.height, video.pix_fmt = 64, 64, "yuv420p"
        sound = box.add_stream("aac", rate=rate, layout="mono")
        for i in range(3):
            frame = av.VideoFrame.from_ndarray(np.full((64, 64, 3), i * 50, np.uint8), format="rgb24")
            box.mux(video.encode(frame))
        samples = av.AudioFrame.from_ndarray(np.zeros((1, rate // 2), np.int16), format="s16", layout="mono")
        samples.sample_rate, samples.pts = rate, 0
        box.mux(sound.encode(samples))
        box.mux(video.encode(None))
        box.mux(sound.encode(None))
    with pytest.raises(MediaError, match="contains video"):
        prepare_audio(out.getvalue(), "clip.mp4")


def test_upload_fields_offer_what_preparation_reads() -> None:
    from videostudio.media import upload_extensions

    images, audio = set(upload_extensions("image")), set(upload_extensions("audio"))
    assert {"jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff", "heic"} <= images
    assert {"mp3", "wav", "m4a", "aac", "ogg", "flac"} <= audio
    assert not images & {"eps", "psd", "pdf"}  # never handed to decoders the studio refuses to run
    assert prepare_image(make_image((320, 320), "BMP"), "photo.bmp").mime in ("image/jpeg", "image/png")


# ---------------------------------------------------------------------------------------------------------------------
# Large JPEGs: reduced while decoding (draft mode), with the same result as a full decode


def sideways_photo(size: tuple[int, int], marker: tuple[int, int, int] = RED) -> bytes:
    """A JPEG stored sideways (orientation 6), ``marker`` on its stored left quarter: the top, once upright."""
    im = Image.new("RGB", size, BLUE)
    im.paste(marker, (0, 0, size[0] // 4, size[1]))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    im.save(out, format="JPEG", exif=exif, quality=92)
    return out.getvalue()


@pytest.fixture
def draft_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """The sizes the JPEG decoder is asked to reduce to (it picks 1/2, 1/4 or 1/8 of the stored size, never less)."""
    from PIL import JpegImagePlugin

    calls: list[tuple[int, int]] = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):  # type: ignore[no-untyped-def]
        calls.append(size)
        return original(self, mode, size)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    return calls


def test_big_jpeg_is_reduced_while_decoding_and_kept_upright(draft_calls: list[tuple[int, int]]) -> None:
    result = prepare_image(sideways_photo((4000, 3000)), "IMG_0001.jpg", MINIMAX, max_side=1000)
    assert draft_calls == [(1000, 750)]  # stored orientation: 4000×3000 → at least 1000×750
    sent = opened(result.data_uri)
    assert sent.size == (750, 1000) == (result.width, result.height)  # upright: portrait
    assert near(sent.getpixel((375, 100)), RED) and near(sent.getpixel((375, 900)), BLUE)  # the marker is on top
    assert sent.getexif().get(0x0112, 1) == 1
    assert result.notes == (
        "Rotated upright using the photo's orientation data.",
        "Made smaller from 3000×4000 to 750×1000 px (longest side at most 1000 px).",
    )
    assert opened(result.thumbnail_data_uri).size == (120, 160)


def test_draft_never_goes_below_the_models_minimum(draft_calls: list[tuple[int, int]]) -> None:
    rules = ImageRules(formats=("JPEG",), min_short_side=900)
    result = prepare_image(sideways_photo((4000, 3000)), rules=rules, max_side=1000)
    assert draft_calls == [(1200, 900)]
    assert (result.width, result.height) == (900, 1200) and min(result.width, result.height) >= 900


def test_draft_then_crop_reports_sizes_in_the_photos_own_pixels(draft_calls: list[tuple[int, int]]) -> None:
    im = Image.new("RGB", (6000, 1000), RED)
    im.paste(GREEN, (500, 0, 5500, 1000))  # the centre that should survive the crop to 5:2
    out = io.BytesIO()
    im.save(out, format="JPEG")
    result = prepare_image(out.getvalue(), rules=MINIMAX, model_name="MiniMax", max_side=1250)
    assert draft_calls  # decoded reduced
    assert (result.width, result.height) == (1250, 500) and result.width / result.height <= 2.5
    sent = opened(result.data_uri)
    assert near(sent.getpixel((3, 250)), GREEN) and near(sent.getpixel((1246, 250)), GREEN)
    assert result.notes == (
        "Cropped from 6000×1000 to 2500×1000 px to fit MiniMax's 5:2 aspect-ratio limit.",
        "Made smaller from 2500×1000 to 1250×500 px (longest side at most 1250 px).",
    )


def test_small_jpeg_is_not_reduced(draft_calls: list[tuple[int, int]]) -> None:
    prepare_image(make_image((640, 480)), rules=MINIMAX)
    assert draft_calls == []


# ---------------------------------------------------------------------------------------------------------------------
# PNG photos become JPEG where the model takes JPEG; graphics and transparency stay PNG


def photo_png(size: tuple[int, int] = (640, 360), alpha: bool = False) -> bytes:
    rng = np.random.default_rng(5)
    w, h = size
    y, x = np.mgrid[0:h, 0:w]
    pixels = np.stack([x * 255 // w, y * 255 // h, (x + y) * 127 // (w + h) + 64], -1) + rng.integers(0, 12, (h, w, 3))
    im = Image.fromarray(pixels.clip(0, 255).astype(np.uint8))
    if alpha:
        im.putalpha(Image.new("L", size, 128))
    out = io.BytesIO()
    im.save(out, format="PNG")
    return out.getvalue()


def test_png_photo_is_sent_as_jpeg_with_a_note() -> None:
    data = photo_png()
    result = prepare_image(data, "photo.png", MINIMAX)
    sent = opened(result.data_uri)
    assert sent.format == "JPEG" and sent.size == (640, 360)
    assert result.size_bytes * 2 < len(data)
    assert result.notes == ("Converted this photo from PNG to JPG: for a photo, JPG is several times smaller to send.",)


def test_png_photo_stays_png_where_the_model_takes_only_png() -> None:
    data = photo_png()
    result = prepare_image(data, "photo.png", ImageRules(formats=("PNG",)))
    assert decode_data_uri(result.data_uri) == ("image/png", data) and result.notes == ()


def test_png_photo_with_transparency_stays_png() -> None:
    assert prepare_image(photo_png(alpha=True), "cutout.png", MINIMAX).mime == "image/png"


def test_png_graphic_with_few_colours_stays_png() -> None:
    im = Image.new("RGB", (1280, 720), (250, 250, 250))
    for i in range(0, 1280, 40):
        im.paste((20, 90, 200), (i, 100, i + 20, 620))  # a chart: flat colours, sharp edges
    out = io.BytesIO()
    im.save(out, format="PNG")
    result = prepare_image(out.getvalue(), "chart.png", MINIMAX)
    assert decode_data_uri(result.data_uri) == ("image/png", out.getvalue()) and result.notes == ()
