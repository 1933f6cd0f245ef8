"""Offline video renderer: turns an image (or a titled placeholder), a caption and audio into a real MP4.

The offline backend emulates the AI/ML API's video models; this module produces the clips it serves.
Output is H.264 (libx264) yuv420p with AAC audio in a "faststart" MP4, so browsers can start playback
before the whole file has arrived. Everything runs through PyAV's bundled FFmpeg; no system ffmpeg.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import math
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import VideoReformatter
from PIL import Image, ImageDraw, ImageFont, ImageOps

from videostudio.files import atomic_path

__all__ = [
    "RenderRequest",
    "RenderResult",
    "audio_duration",
    "frame_size",
    "image_aspect",
    "render_video",
]

# Ken Burns zoom goes 1.0 -> 1.08: noticeable motion, but the subject never leaves the frame.
_ZOOM_END = 1.08
# A pan travels this fraction of the frame width; the source is scaled up by the same factor to allow it.
_PAN_SPAN = 0.12
# Sub-pixel source copies (x, y) per motion; see _FrameSource.__init__.
_PHASES = {"pan": (4, 1), "zoom": (2, 2)}
_DEFAULT_ASPECT = 16 / 9

# libx264 tuning, measured on a photo-like 720p clip (see bench/render_speed.py): "ultrafast" costs a
# third of "veryfast" in CPU, and turning three of its cheap omissions back on -- CABAC, the deblocking
# filter and macroblock-tree rate control (which needs a short lookahead) -- gives smaller files at
# higher PSNR than "veryfast" at CRF 26, because our clips are nearly static and mbtree spends the bits
# on the reference frames everything else is predicted from. CABAC makes it Main profile: fine for Chrome.
_X264_PRESET = "ultrafast"
_X264_CRF = "23"
_X264_PARAMS = "cabac=1:deblock=1:mbtree=1:rc-lookahead=10"

_AUDIO_RATE = 48_000
_AAC_FRAME = 1024  # the native AAC encoder consumes exactly 1024 samples per frame
_AUDIO_BITRATE = 128_000
# FFmpeg's default "twoloop" AAC coder took ~0.25 s for 5 s of stereo, a big slice of the CPU budget;
# the "fast" coder takes a third of that and is plenty for speech. Mono input stays mono: half the work.
_AAC_OPTIONS = {"aac_coder": "fast"}

# FFmpeg's enum values for BT.709 (AVCOL_SPC_BT709 / AVCOL_PRI_BT709 / AVCOL_TRC_BT709) and limited range.
# We convert RGB with the BT.709 matrix and tag the stream accordingly, so Chrome shows the colours we drew.
_BT709 = 1
_RANGE_MPEG = 1

_CAPTION_BAND_ALPHA = 150
_MAX_CAPTION_LINES = 2
_MAX_TITLE_LINES = 3
_ELLIPSIS = "\u2026"


@dataclass(frozen=True)
class RenderRequest:
    """What to render; see render_video."""

    width: int  # even, output frame size
    height: int
    duration: float  # seconds
    caption: str = ""  # the prompt, drawn as a caption (wrapped, max 2 lines, ellipsis)
    image: bytes | None = None  # encoded image bytes (any Pillow format); the frames come from it
    end_image: bytes | None = None  # optional last frame: cross-fade to it over the clip (Kling tail frame)
    placeholder_title: str = ""  # used when image is None: a titled placeholder frame
    audio: bytes | None = None  # encoded audio file bytes to carry into the MP4 as AAC
    tone: bool = False  # no audio given but a stand-in speech track wanted (pixverse lip-sync)
    motion: str = "zoom"  # "zoom" (slow Ken Burns zoom-in) or "pan" (slow horizontal pan)
    fps: int = 24


@dataclass(frozen=True)
class RenderResult:
    """What render_video wrote."""

    path: Path
    width: int
    height: int
    duration: float
    has_audio: bool
    size_bytes: int


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


def audio_duration(data: bytes) -> float | None:
    """Return the length in seconds of an encoded audio file, or None if it cannot be decoded."""
    try:
        with av.open(io.BytesIO(data), "r") as container:
            if not container.streams.audio:
                return None
            stream = container.streams.audio[0]
            # Count decoded samples rather than trusting header metadata: MP3/AAC durations in headers
            # are often estimates, and the caller uses this to size the video to the speech.
            samples = 0
            rate = 0
            for frame in container.decode(stream):
                samples += frame.samples
                rate = frame.sample_rate or rate
            if samples == 0 or rate == 0:
                return None
            return samples / rate
    except (av.FFmpegError, ValueError, OSError, EOFError):
        return None


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
    width, height, fps = request.width, request.height, request.fps
    n_frames = round(request.duration * fps)
    exact_duration = n_frames / fps

    # Audio is prepared up front (it is small) so it can be interleaved with the video as we go:
    # an interleaved faststart file plays progressively without the browser seeking back and forth.
    pcm: np.ndarray | None = None
    if request.audio is not None:
        pcm = _decode_audio(request.audio, exact_duration)
    elif request.tone:
        pcm = _speech_tone(exact_duration)

    frames = _FrameSource(request, n_frames)

    with av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"}) as container:
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

        astream = None
        if pcm is not None:
            astream = container.add_stream("aac", rate=_AUDIO_RATE)
            astream.codec_context.layout = _layout(pcm)
            astream.codec_context.format = "fltp"
            astream.codec_context.bit_rate = _AUDIO_BITRATE
            astream.codec_context.options = dict(_AAC_OPTIONS)
            astream.codec_context.time_base = Fraction(1, _AUDIO_RATE)
        audio_chunks = _audio_frames(pcm) if pcm is not None else iter(())
        pending_audio: av.AudioFrame | None = next(audio_chunks, None)

        for index in range(n_frames):
            yuv = frames.frame(index)
            yuv.pts = index
            container.mux(vstream.encode(yuv))
            # Feed audio up to the end of this video frame so the muxer can interleave closely.
            horizon = (index + 1) * _AUDIO_RATE / fps
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


# --------------------------------------------------------------------------------------------------
# Pictures
# --------------------------------------------------------------------------------------------------


class _FrameSource:
    """Produces the clip's frames as BT.709 yuv420p: motion over prepared source(s), caption on top."""

    def __init__(self, request: RenderRequest, n_frames: int) -> None:
        self.width = request.width
        self.height = request.height
        self.n_frames = n_frames
        self.motion = request.motion
        # The source is prepared once, slightly larger than the frame. Each frame is then an integer
        # numpy crop that swscale scales and converts to yuv420p in a single C pass: ~4x cheaper than
        # a Pillow resize per frame, which alone would blow the CPU budget at 720p.
        scale = _ZOOM_END if self.motion == "zoom" else 1 + _PAN_SPAN
        self.src_size = (math.ceil(self.width * scale), math.ceil(self.height * scale))
        # Frames are integer crops, but motion is slow (~0.4-1.3 px per frame), so whole-pixel steps
        # would judder visibly. The source is therefore prepared as a few copies shifted by fractions of
        # a pixel and each frame crops the copy nearest its exact position. Pans use quarter-pixel x
        # positions. Zooms use half-pixel x/y copies, which make every integer-sized crop exactly
        # centred; what remains is the crop size rounding, < 0.25 px at the frame edges.
        self.phases = _PHASES[self.motion]
        self.start = self._prepare(request.image, request.placeholder_title)
        self.end = self._prepare(request.end_image, None) if request.end_image is not None else None
        self._sws = VideoReformatter()
        self._sws_end = VideoReformatter()
        self.caption = _Overlay.caption(request.caption, self.width, self.height)

    def _prepare(self, data: bytes | None, title: str | None) -> list[list[np.ndarray]]:
        """The source picture, cover-fitted to src_size, as [y phase][x phase] RGB arrays."""
        if data is not None:
            picture = _load_image(data, self.src_size)
        else:
            # Drawn larger than needed so that, like a photo, every phase copy is a genuine resample
            # (an unscaled phase 0 next to blurred half-pixel phases would make the title shimmer).
            src_w, src_h = self.src_size
            picture = _placeholder((round(src_w * 1.5), round(src_h * 1.5)), title or "")
        return [[np.asarray(img) for img in row] for row in _cover(picture, self.src_size, self.phases)]

    def frame(self, index: int) -> av.VideoFrame:
        """Return frame `index` as a width x height yuv420p frame."""
        t = index / (self.n_frames - 1) if self.n_frames > 1 else 1.0
        phase_x, phase_y, left, top, crop_w, crop_h = self._crop(t)
        start = self.start[phase_y][phase_x]
        frame = _to_yuv(self._sws, start[top : top + crop_h, left : left + crop_w], self.width, self.height)
        if self.end is not None:
            # Smoothstep easing: the cross-fade starts and settles gently instead of at a constant rate.
            alpha = t * t * (3 - 2 * t)
            weight = round(alpha * 256)
            if weight > 0:
                end_crop = self.end[phase_y][phase_x][top : top + crop_h, left : left + crop_w]
                end_frame = _to_yuv(self._sws_end, end_crop, self.width, self.height)
                if weight >= 256:
                    frame = end_frame
                else:
                    # YUV is an affine transform of RGB, so blending planes equals blending pictures.
                    for dst, src in zip(_planes(frame), _planes(end_frame), strict=True):
                        dst[:] = (dst.astype(np.uint16) * (256 - weight) + src * np.uint16(weight) + 128) >> 8
        if self.caption is not None:
            self.caption.apply(frame)
        return frame

    def _crop(self, t: float) -> tuple[int, int, int, int, int, int]:
        """(x phase, y phase, left, top, width, height) of the source region shown at time t in [0, 1]."""
        src_w, src_h = self.src_size
        phases_x, phases_y = self.phases
        if self.motion == "zoom":
            zoom = 1.0 + (_ZOOM_END - 1.0) * t
            crop_w = min(src_w, round(src_w / zoom))
            crop_h = min(src_h, round(src_h / zoom))
            # Centred offsets are whole or half pixels: the half lives in the half-pixel-shifted copy.
            left, phase_x = divmod(src_w - crop_w, 2)
            top, phase_y = divmod(src_h - crop_h, 2)
            return phase_x, phase_y, left, top, crop_w, crop_h
        # Pan: a frame-sized window slides left to right across the enlarged source, vertically centred.
        steps = round((src_w - self.width) * t * phases_x)
        left, phase_x = divmod(steps, phases_x)
        if left + self.width > src_w:
            left, phase_x = src_w - self.width, 0
        return phase_x, 0, left, (src_h - self.height) // 2, self.width, self.height


class _Overlay:
    """A pre-rendered translucent layer (the caption band) blended onto the bottom of yuv420p frames."""

    def __init__(self, rgb: Image.Image, mask: Image.Image) -> None:
        width, height = rgb.size
        yuv = _to_yuv(VideoReformatter(), np.asarray(rgb), width, height)
        alpha = np.asarray(mask, dtype=np.uint16)
        # Chroma planes are half size: average each 2x2 block of the mask to match.
        alpha_c = ((alpha.reshape(height // 2, 2, width // 2, 2).sum(axis=(1, 3)) + 2) // 4).astype(np.uint16)
        # Precompute layer*alpha and 255-alpha so each frame costs one multiply-add per pixel.
        self.layers = [
            (plane.astype(np.uint16) * a, np.uint16(255) - a)
            for plane, a in zip(_planes(yuv), (alpha, alpha_c, alpha_c), strict=True)
        ]

    @classmethod
    def caption(cls, caption: str, width: int, height: int) -> _Overlay | None:
        """The caption band for a width x height frame, or None when there is no caption."""
        band = _caption_band(caption, width, height)
        return cls(*band) if band is not None else None

    def apply(self, frame: av.VideoFrame) -> None:
        """Blend the layer onto the bottom rows of frame, in place."""
        for plane, (premultiplied, inverse) in zip(_planes(frame), self.layers, strict=True):
            region = plane[plane.shape[0] - premultiplied.shape[0] :]
            # Max value is 255*255 + 127, so uint16 cannot overflow.
            region[:] = (region * inverse + premultiplied + 127) // 255


def _to_yuv(sws: VideoReformatter, rgb: np.ndarray, width: int, height: int) -> av.VideoFrame:
    """Scale an RGB array to width x height and convert it to BT.709 limited-range yuv420p."""
    # swscale's default matrix is BT.601, which Chrome would decode as BT.709 for HD: a visible hue
    # shift. Converting with BT.709 explicitly (and tagging the stream) keeps the colours we drew.
    return sws.reformat(
        # Zero-copy: the frame points into the (strided) crop of the source array.
        av.VideoFrame.from_numpy_buffer(rgb, format="rgb24"),
        width,
        height,
        "yuv420p",
        dst_colorspace="ITU709",
        src_color_range="JPEG",
        dst_color_range="MPEG",
        interpolation="BILINEAR",
        threads=1,  # slice threads cost more CPU in sync than they save on a frame this size
    )


def _planes(frame: av.VideoFrame) -> list[np.ndarray]:
    """Writable numpy views of a frame's planes (line padding cut off)."""
    return [
        np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)[:, : plane.width]
        for plane in frame.planes
    ]


def _load_image(data: bytes, min_size: tuple[int, int]) -> Image.Image:
    """Decode image bytes to upright RGB; transparent areas go onto a dark backdrop."""
    try:
        img = Image.open(io.BytesIO(data))
        # JPEG can decode at 1/2, 1/4, 1/8 scale for free; ask for at least the source size in either
        # orientation (EXIF rotation is applied afterwards, so the long side must cover both dims).
        longest = max(min_size)
        img.draft("RGB", (longest, longest))
        img = ImageOps.exif_transpose(img)
        img.load()
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValueError(f"cannot decode image: {exc}") from exc
    if img.mode in ("I", "F") or img.mode.startswith("I;16"):
        # 16-bit/float greyscale (e.g. 16-bit PNG): convert("RGB") would clip everything above 255 to white.
        grey = np.asarray(img, dtype=np.float32)
        if grey.max() > 255:
            grey = grey / 257.0
        img = Image.fromarray(np.clip(grey + 0.5, 0, 255).astype(np.uint8), "L")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        backdrop = Image.new("RGB", rgba.size, (16, 16, 20))
        backdrop.paste(rgba, (0, 0), rgba.getchannel("A"))
        return backdrop
    return img.convert("RGB")


def _cover(img: Image.Image, size: tuple[int, int], phases: tuple[int, int] = (1, 1)) -> list[list[Image.Image]]:
    """Scale and centre-crop img to fill size (CSS object-fit: cover) as [y][x] sub-pixel-shifted copies.

    Copy [j][i] is shifted i/phases_x px right and j/phases_y px down (in output pixels).
    """
    target_w, target_h = size
    src_w, src_h = img.size
    phases_x, phases_y = phases
    # The shifted copies reach up to (n-1)/n of a pixel further, so cover that much extra.
    extra_x, extra_y = (phases_x - 1) / phases_x, (phases_y - 1) / phases_y
    scale = max((target_w + extra_x) / src_w, (target_h + extra_y) / src_h)  # source px -> target px
    crop_w, crop_h = target_w / scale, target_h / scale
    left = (src_w - (target_w + extra_x) / scale) / 2
    top = (src_h - (target_h + extra_y) / scale) / 2
    rows = []
    for j in range(phases_y):
        row = []
        for i in range(phases_x):
            x0, y0 = left + i / phases_x / scale, top + j / phases_y / scale
            box = (x0, y0, min(float(src_w), x0 + crop_w), min(float(src_h), y0 + crop_h))
            # reducing_gap lets Pillow shrink big photos by integer steps first: much faster, same look.
            row.append(img.resize(size, Image.Resampling.BICUBIC, box=box, reducing_gap=3.0))
        rows.append(row)
    return rows


def _placeholder(size: tuple[int, int], title: str) -> Image.Image:
    """A diagonal two-colour gradient (colours derived from the title) with the title centred."""
    width, height = size
    digest = hashlib.sha256(title.encode("utf-8")).digest()
    # Hues from the title's hash so different models/prompts get distinguishable but stable placeholders.
    hue = digest[0] / 255.0
    colour_a = np.array(_hsv_to_rgb(hue, 0.6, 0.6), dtype=np.float32)
    colour_b = np.array(_hsv_to_rgb((hue + 0.15) % 1.0, 0.7, 0.22), dtype=np.float32)
    # A linear gradient is exactly reproduced by bilinear upscaling, so compute it on a small grid.
    small_w, small_h = max(2, width // 8), max(2, height // 8)
    ys = np.linspace(0.0, 1.0, small_h, dtype=np.float32)[:, None]
    xs = np.linspace(0.0, 1.0, small_w, dtype=np.float32)[None, :]
    mix = (0.6 * xs + 0.4 * ys)[..., None]
    pixels = colour_a * (1 - mix) + colour_b * mix
    small = Image.fromarray(np.clip(pixels + 0.5, 0, 255).astype(np.uint8), "RGB")
    img = small.resize((width, height), Image.Resampling.BILINEAR)

    text = _clean_text(title)
    if text:
        with _TEXT_LOCK:
            font, text = _font_for(text, max(12, round(min(width, height) * 0.075)))
            lines = _wrap(text, font, width * 0.8, _MAX_TITLE_LINES)
            _draw_centred(img, lines, font, (width / 2, height / 2))
    return img


def _hsv_to_rgb(h: float, s: float, v: float) -> tuple[float, float, float]:
    i = int(h * 6) % 6
    f = h * 6 - int(h * 6)
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    r, g, b = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
    return (r * 255, g * 255, b * 255)


def _draw_centred(
    img: Image.Image, lines: list[str], font: ImageFont.FreeTypeFont, centre: tuple[float, float]
) -> None:
    draw = ImageDraw.Draw(img)
    line_h = _line_height(font)
    top = centre[1] - line_h * len(lines) / 2
    shadow = max(1, round(line_h / 20))
    for i, line in enumerate(lines):
        xy = (centre[0], top + i * line_h + line_h / 2)
        draw.text((xy[0] + shadow, xy[1] + shadow), line, font=font, fill=(0, 0, 0), anchor="mm")
        draw.text(xy, line, font=font, fill=(255, 255, 255), anchor="mm")


def _caption_band(caption: str, width: int, height: int) -> tuple[Image.Image, Image.Image] | None:
    """Pre-render the caption once as (RGB band, alpha mask); None when there is no caption."""
    text = _clean_text(caption)
    if not text:
        return None
    with _TEXT_LOCK:
        font, text = _font_for(text, max(10, round(min(width, height) * 0.045)))
        pad_x = max(8, round(width * 0.04))
        lines = _wrap(text, font, width - 2 * pad_x, _MAX_CAPTION_LINES)
        line_h = _line_height(font)
        pad_y = max(4, round(line_h * 0.5))
        # Even height: the band is blended into half-resolution chroma planes too.
        band_h = min(height, _even(line_h * len(lines) + 2 * pad_y))

        # The frame gets rgb blended over it by mask/255: background pixels are black at partial alpha
        # (the translucent band), text pixels white at full alpha. Drawing the text into both images
        # keeps its anti-aliased edges smooth.
        rgb = Image.new("RGB", (width, band_h), (0, 0, 0))
        mask = Image.new("L", (width, band_h), _CAPTION_BAND_ALPHA)
        draw_rgb, draw_mask = ImageDraw.Draw(rgb), ImageDraw.Draw(mask)
        for i, line in enumerate(lines):
            xy = (width / 2, pad_y + i * line_h + line_h / 2)
            draw_rgb.text(xy, line, font=font, fill=(255, 255, 255), anchor="mm")
            draw_mask.text(xy, line, font=font, fill=255, anchor="mm")
    return rgb, mask


def _line_height(font: ImageFont.FreeTypeFont) -> int:
    ascent, descent = font.getmetrics()
    return round((ascent + descent) * 1.15)


# Pillow's built-in font (Aileron) looks clean but covers little beyond ASCII -- no accents, no dashes.
# Text it cannot draw falls back to DejaVu Sans when the system has it (Debian/Ubuntu images usually do).
_FALLBACK_FONTS = ("DejaVuSans.ttf",)
# The cached FreeType faces are shared between renders and FreeType faces are not thread-safe, so text
# measuring and drawing is serialised (it is a few milliseconds per render, once, not per frame).
_TEXT_LOCK = threading.RLock()
_PUNCTUATION = str.maketrans({"\u2014": "-", "\u2013": "-", "\u2212": "-", "\u00d7": "x", "\u2022": "\u00b7"})


def _clean_text(text: str) -> str:
    """Collapse whitespace (prompts are often multi-line) and drop unprintable characters."""
    return " ".join("".join(ch for ch in text if ch.isprintable() or ch.isspace()).split())


@functools.lru_cache(maxsize=16)
def _fonts(size: int) -> tuple[ImageFont.FreeTypeFont, ...]:
    fonts = [ImageFont.load_default(size=size)]
    for name in _FALLBACK_FONTS:
        # Not installed here: the built-in font will do.
        with contextlib.suppress(OSError):
            fonts.append(ImageFont.truetype(name, size))
    return tuple(fonts)


@functools.lru_cache(maxsize=4096)
def _has_glyph(font: ImageFont.FreeTypeFont, char: str) -> bool:
    # Pillow has no glyph-lookup API; a missing glyph renders as the font's .notdef box, so compare
    # with a code point no font defines (a plane-16 private-use character).
    def render(c: str) -> tuple[tuple[int, int], bytes]:
        mask = font.getmask(c)
        return mask.size, bytes(mask)

    return render(char) != render("\U0010fffd")


def _font_for(text: str, size: int) -> tuple[ImageFont.FreeTypeFont, str]:
    """The first font that can draw all of text, else the last one with text simplified to fit it."""
    fonts = _fonts(size)
    special = {ch for ch in text if not ch.isascii()}
    for font in fonts:
        if all(_has_glyph(font, ch) for ch in special):
            return font, text
    font = fonts[-1]
    return font, "".join(_simplify_char(font, ch) if ch in special else ch for ch in text)


def _simplify_char(font: ImageFont.FreeTypeFont, char: str) -> str:
    if _has_glyph(font, char):
        return char
    plain = char.translate(_PUNCTUATION)
    if plain != char:
        return plain
    # "e" for "é": drop combining accents. Anything else (CJK without a CJK font) stays as a box.
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return base if base and all(_has_glyph(font, c) for c in base) else char


def _wrap(text: str, font: ImageFont.FreeTypeFont, max_width: float, max_lines: int) -> list[str]:
    """Greedy word wrap by rendered width; overflow ends the last line with an ellipsis."""

    def fits(s: str) -> bool:
        return font.getlength(s) <= max_width

    lines: list[str] = []
    words = text.split(" ")
    current = ""
    i = 0
    while i < len(words):
        word = words[i]
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            i += 1
            continue
        if not current:
            # A single word wider than the line (URLs, CJK text without spaces): break it by characters.
            head = _longest_prefix(word, fits)
            lines.append(head)
            words[i] = word[len(head) :]
        else:
            lines.append(current)
            current = ""
        if len(lines) == max_lines:
            break
    else:
        if current:
            lines.append(current)
        return lines

    # Ran out of lines with text left over: trim the last line until it fits with an ellipsis.
    last = lines[-1].rstrip()
    while last and not fits(last + _ELLIPSIS):
        last = last[:-1].rstrip()
    lines[-1] = last + _ELLIPSIS
    return lines


def _longest_prefix(word: str, fits: Callable[[str], bool]) -> str:
    lo, hi = 1, len(word)
    while lo < hi:  # binary search for the longest prefix that fits; at least one character
        mid = (lo + hi + 1) // 2
        if fits(word[:mid]):
            lo = mid
        else:
            hi = mid - 1
    return word[:lo]


# --------------------------------------------------------------------------------------------------
# Audio
# --------------------------------------------------------------------------------------------------


def _decode_audio(data: bytes, duration: float) -> np.ndarray:
    """Decode audio to planar float mono/stereo PCM at _AUDIO_RATE, trimmed/padded to duration."""
    n_samples = round(duration * _AUDIO_RATE)
    chunks: list[np.ndarray] = []
    have = 0
    try:
        with av.open(io.BytesIO(data), "r") as container:
            if not container.streams.audio:
                raise ValueError("audio file has no audio stream")
            stream = container.streams.audio[0]
            # Keep mono speech mono; anything with more channels is downmixed to stereo.
            layout = stream.codec_context.layout
            channels = 1 if layout is not None and layout.nb_channels == 1 else 2
            resampler = av.AudioResampler(format="fltp", layout=_LAYOUTS[channels], rate=_AUDIO_RATE)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray())
                    have += out.samples
                if have >= n_samples:
                    break  # no need to decode a long file past the clip's end
            else:
                for out in resampler.resample(None):
                    chunks.append(out.to_ndarray())
    except av.FFmpegError as exc:
        raise ValueError(f"cannot decode audio: {exc}") from exc
    pcm = np.concatenate(chunks, axis=1) if chunks else np.zeros((channels, 0), dtype=np.float32)
    if pcm.shape[1] >= n_samples:
        pcm = pcm[:, :n_samples].copy()
        # Trimming mid-waveform would click; a 15 ms fade-out hides the cut.
        fade = min(n_samples, int(0.015 * _AUDIO_RATE))
        if fade:
            pcm[:, -fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    else:
        pcm = np.pad(pcm, ((0, 0), (0, n_samples - pcm.shape[1])))  # silence after the speech ends
    return np.ascontiguousarray(pcm, dtype=np.float32)


def _speech_tone(duration: float) -> np.ndarray:
    """Synthesize a soft, speech-like stand-in: syllable bursts of 180-220 Hz voiced tones."""
    n_samples = round(duration * _AUDIO_RATE)
    out = np.zeros(n_samples, dtype=np.float32)
    # Fixed seed: the same request renders the same file (handy for caching and tests).
    rng = np.random.default_rng(20240611)
    rate = _AUDIO_RATE
    pos = int(0.12 * rate)  # a breath before the first word
    syllables_left_in_phrase = int(rng.integers(3, 7))
    harmonics = np.arange(1, 7, dtype=np.float32)
    # Harmonic weights with a bump near 2-3x f0: a crude vowel formant so it reads as a voice, not a beep.
    weights = (1.0 / harmonics**1.3) * np.array([1.0, 1.2, 0.9, 0.5, 0.3, 0.2], dtype=np.float32)
    weights /= weights.sum()
    while pos < n_samples:
        length = int(rng.uniform(0.11, 0.26) * rate)
        end = min(n_samples, pos + length)
        seg = end - pos
        if seg <= 0:
            break
        u = np.linspace(0.0, 1.0, length, dtype=np.float32)[:seg]
        f_start = rng.uniform(190.0, 220.0)
        f_end = f_start * rng.uniform(0.86, 1.0)  # a slight falling inflection, like stressed syllables
        freq = f_start + (f_end - f_start) * u
        phase = 2 * np.pi * np.cumsum(freq) / rate
        voiced = (weights[:, None] * np.sin(harmonics[:, None] * phase[None, :])).sum(axis=0)
        # Quick attack, longer decay; the extra 5-7 Hz tremolo adds a bit of life.
        envelope = np.maximum(np.sin(np.pi * u), 0.0) ** 1.5 * (1.0 - 0.35 * u)
        tremolo = 1.0 + 0.15 * np.sin(2 * np.pi * rng.uniform(5.0, 7.0) * u * length / rate)
        out[pos:end] += (0.22 * rng.uniform(0.7, 1.0)) * envelope * tremolo * voiced
        pos = end
        syllables_left_in_phrase -= 1
        if syllables_left_in_phrase <= 0:
            pos += int(rng.uniform(0.25, 0.5) * rate)  # pause between phrases
            syllables_left_in_phrase = int(rng.integers(3, 7))
        else:
            pos += int(rng.uniform(0.03, 0.09) * rate)  # gap between syllables
    # Fade the very end so a burst cut by the clip boundary does not click.
    fade = min(n_samples, int(0.02 * rate))
    if fade:
        out[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    return out[None, :]  # mono: the stand-in voice has no stereo image to keep


def _audio_frames(pcm: np.ndarray) -> Iterator[av.AudioFrame]:
    """Slice planar PCM into AAC-sized frames with sample-accurate pts."""
    total = pcm.shape[1]
    layout = _layout(pcm)
    for start in range(0, total, _AAC_FRAME):
        chunk = np.ascontiguousarray(pcm[:, start : start + _AAC_FRAME])
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
        frame.sample_rate = _AUDIO_RATE
        frame.pts = start
        frame.time_base = Fraction(1, _AUDIO_RATE)
        yield frame


_LAYOUTS = {1: "mono", 2: "stereo"}


def _layout(pcm: np.ndarray) -> str:
    """Channel layout name of planar PCM shaped (channels, samples)."""
    return _LAYOUTS[pcm.shape[0]]


def _even(value: float) -> int:
    """Nearest even integer >= 2 (yuv420p needs even dimensions); halves round up, not to even."""
    return max(2, 2 * math.floor(value / 2 + 0.5))
