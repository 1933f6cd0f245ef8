"""Videos made in memory for the media tests and benches."""

from __future__ import annotations

import io
import struct

import av
import numpy as np

# A bundled model whose form has an image and a video field, both required.
VIDEO_MODEL_ID = "klingai/video-v3-motion-control"
VIDEO_MODEL_KEY = "klingai-video-v3-motion-control"  # components.form.schema_form.model_key of VIDEO_MODEL_ID


def video_bytes(
    fmt: str = "mp4",
    codec: str = "libx264",
    *,
    seconds: float = 1.0,
    size: tuple[int, int] = (320, 240),
    rate: int = 30,
    audio: str | None = None,
    layout: str = "mono",
) -> bytes:
    """A clip whose frames get redder over time, top half green; optionally with a 440 Hz tone (in every channel)."""
    out = io.BytesIO()
    with av.open(out, "w", format=fmt) as box:
        stream = box.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        sound = box.add_stream(audio, rate=44100, layout=layout) if audio else None
        count = round(seconds * rate)
        for i in range(count):
            pixels = np.zeros((size[1], size[0], 3), np.uint8)
            pixels[:, :, 0] = min(255, i * 255 // max(count - 1, 1))
            pixels[: size[1] // 2, :, 1] = 255
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                box.mux(packet)
        for packet in stream.encode(None):
            box.mux(packet)
        if sound is not None:
            samples = (np.sin(2 * np.pi * 440 * np.arange(int(44100 * seconds)) / 44100) * 12000).astype(np.int16)
            channels = 1 if layout == "mono" else 2
            tone = av.AudioFrame.from_ndarray(np.repeat(samples, channels)[None, :], format="s16", layout=layout)
            tone.sample_rate = 44100
            for packet in [*sound.encode(tone), *sound.encode(None)]:
                box.mux(packet)
    return out.getvalue()


def rotated(mp4: bytes, degrees: int) -> bytes:
    """The MP4 with its track's display matrix saying "turn ``degrees`` counter-clockwise", as phones write it."""
    data = bytearray(mp4)
    start = data.find(b"tkhd") - 4
    assert data[start + 8] == 0, "version-0 track header expected"
    # size, type, version/flags, created, modified, track id, reserved, duration, reserved 8, layer..volume 8
    matrix = start + 48
    cos, sin = {90: (0, 1), -90: (0, -1), 180: (-1, 0)}[degrees]
    one = 1 << 16
    data[matrix : matrix + 36] = struct.pack(">9i", cos * one, -sin * one, 0, sin * one, cos * one, 0, 0, 0, 1 << 30)
    return bytes(data)
