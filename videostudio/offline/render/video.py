"""Offline video renderer: turns images, an input clip or a prompt-drawn scene, a caption and sound into an MP4.

The offline backend emulates the AI/ML API's video models; this module produces the clips it serves
(pictures: render_frames.py; sound: render_audio.py; text: render_text.py; input video: render_footage.py).
Output is H.264 (libx264) yuv420p with AAC audio in a "faststart" MP4, so browsers can start playback
before the whole file has arrived. Everything runs through PyAV's bundled FFmpeg; no system ffmpeg.
"""

from __future__ import annotations

import io
import math
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from videostudio.files import atomic_path
from videostudio.offline.render.audio import (
    AAC_OPTIONS,
    AUDIO_BITRATE,
    AUDIO_RATE,
    ambience,
    audio_duration,
    audio_frames,
    decode_audio,
    layout_of,
    speech_tone,
)
from videostudio.offline.render.frames import FootageFrames, ImageFrames
from videostudio.offline.render.request import RenderRequest, RenderResult

__all__ = [
    "RenderRequest",
    "RenderResult",
    "audio_duration",
    "frame_size",
    "image_aspect",
    "render_video",
]


_DEFAULT_ASPECT = 16 / 9

# libx264 tuning, measured on a photo-like 720p clip (see bench/render_speed.py): "ultrafast" costs a
# third of "veryfast" in CPU, and turning three of its cheap omissions back on -- CABAC, the deblocking
# filter and macroblock-tree rate control (which needs a short lookahead) -- gives smaller files at
# higher PSNR than "veryfast" at CRF 26, because our clips are nearly static and mbtree spends the bits
# on the reference frames everything else is predicted from. CABAC makes it Main profile: fine for Chrome.
_X264_PRESET = "ultrafast"
_X264_CRF = "23"
_X264_PARAMS = "cabac=1:deblock=1:mbtree=1:rc-lookahead=10"


# FFmpeg's enum values for BT.709 (AVCOL_SPC_BT709 / AVCOL_PRI_BT709 / AVCOL_TRC_BT709) and limited range.
# We convert RGB with the BT.709 matrix and tag the stream accordingly, so Chrome shows the colours we drew.
_BT709 = 1
_RANGE_MPEG = 1


# --------------------------------------------------------------------------------------------------
# Public helpers
# --------------------------------------------------------------------------------------------------


def frame_size(short_side: int, aspect: float) -> tuple[int, int]:
    """Return an even (width, height) with the given short side and width/height aspect."""
    if short_side <= 0:
        raise ValueError(f"short_side must be positive, got {short_side}")
    if not math.isfinite(aspect) or aspect <= 0:
        raise ValueError(f"aspect must be a positive number, got {aspect}")
    short = _even(short_side)
    if aspect >= 1:
        return _even(short * aspect), short
    return short, _even(short / aspect)


def image_aspect(data: bytes | None) -> float:
    """Return width/height of encoded image bytes (after EXIF rotation), or 16/9 if absent/undecodable."""
    if not data:
        return _DEFAULT_ASPECT
    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
            # Read the orientation tag instead of transposing: no pixel decode needed just for a ratio.
            if img.getexif().get(0x0112) in (5, 6, 7, 8):
                width, height = height, width
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        return _DEFAULT_ASPECT
    if width <= 0 or height <= 0:
        return _DEFAULT_ASPECT
    return width / height


def render_video(request: RenderRequest, dest: Path) -> RenderResult:
    """Render the request to an MP4 at dest, atomically (temp file in the same directory, then os.replace)."""
    _validate(request)
    dest = Path(dest)
    with atomic_path(dest) as tmp:
        n_frames, has_audio = _encode(request, tmp)
        size = tmp.stat().st_size
    return RenderResult(
        path=dest,
        width=request.width,
        height=request.height,
        duration=n_frames / request.fps,
        has_audio=has_audio,
        size_bytes=size,
    )


# --------------------------------------------------------------------------------------------------
# Encoding
# --------------------------------------------------------------------------------------------------


def _validate(request: RenderRequest) -> None:
    for name in ("width", "height"):
        value = getattr(request, name)
        if not isinstance(value, int) or value < 16 or value % 2:
            raise ValueError(f"{name} must be an even integer >= 16, got {value!r}")
    if not isinstance(request.fps, int) or not 1 <= request.fps <= 120:
        raise ValueError(f"fps must be an integer in 1..120, got {request.fps!r}")
    if not math.isfinite(request.duration) or request.duration <= 0:
        raise ValueError(f"duration must be positive, got {request.duration!r}")
    if round(request.duration * request.fps) < 1:
        raise ValueError(f"duration {request.duration} s is shorter than one frame at {request.fps} fps")
    if request.motion not in ("zoom", "pan"):
        raise ValueError(f"motion must be 'zoom' or 'pan', got {request.motion!r}")


def _encode(request: RenderRequest, path: Path) -> tuple[int, bool]:
    """Write the MP4 to path; return (frame count, whether it has an audio track)."""
    fps = request.fps
    n_frames = round(request.duration * fps)
    # Audio is prepared up front (it is small) so it can be interleaved with the video as we go:
    # an interleaved faststart file plays progressively without the browser seeking back and forth.
    pcm = _soundtrack(request, n_frames / fps)
    frames: ImageFrames | FootageFrames = (
        FootageFrames(request, n_frames) if request.video is not None else ImageFrames(request, n_frames)
    )

    with av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"}) as container:
        vstream = _add_video_stream(container, request.width, request.height, fps)
        astream = _add_audio_stream(container, pcm) if pcm is not None else None
        audio_chunks = audio_frames(pcm) if pcm is not None else iter(())
        pending_audio: av.AudioFrame | None = next(audio_chunks, None)

        for index in range(n_frames):
            yuv = frames.frame(index)
            yuv.pts = index
            container.mux(vstream.encode(yuv))
            # Feed audio up to the end of this video frame so the muxer can interleave closely.
            horizon = (index + 1) * AUDIO_RATE / fps
            while astream is not None and pending_audio is not None and pending_audio.pts < horizon:
                container.mux(astream.encode(pending_audio))
                pending_audio = next(audio_chunks, None)

        container.mux(vstream.encode(None))
        if astream is not None:
            while pending_audio is not None:
                container.mux(astream.encode(pending_audio))
                pending_audio = next(audio_chunks, None)
            container.mux(astream.encode(None))
    return n_frames, pcm is not None


def _soundtrack(request: RenderRequest, seconds: float) -> np.ndarray | None:
    """The video's sound as PCM: the given audio, else a stand-in voice or ambience; None for a silent video."""
    if request.audio is not None:
        return decode_audio(request.audio, seconds)
    if request.tone:
        return speech_tone(seconds)
    if request.ambience:
        return ambience(seconds, request.caption or request.scene)
    return None


def _add_video_stream(container: av.container.OutputContainer, width: int, height: int, fps: int) -> av.VideoStream:
    """An H.264 stream in BT.709 limited range, a keyframe every two seconds."""
    vstream = container.add_stream("libx264", rate=fps)
    vstream.width = width
    vstream.height = height
    vstream.pix_fmt = "yuv420p"
    vstream.codec_context.time_base = Fraction(1, fps)
    vstream.codec_context.colorspace = _BT709
    vstream.codec_context.color_primaries = _BT709
    vstream.codec_context.color_trc = _BT709
    vstream.codec_context.color_range = _RANGE_MPEG
    gop = max(1, 2 * fps)
    vstream.codec_context.options = {
        "preset": _X264_PRESET,
        "crf": _X264_CRF,
        "x264-params": f"{_X264_PARAMS}:keyint={gop}:min-keyint={min(gop, fps)}",
    }
    return vstream


def _add_audio_stream(container: av.container.OutputContainer, pcm: np.ndarray) -> av.AudioStream:
    """An AAC stream laid out like ``pcm`` (mono or stereo)."""
    astream = container.add_stream("aac", rate=AUDIO_RATE)
    astream.codec_context.layout = layout_of(pcm)
    astream.codec_context.format = "fltp"
    astream.codec_context.bit_rate = AUDIO_BITRATE
    astream.codec_context.options = dict(AAC_OPTIONS)
    astream.codec_context.time_base = Fraction(1, AUDIO_RATE)
    return astream


def _even(value: float) -> int:
    """Nearest even integer >= 2 (yuv420p needs even dimensions); halves round up, not to even."""
    return max(2, 2 * math.floor(value / 2 + 0.5))
